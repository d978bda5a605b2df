"""Reads of floating members, transfers, reviews and score sheets that feed lists and reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    ExpressionWrapper,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from organizations.models import Organization

from .. import participation
from ..models import Assessment, FloatingRecord, Member, Review
from ..rules import (
    ASSESSMENT_DEDUCTIONS,
    ASSESSMENT_ITEMS,
    ORGANIZATIONAL_LIFE_TARGET,
    FloatingDirection,
    ReviewGrade,
    excellent_quota,
    months_before,
    review_year_end,
)

ASSESSMENT_FULL_SCORE = sum(points for _, _, points in ASSESSMENT_ITEMS)


# --- 流动党员 ---------------------------------------------------------------------------------------
def floating_should_transfer_q(today: dt.date) -> Q:
    """SQL twin of rules.floating_should_transfer, for current records: an outflow to transfer
    there, an inflow to transfer here (应转入组织关系)."""
    cutoff = months_before(today, settings.FLOATING_TRANSFER_MONTHS)
    return Q(has_fixed_place=True, since__lte=cutoff, ended_on__isnull=True)


def floating_lost_contact_q(today: dt.date) -> Q:
    """SQL twin of rules.floating_lost_contact, for current records."""
    cutoff = months_before(today, settings.FLOATING_NO_CONTACT_MONTHS)
    return Q(last_contact_on__lte=cutoff, ended_on__isnull=True)


def floating_certificate_problem_q(today: dt.date) -> Q:
    """SQL twin of rules.floating_certificate_problem: a current outflow without a valid
    流动党员活动证."""
    invalid = Q(certificate_number="") | Q(certificate_expires_on__lt=today)
    return Q(direction=FloatingDirection.OUTFLOW, ended_on__isnull=True, is_short_stay=False) & (
        invalid
    )


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def floating_records_flagged(
    queryset: QuerySet[FloatingRecord], *, today: dt.date | None = None
) -> QuerySet[FloatingRecord]:
    """`queryset` with `should_transfer` and `lost_contact` computed in the same query."""
    day = today or timezone.localdate()
    return queryset.annotate(
        should_transfer=_flag(floating_should_transfer_q(day)),
        lost_contact=_flag(floating_lost_contact_q(day)),
    )


def floating_record_list(*, user: Any, today: dt.date | None = None) -> QuerySet[FloatingRecord]:
    """The floating records `user` may see, with their flags and related rows loaded."""
    queryset = FloatingRecord.objects.visible_to(user).select_related(
        "member", "member__branch", "placed_in"
    )
    return floating_records_flagged(queryset, today=today)


# --- 民主评议 --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExcellentQuota:
    """How many members of a branch are graded in a year, and how many of them may be 优秀."""

    year: int
    graded: int
    quota: int
    excellent: int

    @property
    def is_full(self) -> bool:
        return self.excellent >= self.quota

    def message(self) -> str:
        return (
            f"本支部{review_year_end(self.year):%Y年%m月%d日}在册的正式党员{self.graded}人，"
            f"优秀最多{self.quota}人，已有{self.excellent}人"
        )


def review_graded_member_count(*, branch_id: int, year: int, extra_member_id: int | None) -> int:
    """The denominator of the 优秀 quota for a branch and year: who was a 正式党员 there on the
    review year's last day.

    Counted: the branch's members who were full members on 31 December of `year` (a member who
    was still probationary then, had not joined, or had already been transferred out does not
    count), plus any member graded there that year who has since moved to another branch, plus
    the member being graded if they were a full member that day; a member whose standing was
    stopped that day (停止党籍) does not count.
    """
    last_day = review_year_end(year)
    full_then = Member.objects.full_on(last_day)  # without a standing stopped that day
    condition = Q(branch_id=branch_id) | Q(
        reviews__branch_id=branch_id, reviews__year=year, reviews__was_probationary=False
    )
    if extra_member_id is not None:
        condition |= Q(pk=extra_member_id)
    return full_then.filter(condition).values("pk").distinct().count()


def review_excellent_quota_get(
    *, branch_id: int, year: int, member_id: int | None = None, exclude_review_id: int | None = None
) -> ExcellentQuota:
    """The 优秀 quota of a branch and year, not counting review `exclude_review_id` as 优秀."""
    graded = review_graded_member_count(branch_id=branch_id, year=year, extra_member_id=member_id)
    excellent = Review.objects.filter(branch_id=branch_id, year=year, grade=ReviewGrade.EXCELLENT)
    if exclude_review_id is not None:
        excellent = excellent.exclude(pk=exclude_review_id)
    return ExcellentQuota(
        year=year, graded=graded, quota=excellent_quota(graded), excellent=excellent.count()
    )


@dataclass(frozen=True)
class ReviewSummaryRow:
    branch: Organization
    year: int
    counts: dict[str, int]
    ungraded: int

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.ungraded

    def describe(self) -> str:
        parts = [f"{ReviewGrade(grade).label}{count}人" for grade, count in self.counts.items()]
        parts.append(f"预备党员不定等次{self.ungraded}人")
        return f"{self.branch.name}{self.year}年度：" + "、".join(parts)


def review_summary_list(*, reviews: QuerySet[Review]) -> list[ReviewSummaryRow]:
    """按支部汇总: per branch and year, how many of `reviews` fall in each grade. Two queries."""
    counted: dict[tuple[int, int], dict[str, int]] = {}
    for branch_id, year, grade in reviews.order_by().values_list("branch_id", "year", "grade"):
        bucket = counted.setdefault((branch_id, year), {})
        bucket[grade] = bucket.get(grade, 0) + 1
    branches = Organization.objects.in_bulk({branch_id for branch_id, _ in counted})
    keys = sorted(counted, key=lambda key: (-key[1], branches[key[0]].code))
    return [
        ReviewSummaryRow(
            branch=branches[branch_id],
            year=year,
            counts={
                grade.value: counted[branch_id, year].get(grade.value, 0) for grade in ReviewGrade
            },
            ungraded=counted[branch_id, year].get("", 0),
        )
        for branch_id, year in keys
    ]


# --- 量化考核 --------------------------------------------------------------------------------------
def assessments_scored(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """`queryset` with `deducted` and `score` (100 − deductions) computed in the same query."""
    decimal: DecimalField[Decimal, Decimal] = DecimalField(max_digits=5, decimal_places=1)
    deducted = Coalesce(Sum("deductions__points"), Value(Decimal("0")), output_field=decimal)
    return queryset.annotate(deducted=deducted).annotate(
        score=ExpressionWrapper(Value(Decimal(ASSESSMENT_FULL_SCORE)) - deducted, decimal)
    )


def assessment_list(*, user: Any) -> QuerySet[Assessment]:
    queryset = Assessment.objects.visible_to(user).select_related("member", "member__branch")
    return assessments_scored(queryset)


@dataclass(frozen=True)
class AssessmentItemRow:
    number: int
    title: str
    maximum: int
    deducted: Decimal
    reasons: str
    rules: tuple[str, ...] = ()  # the item's deductions (002), as the sheet prints them

    @property
    def score(self) -> Decimal:
        return Decimal(self.maximum) - self.deducted


def assessment_sheet_get(*, assessment: Assessment) -> list[AssessmentItemRow]:
    """The ten items of a score sheet with their maximum, deduction and score. One query."""
    deductions = {d.item: d for d in assessment.deductions.all()} if assessment.pk else {}
    rows = []
    for number, title, maximum in ASSESSMENT_ITEMS:
        found = deductions.get(number)
        rows.append(
            AssessmentItemRow(
                number=number,
                title=title,
                maximum=maximum,
                deducted=found.points if found else Decimal("0"),
                reasons=found.reason if found else "",
                rules=tuple(r.describe() for r in ASSESSMENT_DEDUCTIONS if r.item == number),
            )
        )
    return rows


# The deductions the year's records pre-fill (002 items 3 and 4), with the fact answering each.
PREFILLED = (
    (participation.DUES_OVERDUE_MONTHS, 3, "逾期不交党费"),
    (participation.ORGANIZATIONAL_LIFE_RATE, 4, f"组织生活低于{ORGANIZATIONAL_LIFE_TARGET}%"),
    (participation.LECTURES_MISSED, 4, "缺席党课"),
)


def assessment_prefill_note() -> str:
    """What 预填 can do today: which records are missing, and which deductions are then typed."""
    missing = [entry for entry in PREFILLED if not participation.is_registered(entry[0])]
    if not missing:
        return "第3、4项的扣分可按党费和组织生活记录预填（“按系统记录预填扣分”）。"
    records = "、".join(dict.fromkeys(fact.records for fact, _, _ in missing))
    items = "、".join(str(item) for item in dict.fromkeys(item for _, item, _ in missing))
    what = "、".join(label for _, _, label in missing)
    return f"{records}尚未接入本系统，第{items}项的扣分（{what}）请手工填写。"
