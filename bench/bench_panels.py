"""Benchmark: the worker's 工作台 computation (common/dashboard.py `workbench_compute`) taken apart,
panel provider by panel provider, each query timed (issue 25): where a role's computation spends
its time on the city.

    python bench/bench_panels.py --sub-district GD2026S01 [--user bench_officer ...]
        [--timeout 30] [--queries 3] [--sub-districts 1]

The users are bench_pages.py's (made there if missing: a sub-district officer, a secretary of its
CODE-C00, a 区委组织部 officer above it). A district officer's 工作台 is one panel per
sub-district, each computed by the same providers through their scope narrowed to it: the first
--sub-districts of them are timed. Every figure is computed afresh (DASHBOARD_CACHE_SECONDS=0);
a query running longer than --timeout seconds is cancelled (PostgreSQL) and its provider shown as
cut. Prints, per provider: wall time, queries, the time in the database, and the slowest
--queries queries with the start of their SQL.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from harness import setup


def _timed_provider(
    provider: Any, request: Any, timeout: int
) -> tuple[float, list[Any], bool, Any]:
    from django.db import OperationalError, connection, transaction

    spent: list[tuple[float, str]] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(((time.perf_counter() - start) * 1000, sql))

    finished, panel = True, None
    start = time.perf_counter()
    with connection.execute_wrapper(timer):
        try:
            with transaction.atomic():
                if timeout and connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET LOCAL statement_timeout = {int(timeout) * 1000}")
                    spent.clear()
                panel = provider(request)
        except OperationalError:
            finished = False
    return (time.perf_counter() - start) * 1000, spent, finished, panel


def measure(user: Any, label: str, timeout: int, top: int, dump: Any = None) -> float:
    from django.http import HttpRequest

    from common.dashboard import providers

    request = HttpRequest()
    request.method = "GET"
    request.path = "/admin/"
    request.user = user
    total = 0.0
    print(f"\n== {label}")
    for provider in providers():
        ms, spent, finished, panel = _timed_provider(provider, request, timeout)
        total += ms
        in_db = sum(t for t, _ in spent)
        name = f"{provider.__module__}.{provider.__name__}"
        cut = "" if finished else f"  CUT after {timeout} s"
        print(f"{ms:10.0f} ms  {len(spent):3d} q  {in_db:9.0f} ms in db  {name}{cut}")
        if dump is not None:
            dump.write(f"{label}\t{name}\t{panel!r}\n")
        for t, sql in sorted(spent, reverse=True)[:top]:
            print(f"{'':14}{t:9.0f} ms  {' '.join(sql.split())[:160]}")
    print(f"{total:10.0f} ms  in all ({label})")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sub-district", help="the sub-district of the users (default GD<seed>)")
    parser.add_argument(
        "--user",
        action="append",
        choices=["bench_officer", "bench_secretary", "bench_district"],
        help="who is measured (repeatable; default all three)",
    )
    parser.add_argument("--timeout", type=int, default=30, help="seconds a query may take")
    parser.add_argument("--queries", type=int, default=3, help="slowest queries shown")
    parser.add_argument(
        "--sub-districts", type=int, default=1, help="a district officer's sub-districts timed"
    )
    parser.add_argument(
        "--dump",
        type=argparse.FileType("w", encoding="utf-8"),
        help="write every panel computed (its repr, a line each) here: what the user sees, to "
        "compare two versions' output",
    )
    args = parser.parse_args()
    setup()
    from bench_pages import users
    from django.test import override_settings

    from organizations.scope import narrowed, scope_of
    from organizations.selectors import supervised_sub_districts

    found = users(args.seed, empty=False, code=args.sub_district, district=True)
    with override_settings(DASHBOARD_CACHE_SECONDS=0):
        for username in args.user or list(found):
            user = found[username]
            scope_of(user)
            sub_districts = supervised_sub_districts(user)
            if not sub_districts:
                measure(user, username, args.timeout, args.queries, args.dump)
                continue
            for sub_district in sub_districts[: args.sub_districts]:
                seen = narrowed(user, sub_district.pk)
                scope_of(seen)
                label = f"{username} → {sub_district.code}"
                measure(seen, label, args.timeout, args.queries, args.dump)


if __name__ == "__main__":
    main()
