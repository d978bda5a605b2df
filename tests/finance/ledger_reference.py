"""The dues ledger as it was computed before issue 25 (in Python, member by member, from four
queries of the members' records): kept here verbatim as the reference the one-query ledger
(finance.selectors.dues_ledger) is checked against, row for row."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from finance import rules
from finance.models import DuesAssessment, DuesRelief, IncomeChange, ReliefStatus
from finance.rules import DuesBasis, MonthFacts
from finance.selectors import LedgerRow, ledger_members
from members.models import Member


def reference_ledger(month: dt.date, members: Any = None) -> list[LedgerRow]:
    """What every member of `members` (default: all) owes in `month`, in six queries whatever
    their number: the members, their categories, incomes, fixed amounts and reliefs."""
    month = rules.month_start(month)
    chosen = ledger_members(members if members is not None else Member.objects.all(), month)
    people = list(
        chosen.order_by("branch__code", "name", "pk").values_list(
            "pk", "name", "branch_id", "branch__code", "status", "joined_on", "monthly_income"
        )
    )
    facts = _month_records(chosen.values("pk"), month)
    rows = []
    for pk, name, branch_id, code, status, joined_on, income in people:
        categories = facts.categories.get(pk, ())
        line = rules.month_dues(
            facts.for_member(pk, month, joined_on, frozenset(categories), income)
        )
        rows.append(LedgerRow(pk, name, branch_id, code, status, tuple(categories), line))
    return rows


@dataclass
class _Records:
    categories: dict[int, list[str]]
    incomes: dict[int, list[tuple[dt.date, Decimal]]]
    assessments: dict[int, tuple[str, Decimal, Decimal | None]]  # rate, amount, income
    farmer_amounts: dict[int, Decimal]
    reliefs: dict[int, tuple[Decimal, str]]  # amount, reason

    def for_member(
        self,
        pk: int,
        month: dt.date,
        joined_on: dt.date,
        categories: frozenset[str],
        current: Decimal | None,
    ) -> MonthFacts:
        changes = self.incomes.get(pk, [])
        fixed, relief = self.assessments.get(pk), self.reliefs.get(pk)
        year_start = dt.date(month.year, 1, 1)
        return MonthFacts(
            month=month,
            joined_on=joined_on,
            categories=categories,
            income=rules.income_in_effect(changes, month, current),
            income_changed_this_year=any(year_start <= e <= month for e, _ in changes),
            fixed_amount=fixed[1] if fixed else None,
            fixed_rate=fixed[0] if fixed else "",
            fixed_income=fixed[2] if fixed else None,
            farmer_amount=self.farmer_amounts.get(pk),
            relief_amount=relief[0] if relief else None,
            relief_reason=relief[1] if relief else "",
        )


def _month_records(member_ids: Any, month: dt.date) -> _Records:
    through = Member.categories.through
    categories: dict[int, list[str]] = defaultdict(list)
    for member_id, code in (
        through.objects.filter(member_id__in=member_ids)
        .order_by("membercategory_id")
        .values_list("member_id", "membercategory__code")
    ):
        categories[member_id].append(code)
    incomes: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for member_id, effective, amount in IncomeChange.objects.filter(
        member_id__in=member_ids, effective_month__lte=month
    ).values_list("member_id", "effective_month", "monthly_income"):
        incomes[member_id].append((effective, amount))
    assessments: dict[int, tuple[str, Decimal, Decimal | None]] = {}
    farmer_amounts: dict[int, Decimal] = {}
    for member_id, year, basis, rate, amount, income in (
        DuesAssessment.objects.filter(member_id__in=member_ids, year__lte=month.year)
        .order_by("year")
        .values_list("member_id", "year", "basis", "rate", "monthly_amount", "monthly_income")
    ):
        if year == month.year:
            assessments[member_id] = (rate, amount, income)
        if basis == DuesBasis.FARMER:
            farmer_amounts[member_id] = amount
    reliefs = {
        member_id: (amount, reason)
        for member_id, amount, reason in DuesRelief.objects.filter(
            member_id__in=member_ids,
            status=ReliefStatus.APPROVED,
            first_month__lte=month,
            last_month__gte=month,
        )
        .order_by("pk")
        .values_list("member_id", "monthly_amount", "reason")
    }
    return _Records(categories, incomes, assessments, farmer_amounts, reliefs)
