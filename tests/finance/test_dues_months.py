"""登记交纳 of several months at once (issue 22 point 7): the service's edges (the sixth month
back is paid, the seventh refuses the whole lot; a month already paid; a month before the member
joined), all or nothing, and the per-member month computation the page reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from finance import selectors
from finance.models import DuesPayment, IncomeChange
from finance.rules import PaymentKind, PaymentMethod, dues_page_span
from finance.services import dues as services
from members.models import Member
from members.rules import MemberStatus
from tests.finance.factories import DuesAssessmentFactory, DuesReliefFactory
from tests.members.factories import MemberFactory

JULY_10 = dt.date(2026, 7, 10)


def _month(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _member(tree: SimpleNamespace, income: str = "4000", **kw: Any) -> Member:
    return MemberFactory(
        branch=tree.branch_a, categories=["in_service"], monthly_income=D(income), **kw
    )


def _record(member: Member, months: list[dt.date], actor: Any, **kw: Any) -> list[DuesPayment]:
    arguments = {"paid_on": JULY_10, "method": PaymentMethod.IN_PERSON, **kw}
    return services.dues_payments_record(member=member, periods=months, actor=actor, **arguments)


def test_three_months_of_back_pay_are_recorded_at_their_computed_amounts(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    member = _member(tree, "5000")  # 1% of 5000
    months = [_month(2026, 4), _month(2026, 5), _month(2026, 6)]
    recorded = _record(member, months, branch_officer_a)
    stored = DuesPayment.objects.filter(member=member).order_by("period")
    assert [(p.period, p.amount, p.paid_on) for p in stored] == [
        (m, D("50.00"), JULY_10) for m in months
    ]
    assert [p.pk for p in recorded] == [p.pk for p in stored]
    assert {p.recorded_by for p in stored} == {branch_officer_a}


def test_the_sixth_month_back_is_paid(tree: SimpleNamespace, branch_officer_a: Any) -> None:
    member = _member(tree)
    _record(member, [_month(2026, 1)], branch_officer_a)  # July pays January: six back
    assert DuesPayment.objects.get(member=member).period == _month(2026, 1)


def test_the_seventh_month_back_refuses_every_month_and_saves_nothing(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    member = _member(tree)
    months = [_month(2025, 12), _month(2026, 1), _month(2026, 2)]
    with pytest.raises(ValidationError) as refused:
        _record(member, months, branch_officer_a)
    assert refused.value.messages == [
        "补交党费最多补交6个月：2026-07-10交纳的最早可补交2026年1月，2025年12月已超过期限："
        "请取消勾选2025年12月"
    ]
    assert not DuesPayment.objects.filter(member=member).exists()


def test_a_month_already_paid_refuses_the_lot(tree: SimpleNamespace, branch_officer_a: Any) -> None:
    member = _member(tree)
    _record(member, [_month(2026, 3)], branch_officer_a)
    with pytest.raises(ValidationError, match="2026年3月的党费已交纳，不能重复登记"):
        _record(member, [_month(2026, 3), _month(2026, 4)], branch_officer_a)
    assert list(DuesPayment.objects.filter(member=member).values_list("period", flat=True)) == [
        _month(2026, 3)
    ]


def test_a_month_before_the_member_joined_is_refused(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    member = _member(
        tree, status=MemberStatus.PROBATIONARY, joined_on=dt.date(2026, 4, 20), full_member_on=None
    )
    with pytest.raises(ValidationError) as refused:
        _record(member, [_month(2026, 3), _month(2026, 4)], branch_officer_a)
    assert refused.value.messages == [
        f"{member.name}2026年3月不需交纳党费：2026-04-20入党，本月尚不需交纳：请取消勾选2026年3月"
    ]
    assert not DuesPayment.objects.filter(member=member).exists()
    _record(member, [_month(2026, 4)], branch_officer_a)  # probationary: from the month accepted
    assert DuesPayment.objects.get(member=member).amount == D("40.00")


def test_every_refusal_is_named_at_once(tree: SimpleNamespace, branch_officer_a: Any) -> None:
    member = _member(tree)
    _record(member, [_month(2026, 5)], branch_officer_a)
    with pytest.raises(ValidationError) as refused:
        _record(member, [_month(2025, 11), _month(2026, 5), _month(2026, 6)], branch_officer_a)
    assert len(refused.value.messages) == 2
    assert "2025年11月已超过期限" in refused.value.messages[0]
    assert "2026年5月的党费已交纳" in refused.value.messages[1]
    assert DuesPayment.objects.filter(member=member).count() == 1


def test_paying_ahead_only_within_the_quarter_and_only_quarterly(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    member = _member(tree)
    quarter = [_month(2026, 7), _month(2026, 8), _month(2026, 9)]
    with pytest.raises(ValidationError, match="不能预交2026年8月的党费"):
        _record(member, quarter, branch_officer_a, paid_on=dt.date(2026, 7, 1))
    _record(
        member, quarter, branch_officer_a, paid_on=dt.date(2026, 7, 1),
        method=PaymentMethod.QUARTERLY,
    )  # fmt: skip
    assert DuesPayment.objects.filter(member=member).count() == 3


def test_a_proxy_is_a_person_named(tree: SimpleNamespace, branch_officer_a: Any) -> None:
    member = _member(tree)
    with pytest.raises(ValidationError, match="请填写代交人姓名"):
        _record(member, [_month(2026, 6)], branch_officer_a, method=PaymentMethod.PROXY)
    with pytest.raises(ValidationError, match="党组织和单位不能代党员交纳"):
        _record(
            member, [_month(2026, 6)], branch_officer_a, method=PaymentMethod.PROXY,
            proxy_name="春晖社区第一党支部",
        )  # fmt: skip
    _record(
        member, [_month(2026, 6)], branch_officer_a, method=PaymentMethod.PROXY, proxy_name="张三"
    )
    assert DuesPayment.objects.get(member=member).proxy_name == "张三"


def test_months_and_a_voluntary_extra_in_one_call(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    member = _member(tree)
    _record(member, [_month(2026, 6)], branch_officer_a, voluntary_amount=D("1000"))
    voluntary = DuesPayment.objects.get(member=member, kind=PaymentKind.VOLUNTARY)
    assert voluntary.is_central_remittance
    assert DuesPayment.objects.filter(member=member, kind=PaymentKind.DUES).count() == 1


def test_a_bad_voluntary_amount_saves_no_month_either(
    tree: SimpleNamespace, branch_officer_a: Any, settings: Any
) -> None:
    settings.FINANCE_VOLUNTARY_MAX_AMOUNT = "5000"
    member = _member(tree)
    with pytest.raises(ValidationError, match="自愿多交党费：一次自愿多交党费50000.00元超过上限"):
        _record(member, [_month(2026, 6)], branch_officer_a, voluntary_amount=D("50000"))
    assert not DuesPayment.objects.filter(member=member).exists()


def test_nothing_chosen_is_refused(tree: SimpleNamespace, branch_officer_a: Any) -> None:
    with pytest.raises(ValidationError, match="请勾选要交纳的月份"):
        _record(_member(tree), [], branch_officer_a)


def test_another_communitys_secretary_records_nothing(
    tree: SimpleNamespace, secretary_b: Any
) -> None:
    member = _member(tree)
    with pytest.raises(PermissionDenied):
        _record(member, [_month(2026, 6)], secretary_b)
    assert not DuesPayment.objects.filter(member=member).exists()


# --- the months the page computes --------------------------------------------------------------
def test_member_months_agree_with_the_ledger(tree: SimpleNamespace, secretary_a: Any) -> None:
    """核定, an income change within the year, an approved waiver and the month of joining: the
    page's computation gives what the ledger gives, month by month."""
    member = _member(tree, "4000", joined_on=dt.date(2024, 5, 3))
    DuesAssessmentFactory(member=member, year=2026)
    IncomeChange.objects.create(
        member=member, effective_month=_month(2026, 9), monthly_income=D("12000")
    )
    DuesReliefFactory(
        member=member, first_month=_month(2026, 2), last_month=_month(2026, 3), status="approved"
    )
    months = [_month(2024, m) for m in range(1, 13)] + [_month(2026, m) for m in range(1, 13)]
    lines = selectors.member_months_dues(member, months)
    assert lines == {m: selectors.member_month_dues(member, m) for m in months}
    assert lines[_month(2026, 1)].amount == D("40.00")  # 核定
    assert lines[_month(2026, 2)].amount == D("0")  # waived
    assert lines[_month(2026, 9)].amount == D("240.00")  # the new income: 2%


