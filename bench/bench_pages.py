"""Benchmark: the admin pages a secretary opens most, on the generated district, side by side with
the same pages on an empty database (issue 14).

    python manage.py generate_district --members 100000      # once, on DATABASE_URL
    python bench/bench_pages.py [--repeat 15] [--reference-url URL]

    # the city (issue 25): one of its sub-districts, and a 区委组织部 officer over all of them
    python manage.py generate_district --sub-districts 10 --members 1000000
    python bench/bench_pages.py --sub-district GD2026S01 --district [--no-uncached]

Measures, for a sub-district officer of the generated sub-district (GD<seed>) and a secretary of
its first community: the member change list (first page, a search, a filter), the meeting change
list when the activities app has one, the 工作台 with all its panels, and the user's scope as a
request finds it. The reference is the same request in a second process on an empty database
(migrated, holding only the sub-district, one community and the two users); a second table puts
the same pages beside a database whose community holds one page of rows (generate_district at 60
members), where a list draws as many rows as on the district: what is left is the tables' size. Goals: lists and
工作台 at most 2x the empty database, 工作台 median at most 300 ms, the query count of a list the
same on both, the scope at most 5 ms.

With --sub-district CODE the officer and the secretary are those of that sub-district (and of its
CODE-C00) instead of GD<seed>'s. With --district a third user, an officer of the 区委组织部 above
the sub-district (GC<seed> in a generated city), is measured on the same pages, on the compliance
page of one sub-district (?sub_district=) and of the whole district, and a third table puts every
measure beside issue 25's goals (lists ≤ 1.5× and ?q=王 ≤ 2× the one-page database, 工作台 after
a change ≤ 300 ms, compliance ≤ 300 ms a sub-district and ≤ 500 ms the district, scope ≤ 5 ms).
The one-page database's sub-district is hung under a 区委组织部 for its district officer.
--no-uncached leaves out the 工作台 computed on every request (on the city, the district officer's
takes minutes): the worker's computation is then timed once per user (工作台（后台计算一次）).
--one-page-url URL takes the one-page database from URL as it is (made beforehand with
`generate_district --members 60 --communities 1 --branches 2 --units 2 --years 1`) and measures it
once, for both tables: no database is built or dropped (a session that may use only its own
database names).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness import Timing, emit, in_subprocess, setup, table, timed

# label: (URL name, query string)
PAGES = {
    "党员列表（首页）": ("admin:members_member_changelist", ""),
    "党员列表（搜索姓名）": ("admin:members_member_changelist", "?q=王"),
    "党员列表（筛选预备党员）": ("admin:members_member_changelist", "?status__exact=probationary"),
    "会议列表（首页）": ("admin:activities_meeting_changelist", ""),
    "三会一课落实情况": ("admin:activities_meeting_compliance", ""),
    "工作台": ("admin:index", ""),
}
# Measured three times: as a user finds it (the panels a worker computed), the first visit after
# a change (the last figures, marked as overtaken; the worker is queued), and computed on every
# request (DASHBOARD_CACHE_SECONDS=0): what the worker's task takes.
UNCACHED = "工作台（每次重算）"
AFTER_CHANGE = "工作台（改动后首次访问）"
WORKER_ONCE = "工作台（后台计算一次）"
# The district officer's compliance page: one sub-district (?sub_district=<id>) and the district.
COMPLIANCE_ONE = "三会一课落实情况（单个街道）"
COMPLIANCE_ALL = "三会一课落实情况（全区）"


def users(
    seed: int, empty: bool, code: str | None = None, district: bool = False
) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from organizations.models import Organization, OrganizationAccess
    from organizations.roles import Role
    from organizations.rules import OrganizationKind as K

    code = code or f"GD{seed}"
    root, _ = Organization.objects.get_or_create(
        code=code, defaults={"name": "生成街道党工委", "kind": K.SUB_DISTRICT}
    )
    community, _ = Organization.objects.get_or_create(
        code=f"{code}-C00",
        defaults={"name": "第1社区党委", "kind": K.COMMUNITY_COMMITTEE, "parent": root},
    )
    accesses = [
        ("bench_officer", Role.SUB_DISTRICT_OFFICER, root),
        ("bench_secretary", Role.COMMUNITY_SECRETARY, community),
    ]
    if district:
        accesses.append(("bench_district", Role.DISTRICT_OFFICER, _district_root(seed, root)))
    found = {}
    for username, role, org in accesses:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True}
        )
        if created:
            user.set_password("bench-pass-1")
            user.save()
        OrganizationAccess.objects.get_or_create(user=user, organization=org, role=role)
        found[username] = user
    return found


def _district_root(seed: int, sub_district: Any) -> Any:
    """The 区委组织部 above `sub_district`: its parent in a generated city (GC<seed>); in a
    reference database one made as the generator makes it, with the sub-district hung under it."""
    from organizations.models import Organization
    from organizations.rules import OrganizationKind as K

    parent = sub_district.parent
    if parent is not None and parent.kind == K.DISTRICT:
        return parent
    root, _ = Organization.objects.get_or_create(
        code=f"GC{seed}", defaults={"name": f"生成区委组织部{seed}", "kind": K.DISTRICT}
    )
    sub_district.parent = root
    sub_district.save(update_fields=["parent"])
    return root


def measure(
    seed: int,
    repeat: int,
    empty: bool,
    code: str | None = None,
    district: bool = False,
    uncached: bool = True,
    worker_timeout: int = 0,
) -> list[Timing]:
    import time

    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from django.urls import NoReverseMatch, reverse

    from organizations.models import Organization
    from organizations.scope import scope_of

    timings = []
    for username, user in users(seed, empty, code, district).items():
        client = Client()
        client.force_login(user)
        start = time.perf_counter()
        finished = _worker_compute(user, worker_timeout)  # what the worker does after a change
        if not uncached:
            ms = (time.perf_counter() - start) * 1000
            label = WORKER_ONCE if finished else f"{WORKER_ONCE[:-1]}，超时未完成）"
            timings.append(Timing(f"{label} · {username}", ms, ms, 0))
        pages = dict(PAGES)
        if username == "bench_district":
            one = Organization.objects.get(code=code or f"GD{seed}")
            pages.pop("三会一课落实情况")
            pages[COMPLIANCE_ONE] = (
                "admin:activities_meeting_compliance",
                f"?sub_district={one.pk}",
            )
            pages[COMPLIANCE_ALL] = ("admin:activities_meeting_compliance", "")
        for label, (name, query) in pages.items():
            try:
                url = reverse(name) + query
            except NoReverseMatch:  # the app has no such list (yet)
                continue
            timings.append(timed(f"{label} · {username}", repeat, lambda u=url, c=client: c.get(u)))
        timings.append(
            timed(f"{AFTER_CHANGE} · {username}", repeat, lambda c=client: _after_change(c))
        )
        if uncached:
            with override_settings(DASHBOARD_CACHE_SECONDS=0):
                timings.append(
                    timed(
                        f"{UNCACHED} · {username}",
                        repeat,
                        lambda c=client: c.get(reverse("admin:index")),
                    )
                )
        model = get_user_model()
        timings.append(
            timed(
                f"权限范围 · {username}",
                repeat * 4,
                lambda u=user, m=model: scope_of(m.objects.get(pk=u.pk)),
            )
        )
    return timings


def _worker_compute(user: Any, timeout: int) -> bool:
    """The worker's computation of `user`'s 工作台 (none runs here), cut after `timeout` seconds
    of one query on PostgreSQL (0: none); False when cut (the pages then show no panels)."""
    from django.db import OperationalError, connection

    from common.dashboard import workbench_compute

    if not timeout or connection.vendor != "postgresql":
        workbench_compute(user)
        return True
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {int(timeout) * 1000}")
    try:
        workbench_compute(user)
        return True
    except OperationalError:
        return False
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


def _after_change(client: Any) -> Any:
    from django.urls import reverse

    from common.dashboard import _move_version

    _move_version()  # what a committed change does
    return client.get(reverse("admin:index"))


def reference_url(url: str | None) -> str:
    from django.db import connection

    if url:
        return url
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/bench_empty"
    return f"sqlite:///{Path('/tmp/bench_empty.sqlite3')}"


# The second reference: the same tree's first community holding one page of rows (members,
# meetings and what hangs on them), so that the page draws as many rows as on the district and
# only the size of the tables differs. The empty database draws none (its list is empty).
ONE_PAGE = ["--members", "60", "--communities", "1", "--branches", "2", "--units", "2"]


def prepare_reference(url: str, generate: list[str] | None = None) -> None:
    import os

    env = {**os.environ, "DATABASE_URL": url}
    if url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)  # noqa: S603,S607
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)  # noqa: S603,S607
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    manage = Path(__file__).resolve().parent.parent / "manage.py"
    subprocess.run([sys.executable, str(manage), "migrate", "-v0"], env=env, check=True)  # noqa: S603
    # Without REDIS_URL the cache is a table (config/settings.py), which migrate does not make.
    subprocess.run([sys.executable, str(manage), "createcachetable"], env=env, check=True)  # noqa: S603
    if generate:
        command = [sys.executable, str(manage), "generate_district", *generate, "--years", "1"]
        subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reference-url")
    parser.add_argument("--emit-json", action="store_true")
    parser.add_argument(
        "--keep-references",
        action="store_true",
        help="the reference databases of an earlier run, migrated (not built again)",
    )
    parser.add_argument(
        "--prepare-references", action="store_true", help="build the references, measure nothing"
    )
    parser.add_argument("--one-page-url", help="the one-page database, ready: both references")
    parser.add_argument("--sub-district", help="the sub-district measured (default GD<seed>)")
    parser.add_argument(
        "--district", action="store_true", help="also a 区委组织部 officer above the sub-district"
    )
    parser.add_argument(
        "--no-uncached",
        action="store_true",
        help="the worker's computation of the 工作台 timed once, not on every request",
    )
    parser.add_argument(
        "--worker-timeout",
        type=int,
        default=0,
        help="seconds a query of the worker's 工作台 computation may take (PostgreSQL; 0: no limit)",
    )
    args = parser.parse_args()
    setup()
    if args.emit_json:
        emit(
            measure(
                args.seed,
                args.repeat,
                empty=True,
                code=args.sub_district,
                district=args.district,
                uncached=not args.no_uncached,
                worker_timeout=args.worker_timeout,
            )
        )
        return
    url = reference_url(args.reference_url)
    one_page_url = f"{url}_one_page"  # beside the reference: bench_empty_one_page
    if url.startswith("sqlite"):
        one_page_url = f"sqlite:///{Path('/tmp/bench_one_page.sqlite3')}"
    if args.one_page_url:
        url = one_page_url = args.one_page_url
    elif not args.keep_references:
        prepare_reference(url)
        prepare_reference(one_page_url, ONE_PAGE)
    if args.prepare_references:
        return
    common = ["--repeat", str(args.repeat), "--seed", str(args.seed)]
    common += ["--district"] if args.district else []
    common += ["--no-uncached"] if args.no_uncached else []
    common += ["--worker-timeout", str(args.worker_timeout)]
    code = args.sub_district or f"GD{args.seed}"
    # The one-page database's sub-district is the generator's (GD<seed>), whatever is measured.
    one_page = in_subprocess(
        Path(__file__), one_page_url, *common, "--sub-district", f"GD{args.seed}"
    )
    reference = (
        one_page
        if args.one_page_url
        else in_subprocess(Path(__file__), url, *common, "--sub-district", code)
    )
    measured = measure(
        args.seed,
        args.repeat,
        empty=False,
        code=args.sub_district,
        district=args.district,
        uncached=not args.no_uncached,
        worker_timeout=args.worker_timeout,
    )
    rows = []
    for t in measured:
        ref = reference.get(t.label)
        if t.label.startswith("权限范围"):
            rows.append((t.label, f"{t.median_ms:.2f} ms", "—", "—", "≤ 5 ms", t.median_ms <= 5))
            continue
        if t.label.startswith(WORKER_ONCE[:-1]):
            rows.append((t.label, f"{t.median_ms:.0f} ms (once)",
                         f"{ref['median_ms']:.0f} ms" if ref else "—", "—", "off the request",
                         None))  # fmt: skip
            continue
        ratio = t.median_ms / ref["median_ms"] if ref else float("nan")
        if t.label.startswith("三会一课落实情况"):
            limit = 500 if t.label.startswith(COMPLIANCE_ALL) else 300
            rows.append(
                (t.label, f"{t.median_ms:.0f} ms, {t.queries} q", "—", "—", f"≤ {limit} ms",
                 t.median_ms <= limit)
            )  # fmt: skip
            continue
        goal_ms = t.label.startswith("工作台")
        met = (
            ref is not None
            and ratio <= 2
            and (not goal_ms or t.median_ms <= 300)
            and ref["queries"] == t.queries
        )
        rows.append(
            (
                t.label,
                f"{t.median_ms:.0f} ms, {t.queries} q",
                f"{ref['median_ms']:.0f} ms, {ref['queries']} q" if ref else "—",
                f"{ratio:.2f}×",
                "≤ 2×, ≤ 300 ms, queries equal" if goal_ms else "≤ 2×, queries equal",
                met,
            )
        )
    table("Admin pages on the generated district (bench/bench_pages.py)", rows)
    table(
        "The same pages against a database holding one page of rows (where the time goes)",
        [
            (
                t.label,
                f"{t.median_ms:.0f} ms, {t.queries} q",
                f"{one_page[t.label]['median_ms']:.0f} ms, {one_page[t.label]['queries']} q",
                f"{t.median_ms / one_page[t.label]['median_ms']:.2f}×",
                "—",
                None,
            )
            for t in measured
            if t.label in one_page and not t.label.startswith("权限范围")
        ],
    )

    if args.district:
        table("Issue 25's goals on the city (bench/bench_pages.py --district)",
              city_rows(measured, one_page))  # fmt: skip


def city_rows(
    measured: list[Timing], one_page: dict[str, Any]
) -> list[tuple[str, str, str, str, str, bool | None]]:
    """Every measure beside issue 25's goal: lists ≤ 1.5× and the one-character search ≤ 2× the
    one-page database, the 工作台 after a change ≤ 300 ms, compliance ≤ 300 ms for a sub-district
    and ≤ 500 ms for the district, the scope ≤ 5 ms."""
    rows = []
    for t in measured:
        ref = one_page.get(t.label)
        shown = f"{t.median_ms:.0f} ms, {t.queries} q"
        if t.label.startswith("权限范围"):
            rows.append((t.label, f"{t.median_ms:.2f} ms", "—", "—", "≤ 5 ms", t.median_ms <= 5))
        elif t.label.startswith(COMPLIANCE_ALL):
            rows.append((t.label, shown, "—", "—", "≤ 500 ms", t.median_ms <= 500))
        elif t.label.startswith("三会一课落实情况") or t.label.startswith(AFTER_CHANGE):
            rows.append((t.label, shown, "—", "—", "≤ 300 ms", t.median_ms <= 300))
        elif t.label.startswith(("党员列表", "会议列表")) and ref:
            limit = 2 if "搜索" in t.label else 1.5
            ratio = t.median_ms / ref["median_ms"]
            reference = f"{ref['median_ms']:.0f} ms, {ref['queries']} q"
            rows.append((t.label, shown, reference, f"{ratio:.2f}×", f"≤ {limit}×", ratio <= limit))
        else:
            rows.append((t.label, shown, "—", "—", "—", None))
    return rows


if __name__ == "__main__":
    main()
