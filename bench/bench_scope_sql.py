"""Benchmark: a scope's condition as SQL, the tree form against the ids it replaced (issue 25).

    python bench/bench_scope_sql.py [--repeat 3] [--users bench_secretary,bench_officer,bench_district]

For the users bench/bench_pages.py makes (run it once first), on DATABASE_URL (PostgreSQL): the
member list's count and first page, the `?q=王` count, and the meeting list's first page, each
built by the admin's own queryset with the user's scope twice, side by side in one run: as the
scope now goes into SQL (`InTree`: a few subtrees by Organization.tree_path) and as it went
before (every id in one array parameter, `IdSet`). Prints, per query, the size of the
parameters sent, the planning and execution times (EXPLAIN ANALYZE, the median of --repeat),
and the plan's top lines.

First, per user, the scope as a request loads it from the cache (`--load-only`: only that): the
value kept as it is now (`OrgIds`, runs of ids) beside the same sets as plain frozensets (what
the cache held before): the pickled size, and the median time of the cache read and unpickling
(`cache.get_many` of the version and the user's entry, as `scope_of` does).
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


def _load_times(user: Any, repeat: int) -> dict[str, tuple[int, float]]:
    """Pickled size and median load time of the user's kept scope, as runs and as sets."""
    import pickle
    import time

    from django.core.cache import cache

    from organizations import scope as scope_module

    scope_module.forget_scope(user)
    scope = scope_module.scope_of(type(user).objects.get(pk=user.pk))  # computed and kept
    version = cache.get(scope_module._VERSION_KEY)
    key = scope_module._user_key(user)
    found = {}
    for form, value in (("runs", scope), ("sets", _as_ids(scope))):
        cache.set(f"{key}:bench", (version, value), timeout=600)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            entry = cache.get_many([scope_module._VERSION_KEY, f"{key}:bench"])
            times.append((time.perf_counter() - start) * 1000)
        assert entry[f"{key}:bench"][1] == value
        found[form] = (len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)), statistics.median(times))
    cache.delete(f"{key}:bench")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--users", default="bench_secretary,bench_officer,bench_district")
    parser.add_argument("--load-only", action="store_true", help="only the scope's load times")
    args = parser.parse_args()
    setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from organizations import scope as scope_module

    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[1]
    for username in args.users.split(","):
        user = get_user_model().objects.get(username=username)
        found = _load_times(user, args.repeat * 20)
        print(
            f"{username} · scope loaded from the cache ({backend}): "
            + ", ".join(f"{form} {size:,} bytes {ms:.2f} ms" for form, (size, ms) in found.items())
        )
    for username in args.users.split(",") if not args.load_only else ():
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