def test_the_page_spans_the_back_pay_window_and_the_quarter() -> None:
    assert dues_page_span(2026, dt.date(2026, 2, 10)) == (_month(2025, 8), _month(2026, 3))
    assert dues_page_span(2026, dt.date(2026, 12, 7)) == (_month(2026, 1), _month(2026, 12))
    assert dues_page_span(2025, dt.date(2026, 12, 7)) == (_month(2025, 1), _month(2025, 12))


def test_the_page_counts_arrears_and_offers_only_payable_months(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    member = _member(tree, "4000", joined_on=dt.date(2020, 1, 1))
    _record(member, [_month(2026, 3)], branch_officer_a, paid_on=dt.date(2026, 3, 5))
    today = dt.date(2026, 7, 20)
    page = selectors.member_dues_page(member, year=2026, today=today)
    by_key = {m.key: m for m in page.months}
    assert by_key["2026-03"].status == "已交"
    assert by_key["2026-03"].payment is not None
    # Judged from March (the branch's first payment): April to June are late, July is not.
    assert page.arrears_months == (_month(2026, 4), _month(2026, 5), _month(2026, 6))
    assert page.arrears_total == D("120.00")
    assert [by_key[k].status for k in ("2026-04", "2026-07", "2026-08")] == [
        "欠交", "未到期", "未到期",
    ]  # fmt: skip
    assert by_key["2026-02"].status == "未交（本支部交纳记录起始前，不计欠交）"
    assert [m.key for m in page.payable] == [
        "2026-01", "2026-02", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09",
    ]  # fmt: skip


def test_a_run_paid_late_keeps_its_flag_but_owes_only_the_months_unpaid(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    """January paid on time, February to July not by their deadlines (six: flagged); June and
    July paid late on 20 August. The flag stands until the branch decides; what is owed is
    February to May."""
    member = _member(tree, "4000", joined_on=dt.date(2020, 1, 1))
    _record(member, [_month(2026, 1)], branch_officer_a, paid_on=dt.date(2026, 1, 5))
    _record(member, [_month(2026, 6), _month(2026, 7)], branch_officer_a,
            paid_on=dt.date(2026, 8, 20))  # fmt: skip
    page = selectors.member_dues_page(member, year=2026, today=dt.date(2026, 8, 25))
    assert page.standing.level is not None
    assert page.standing.level.value == "lapsed"
    assert page.arrears_months == tuple(_month(2026, m) for m in (2, 3, 4, 5))
    assert page.arrears_total == D("160.00")
    by_key = {m.key: m for m in page.months}
    assert (by_key["2026-06"].status, by_key["2026-06"].is_arrears) == ("已交", False)
    assert by_key["2026-05"].is_arrears
