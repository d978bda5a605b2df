"""The database's twin of publicity/rules.py's `_owed` and `overdue_count` (the definition, which
this follows term by term; tests/publicity/test_register_counts.py proves them equal on cases at
their date edges): the overdue 思想汇报 and 培养考察 of each case as annotations, so that the
工作台, the case list's column and its filter count in a constant number of queries.

A case owes the periods whose last day is on or after X = the latest of step 3 (确定积极分子), its
`registers_from` and the site's floor (PUBLICITY_REGISTERS_FROM), and before Y = the earliest of
step 17 (预备党员), its deferral and `today - grace` (past the due date). Numbering the periods
(year × periods a year + the period's place in its year), the periods ending in [X, Y) are those
numbered from X's own period up to Y's period less one: max(0, n(Y) - n(X)) of them. The overdue
ones are those less the entries recorded with a number in that range."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    Expression,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractMonth,
    ExtractYear,
    Greatest,
    Least,
    Substr,
)

from .. import rules

NEVER = dt.date(9999, 12, 31)


def period_number(day: Any, months: int) -> Expression:
    """The period holding `day`, numbered as the periods follow each other (rules.period_of)."""
    year = Cast(ExtractYear(day), IntegerField())
    month = Cast(ExtractMonth(day), IntegerField())
    return year * Value(12 // months) + (month - Value(1)) / Value(months)


def code_number(months: int) -> Expression:
    """The number of a recorded entry's period code (2026Q3, 2026H1: rules.parse_period)."""
    year = Cast(Substr("period", 1, 4), IntegerField())
    place = Cast(Substr("period", 6, 1), IntegerField())
    return year * Value(12 // months) + place - Value(1)


def _step(number: int) -> FilteredRelation:
    """The case's step `number` (one at most: a step is recorded once), joined."""
    return FilteredRelation("steps", condition=Q(steps__number=number))


def _bounds(today: dt.date, grace: int, floor: dt.date | None) -> tuple[Any, Any]:
    starts: list[Any] = [F("_activist_on"), F("registers_from")]
    if floor is not None:
        starts.append(Value(floor, output_field=DateField()))
    stops = [
        Coalesce(F("_probationary_on"), Value(NEVER, output_field=DateField())),
        Coalesce(F("deferred_on"), Value(NEVER, output_field=DateField())),
        Value(today - dt.timedelta(days=grace), output_field=DateField()),
    ]
    return Greatest(*starts), Least(*stops)


def _overdue(
    model: Any, today: dt.date, grace: int, months: int, floor: dt.date | None, name: str
) -> dict[str, Any]:
    first, stop = _bounds(today, grace, floor)
    first_name, stop_name = f"_{name}_first", f"_{name}_stop"
    recorded = (
        model.objects.annotate(number=code_number(months))
        .filter(case=OuterRef("pk"), number__gte=OuterRef(first_name),
                number__lt=OuterRef(stop_name))
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )  # fmt: skip
    owed = Greatest(F(stop_name) - F(first_name), Value(0))
    done = Coalesce(Subquery(recorded, output_field=IntegerField()), Value(0))
    counted = Case(
        When(_activist_on__isnull=True, then=Value(0)),
        default=owed - done,
        output_field=IntegerField(),
    )
    return {
        first_name: period_number(first, months),
        stop_name: period_number(stop, months),
        name: counted,
    }


def overdue_annotations(today: dt.date) -> dict[str, Any]:
    """Annotations for DevelopmentCase, in order: `reports_overdue`, `assessments_overdue` and
    the dates and period numbers they are computed from."""
    from .registers import CaseAssessment, DevelopmentReport

    lim = rules.register_limits()
    return {
        "_activist_step": _step(rules.ACTIVIST),
        "_approval_step": _step(rules.APPROVAL),
        "_activist_on": F("_activist_step__date"),
        "_probationary_on": F("_approval_step__date"),
        **_overdue(DevelopmentReport, today, lim.report_grace_days, rules.QUARTER_MONTHS,
                   lim.registers_from, "reports_overdue"),
        **_overdue(CaseAssessment, today, lim.assessment_grace_days, rules.HALF_YEAR_MONTHS,
                   lim.registers_from, "assessments_overdue"),
    }  # fmt: skip
