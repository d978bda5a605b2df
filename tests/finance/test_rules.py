"""The dues table, rounding, back payment, remittance, arrears and fund-plan rules at every edge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from finance import rules
from finance.rules import (
    ARREARS_LAPSE_MONTHS,
    ARREARS_WARN_MONTHS,
    BACK_PAY_MAX_MONTHS,
    CENTRAL_REMITTANCE_THRESHOLD,
    ArrearsLevel,
    DuesBasis,
    FundUse,
    MonthFacts,
    PaymentMethod,
)
from members.rules import Category as C


@pytest.mark.parametrize(
    ("income", "rate", "amount"),
    [
        ("0", "0.5%", "0.00"),
        ("2999.99", "0.5%", "15.00"),
        ("3000", "0.5%", "15.00"),
        ("3000.01", "1%", "30.00"),
        ("4999.99", "1%", "50.00"),
        ("5000", "1%", "50.00"),
        ("5000.01", "1.5%", "75.00"),
        ("9999.99", "1.5%", "150.00"),
        ("10000", "1.5%", "150.00"),
        ("10000.01", "2%", "200.00"),
        ("25000", "2%", "500.00"),
    ],
)
def test_in_service_table_applies_the_rate_to_the_whole_base(
    income: str, rate: str, amount: str
) -> None:
    dues = rules.dues_amount(DuesBasis.IN_SERVICE, income=D(income))
    assert (dues.rate, dues.amount) == (rate, D(amount))
    assert str(dues.amount) == amount  # two decimals, a Decimal


@pytest.mark.parametrize(
    ("income", "rate", "amount"),
    [
        ("3000", "0.5%", "15.00"),
        ("4999.99", "0.5%", "25.00"),
        ("5000", "0.5%", "25.00"),
        ("5000.01", "1%", "50.00"),
        ("8000", "1%", "80.00"),
    ],
)
def test_retired_table_is_half_percent_up_to_5000_then_one(
    income: str, rate: str, amount: str
) -> None:
    dues = rules.dues_amount(DuesBasis.RETIRED, income=D(income))
    assert (dues.rate, dues.amount) == (rate, D(amount))


@pytest.mark.parametrize(
    ("income", "expected"),
    [
        ("3001", "30.01"),  # 1% of 3001
        ("3000.50", "30.01"),  # 30.005 rounds half up
        ("3000.49", "30.00"),  # 30.0049
        ("5000.10", "75.00"),  # 75.0015
        ("5000.30", "75.00"),  # 75.0045
        ("5000.34", "75.01"),  # 75.0051
        ("2001", "10.01"),  # 10.005 half up, not banker's rounding to 10.00
        ("2003", "10.02"),  # 10.015 -> 10.02
    ],
)
def test_dues_are_rounded_to_the_fen_half_up(income: str, expected: str) -> None:
    assert rules.dues_amount(DuesBasis.IN_SERVICE, income=D(income)).amount == D(expected)


def test_rounding_helper_is_half_up_not_half_even() -> None:
    assert rules.to_fen(D("0.125")) == D("0.13")
    assert rules.to_fen(D("0.135")) == D("0.14")
    assert rules.to_fen(D("0.1249")) == D("0.12")


@pytest.mark.parametrize("category", [C.STUDENT, C.UNEMPLOYED, C.LOW_INCOME])
def test_students_unemployed_and_low_income_pay_fixed_twenty_fen(category: str) -> None:
    basis = rules.dues_basis({category}, has_income=False)
    assert basis == DuesBasis.LOW_INCOME
    assert rules.dues_amount(basis) == rules.Dues("固定", D("0.20"))


@pytest.mark.parametrize("amount", ["0.20", "0.50", "1.00"])
def test_farmer_pays_the_fixed_amount_set_for_them(amount: str) -> None:
    basis = rules.dues_basis({C.FARMER}, has_income=False)
    assert basis == DuesBasis.FARMER
    assert rules.dues_amount(basis, fixed_amount=D(amount)) == rules.Dues("固定", D(amount))


@pytest.mark.parametrize("amount", ["0.19", "1.01", "0", "0.555"])
def test_farmer_amount_outside_0_2_to_1_0_is_refused(amount: str) -> None:
    error = rules.farmer_amount_error(D(amount))
    assert error in ("农民党员每月交纳0.20元至1.00元", "金额最多保留两位小数（到分）")
    assert rules.dues_amount(DuesBasis.FARMER, fixed_amount=D(amount)) == error


def test_farmer_without_an_amount_cannot_be_computed() -> None:
    assert rules.dues_amount(DuesBasis.FARMER) == "农民党员的交纳数额尚未确定"


def test_salaried_without_income_cannot_be_computed() -> None:
    assert rules.dues_amount(DuesBasis.IN_SERVICE) == "未登记月收入，无法计算党费"
    assert rules.dues_error(DuesBasis.IN_SERVICE) == "未登记月收入，无法计算党费"


@pytest.mark.parametrize("basis", [DuesBasis.IN_SERVICE, DuesBasis.RETIRED])
def test_a_negative_income_is_refused_with_its_message(basis: DuesBasis) -> None:
    assert rules.dues_amount(basis, income=D("-0.01")) == "月收入不能为负数"
    assert isinstance(rules.dues_amount(basis, income=D("0")), rules.Dues)


@pytest.mark.parametrize(
    ("categories", "expected"),
    [
        ({C.IN_SERVICE, C.FLOATING}, DuesBasis.IN_SERVICE),
        ({C.IN_SERVICE, C.STUDENT}, DuesBasis.IN_SERVICE),
        ({C.RETIRED, C.AGED_OR_ILL}, DuesBasis.RETIRED),
        ({C.RETIRED, C.LOW_INCOME}, DuesBasis.RETIRED),
        ({C.FARMER, C.FLOATING}, DuesBasis.FARMER),
        ({C.UNEMPLOYED, C.FLOATING}, DuesBasis.LOW_INCOME),
    ],
)
def test_several_categories_take_the_rule_of_the_income_source(
    categories: set[str], expected: DuesBasis
) -> None:
    assert rules.dues_basis(categories, has_income=True) == expected


def test_floating_only_pays_by_wages_when_an_income_is_recorded() -> None:
    assert rules.dues_basis({C.FLOATING}, has_income=True) == DuesBasis.IN_SERVICE
    assert rules.dues_basis({C.FLOATING}, has_income=False) is None


@pytest.mark.parametrize(
    ("rate", "label"), [("0.005", "0.5%"), ("0.01", "1%"), ("0.015", "1.5%"), ("0.02", "2%")]
)
def test_rate_labels_are_written_as_the_table(rate: str, label: str) -> None:
    assert rules.rate_label(D(rate)) == label


# --- back payment: at most 6 months ---------------------------------------------------------------
JULY_15 = dt.date(2026, 7, 15)


def test_back_pay_reaches_exactly_six_months() -> None:
    assert BACK_PAY_MAX_MONTHS == 6
    assert rules.payment_period_error(dt.date(2026, 1, 1), JULY_15, PaymentMethod.IN_PERSON) is None


def test_back_pay_of_seven_months_is_refused_with_the_reason() -> None:
    error = rules.payment_period_error(dt.date(2025, 12, 1), JULY_15, PaymentMethod.IN_PERSON)
    assert error is not None
    assert "最多补交6个月" in error
    assert "2025年12月" in error
    assert "2026年1月" in error


def test_back_pay_edge_across_a_year_end() -> None:
    paid = dt.date(2026, 2, 28)
    assert rules.payment_period_error(dt.date(2025, 8, 1), paid, PaymentMethod.PROXY) is None
    assert rules.payment_period_error(dt.date(2025, 7, 1), paid, PaymentMethod.PROXY)


def test_this_month_is_always_payable() -> None:
    assert rules.payment_period_error(dt.date(2026, 7, 1), JULY_15, PaymentMethod.IN_PERSON) is None


def test_paying_ahead_only_quarterly_within_the_quarter() -> None:
    september = dt.date(2026, 9, 1)
    assert rules.payment_period_error(september, JULY_15, PaymentMethod.QUARTERLY) is None
    assert rules.payment_period_error(september, JULY_15, PaymentMethod.IN_PERSON)
    assert rules.payment_period_error(dt.date(2026, 10, 1), JULY_15, PaymentMethod.QUARTERLY)


# --- voluntary payments: 1000 yuan or more to the central committee ----------------------------------
@pytest.mark.parametrize(
    ("amount", "central"), [("999.99", False), ("1000", True), ("1000.00", True), ("5000", True)]
)
def test_voluntary_payment_of_1000_or_more_goes_to_the_central_committee(
    amount: str, central: bool
) -> None:
    assert D("1000") == CENTRAL_REMITTANCE_THRESHOLD
    assert rules.is_central_remittance(D(amount)) is central


# --- arrears ------------------------------------------------------------------------------------------
TODAY = dt.date(2026, 7, 10)


def _paid(*months: tuple[int, int], late_days: int = 9) -> dict[dt.date, dt.date]:
    """Each month paid, on its 10th (or `late_days` after its start)."""
    return {dt.date(y, m, 1): dt.date(y, m, 1) + dt.timedelta(days=late_days) for y, m in months}


def _run(arrears: rules.Arrears) -> tuple[str, int] | None:
    return (f"{arrears.run.first:%Y-%m}", arrears.run.months) if arrears.run else None


@pytest.mark.parametrize(
    ("paid_through", "run", "level"),
    [
        ((2026, 6), None, None),  # June paid: nothing due but July, still open
        ((2026, 2), ("2026-03", 4), None),  # March to June
        ((2026, 1), ("2026-02", 5), ArrearsLevel.WARNED),  # February to June
        ((2025, 12), ("2026-01", 6), ArrearsLevel.LAPSED),  # January to June
        ((2025, 6), ("2025-07", 12), ArrearsLevel.LAPSED),
    ],
)
def test_arrears_warn_at_five_and_flag_at_six_consecutive_months(
    paid_through: tuple[int, int], run: tuple[str, int] | None, level: ArrearsLevel | None
) -> None:
    assert (ARREARS_WARN_MONTHS, ARREARS_LAPSE_MONTHS) == (5, 6)
    first = dt.date(2025, 1, 1)
    months = [(m.year, m.month) for m in rules_months(first, dt.date(*paid_through, 1))]
    found = rules.arrears(first, _paid(*months), as_of=TODAY, quarterly=False)
    assert _run(found) == run
    assert rules.arrears_level(found.months) == level


def rules_months(first: dt.date, last: dt.date) -> list[dt.date]:
    return [rules.add_months(first, i) for i in range(rules.months_between(first, last) + 1)]


def test_paying_a_later_month_does_not_settle_six_unpaid_ones() -> None:
    """Paying July (the current month) after January to June unpaid leaves the six."""
    paid = _paid((2025, 12), (2026, 7))
    found = rules.arrears(dt.date(2025, 12, 1), paid, as_of=TODAY, quarterly=False)
    assert _run(found) == ("2026-01", 6)
    assert found.unsettled == tuple(dt.date(2026, m, 1) for m in range(1, 7))


def test_the_current_month_unpaid_is_not_late() -> None:
    first = dt.date(2026, 1, 1)
    assert _run(rules.arrears(first, {}, as_of=dt.date(2026, 6, 30), quarterly=False)) == (
        "2026-01",
        5,
    )
    assert _run(rules.arrears(first, {}, as_of=dt.date(2026, 7, 1), quarterly=False)) == (
        "2026-01",
        6,
    )


def test_a_raised_run_stands_after_the_months_are_paid_back() -> None:
    """January to June unpaid on 1 July; paid back on 5 July: the run that stood remains."""
    back = {dt.date(2026, m, 1): dt.date(2026, 7, 5) for m in range(1, 7)}
    found = rules.arrears(dt.date(2026, 1, 1), back, as_of=TODAY, quarterly=False)
    assert _run(found) == ("2026-01", 6)
    before = {dt.date(2026, m, 1): dt.date(2026, 6, 30) for m in range(1, 7)}
    paid_in_time = rules.arrears(dt.date(2026, 1, 1), before, as_of=TODAY, quarterly=False)
    assert _run(paid_in_time) is None  # five months behind on 30 June, never six


def test_a_quarterly_payer_is_not_late_within_the_quarter() -> None:
    """Paid through February by quarter: on 20 September March to June are late (4), July and
    August are within the quarter; paying monthly, March to August would be six."""
    paid = _paid((2026, 1), (2026, 2))
    as_of = dt.date(2026, 9, 20)
    quarterly = rules.arrears(dt.date(2026, 1, 1), paid, as_of=as_of, quarterly=True)
    monthly = rules.arrears(dt.date(2026, 1, 1), paid, as_of=as_of, quarterly=False)
    assert _run(quarterly) == ("2026-03", 4)
    assert _run(monthly) == ("2026-03", 6)
    assert rules.payment_deadline(dt.date(2026, 7, 1), quarterly=True) == dt.date(2026, 10, 1)
    assert rules.payment_deadline(dt.date(2026, 9, 1), quarterly=True) == dt.date(2026, 10, 1)
    assert rules.payment_deadline(dt.date(2026, 12, 1), quarterly=True) == dt.date(2027, 1, 1)


def test_a_waived_month_is_settled() -> None:
    waived = {dt.date(2026, m, 1): dt.date.min for m in range(1, 7)}
    assert rules.arrears(dt.date(2026, 1, 1), waived, as_of=TODAY, quarterly=False).run is None


# --- a month's dues for a member ------------------------------------------------------------------
def _facts(**kwargs: object) -> MonthFacts:
    values: dict[str, object] = {
        "month": dt.date(2026, 3, 1),
        "joined_on": dt.date(2010, 5, 1),
        "categories": frozenset({C.IN_SERVICE}),
        "income": D("6000"),
        "income_changed_this_year": False,
        "fixed_amount": None,
    }
    values.update(kwargs)
    return MonthFacts(**values)  # type: ignore[arg-type]


def test_member_without_a_fixed_amount_is_computed_from_current_income() -> None:
    line = rules.month_dues(_facts())
    assert (line.rate, line.amount, line.income, line.note) == ("1.5%", D("90.00"), D("6000"), "")


def test_the_fixed_amount_of_the_year_stays_while_income_is_unchanged() -> None:
    line = rules.month_dues(_facts(fixed_amount=D("75.00"), fixed_rate="1.5%", income=D("9000")))
    assert (line.rate, line.amount) == ("1.5%", D("75.00"))


def test_an_income_change_this_year_replaces_the_fixed_amount() -> None:
    facts = _facts(fixed_amount=D("75.00"), fixed_rate="1.5%", income=D("12000"))
    line = rules.month_dues(MonthFacts(**{**facts.__dict__, "income_changed_this_year": True}))
    assert (line.rate, line.amount) == ("2%", D("240.00"))


def test_probationary_member_owes_from_the_month_of_acceptance() -> None:
    accepted = dt.date(2026, 3, 28)
    assert rules.month_dues(_facts(joined_on=accepted)).amount == D("90.00")
    before = rules.month_dues(_facts(joined_on=dt.date(2026, 4, 1)))
    assert before.amount == D("0.00")
    assert "2026-04-01入党" in before.note


def test_waiver_owes_nothing_with_the_reason() -> None:
    line = rules.month_dues(_facts(relief_amount=D("0.00"), relief_reason="重病住院"))
    assert line.amount == D("0.00")
    assert line.note == "经批准免交：重病住院"


def test_reduction_owes_the_reduced_amount() -> None:
    line = rules.month_dues(_facts(relief_amount=D("10.00"), relief_reason="家庭困难"))
    assert line.amount == D("10.00")
    assert "减交" in line.note


def test_missing_income_owes_nothing_with_the_reason() -> None:
    line = rules.month_dues(_facts(categories=frozenset({C.FLOATING}), income=None))
    assert line.amount == D("0.00")
    assert "未登记月收入" in line.note


def test_reduced_amount_must_be_below_the_full_dues() -> None:
    assert rules.relief_amount_error(D("90.00"), D("90.00"))
    assert rules.relief_amount_error(D("-1"), D("90.00"))
    assert rules.relief_amount_error(D("89.99"), D("90.00")) is None


# --- 党建经费 plans -------------------------------------------------------------------------------------
def test_plan_within_the_balance_and_the_four_uses_passes() -> None:
    items = [
        ("学习资料", FundUse.EDUCATION_MATERIALS, D("300")),
        ("慰问", FundUse.HARDSHIP, D("700")),
    ]
    assert rules.plan_errors(items, remaining=D("1000")) == []


def test_plan_above_the_balance_is_refused_by_one_fen() -> None:
    items = [("慰问", FundUse.HARDSHIP, D("1000.01"))]
    assert rules.plan_errors(items, remaining=D("1000")) == [
        "支出计划合计1000.01元，超过经费余额1000.00元"
    ]


def test_item_of_no_permitted_use_is_refused_with_the_uses() -> None:
    errors = rules.plan_errors([("聚餐", "", D("100"))], remaining=D("1000"))
    assert errors
    assert "第1项“聚餐”不属于党建经费的用途" in errors[0]
    assert "表彰奖励" in errors[0]


def test_monthly_installment_of_10000() -> None:
    assert rules.monthly_installment(D("10000")) == D("833.33")


# --- the approval chain: a step leads on, goes back, or says why it cannot -----------------------
@pytest.mark.parametrize(
    ("status", "approved", "expected"),
    [
        (rules.PlanStatus.DRAFT, True, rules.PlanStatus.AT_ORGANIZATION_MEMBER),
        (rules.PlanStatus.RETURNED, True, rules.PlanStatus.AT_ORGANIZATION_MEMBER),
        (rules.PlanStatus.AT_DIRECTOR, True, rules.PlanStatus.APPROVED),
        (rules.PlanStatus.APPROVED, True, rules.PlanStatus.PAID),
        (rules.PlanStatus.AT_ORGANIZATION_MEMBER, False, rules.PlanStatus.RETURNED),
        (rules.PlanStatus.APPROVED, False, rules.PlanStatus.RETURNED),
        (rules.PlanStatus.DRAFT, False, "支出计划尚未提交，不能退回"),
        (rules.PlanStatus.RETURNED, False, "支出计划尚未提交，不能退回"),
        (rules.PlanStatus.PAID, True, "该支出计划已拨付，审批流程已结束"),
        (rules.PlanStatus.PAID, False, "该支出计划已拨付，审批流程已结束"),
    ],
)
def test_status_after_a_step_or_the_message_why_not(
    status: str, approved: bool, expected: str
) -> None:
    after = rules.status_after(status, approved=approved)
    assert after == expected
    assert isinstance(after, rules.PlanStatus) is (expected in rules.PlanStatus.values)
