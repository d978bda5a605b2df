"""The members' dues standing as it was computed before issue 25's 工作台 work (every member's
payments read and judged month by month by rules.arrears): kept here verbatim as the reference
the fast path of finance.selectors.dues_standing is checked against, member for member."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from django.conf import settings
from django.db.models import Min

from finance import rules
from finance.models import DuesPayment, DuesRelief, ReliefStatus
from finance.rules import PaymentMethod
from finance.selectors import DuesStanding, dues_ledger
from members.models import Member


def reference_dues_standing(member_ids: Collection[int], as_of: dt.date) -> dict[int, DuesStanding]:
    from members.rules import LapseCondition
    from members.selectors.lapse import judged_from

    ids = list(member_ids)
    errors = _dues_errors(ids, as_of)
    starts = judged_from(ids, LapseCondition.DUES, today=as_of)
    branches = dict(Member.objects.filter(pk__in=ids).values_list("pk", "branch_id"))
    firsts = _branch_first_months(set(branches.values()))
    found: dict[int, DuesStanding] = {}
    for pk, start in starts.items():
        first = firsts.get(branches[pk])
        if pk in errors or first is None:
            found[pk] = DuesStanding(error=errors.get(pk, ""))
            continue
        found[pk] = DuesStanding(first_month=max(start.month, first))
    settled, quarterly = _settlements(
        [pk for pk, standing in found.items() if standing.first_month], as_of
    )
    for pk, standing in found.items():
        if standing.first_month is not None:
            judged = rules.arrears(
                standing.first_month,
                settled.get(pk, {}),
                as_of=as_of,
                quarterly=pk in quarterly,
            )
            found[pk] = DuesStanding(standing.first_month, judged)
    return found


def _dues_errors(ids: list[int], as_of: dt.date) -> dict[int, str]:
    """Members whose dues of `as_of`'s month cannot be computed (no income for a bracket)."""
    rows = dues_ledger(as_of, Member.objects.filter(pk__in=ids))
    return {row.member_id: row.line.note for row in rows if row.line.is_error}


def _branch_first_months(branch_ids: set[int]) -> dict[int, dt.date]:
    found = dict(
        DuesPayment.objects.regular()
        .filter(member__branch_id__in=branch_ids)
        .values("member__branch_id")
        .annotate(first=Min("period"))
        .order_by()
        .values_list("member__branch_id", "first")
    )
    if text := settings.FINANCE_DUES_RECORDS_SINCE:
        since = rules.parse_month(text)
        return {branch: max(first, since) for branch, first in found.items()}
    return found


def _settlements(
    ids: list[int], as_of: dt.date
) -> tuple[dict[int, dict[dt.date, dt.date]], set[int]]:
    """Per member, each month settled by `as_of` and the day (a waiver approved: always), and
    the members whose latest payment was quarterly with the branch's consent."""
    settled: dict[int, dict[dt.date, dt.date]] = defaultdict(dict)
    latest: dict[int, tuple[dt.date, str]] = {}
    for member_id, period, paid_on, method in (
        DuesPayment.objects.regular()
        .filter(member_id__in=ids, paid_on__lte=as_of)
        .values_list("member_id", "period", "paid_on", "method")
    ):
        months = settled[member_id]
        months[period] = min(paid_on, months.get(period, paid_on))
        if member_id not in latest or period >= latest[member_id][0]:
            latest[member_id] = (period, method)
    for member_id, first, last in DuesRelief.objects.filter(
        member_id__in=ids, status=ReliefStatus.APPROVED, monthly_amount=0
    ).values_list("member_id", "first_month", "last_month"):
        for month in _months(first, last):
            settled[member_id][month] = dt.date.min
    quarterly = {pk for pk, (_, method) in latest.items() if method == PaymentMethod.QUARTERLY}
    return settled, quarterly


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    return [
        rules.month_from_index(i)
        for i in range(rules.month_index(first), rules.month_index(last) + 1)
    ]
