"""The one-query dues ledger (issue 25: 1,000,000 members in 30 s) gives the rows the previous
computation gave (tests/finance/ledger_reference.py, the code as it was), row for row and cell for
cell, on a tree of edge cases: waived and reduced months, late and early payments, members who
join or leave in the year, transferred out or moved between branches, income changes before,
in and after the year, 核定 with and without a change, farmers, and data errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest

from finance import selectors
from finance.models import DuesAssessment, DuesPayment, DuesRelief, IncomeChange
from finance.rules import ZERO, LedgerLine
from members.models import Member
from members.rules import MemberStatus
from tests.finance.ledger_reference import reference_ledger
from tests.members.factories import MemberFactory

MONTHS = [dt.date(2025, 12, 1), *(dt.date(2026, m, 1) for m in (1, 2, 3, 4, 6, 7, 12))]


def _relief(member: Member, first: str, last: str, amount: str, **kw: Any) -> DuesRelief:
    fields: dict[str, Any] = {
        "kind": "waive" if D(amount) == 0 else "reduce",
        "reason": "重病住院",
        "status": "approved",
        "branch_decided_on": dt.date(2025, 12, 1),
        "branch_decision": "支委会决定",
        **kw,
    }
    return DuesRelief.objects.create(
        member=member,
        first_month=dt.date.fromisoformat(first),
        last_month=dt.date.fromisoformat(last),
        monthly_amount=D(amount),
        **fields,
    )


def _fixed(member: Member, year: int, basis: str, rate: str, amount: str, income: Any) -> None:
    DuesAssessment.objects.create(
        member=member, year=year, basis=basis, rate=rate, monthly_amount=D(amount),
        monthly_income=None if income is None else D(income), fixed_on=dt.date(year, 1, 5),
    )  # fmt: skip


def _change(member: Member, month: str, income: str) -> None:
    IncomeChange.objects.create(
        member=member, effective_month=dt.date.fromisoformat(month), monthly_income=D(income)
    )


def _paid(member: Member, period: str, paid_on: str, amount: str) -> None:
    DuesPayment.objects.create(
        member=member, period=dt.date.fromisoformat(period), amount=D(amount),
        paid_on=dt.date.fromisoformat(paid_on), method="in_person",
    )  # fmt: skip


@pytest.fixture
def edge_cases(tree: SimpleNamespace) -> SimpleNamespace:
    a, b = tree.branch_a, tree.branch_b

    def member(name: str, categories: list[str], income: str | None = None, **kw: Any) -> Member:
        return MemberFactory(
            name=name, branch=kw.pop("branch", a), categories=categories,
            monthly_income=None if income is None else D(income), **kw,
        )  # fmt: skip

    worker = member("张在职", ["in_service", "floating", "retired"], "10000.01")
    _fixed(worker, 2026, "in_service", "2%", "200.00", "10000.01")
    _change(worker, "2025-06-01", "9000")  # last year: the 核定 stands
    _paid(worker, "2026-01-01", "2026-03-20", "200.00")  # late
    _paid(worker, "2026-02-01", "2026-01-28", "200.00")  # ahead

    raised = member("李加薪", ["in_service"], "4800")
    _fixed(raised, 2026, "in_service", "1%", "48.00", "4800")
    _change(raised, "2026-04-01", "5200")  # this year: computed from April on
    _change(raised, "2026-09-01", "12000")
    _change(raised, "2027-01-01", "3000")  # after every month shown

    retiree = member("王退休", ["retired", "aged_or_ill"], "5000")
    _relief(retiree, "2026-02-01", "2026-06-01", "0")  # waived
    _relief(retiree, "2026-06-01", "2026-07-01", "5.00", reason="")  # later pk: June reduced
    _relief(retiree, "2026-03-01", "2026-12-01", "1.00", status="pending")  # not approved
    _relief(retiree, "2025-01-01", "2025-11-01", "0")  # over before the months shown

    farmer = member("赵农民", ["farmer"])
    _fixed(farmer, 2025, "farmer", "固定", "0.60", None)  # last year's amount still holds
    farmer_unset = member("钱农民", ["farmer"])  # a data error: amount never set
    member("孙学生", ["student", "unemployed"])
    member("周低保", ["low_income"], "1200")
    member("吴无类别", [], "3000")  # no category, an income: the in-service table
    member("郑无收入", ["floating"])  # a data error: no income for a bracket
    member("冯在职", ["in_service"])  # a data error too, fixed by a change later
    _change(Member.objects.get(name="冯在职"), "2026-03-01", "2999.99")
    member("陈乙支部", ["in_service"], "2600", branch=b)
    _relief(farmer_unset, "2026-01-01", "2026-12-01", "0")  # a waiver on an error row

    # joining and leaving in the year, transferred out, moved between branches
    member(
        "褚新党员", ["in_service"], "6000", status=MemberStatus.PROBATIONARY,
        joined_on=dt.date(2026, 3, 15), full_member_on=None,
    )  # fmt: skip
    member("卫明年", ["retired"], "7000", joined_on=dt.date(2027, 1, 1))
    member("蒋转出", ["in_service"], "8000", transferred_out_on=dt.date(2026, 3, 31))
    member("沈月初转出", ["retired"], "4000", transferred_out_on=dt.date(2026, 6, 1))
    moved = member("韩转入", ["in_service"], "3500", branch=b)
    _paid(moved, "2026-01-01", "2026-01-10", "17.50")
    member("杨同名", ["student"], branch=b)
    member("杨同名", ["retired"], "2000", branch=b)  # same name: by id
    return SimpleNamespace(tree=tree, worker=worker, retiree=retiree, moved=moved)


def _shown(rows: list[selectors.LedgerRow]) -> list[tuple[Any, ...]]:
    """Each row as a whole (amounts compared as numbers) and as written (to the fen)."""
    return [(row, row.cells(), str(row.line.amount), str(row.line.income)) for row in rows]


@pytest.mark.parametrize("month", MONTHS, ids=lambda m: f"{m:%Y-%m}")
def test_the_ledger_is_the_previous_computation_row_for_row(
    edge_cases: SimpleNamespace, month: dt.date
) -> None:
    expected = _shown(reference_ledger(month))
    assert len(expected) >= 15
    assert _shown(selectors.dues_ledger(month)) == expected
    assert _shown(list(selectors.dues_ledger_stream(month, chunk_size=3))) == expected


def test_the_ledger_of_part_of_the_members_is_the_previous_computation(
    edge_cases: SimpleNamespace,
) -> None:
    """The members given (a scope's queryset) are those listed, moved or not."""
    tree = edge_cases.tree
    Member.objects.filter(pk=edge_cases.moved.pk).update(branch=tree.branch_a)
    for members in (
        Member.objects.filter(branch=tree.branch_a),
        Member.objects.filter(branch__parent=tree.community_b),
        Member.objects.filter(pk=edge_cases.retiree.pk),
        Member.objects.none(),
    ):
        for month in (dt.date(2026, 3, 1), dt.date(2026, 6, 1)):
            expected = _shown(reference_ledger(month, members))
            assert _shown(selectors.dues_ledger(month, members)) == expected
            assert _shown(list(selectors.dues_ledger_stream(month, members))) == expected


def test_a_members_month_and_the_data_errors_are_those_of_the_ledger(
    edge_cases: SimpleNamespace,
) -> None:
    """member_month_dues and the data errors (dues_standing) read the same rows."""
    march = dt.date(2026, 3, 1)
    reference = {row.member_id: row.line for row in reference_ledger(march)}
    for member in Member.objects.all():
        line = selectors.member_month_dues(member, march)
        assert line == reference.get(member.pk, LedgerLine("", ZERO, None, "本月已不在本组织"))
    errors = {pk for pk, line in reference.items() if line.is_error}
    assert errors
    assert errors == {row.member_id for row in selectors.dues_ledger(march) if row.line.is_error}


@pytest.mark.django_db
def test_no_member_is_an_empty_ledger_and_no_arrears_not_an_error(
    tree: SimpleNamespace, client: Any, secretary_a: Any
) -> None:
    """A community with no member yet (the tree has none): its ledger has no row and its 工作台
    counts no arrears. The ledger's one query is not even sent for a condition no row meets."""
    month = dt.date(2026, 6, 1)
    nobody = Member.objects.filter(pk__in=[])
    assert selectors.dues_ledger(month, nobody) == []
    assert list(selectors.dues_ledger_stream(month, nobody)) == []
    found = selectors.arrears_member_ids(Member.objects.filter(branch=tree.branch_a), month)
    assert found == {"warned": set(), "lapsed": set(), "error": set()}
    client.force_login(secretary_a)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "名党员连续" in page.content.decode()
