"""`python manage.py generate_district --members 100000 [--seed 2026]`: a district-scale
sub-district for the benchmarks in bench/ (kit/district.py). Idempotent for a given seed."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from kit.apps import ordered_steps
from kit.district import District
from organizations.scope import forget_all_scopes


class Command(BaseCommand):
    help = "生成区级规模的测试数据（60个社区、约2000个党支部、2000个驻区单位、10万党员…），供性能测试用。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=100_000, help="党员人数（默认100000）")
        parser.add_argument("--communities", type=int, default=60, help="社区数（默认60）")
        parser.add_argument("--branches", type=int, default=2_000, help="社区党支部数（默认2000）")
        parser.add_argument("--units", type=int, default=2_000, help="驻区单位数（默认2000）")
        parser.add_argument("--years", type=int, default=5, help="会议、党费等记录的年数（默认5）")
        parser.add_argument(
            "--seed", type=int, default=2026, help="随机种子：同一种子生成同样的数据"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        district = District(
            seed=options["seed"],
            members=options["members"],
            communities=options["communities"],
            branches=options["branches"],
            units=options["units"],
            years=options["years"],
            out=self.stderr,
        )
        started = time.perf_counter()
        for step in ordered_steps("district_steps"):  # every app's, in order (kit/apps.py)
            with transaction.atomic():
                step(district)
        forget_all_scopes()
        # Fresh statistics, or the planner guesses; on PostgreSQL also the visibility map that
        # autovacuum keeps on a database in use (without it a count reads every row from the heap).
        vacuum = (
            connection.vendor == "postgresql" and not connection.in_atomic_block
        )  # not in a test
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"已生成 {district.code}：{district.members}名党员，用时{seconds:.0f}秒。"
        )
