"""Flags and scores computed in SQL agree with the pure rules, boundaries first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from members import rules
from members.models import AssessmentDeduction, FloatingRecord, Review
from members.rules import FloatingDirection, ReviewGrade, months_before
from members.selectors import records as selectors
from tests.members.factories import (
    AssessmentFactory,
    FloatingRecordFactory,
    MemberFactory,
    ReviewFactory,
)

TODAY = dt.date(2026, 7, 15)
SIX_MONTHS_AGO = dt.date(2026, 1, 15)
A_DAY_LESS = dt.date(2026, 1, 16)


def _flags(record: FloatingRecord) -> tuple[bool, bool]:
    found = selectors.floating_records_flagged(FloatingRecord.objects, today=TODAY).get(
        pk=record.pk
    )
    return found.should_transfer, found.lost_contact  # type: ignore[attr-defined]


@pytest.mark.parametrize(("since", "expected"), [(SIX_MONTHS_AGO, True), (A_DAY_LESS, False)])
def test_out_six_months_at_fixed_place_should_transfer(tree, since, expected) -> None:
    record = FloatingRecordFactory(
        member=MemberFactory(branch=tree.branch_a), since=since, last_contact_on=TODAY
    )
    assert _flags(record)[0] is expected
    assert expected is rules.floating_should_transfer(
        since=since, has_fixed_place=True, today=TODAY, months=6
    )


def test_no_fixed_place_never_should_transfer(tree) -> None:
    record = FloatingRecordFactory(
        member=MemberFactory(branch=tree.branch_a),
        since=dt.date(2020, 1, 1),
        has_fixed_place=False,
        last_contact_on=TODAY,
    )
    assert _flags(record) == (False, False)


@pytest.mark.parametrize(
    ("since", "fixed", "expected"),
    [
        (months_before(TODAY, 14), True, True),  # 14 months at a fixed place: 应转入组织关系
        (SIX_MONTHS_AGO, True, True),
        (A_DAY_LESS, True, False),
        (months_before(TODAY, 14), False, False),  # no fixed place: stays floating
    ],
)
def test_inflow_at_a_fixed_place_half_a_year_should_transfer_here(
    tree, since, fixed, expected
) -> None:
    record = FloatingRecordFactory(
        member=MemberFactory(branch=tree.branch_b),
        direction=FloatingDirection.INFLOW,
        certificate_checked=True,
        placed_in=tree.branch_a,
        has_fixed_place=fixed,
        since=since,
        last_contact_on=TODAY,
    )
    assert _flags(record) == (expected, False)


@pytest.mark.parametrize(
    ("last_contact_on", "expected"), [(SIX_MONTHS_AGO, True), (A_DAY_LESS, False)]
)
def test_six_months_without_contact_is_lost(tree, last_contact_on, expected) -> None:
    record = FloatingRecordFactory(
        member=MemberFactory(branch=tree.branch_a),
        since=dt.date(2025, 1, 1),
        has_fixed_place=False,
        last_contact_on=last_contact_on,
    )
    assert _flags(record)[1] is expected
    assert expected is rules.floating_lost_contact(
        last_contact_on=last_contact_on, today=TODAY, months=6
    )


def test_ended_record_is_not_flagged(tree) -> None:
    record = FloatingRecordFactory(
        member=MemberFactory(branch=tree.branch_a),
        since=dt.date(2020, 1, 1),
        last_contact_on=dt.date(2020, 1, 1),
        ended_on=dt.date(2021, 1, 1),
    )
    assert _flags(record) == (False, False)


@override_settings(FLOATING_TRANSFER_MONTHS=12, FLOATING_NO_CONTACT_MONTHS=3)
def test_flags_follow_the_settings(tree) -> None:
    record = FloatingRecordFactory(
        member=MemberFactory(branch=tree.branch_a),
        since=SIX_MONTHS_AGO,
        last_contact_on=dt.date(2026, 4, 15),
    )
    assert _flags(record) == (False, True)


def test_floating_list_is_scoped(tree, secretary_b) -> None:
    FloatingRecordFactory(member=MemberFactory(branch=tree.branch_a))
    mine = FloatingRecordFactory(member=MemberFactory(branch=tree.branch_b))
    assert list(selectors.floating_record_list(user=secretary_b)) == [mine]


def test_score_is_100_minus_deductions(tree) -> None:
    sheet = AssessmentFactory(member=MemberFactory(branch=tree.branch_a))
    untouched = AssessmentFactory(member=MemberFactory(branch=tree.branch_a))
    AssessmentDeduction.objects.create(assessment=sheet, item=4, points=Decimal("15"), reason="a")
    AssessmentDeduction.objects.create(assessment=sheet, item=9, points=Decimal("2.5"), reason="b")
    scores = dict(
        selectors.assessments_scored(sheet.__class__.objects.all()).values_list("pk", "score")
    )
    assert scores == {sheet.pk: Decimal("82.5"), untouched.pk: Decimal("100")}


def test_sheet_lists_all_ten_items_with_maximum(tree) -> None:
    sheet = AssessmentFactory(member=MemberFactory(branch=tree.branch_a))
    AssessmentDeduction.objects.create(assessment=sheet, item=3, points=Decimal("5"), reason="欠费")
    rows = selectors.assessment_sheet_get(assessment=sheet)
    assert [row.maximum for row in rows] == [8, 7, 17, 15, 7, 10, 7, 14, 7, 8]
    assert (rows[2].deducted, rows[2].score, rows[2].reasons) == (Decimal("5"), 12, "欠费")


def test_review_summary_counts_each_grade_per_branch(tree) -> None:
    for grade in (ReviewGrade.EXCELLENT, ReviewGrade.QUALIFIED, ReviewGrade.QUALIFIED):
        ReviewFactory(member=MemberFactory(branch=tree.branch_a), grade=grade)
    ReviewFactory(member=MemberFactory(branch=tree.branch_a), grade="", was_probationary=True)
    [row] = selectors.review_summary_list(reviews=Review.objects.all())
    assert row.describe() == (
        "甲社区第一党支部2026年度：优秀1人、合格2人、基本合格0人、不合格0人、预备党员不定等次1人"
    )
    assert row.total == 4
