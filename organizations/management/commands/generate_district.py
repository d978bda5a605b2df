"""`python manage.py generate_district --members 100000 [--seed 2026]`: a district-scale
sub-district for the benchmarks in bench/ (kit/district.py). Idempotent for a given seed.

`--sub-districts 10 --members 1000000`: a city of 10 sub-districts (GD<seed>S01…S10), each of them
the sizes given per sub-district (`--communities` …) with its share of the members, under the city's
root organization once the tree has a kind for one (organizations/district.py city_root)."""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from kit.apps import ordered_steps
from kit.district import CITY_SERIALS, MAX_SERIALS, District
from organizations.district import city_root
from organizations.models import tree_paths_refresh
from organizations.scope import forget_all_scopes


class Command(BaseCommand):
    help = (
        "生成区级规模的测试数据（每个街道60个社区、约2000个党支部、2000个驻区单位…，"
        "可生成多个街道组成的城区），供性能测试用。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=100_000, help="党员总人数（默认100000）")
        parser.add_argument(
            "--sub-districts", type=int, default=1,
            help="街道数（默认1：一个街道GD<种子>；多个时为GD<种子>S01、S02…，党员平均分配）",
        )  # fmt: skip
        parser.add_argument(
            "--communities", type=int, default=60, help="每个街道的社区数（默认60）"
        )
        parser.add_argument(
            "--branches", type=int, default=2_000, help="每个街道的社区党支部数（默认2000）"
        )
        parser.add_argument(
            "--units", type=int, default=2_000, help="每个街道的驻区单位数（默认2000）"
        )
        parser.add_argument("--years", type=int, default=5, help="会议、党费等记录的年数（默认5）")
        parser.add_argument(
            "--seed", type=int, default=2026, help="随机种子：同一种子生成同样的数据"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["sub_districts"]
        if count < 1:
            raise CommandError("街道数至少为1。")
        per = options["members"] // count
        if count > 1 and CITY_SERIALS + count * per > MAX_SERIALS:
            raise CommandError(f"党员总数过多：城区最多生成{MAX_SERIALS - CITY_SERIALS}名党员。")
        started, cpu, database_cpu = time.perf_counter(), _cpu(), _database_cpu()
        parent = city_root(options["seed"]) if count > 1 else None
        steps = ordered_steps("district_steps")  # every app's, in order (kit/apps.py)
        for index in range(1, count + 1):
            district = District(
                seed=options["seed"],
                members=per,
                communities=options["communities"],
                branches=options["branches"],
                units=options["units"],
                years=options["years"],
                out=self.stderr,
                index=0 if count == 1 else index,
                count=count,
                parent=parent,
            )
            if count > 1:
                elapsed = time.perf_counter() - started
                district.say(f"—— 第{index}/{count}个街道 {district.code}（已用{elapsed:.0f}秒）")
            for step in steps:
                with transaction.atomic():  # each step of each sub-district commits on its own
                    _without_waiting_for_the_disk()
                    step(district)
        tree_paths_refresh(connection)  # the tree was written in bulk (no save())
        forget_all_scopes()
        # Fresh statistics, or the planner guesses; on PostgreSQL also the visibility map that
        # autovacuum keeps on a database in use (without it a count reads every row from the heap).
        vacuum = (
            connection.vendor == "postgresql" and not connection.in_atomic_block
        )  # not in a test
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        seconds = time.perf_counter() - started
        where = district.code if count == 1 else f"{count}个街道（GD{options['seed']}S01…）"
        spent = f"本进程CPU {_cpu() - cpu:.0f}秒"
        if database_cpu is not None and (after := _database_cpu()) is not None:
            spent += f"，数据库连接进程CPU {after - database_cpu:.0f}秒"
        self.stdout.write(f"已生成 {where}：{per * count}名党员，用时{seconds:.0f}秒（{spent}）。")


def _cpu() -> float:
    """This process's CPU seconds (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _database_cpu() -> float | None:
    """The CPU seconds of this connection's PostgreSQL backend, when the server runs on this
    machine and its /proc is readable (the work COPY, the indexes and the commits cost there)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _without_waiting_for_the_disk() -> None:
    """On PostgreSQL, a step's commit returns before its WAL is flushed: a crash may lose the last
    steps' rows (never half of one), which the next run writes again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
