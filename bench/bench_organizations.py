"""Benchmark: access scope and the tree pages on a generated district-scale tree.

    python bench/bench_organizations.py [--communities 30] [--repeat 20] [--sub-districts 10]

Builds, in a throw-away test database (SQLite by default, PostgreSQL with DATABASE_URL), one
sub-district with N communities of 12 branches and 3 groups each plus 10 workplace units per
community, then times what every admin request pays: a user's scope (as a request finds it, from
the cache, and computed afresh), and the organization change list and tree page for a sub-district
officer and a community secretary. The sub-district officer's change list is first measured on the
empty sub-district, and the generated one is reported against it. Prints one line per
measurement: the median and worst time in milliseconds, and the number of queries.

With `--sub-districts N` (issue 25), a 区委组织部 stands above N such sub-districts and the scope
of its district officer is timed too (the goal: at most 5 ms a request over 10 sub-districts).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from organizations.models import (  # noqa: E402
    Organization,
    OrganizationAccess,
    Position,
    Unit,
    tree_paths_refresh,
)
from organizations.roles import Role  # noqa: E402
from organizations.rules import OrganizationKind as K  # noqa: E402
from organizations.scope import compute_scope, forget_all_scopes, scope_of  # noqa: E402

BRANCHES, GROUPS, UNITS = 12, 3, 10


def generate(root: Organization, communities: int) -> None:
    prefix = root.code
    for c in range(communities):
        community = Organization.objects.create(
            name=f"{prefix}第{c}社区党委", code=f"{prefix}-{c}", kind=K.COMMUNITY_COMMITTEE,
            parent=root,
        )  # fmt: skip
        Position.objects.create(
            organization=community,
            title="secretary",
            holder_name=f"书记{c}",
            start_date="2022-01-01",
        )
        for b in range(BRANCHES):
            branch = Organization.objects.create(
                name=f"{prefix}第{c}社区第{b}支部",
                code=f"{prefix}-{c}-{b}",
                kind=K.BRANCH,
                parent=community,
            )
            Position.objects.create(
                organization=branch,
                title="secretary",
                holder_name=f"支书{c}-{b}",
                start_date="2022-01-01",
            )
            Organization.objects.bulk_create(
                Organization(
                    name=f"第{c}社区第{b}支部第{g}小组",
                    code=f"{prefix}-{c}-{b}-{g}",
                    kind=K.GROUP,
                    parent=branch,
                )
                for g in range(GROUPS)
            )
        for u in range(UNITS):
            org = Organization.objects.create(
                name=f"{prefix}单位{c}-{u}党支部", code=f"U-{prefix}-{c}-{u}", kind=K.UNIT_ORG
            )
            Unit.objects.create(
                name=f"单位{c}-{u}",
                kind="agency",
                community=community,
                party_organization=org,
            )
    tree_paths_refresh(connection)  # bulk_create does not save() each node
    forget_all_scopes()  # bulk_create sends no signal


def user(username: str, role: str, code: str):  # type: ignore[no-untyped-def]
    account = get_user_model().objects.create_user(username, password="bench-pass-1", is_staff=True)
    OrganizationAccess.objects.create(
        user=account, organization=Organization.objects.get(code=code), role=role
    )
    return account


def measure(label: str, repeat: int, action: Callable[[], object]) -> float:
    """The median time of `action` in milliseconds, printed with the worst time and the queries."""
    times, queries = [], 0
    for _ in range(repeat):
        reset_queries()  # the query log keeps 9000 entries: once full, nothing seems captured
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            action()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
    median = statistics.median(times)
    print(f"{label:<52} median {median:8.1f} ms   max {max(times):8.1f} ms   {queries:3d} queries")
    return median


def changelist(account: object) -> Callable[[], object]:
    client = Client()
    client.force_login(account)  # type: ignore[arg-type]
    client.get(CHANGELIST)  # warm: templates, the cached scope
    return lambda: client.get(CHANGELIST)


CHANGELIST = "/admin/organizations/organization/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communities", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sub-districts", type=int, default=1)
    args = parser.parse_args()

    setup_test_environment()
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per test login otherwise
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(
            Path(connection.settings_dict["NAME"]).with_name("bench.sqlite3")
        )
    else:
        connection.settings_dict["TEST"]["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        run(args.communities, args.repeat, args.sub_districts)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(communities: int, repeat: int, sub_districts: int = 1) -> None:
    district = None
    if sub_districts > 1:
        district = Organization.objects.create(name="基准区委组织部", code="QW", kind=K.DISTRICT)
    root = Organization.objects.create(
        name="基准街道党工委", code="B", kind=K.SUB_DISTRICT, parent=district
    )
    officer = user("bench_jiedao", Role.SUB_DISTRICT_OFFICER, "B")
    superuser = get_user_model().objects.create_superuser("bench_root", password="bench-pass-1")
    empty = measure(
        "organization change list, sub-district officer, empty", repeat, changelist(officer)
    )
    start = time.perf_counter()
    generate(root, communities)
    for i in range(2, sub_districts + 1):
        other = Organization.objects.create(
            name=f"基准街道党工委{i}", code=f"B{i}", kind=K.SUB_DISTRICT, parent=district
        )
        generate(other, communities)
    print(
        f"generated {Organization.objects.count()} organizations, {Unit.objects.count()} units "
        f"in {time.perf_counter() - start:.1f} s on {connection.vendor}"
    )
    secretary = user("bench_secretary", Role.COMMUNITY_SECRETARY, "B-0")
    model = get_user_model()
    if district is not None:
        quwei = user("bench_quwei", Role.DISTRICT_OFFICER, "QW")
        measure(
            f"scope of district officer over {sub_districts} sub-districts (a request: cached)",
            repeat,
            lambda: scope_of(model.objects.get(pk=quwei.pk)),
        )
        measure("scope of district officer, computed afresh", repeat, lambda: compute_scope(quwei))
    full = 0.0
    for label, account in (("sub-district officer", officer), ("community secretary", secretary)):
        measure(
            f"scope of {label} (a request: cached)",
            repeat,
            lambda a=account: scope_of(model.objects.get(pk=a.pk)),
        )
        measure(f"scope of {label}, computed afresh", repeat, lambda a=account: compute_scope(a))
        median = measure(f"organization change list, {label}", repeat, changelist(account))
        full = full or median
        client = Client()
        client.force_login(account)
        measure(
            f"tree page, {label}",
            max(3, repeat // 4),
            lambda c=client: c.get("/admin/organizations/organization/tree/"),
        )
    # The same page with no scope at all: what is left is the admin rendering 100 rows, not 1.
    unscoped = measure(
        "organization change list, superuser (no scope)", repeat, changelist(superuser)
    )
    print(
        f"sub-district officer's change list: {full / empty:.1f}x the empty sub-district's, "
        f"{full / unscoped:.2f}x the superuser's on the same tree"
    )


if __name__ == "__main__":
    main()
