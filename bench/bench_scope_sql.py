"""Benchmark: a scope's condition as SQL, the tree form against the ids it replaced (issue 25).

    python bench/bench_scope_sql.py [--repeat 3] [--users bench_secretary,bench_officer,bench_district]

For the users bench/bench_pages.py makes (run it once first), on DATABASE_URL (PostgreSQL): the
member list's count and first page, the `?q=王` count, and the meeting list's first page, each
built by the admin's own queryset with the user's scope twice, side by side in one run: as the
scope now goes into SQL (`InTree`: a few subtrees by Organization.tree_path) and as it went
before (every id in one array parameter, `IdSet`). Prints, per query, the size of the
parameters sent, the planning and execution times (EXPLAIN ANALYZE, the median of --repeat),
and the plan's top lines.
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any

from harness import setup

QUERIES = ("党员列表 count", "党员列表 首页", "?q=王 count", "会议列表 首页")


def _as_ids(scope: Any) -> Any:
    from organizations.scope import Scope

    def plain(ids: Any) -> Any:
        return None if ids is None else frozenset(ids)

    return Scope(
        visible=plain(scope.visible), editable=plain(scope.editable), people=plain(scope.people),
        managed=plain(scope.managed), supervised=frozenset(scope.supervised),
    )  # fmt: skip


def _querysets(user: Any) -> dict[str, Any]:
    from django.contrib import admin
    from django.test import RequestFactory

    from activities.models import Meeting
    from members.models import Member

    request = RequestFactory().get("/")
    request.user = user
    members = admin.site._registry[Member].get_queryset(request)
    meetings = admin.site._registry[Meeting].get_queryset(request)
    found = members.matching_text("王") if hasattr(members, "matching_text") else members
    return {
        "党员列表 count": members.order_by(),
        "党员列表 首页": members[:40],
        "?q=王 count": found.order_by(),
        "会议列表 首页": meetings[:40],
    }


def _explain(queryset: Any, count: bool, repeat: int) -> tuple[int, float, float, list[str]]:
    from django.db import connection

    if count:  # as the paginator counts: the rows' ids, counted
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
        sql = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608
    else:
        sql, params = queryset.query.sql_with_params()
    size = sum(len(str(p)) for p in params)
    planning, execution, plan = [], [], []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF) {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
            for line in plan:
                if line.startswith("Planning Time"):
                    planning.append(float(line.split()[2]))
                if line.startswith("Execution Time"):
                    execution.append(float(line.split()[2]))
    return size, statistics.median(planning), statistics.median(execution), plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--users", default="bench_secretary,bench_officer,bench_district")
    args = parser.parse_args()
    setup()
    from django.contrib.auth import get_user_model

    from organizations import scope as scope_module

    for username in args.users.split(","):
        for form in ("tree", "ids"):
            user = get_user_model().objects.get(username=username)
            scope = scope_module.scope_of(user)
            if form == "ids":
                user._organization_scope = (scope_module._current_generation, _as_ids(scope))
            for label, queryset in _querysets(user).items():
                size, planning, execution, plan = _explain(
                    queryset, label.endswith("count"), args.repeat
                )
                print(
                    f"{username} · {label} · {form}: parameters {size:,} characters, "
                    f"planning {planning:.1f} ms, execution {execution:.1f} ms"
                )
                for line in plan[:6]:
                    print(f"    {line[:160]}")


if __name__ == "__main__":
    main()
