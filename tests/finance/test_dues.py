"""Dues as a secretary sees them: the ledger, the yearly 核定, income changes, reliefs with their
approval, payments (back pay, proxy, voluntary) and the facts given to the members app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from finance import selectors
from finance.models import DuesPayment, IncomeChange
from finance.rules import PaymentMethod
from finance.services import dues as services
from members import participation
from members.models import Member
from members.rules import MemberStatus, Run
from members.selectors.lapse import self_lapse_report
from organizations.scope import ScopeError
from tests.members.factories import MemberFactory

MARCH = dt.date(2026, 3, 1)


def _member(
    tree: SimpleNamespace, categories: list[str], income: str | None = None, **kw: Any
) -> Member:
    return MemberFactory(
        branch=tree.branch_a,
        categories=categories,
        monthly_income=D(income) if income is not None else None,
        **kw,
    )


def _line(member: Member, month: dt.date = MARCH) -> tuple[str, str, str, str]:
    row = next(r for r in selectors.dues_ledger(month) if r.member_id == member.pk)
    cells = row.cells()
    return cells[4], cells[5], cells[6], cells[7]


# --- the ledger ---------------------------------------------------------------------------------
def test_ledger_rows_follow_the_contract(tree: SimpleNamespace) -> None:
    member = _member(tree, ["in_service", "floating"], "5000.01", name="王在职")
    row = next(r for r in selectors.dues_ledger(MARCH) if r.member_id == member.pk)
    assert row.cells() == (
        "王在职", "SD-A-1", "正式党员", "在职、流动", "5000.01", "1.5%", "75.00", "",
    )  # fmt: skip
    assert selectors.LEDGER_HEADERS == (
        "姓名", "所在党组织", "党员状态", "人员类别", "月收入", "缴纳比例", "应缴金额", "备注",
    )  # fmt: skip


def test_ledger_fixed_categories_and_retirees(tree: SimpleNamespace) -> None:
    student = _member(tree, ["student"])
    retiree = _member(tree, ["retired", "aged_or_ill"], "5000")
    assert _line(student) == ("", "固定", "0.20", "")
    assert _line(retiree) == ("5000.00", "0.5%", "25.00", "")


def test_ledger_lists_a_future_member_with_zero_and_the_reason(tree: SimpleNamespace) -> None:
    member = _member(
        tree, ["in_service"], "4000", status=MemberStatus.PROBATIONARY,
        joined_on=dt.date(2026, 4, 20), full_member_on=None,
    )  # fmt: skip
    assert _line(member) == ("", "", "0.00", "2026-04-20入党，本月尚不需交纳")
    assert _line(member, dt.date(2026, 4, 1))[2] == "40.00"  # owes from the month of acceptance


def test_ledger_member_without_income_is_a_data_error_with_the_reason(
    tree: SimpleNamespace,
) -> None:
    member = _member(tree, ["floating"])
    assert _line(member)[2:] == ("", "数据错误：未登记月收入，无法计算党费，请补登后再核定")


def test_ledger_leaves_out_members_transferred_out_before_the_month(tree: SimpleNamespace) -> None:
    member = _member(tree, ["in_service"], "4000")
    Member.objects.filter(pk=member.pk).update(transferred_out_on=dt.date(2026, 2, 10))
    assert member.pk not in {r.member_id for r in selectors.dues_ledger(MARCH)}
    assert member.pk in {r.member_id for r in selectors.dues_ledger(dt.date(2026, 2, 1))}


def test_ledger_queries_do_not_grow_with_members(
    tree: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        _member(tree, ["in_service"], "4000")
    with django_assert_max_num_queries(10) as few:
        selectors.dues_ledger(MARCH)
    for i in range(30):
        m = _member(tree, ["retired"], "6000")
        IncomeChange.objects.create(member=m, effective_month=MARCH, monthly_income=D(3000 + i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = selectors.dues_ledger(MARCH)
    assert len(rows) == 33


# --- 核定 and income changes ----------------------------------------------------------------------------
def test_fixed_amount_stays_for_the_year_when_income_is_edited(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    member = _member(tree, ["in_service"], "4000")
    fixed = services.dues_assessment_fix(member=member, year=2026, actor=secretary_a)
    assert (fixed.rate, fixed.monthly_amount) == ("1%", D("40.00"))
    Member.objects.filter(pk=member.pk).update(monthly_income=D("12000"))
    assert _line(member) == ("4000.00", "1%", "40.00", "")


def test_a_recorded_income_change_applies_from_its_month(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    member = _member(tree, ["in_service"], "4000")
    services.dues_assessment_fix(member=member, year=2026, actor=secretary_a)
    change = IncomeChange(
        member=member, effective_month=dt.date(2026, 4, 1), monthly_income=D("12000")
    )
    services.income_change_save(change=change, actor=secretary_a)
    assert _line(member)[2] == "40.00"  # March: still the fixed amount
    assert _line(member, dt.date(2026, 4, 1)) == ("12000.00", "2%", "240.00", "")


def test_fixing_twice_is_refused(tree: SimpleNamespace, secretary_a: Any) -> None:
    member = _member(tree, ["in_service"], "4000")
    services.dues_assessment_fix(member=member, year=2026, actor=secretary_a)
    with pytest.raises(ValidationError, match="已核定"):
        services.dues_assessment_fix(member=member, year=2026, actor=secretary_a)


def test_farmer_is_fixed_at_the_amount_set_and_keeps_it_next_year(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    farmer = _member(tree, ["farmer"])
    with pytest.raises(ValidationError, match="0.20元至1.00元"):
        services.dues_assessment_fix(
            member=farmer, year=2025, actor=secretary_a, farmer_amount=D("1.5")
        )
    services.dues_assessment_fix(
        member=farmer, year=2025, actor=secretary_a, farmer_amount=D("0.5")
    )
    done, problems = services.dues_year_fix(members=[farmer], year=2026, actor=secretary_a)
    assert problems == []
    assert done[0].monthly_amount == D("0.50")
    assert _line(farmer) == ("", "固定", "0.50", "")


def test_secretary_of_another_community_cannot_fix(tree: SimpleNamespace, secretary_b: Any) -> None:
    member = _member(tree, ["in_service"], "4000")
    with pytest.raises(ScopeError):
        services.dues_assessment_fix(member=member, year=2026, actor=secretary_b)


# --- reductions and waivers ---------------------------------------------------------------------------
def _relief(member: Member, **kw: Any) -> Any:
    from finance.models import DuesRelief

    values = {
        "member": member, "kind": "waive", "first_month": dt.date(2026, 2, 1),
        "last_month": dt.date(2026, 4, 1), "monthly_amount": D("0"), "reason": "重病住院",
        "branch_decided_on": dt.date(2026, 1, 20), "branch_decision": "支部委员会会议决定",
    }  # fmt: skip
    values.update(kw)
    return DuesRelief(**values)


def test_waiver_counts_only_after_the_higher_committee_approves(
    tree: SimpleNamespace, branch_officer_a: Any, secretary_a: Any
) -> None:
    member = _member(tree, ["in_service"], "4000")
    relief = services.dues_relief_save(relief=_relief(member), actor=branch_officer_a)
    assert _line(member)[2] == "40.00"
    with pytest.raises(ScopeError, match="上一级党委"):
        services.dues_relief_approve(relief=relief, actor=branch_officer_a)
    services.dues_relief_approve(relief=relief, actor=secretary_a)
    assert _line(member)[2:] == ("0.00", "经批准免交：重病住院")
    relief.refresh_from_db()
    assert relief.approved_by == secretary_a
    assert relief.approved_on is not None


def test_reduction_must_be_below_the_dues(tree: SimpleNamespace, branch_officer_a: Any) -> None:
    member = _member(tree, ["in_service"], "4000")
    with pytest.raises(ValidationError, match="应少于"):
        services.dues_relief_save(
            relief=_relief(member, kind="reduce", monthly_amount=D("40")), actor=branch_officer_a
        )


# --- payments ------------------------------------------------------------------------------------------
def test_payment_amount_is_what_is_owed(tree: SimpleNamespace, branch_officer_a: Any) -> None:
    member = _member(tree, ["in_service"], "3000.01")
    payment = services.dues_payment_record(
        member=member, period=MARCH, paid_on=dt.date(2026, 3, 10),
        method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
    )  # fmt: skip
    assert payment.amount == D("30.00")
    assert payment.recorded_by == branch_officer_a


def test_a_month_is_paid_once(tree: SimpleNamespace, branch_officer_a: Any) -> None:
    member = _member(tree, ["student"])
    kwargs = {"member": member, "period": MARCH, "paid_on": dt.date(2026, 3, 10),
              "method": PaymentMethod.IN_PERSON, "actor": branch_officer_a}  # fmt: skip
    services.dues_payment_record(**kwargs)
    with pytest.raises(ValidationError, match="已交纳"):
        services.dues_payment_record(**kwargs)


def test_back_pay_beyond_six_months_is_refused(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    member = _member(tree, ["student"], joined_on=dt.date(2010, 1, 1))
    paid_on = dt.date(2026, 8, 5)
    services.dues_payment_record(
        member=member, period=dt.date(2026, 2, 1), paid_on=paid_on,
        method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="最多补交6个月"):
        services.dues_payment_record(
            member=member, period=dt.date(2026, 1, 1), paid_on=paid_on,
            method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
        )  # fmt: skip


def test_proxy_is_a_person_never_the_organization(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    member = _member(tree, ["student"])
    with pytest.raises(ValidationError, match="党组织和单位不能代党员交纳"):
        services.dues_payment_record(
            member=member, period=MARCH, paid_on=dt.date(2026, 3, 10),
            method=PaymentMethod.PROXY, proxy_name="甲社区第一党支部", actor=branch_officer_a,
        )  # fmt: skip
    payment = services.dues_payment_record(
        member=member, period=MARCH, paid_on=dt.date(2026, 3, 10),
        method=PaymentMethod.PROXY, proxy_name="王小明（女儿）", actor=branch_officer_a,
    )  # fmt: skip
    assert payment.proxy_name == "王小明（女儿）"


def test_waived_month_cannot_be_paid(
    tree: SimpleNamespace, branch_officer_a: Any, secretary_a: Any
) -> None:
    member = _member(tree, ["in_service"], "4000")
    relief = services.dues_relief_save(relief=_relief(member), actor=branch_officer_a)
    services.dues_relief_approve(relief=relief, actor=secretary_a)
    with pytest.raises(ValidationError, match="不需交纳党费：经批准免交"):
        services.dues_payment_record(
            member=member, period=MARCH, paid_on=dt.date(2026, 3, 10),
            method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
        )  # fmt: skip


@pytest.mark.parametrize(("amount", "central"), [("999.99", False), ("1000.00", True)])
def test_voluntary_payment_of_1000_is_marked_for_the_central_committee(
    tree: SimpleNamespace, branch_officer_a: Any, amount: str, central: bool
) -> None:
    member = _member(tree, ["retired"], "4000")
    payment = services.dues_voluntary_record(
        member=member, amount=D(amount), paid_on=dt.date(2026, 7, 1),
        method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
    )  # fmt: skip
    assert payment.is_central_remittance is central
    assert payment.kind == "voluntary"


def test_branch_officer_cannot_record_another_branchs_member(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    member = MemberFactory(branch=tree.branch_b, categories=["student"])
    with pytest.raises(ScopeError):
        services.dues_payment_record(
            member=member, period=MARCH, paid_on=dt.date(2026, 3, 10),
            method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
        )  # fmt: skip


# --- the facts the members app asks -----------------------------------------------------------------
def _pay(member: Member, period: dt.date) -> None:
    DuesPayment.objects.create(
        member=member, period=period, amount=D("0.20"), paid_on=period, method="in_person"
    )


def test_finance_answers_the_dues_facts() -> None:
    assert participation.is_registered(participation.DUES_ARREARS)
    assert participation.is_registered(participation.DUES_OVERDUE_MONTHS)


def test_arrears_count_months_not_settled_and_a_waiver_settles(
    tree: SimpleNamespace, branch_officer_a: Any, secretary_a: Any
) -> None:
    paid, waived, never = (
        _member(tree, ["student"], joined_on=dt.date(2010, 1, 1)) for _ in range(3)
    )
    _pay(paid, dt.date(2025, 12, 1))
    _pay(paid, dt.date(2026, 3, 1))
    _pay(waived, dt.date(2025, 12, 1))
    _pay(waived, dt.date(2026, 1, 1))
    relief = services.dues_relief_save(relief=_relief(waived), actor=branch_officer_a)
    services.dues_relief_approve(relief=relief, actor=secretary_a)  # February to April
    answer = participation.ask(
        participation.DUES_ARREARS,
        [paid.pk, waived.pk, never.pk],
        start=None,
        end=dt.date(2026, 6, 10),
    )
    assert answer is not None
    assert answer.values == {
        paid.pk: Run(dt.date(2026, 4, 1), 2),  # April, May; January and February before
        waived.pk: Run(dt.date(2026, 5, 1), 1),
        never.pk: Run(dt.date(2025, 12, 1), 6),  # from the branch's first record
    }


def test_six_months_unpaid_flags_the_member_in_the_members_report(tree: SimpleNamespace) -> None:
    six, five = _member(tree, ["student"]), _member(tree, ["student"])
    _pay(six, dt.date(2026, 1, 1))
    _pay(five, dt.date(2026, 2, 1))
    report = self_lapse_report(members=Member.objects.all(), today=dt.date(2026, 8, 10))
    assert [row.cells()[1:] for row in report.rows] == [
        (tree.branch_a.code, "未交党费", "2026-02", 6)
    ]
    assert report.rows[0].member == six


def test_overdue_months_of_a_year_for_the_assessment(tree: SimpleNamespace, settings: Any) -> None:
    settings.FINANCE_DUES_RECORDS_SINCE = "2025-01"
    member = _member(tree, ["student"], joined_on=dt.date(2010, 1, 1))
    for month in range(1, 13):
        if month not in (3, 4):
            _pay(member, dt.date(2025, month, 1))
    answer = participation.ask(
        participation.DUES_OVERDUE_MONTHS,
        [member.pk],
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
    )
    assert answer is not None
    assert answer.values == {member.pk: 2}
