"""Benchmark: the month's dues ledger of a whole sub-district (issue 11: under 30 s on PostgreSQL
for 100,000 members).

    python bench/bench_dues_ledger.py [--members 100000] [--repeat 3]
    python bench/bench_dues_ledger.py --existing [--month 2026-06] [--repeat 1]   # the city
    python bench/bench_dues_ledger.py --existing --sub-district GD2026S01          # one of its 10


Builds, in a throw-away test database (SQLite by default, PostgreSQL with DATABASE_URL), one
sub-district of 20 communities with 10 branches each and N members spread over them, every
category mixed as in the demo; a fifth have a recorded income change this year, half a 核定 for
the year, one in a hundred an approved waiver. Then times `finance.selectors.dues_ledger` (the
rows in memory) and the `dues_ledger` command (rows written to .xlsx), and prints the median
and worst time and the number of queries.

With --existing nothing is built: the database of DATABASE_URL is measured as it is (the generated
city's 1,000,000 members in 10 sub-districts, issue 25: at most 30 s, streamed), through the
streamed selector (`dues_ledger_stream`, rows counted and dropped) and the command writing the
.xlsx; the process's CPU seconds and peak memory are printed beside the wall-clock time. With
--sub-district CODE only the members of the branches under that organization (codes CODE-…)
are measured, the .xlsx written as the command writes it (`finance.resources.ledger_file`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from finance import rules  # noqa: E402
from finance.models import DuesAssessment, DuesRelief, IncomeChange  # noqa: E402
from finance.selectors import dues_ledger, dues_ledger_stream  # noqa: E402
from members.models import Member, MemberCategory  # noqa: E402
from organizations.models import Organization  # noqa: E402
from organizations.rules import OrganizationKind as K  # noqa: E402

COMMUNITIES, BRANCHES = 20, 10
MONTH = dt.date(2026, 6, 1)
# (category codes, monthly income or None), cycled over the members.
MIX = (
    (("retired",), Decimal("4600")),
    (("in_service",), Decimal("2800")),
    (("in_service", "floating"), Decimal("8200")),
    (("retired", "aged_or_ill"), Decimal("5200")),
    (("in_service",), Decimal("12000")),
    (("student",), None),
    (("unemployed",), None),
    (("farmer",), None),
    (("low_income",), None),
    (("retired",), Decimal("6800")),
)
CHUNK = 5000


def _branches() -> list[Organization]:
    root = Organization.objects.create(name="基准街道党工委", code="B", kind=K.SUB_DISTRICT)
    branches = []
    for c in range(COMMUNITIES):
        community = Organization.objects.create(
            name=f"第{c}社区党委", code=f"B-{c}", kind=K.COMMUNITY_COMMITTEE, parent=root
        )
        branches += Organization.objects.bulk_create(
            Organization(
                name=f"第{c}社区第{b}支部", code=f"B-{c}-{b}", kind=K.BRANCH, parent=community
            )
            for b in range(BRANCHES)
        )
    return branches


def generate(count: int) -> None:
    branches = _branches()
    categories = {c.code: c.pk for c in MemberCategory.objects.all()}
    through = Member.categories.through
    for start in range(0, count, CHUNK):
        members = Member.objects.bulk_create(
            _member(i, branches) for i in range(start, min(count, start + CHUNK))
        )
        links, incomes, fixed, reliefs = [], [], [], []
        for member in members:
            i = int(member.citizen_id)
            codes, _ = MIX[i % len(MIX)]
            links += [through(member_id=member.pk, membercategory_id=categories[c]) for c in codes]
            if i % 5 == 0 and member.monthly_income is not None:
                incomes.append(IncomeChange(member=member, effective_month=dt.date(2026, 4, 1),
                                            monthly_income=member.monthly_income + 1500))  # fmt: skip
            if i % 2 == 0:
                fixed.append(_assessment(member, codes))
            if i % 100 == 0:
                reliefs.append(DuesRelief(
                    member=member, kind="waive", first_month=dt.date(2026, 1, 1),
                    last_month=dt.date(2026, 12, 1), reason="重病", status="approved",
                    branch_decided_on=dt.date(2025, 12, 1), branch_decision="支委会决定",
                ))  # fmt: skip
        through.objects.bulk_create(links)
        IncomeChange.objects.bulk_create(incomes)
        DuesAssessment.objects.bulk_create(fixed)
        DuesRelief.objects.bulk_create(reliefs)


def _member(i: int, branches: list[Organization]) -> Member:
    _, income = MIX[i % len(MIX)]
    return Member(
        name=f"党员{i}", gender="male", birth_date=dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
        citizen_id=f"{i:018d}", status="full", joined_on=dt.date(1990 + i % 30, 1 + i % 12, 1),
        branch=branches[i % len(branches)], monthly_income=income,
    )  # fmt: skip


def _assessment(member: Member, codes: tuple[str, ...]) -> DuesAssessment:
    basis = rules.dues_basis(set(codes), has_income=member.monthly_income is not None)
    assert basis is not None
    dues = rules.dues_amount(basis, income=member.monthly_income, fixed_amount=Decimal("0.50"))
    assert isinstance(dues, rules.Dues), dues
    return DuesAssessment(
        member=member, year=2026, basis=basis, monthly_income=member.monthly_income,
        rate=dues.rate, monthly_amount=dues.amount, fixed_on=dt.date(2026, 1, 5),
    )  # fmt: skip


def measure(label: str, repeat: int, action: Callable[[], object]) -> float:
    times, queries = [], 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
        queries = len(captured.captured_queries)
    median = statistics.median(times)
    print(f"{label:<44} median {median:7.2f} s   max {max(times):7.2f} s   {queries:3d} queries")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--existing", action="store_true", help="measure DATABASE_URL's members as they are"
    )
    parser.add_argument("--month", default=f"{MONTH:%Y-%m}", help="YYYY-MM (with --existing)")
    parser.add_argument(
        "--sub-district", help="with --existing: only the members under this organization code"
    )
    args = parser.parse_args()
    setup_test_environment()
    if args.existing:
        run_existing(rules.parse_month(args.month), args.repeat, args.sub_district)
        return
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(
            Path(connection.settings_dict["NAME"]).with_name("bench_dues.sqlite3")
        )
    else:
        connection.settings_dict["TEST"]["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        run(args.members, args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(count: int, repeat: int) -> None:
    start = time.perf_counter()
    generate(count)
    print(
        f"generated {Member.objects.count()} members in {time.perf_counter() - start:.1f} s on {connection.vendor}"
    )
    rows = dues_ledger(MONTH)
    owed = sum((row.line.amount for row in rows), rules.ZERO)
    print(f"ledger {MONTH:%Y-%m}: {len(rows)} rows, {owed:.2f} yuan owed")
    measure("dues_ledger selector (rows in memory)", repeat, lambda: dues_ledger(MONTH))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.xlsx"
        measure("dues_ledger command (written to .xlsx)", repeat, lambda: call_command(
            "dues_ledger", f"{MONTH:%Y-%m}", str(path), stdout=StringIO()))  # fmt: skip


def run_existing(month: dt.date, repeat: int, sub_district: str | None = None) -> None:
    import resource

    from finance.resources import ledger_file

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    members = Member.objects.all()
    if sub_district:
        members = members.filter(branch__code__startswith=f"{sub_district}-")
    print(f"{members.count()} members on {connection.vendor}, ledger {month:%Y-%m}")

    def stream() -> None:
        count, owed = 0, rules.ZERO
        for row in dues_ledger_stream(month, members):
            count += 1
            owed += row.line.amount
        print(f"  {count} rows, {owed:.2f} yuan owed")

    before = cpu()
    measure("dues_ledger_stream (rows counted, not kept)", repeat, stream)
    print(f"  CPU of this process: {(cpu() - before) / repeat:.1f} s a run")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.xlsx"
        before = cpu()
        if sub_district:
            measure("the same rows written to .xlsx", repeat, lambda: ledger_file(
                path, dues_ledger_stream(month, members), month))  # fmt: skip
        else:
            measure("dues_ledger command (written to .xlsx)", repeat, lambda: call_command(
                "dues_ledger", f"{month:%Y-%m}", str(path), stdout=StringIO()))  # fmt: skip
        print(f"  CPU of this process: {(cpu() - before) / repeat:.1f} s a run")
        print(f"  file: {path.stat().st_size / 1e6:.1f} MB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS) of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
