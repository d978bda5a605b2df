"""Reads of the finance app that cross models or feed reports: the dues ledger (in bulk), what a
member has settled (the participation facts), the published summaries and the fund balances."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Count, DateField, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from members.models import Member, MemberCategory
from members.participation import Answer
from members.rules import Category, MemberStatus
from organizations.models import OrganizationAccess
from organizations.roles import Role
from organizations.rules import COMMUNITY_KINDS
from organizations.scope import within

from . import rules
from .models import (
    DuesAssessment,
    DuesPayment,
    DuesPublication,
    DuesRelief,
    FundApprover,
    FundBudget,
    IncomeChange,
    ReliefStatus,
    SpendingItem,
    SpendingPlan,
)
from .rules import (
    ZERO,
    ChainStep,
    DuesBasis,
    FundUse,
    LedgerLine,
    MonthFacts,
    PaymentKind,
    PaymentMethod,
)

LEDGER_HEADERS = (
    "姓名",
    "所在党组织",
    "党员状态",
    "人员类别",
    "月收入",
    "缴纳比例",
    "应缴金额",
    "备注",
)
CATEGORY_LABELS = dict(Category.choices)
STATUS_LABELS = dict(MemberStatus.choices)


# --- the dues ledger ------------------------------------------------------------------------------
@dataclass(frozen=True)
class LedgerRow:
    member_id: int
    name: str
    branch_id: int
    branch_code: str
    status: str
    categories: tuple[str, ...]
    line: LedgerLine

    def cells(self) -> tuple[str, ...]:
        """The row as the 党费台账 contract writes it (DOMAIN.md, "Import and export")."""
        return (
            self.name,
            self.branch_code,
            STATUS_LABELS.get(self.status, self.status),
            _category_labels(self.categories),
            *_line_cells(self.line),
        )


# A ledger's categories and lines repeat row after row: each is written out once.
@functools.lru_cache(maxsize=1024)
def _category_labels(categories: tuple[str, ...]) -> str:
    return "、".join(CATEGORY_LABELS[c] for c in categories if c in CATEGORY_LABELS)


@functools.lru_cache(maxsize=65536)
def _line_cells(line: LedgerLine) -> tuple[str, str, str, str]:
    income = line.income
    return (
        "" if income is None else f"{income:.2f}",
        line.rate,
        f"{line.amount:.2f}" if line.computable else "",
        line.note,
    )


def ledger_members(members: Any, month: dt.date) -> Any:
    """The members a month's ledger lists: those not transferred out before the month."""
    gone_later = Q(transferred_out_on__isnull=True) | Q(transferred_out_on__gte=month)
    return members.filter(gone_later)


def dues_ledger(month: dt.date, members: Any = None) -> list[LedgerRow]:
    """What every member of `members` (default: all) owes in `month`, in one query whatever
    their number (dues_ledger_stream's rows, all read at once)."""
    return list(_ledger_rows(month, members, chunk_size=None))


LEDGER_CHUNK = 5000
# Distinct facts whose line is remembered while a ledger is read: members with the same facts
# (category, income, 核定, relief) owe the same; bounded, so memory stays constant.
LEDGER_LINES_KEPT = 65536


# How PostgreSQL plans the streamed ledger, whatever its statistics say: for reading every row
# (a cursor is otherwise planned for its first tenth), and by hash joins, never a nested loop
# (with the statistics of a freshly loaded database the planner expects a hundred members where
# there are 100,000 and rescans an aggregate for each of them: 387 s against 4.8 s measured).
# Its sorts and hashes in memory (a city's: about 50 MB each) rather than in temporary files.
STREAM_PLANNING = (
    "SET LOCAL cursor_tuple_fraction = 1",
    "SET LOCAL enable_nestloop = off",
    "SET LOCAL work_mem = '64MB'",
)


def dues_ledger_stream(
    month: dt.date, members: Any = None, chunk_size: int = LEDGER_CHUNK
) -> Iterator[LedgerRow]:
    """`dues_ledger`'s rows in the same order, in constant memory whatever the number of members
    (a city's 1,000,000): the one query read through a server-side cursor `chunk_size` rows at a
    time. On PostgreSQL in a transaction of its own (a cursor WITH HOLD, outside one, would copy
    the whole result first), planned as STREAM_PLANNING says."""
    yield from _ledger_rows(month, members, chunk_size=chunk_size)


def _ledger_rows(month: dt.date, members: Any, chunk_size: int | None) -> Iterator[LedgerRow]:
    """One query gives each member with the records of the month (categories, the income in
    effect, the year's 核定, the farmer's amount, the relief); rules.month_dues is applied once
    for each distinct set of facts (`LEDGER_LINES_KEPT` remembered), not once a member."""
    month = rules.month_start(month)
    chosen = ledger_members(members if members is not None else Member.objects.all(), month)
    if chosen.query.is_empty():
        return
    every = members is None or not members.query.where
    query = _LedgerQuery(chosen, month, every=every)
    line = functools.lru_cache(maxsize=LEDGER_LINES_KEPT)(query.line)
    connection = connections[chosen.db]
    try:
        sql = query.sql(connection)
    except EmptyResultSet:  # a condition no row meets (`pk__in=[]`): no member, no row
        return
    with contextlib.ExitStack() as stack:
        if chunk_size is None:
            cursor = stack.enter_context(connection.cursor())
        else:
            if connection.vendor == "postgresql":
                stack.enter_context(transaction.atomic(using=chosen.db))
                with connection.cursor() as setting:
                    for statement in STREAM_PLANNING:
                        setting.execute(statement)
            cursor = stack.enter_context(connection.chunked_cursor())
        kinds = list(MemberCategory.objects.using(chosen.db).order_by("pk").values_list("code"))
        categories = functools.lru_cache(maxsize=1024)(functools.partial(_category_codes, kinds))
        cursor.execute(*sql)
        convert = query.converters(connection)
        while batch := cursor.fetchmany(chunk_size or LEDGER_CHUNK):
            for row in map(convert, batch) if convert else batch:
                codes = categories(row[8])
                facts = (row[5], codes, *row[6:8], *row[9:])
                yield LedgerRow(row[0], row[1], row[2], row[3], row[4], codes, line(*facts))


def _category_codes(kinds: list[tuple[str]], mask: int | None) -> tuple[str, ...]:
    """A member's categories from the bits the query sums (bit n: the n-th category by id), in
    the order of their ids. There are 8 (members.rules.Category): far from a bigint's 63 bits."""
    return tuple(code for bit, (code,) in enumerate(kinds) if mask and mask >> bit & 1)


class _LedgerQuery:
    """The ledger's one query: the members of `chosen` by branch code, name and id, each with the
    facts of `month` rules.month_dues needs, as the previous per-chunk queries gave them: the
    categories (as bits, _category_codes), the income in effect (the latest change by the month,
    else the roster's) and whether that change is of this year, the year's 核定, the amount of the
    latest farmer's 核定 by this year, and the latest approved relief covering the month."""

    def __init__(self, chosen: Any, month: dt.date, *, every: bool = False) -> None:
        """`every`: `chosen` is every member (but those transferred out): the records are read
        whole, not picked out member by member."""
        self.chosen, self.month, self.every = chosen, month, every

    def sql(self, connection: Any) -> tuple[str, list[Any]]:
        month, ops = self.month, connection.ops
        people, people_params = self._compiled(
            connection,
            self.chosen.order_by().values_list(
                "pk", "name", "branch_id", "branch__code", "status", "joined_on", "monthly_income"
            ),
        )
        if self.every:
            among, ids_params = "IS NOT NULL", ()
        else:
            ids, ids_params = self._compiled(connection, self.chosen.order_by().values("pk"))
            among = f"IN ({ids})"
        table = {
            model: ops.quote_name(model._meta.db_table)
            for model in (
                Member.categories.through,
                MemberCategory,
                IncomeChange,
                DuesAssessment,
                DuesRelief,
            )
        }
        day = ops.adapt_datefield_value
        sql = f"""
        WITH m (id, name, branch_id, code, status, joined_on, income) AS ({people})
        SELECT m.id, m.name, m.branch_id, m.code, m.status,
            CASE WHEN m.joined_on >= %s THEN m.joined_on END,
            COALESCE(ic.monthly_income, m.income),
            CASE WHEN ic.effective_month >= %s THEN 1 ELSE 0 END,
            cat.codes,
            fx.monthly_amount, fx.rate, fx.monthly_income,
            fa.monthly_amount,
            rl.monthly_amount, rl.reason
        FROM m
        LEFT JOIN (
            SELECT t.member_id,
                CAST(SUM(CAST(1 AS BIGINT) << CAST(c.bit AS INTEGER)) AS BIGINT) AS codes
            FROM {table[Member.categories.through]} t
            JOIN (
                SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS bit FROM {table[MemberCategory]}
            ) c ON c.id = t.membercategory_id
            WHERE t.member_id {among}
            GROUP BY t.member_id
        ) cat ON cat.member_id = m.id
        LEFT JOIN (
            SELECT member_id, MAX(effective_month) AS effective_month
            FROM {table[IncomeChange]}
            WHERE effective_month <= %s AND member_id {among}
            GROUP BY member_id
        ) il ON il.member_id = m.id
        LEFT JOIN {table[IncomeChange]} ic
            ON ic.member_id = il.member_id AND ic.effective_month = il.effective_month
        LEFT JOIN {table[DuesAssessment]} fx ON fx.member_id = m.id AND fx.year = %s
        LEFT JOIN (
            SELECT member_id, MAX(year) AS year
            FROM {table[DuesAssessment]}
            WHERE basis = %s AND year <= %s AND member_id {among}
            GROUP BY member_id
        ) fl ON fl.member_id = m.id
        LEFT JOIN {table[DuesAssessment]} fa ON fa.member_id = fl.member_id AND fa.year = fl.year
        LEFT JOIN (
            SELECT member_id, MAX(id) AS id
            FROM {table[DuesRelief]}
            WHERE status = %s AND first_month <= %s AND last_month >= %s AND member_id {among}
            GROUP BY member_id
        ) rl_last ON rl_last.member_id = m.id
        LEFT JOIN {table[DuesRelief]} rl ON rl.id = rl_last.id
        ORDER BY m.code, m.name, m.id
        """  # noqa: S608 (table names from the models, values as parameters)
        params = [
            *people_params,
            day(rules.add_months(month, 1)),
            day(dt.date(month.year, 1, 1)),
            *ids_params,
            day(month),
            *ids_params,
            month.year,
            DuesBasis.FARMER.value,
            month.year,
            *ids_params,
            ReliefStatus.APPROVED.value,
            day(month),
            day(month),
            *ids_params,
        ]
        return sql, params

    @staticmethod
    def _compiled(connection: Any, queryset: Any) -> tuple[str, tuple[Any, ...]]:
        return queryset.query.get_compiler(connection=connection).as_sql()

    @staticmethod
    def converters(connection: Any) -> Any:
        """What turns a row's values into Python's types where the database driver does not (SQLite:
        dates as text, decimals as floats); None when it does (PostgreSQL)."""
        from django.db.models.expressions import Col

        fields: dict[int, Any] = {
            5: Member._meta.get_field("joined_on"),
            6: Member._meta.get_field("monthly_income"),
            9: DuesAssessment._meta.get_field("monthly_amount"),
            11: DuesAssessment._meta.get_field("monthly_income"),
            12: DuesAssessment._meta.get_field("monthly_amount"),
            13: DuesRelief._meta.get_field("monthly_amount"),
        }
        steps = []
        for index, field in fields.items():
            column = Col(field.model._meta.db_table, field)
            found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            steps += [(index, converter, column) for converter in found]
        if not steps:
            return None

        def convert(row: tuple[Any, ...]) -> tuple[Any, ...]:
            values = list(row)
            for index, converter, column in steps:
                values[index] = converter(values[index], column, connection)
            return tuple(values)

        return convert

    def line(
        self,
        joins_later: dt.date | None,
        categories: tuple[str, ...],
        income: Decimal | None,
        changed_this_year: int,
        fixed_amount: Decimal | None,
        fixed_rate: str | None,
        fixed_income: Decimal | None,
        farmer_amount: Decimal | None,
        relief_amount: Decimal | None,
        relief_reason: str | None,
    ) -> LedgerLine:
        """The month's line of a member with these facts. The joining day counts only when it is
        after the month (the line says so); otherwise the month stands for it."""
        return rules.month_dues(
            MonthFacts(
                month=self.month,
                joined_on=joins_later or self.month,
                categories=frozenset(categories),
                income=income,
                income_changed_this_year=bool(changed_this_year),
                fixed_amount=fixed_amount,
                fixed_rate=fixed_rate or "",
                fixed_income=fixed_income,
                farmer_amount=farmer_amount,
                relief_amount=relief_amount,
                relief_reason=relief_reason or "",
            )
        )


@dataclass
class _Records:
    """One member's records of a month as member_months_dues gathers them."""

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


def dues_error_q(month: dt.date) -> Q:
    """Members whose dues of `month` cannot be computed (rules.month_dues's data errors), as one
    condition for the 工作台 count and the list filter: a member of the month with no income on
    file (roster or a change by then) and no 核定 of the year, who pays by a bracket (在职,
    离退休, or no paying category), or a farmer whose amount was never set."""
    from django.db.models import Exists, OuterRef

    month = rules.month_start(month)
    member = OuterRef("pk")
    categories = Member.categories.through.objects.filter(member_id=member)

    def has(*codes: str) -> Exists:
        return Exists(categories.filter(membercategory__code__in=codes))

    fixed = (Category.STUDENT, Category.UNEMPLOYED, Category.LOW_INCOME)
    bracket = has(Category.IN_SERVICE, Category.RETIRED) | ~has(Category.FARMER, *fixed)
    farmer_unset = (
        has(Category.FARMER)
        & ~has(Category.IN_SERVICE, Category.RETIRED)
        & ~Exists(
            DuesAssessment.objects.filter(
                member_id=member, basis=DuesBasis.FARMER, year__lte=month.year
            )
        )
    )
    return Q(
        Q(joined_on__lt=rules.add_months(month, 1), monthly_income__isnull=True)
        & ~Exists(IncomeChange.objects.filter(member_id=member, effective_month__lte=month))
        & ~Exists(DuesAssessment.objects.filter(member_id=member, year=month.year))
        & (bracket | farmer_unset)
    )


def member_month_dues(member: Member, month: dt.date) -> LedgerLine:
    """What one member owes in `month` (the ledger's rule for one row)."""
    rows = dues_ledger(month, Member.objects.filter(pk=member.pk))
    if not rows:
        return LedgerLine("", ZERO, None, "本月已不在本组织")
    return rows[0].line


# --- one member's payments (the member portal's 交纳记录; its dues are member_dues_page's) -------
def member_payment_list(member: Member, *, limit: int = 24) -> list[DuesPayment]:
    """The member's latest payments (reversed ones left out), newest first."""
    found = DuesPayment.objects.standing().filter(member=member)
    return list(found.order_by("-period", "-paid_on")[:limit])


def paid_months(payments: list[DuesPayment], year: int) -> list[dt.date]:
    """The months of `year` the payments pay (a month paid ahead of the page's span too)."""
    dues = (p.period for p in payments if p.kind == PaymentKind.DUES)
    return sorted({period for period in dues if period.year == year})


# --- arrears: one computation, read by the arrears list, the 自行脱党 flags and 量化考核 ----------------
@dataclass(frozen=True)
class DuesStanding:
    """One member's dues as judged on a day (rules.arrears): judged from `first_month` (None: no
    records of their branch yet, not judged), or a data error (`error`: never "owes nothing")."""

    first_month: dt.date | None = None
    arrears: rules.Arrears | None = None
    error: str = ""

    @property
    def months(self) -> int:
        return self.arrears.months if self.arrears else 0

    @property
    def level(self) -> rules.ArrearsLevel | None:
        return rules.arrears_level(self.months)


def dues_standing(
    members: Collection[int] | QuerySet[Any], as_of: dt.date
) -> dict[int, DuesStanding]:
    """Each member's dues on `as_of` (`members`: their ids, or a queryset of them), judged only
    from records (DOMAIN.md): from the later of their first month in the branch
    (members.selectors.lapse.judged_from) and the first month for which a payment of their
    branch is recorded (or FINANCE_DUES_RECORDS_SINCE); the payments made by `as_of` settle
    their months. A fixed number of queries.

    Most members paid every month within it: one grouped query finds them (_paid_on_time)
    and they owe nothing (NO_ARREARS, what rules.arrears gives them); only the others' payments
    are read and judged month by month. A queryset (a user's scope) is read by the database
    as a subquery where all of them are read (half the time of 100,000 ids sent)."""
    from members.rules import LapseCondition
    from members.selectors.lapse import judged_from

    if isinstance(members, QuerySet):
        among = Q(pk__in=members.values("pk"))
        branches = dict(members.values_list("pk", "branch_id"))
    else:
        among = within("pk", frozenset(members))
        branches = dict(Member.objects.filter(among).values_list("pk", "branch_id"))
    errors = _dues_errors(Member.objects.filter(among), as_of)
    starts = judged_from(
        members if isinstance(members, QuerySet) else list(branches),
        LapseCondition.DUES,
        today=as_of,
    )
    firsts = _branch_first_months(set(branches.values()))
    found: dict[int, DuesStanding] = {}
    judged: dict[int, dt.date] = {}
    for pk, start in starts.items():
        first = firsts.get(branches[pk])
        if pk in errors or first is None:
            found[pk] = DuesStanding(error=errors.get(pk, ""))
            continue
        judged[pk] = max(start.month, first)
    on_time = _paid_on_time(judged, as_of, Member.objects.filter(among))
    rest = [pk for pk in judged if pk not in on_time]
    settled, quarterly = _settlements(rest, as_of)
    for pk, first in judged.items():
        if pk in on_time:
            found[pk] = DuesStanding(first, NO_ARREARS)
            continue
        standing = rules.arrears(first, settled.get(pk, {}), as_of=as_of, quarterly=pk in quarterly)
        found[pk] = DuesStanding(first, standing)
    return {pk: found[pk] for pk in starts}


# What rules.arrears gives a member who settled every month judged before its deadline.
NO_ARREARS = rules.Arrears(None, ())


def _paid_on_time(
    firsts: dict[int, dt.date], as_of: dt.date, members: QuerySet[Member]
) -> set[int]:
    """The members (each judged from their month in `firsts`) who settled every month from their
    first to the last month whose deadline has come by `as_of` by a payment made within that
    month: for them rules.arrears finds no month unsettled and no run that ever stood, whether
    they pay monthly or quarterly (a quarter's deadline is never before its months' own, so
    its months judged are some of these). A member paying late, missing a month or holding a
    waiver instead of a payment is not among them: rules.arrears judges them. One query, over
    the payments of `members` (all of `firsts`, maybe more)."""
    last = rules.add_months(rules.month_start(as_of), -1)  # the last deadline by as_of: its end
    owing = {pk: first for pk, first in firsts.items() if first <= last}
    found = set(firsts) - set(owing)  # no month judged yet
    if owing:
        spans = _paid_in_month_spans(members, since=min(owing.values()), last=last)
        found |= {pk for pk, start in spans.items() if pk in owing and start <= owing[pk]}
    return found


def _paid_in_month_spans(
    members: QuerySet[Member], *, since: dt.date, last: dt.date
) -> dict[int, dt.date]:
    """Per member whose months from `since` to `last` paid within the month (the payment made
    by the month's last day) are one unbroken span ending with `last`: its first month. One
    grouped query: a member has at most one standing payment of a month's dues (the constraint
    one_dues_payment_per_member_month), so when the span from the first such month to `last`
    holds as many months as there are such payments, each of its months is one of them. (A
    member with a gap before their own first month is left to rules.arrears as well.)"""
    spans = (
        DuesPayment.objects.regular()
        .filter(member__in=members.values("pk"), period__gte=since, period__lte=last)
        .alias(paid_month=TruncMonth("paid_on", output_field=DateField()))
        .filter(paid_month__lte=F("period"))
        .values("member_id")
        .annotate(first=Min("period"), latest=Max("period"), months=Count("pk"))
        .order_by()
        .values_list("member_id", "first", "latest", "months")
    )
    return {
        member_id: first
        for member_id, first, latest, months in spans
        if latest == last and months == rules.months_between(first, last) + 1
    }


def _dues_errors(members: QuerySet[Member], as_of: dt.date) -> dict[int, str]:
    """Members whose dues of `as_of`'s month cannot be computed (no income for a bracket)."""
    rows = dues_ledger(as_of, members)
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
        .filter(within("member_id", frozenset(ids)), paid_on__lte=as_of)
        .values_list("member_id", "period", "paid_on", "method")
    ):
        months = settled[member_id]
        months[period] = min(paid_on, months.get(period, paid_on))
        if member_id not in latest or period >= latest[member_id][0]:
            latest[member_id] = (period, method)
    for member_id, first, last in DuesRelief.objects.filter(
        within("member_id", frozenset(ids)), status=ReliefStatus.APPROVED, monthly_amount=0
    ).values_list("member_id", "first_month", "last_month"):
        for month in _months(first, last):
            settled[member_id][month] = dt.date.min
    quarterly = {pk for pk, (_, method) in latest.items() if method == PaymentMethod.QUARTERLY}
    return settled, quarterly


def arrears_member_ids(members: Any, as_of: dt.date) -> dict[str, set[int]]:
    """The members of `members` by arrears level (`warned`, `lapsed`) and with a dues data error
    (`error`), for the arrears list's filter and the 工作台."""
    found: dict[str, set[int]] = {"warned": set(), "lapsed": set(), "error": set()}
    for pk, standing in dues_standing(members, as_of).items():
        if standing.error:
            found["error"].add(pk)
        elif standing.level is not None:
            found[standing.level.value].add(pk)
    return found


def dues_arrears(member_ids: Collection[int], start: dt.date | None, end: dt.date) -> Answer:
    """The DUES_ARREARS fact (members/participation.py): each judged member's run on `end`."""
    standing = dues_standing(member_ids, end)
    return Answer(
        values={pk: s.arrears.run for pk, s in standing.items() if s.arrears and s.arrears.run},
        errors={pk: s.error for pk, s in standing.items() if s.error},
    )


def dues_overdue_months(member_ids: Collection[int], start: dt.date | None, end: dt.date) -> Answer:
    """The DUES_OVERDUE_MONTHS fact (量化考核 item 3): for a year, the owed months of the year
    that the same computation counts (unsettled, or in a run that stands), judged on the day
    after the year (or today, if earlier)."""
    first = rules.month_start(start or dt.date(end.year, 1, 1))
    as_of = min(end + dt.timedelta(days=1), timezone.localdate())
    values = {}
    for pk, standing in dues_standing(member_ids, as_of).items():
        if standing.arrears is not None:
            values[pk] = sum(1 for m in standing.arrears.unsettled if first <= m <= end)
    return Answer(values=values)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    return [
        rules.month_from_index(i)
        for i in range(rules.month_index(first), rules.month_index(last) + 1)
    ]


# --- one member's 党费 page ---------------------------------------------------------------------
def member_months_dues(member: Member, months: Collection[dt.date]) -> dict[dt.date, LedgerLine]:
    """What one member owes in each of `months` (the ledger's rule, as member_month_dues gives
    it for one month), in four queries whatever their number."""
    pk = member.pk
    categories = list(
        Member.categories.through.objects.filter(member_id=pk)
        .order_by("membercategory_id")
        .values_list("membercategory__code", flat=True)
    )
    incomes = list(
        IncomeChange.objects.filter(member_id=pk).values_list("effective_month", "monthly_income")
    )
    assessments = list(
        DuesAssessment.objects.filter(member_id=pk)
        .order_by("year")
        .values_list("year", "basis", "rate", "monthly_amount", "monthly_income")
    )
    reliefs = list(
        DuesRelief.objects.filter(member_id=pk, status=ReliefStatus.APPROVED)
        .order_by("pk")
        .values_list("first_month", "last_month", "monthly_amount", "reason")
    )
    found = {}
    for month in sorted({rules.month_start(m) for m in months}):
        gone = member.transferred_out_on
        if gone is not None and gone < month:  # ledger_members: no longer here
            found[month] = LedgerLine("", ZERO, None, "本月已不在本组织")
            continue
        farmer = [a for y, b, _, a, _ in assessments if b == DuesBasis.FARMER and y <= month.year]
        covering = [(a, r) for f, last, a, r in reliefs if f <= month <= last]
        fixed = [(r, a, i) for y, _, r, a, i in assessments if y == month.year]
        records = _Records(
            categories={pk: categories},
            incomes={pk: [(e, a) for e, a in incomes if e <= month]},
            assessments={pk: fixed[-1]} if fixed else {},
            farmer_amounts={pk: farmer[-1]} if farmer else {},
            reliefs={pk: covering[-1]} if covering else {},
        )
        facts = records.for_member(
            pk, month, member.joined_on, frozenset(categories), member.monthly_income
        )
        found[month] = rules.month_dues(facts)
    return found


@dataclass(frozen=True)
class DuesMonth:
    """One month of a member's 党费 page: what is owed, the payment that settled it (if any), how
    the month stands, and whether it may be ticked for 登记交纳."""

    month: dt.date
    line: LedgerLine
    payment: DuesPayment | None
    status: str
    is_arrears: bool
    is_payable: bool

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def label(self) -> str:
        return rules.month_label(self.month)


@dataclass(frozen=True)
class MemberDuesPage:
    """A member's 党费 for a year: the 核定, the months, the arrears as judged today, the
    voluntary payments of the year and the income changes that apply in it."""

    member: Member
    year: int
    today: dt.date
    assessment: DuesAssessment | None
    current: LedgerLine  # what this month (or the year's last month shown) costs
    months: tuple[DuesMonth, ...]
    standing: DuesStanding
    arrears_months: tuple[dt.date, ...]
    arrears_total: Decimal
    voluntary: tuple[DuesPayment, ...]
    income_changes: tuple[IncomeChange, ...]
    is_quarterly: bool

    @property
    def paid_total(self) -> Decimal:
        return sum((m.payment.amount for m in self.months if m.payment), ZERO)

    @property
    def payable(self) -> tuple[DuesMonth, ...]:
        return tuple(m for m in self.months if m.is_payable)

    @property
    def years(self) -> list[int]:
        """The years the page links to: the latest few since the member joined."""
        first = max(self.member.joined_on.year, self.today.year - PAGE_YEARS + 1, self.year)
        return list(range(min(first, self.year), self.today.year + 1))


PAGE_YEARS = 6  # the years the page links to (any other by ?year=)


def _page_months(member: Member, year: int, today: dt.date) -> list[dt.date]:
    first, last = rules.dues_page_span(year, today)
    first = max(first, rules.month_start(member.joined_on))
    if member.transferred_out_on is not None:
        last = min(last, rules.month_start(member.transferred_out_on))
    return _months(first, last) if first <= last else []


def member_dues_page(member: Member, *, year: int, today: dt.date) -> MemberDuesPage:
    """Everything the member's 党费 page shows, in a fixed number of queries."""
    shown = _page_months(member, year, today)
    standing = dues_standing([member.pk], today).get(member.pk) or DuesStanding()
    unsettled = standing.arrears.unsettled if standing.arrears else ()
    this_month = rules.month_start(min(today, dt.date(year, 12, 31)))
    lines = member_months_dues(member, {*shown, *unsettled, this_month})
    payments = list(
        DuesPayment.objects.standing()
        .filter(member=member, paid_on__lte=today)
        .filter(Q(kind=PaymentKind.DUES, period__in={*shown, *unsettled})
                | Q(kind=PaymentKind.VOLUNTARY, period__year=year))
        .order_by("period", "pk")
    )  # fmt: skip
    paid = {p.period: p for p in payments if p.kind == PaymentKind.DUES}
    # A run of 6 months stands until the branch decides, paid late or not; what is owed is the
    # months of it (and any other late month) still unpaid.
    owed = tuple(m for m in unsettled if m not in paid)
    latest = DuesPayment.objects.regular().filter(member=member).order_by("-period").first()
    quarterly = latest is not None and latest.method == PaymentMethod.QUARTERLY
    months = tuple(_dues_month(m, lines[m], paid.get(m), standing, today, quarterly) for m in shown)
    return MemberDuesPage(
        member=member,
        year=year,
        today=today,
        assessment=DuesAssessment.objects.filter(member=member, year=year).first(),
        current=lines[this_month],
        months=months,
        standing=standing,
        arrears_months=owed,
        arrears_total=sum((lines[m].amount for m in owed if lines[m].computable), ZERO),
        voluntary=tuple(p for p in payments if p.kind == PaymentKind.VOLUNTARY),
        income_changes=tuple(
            IncomeChange.objects.filter(member=member, effective_month__year=year).order_by(
                "effective_month"
            )
        ),
        is_quarterly=quarterly,
    )


def _dues_month(
    month: dt.date,
    line: LedgerLine,
    payment: DuesPayment | None,
    standing: DuesStanding,
    today: dt.date,
    quarterly: bool,
) -> DuesMonth:
    unsettled = standing.arrears.unsettled if standing.arrears else ()
    is_arrears = payment is None and month in unsettled
    owed = line.computable and line.amount > 0
    payable = (
        payment is None
        and owed
        and rules.payment_period_error(month, today, PaymentMethod.QUARTERLY) is None
    )
    if payment is not None:
        status = "已交"
    elif not line.computable:
        status = line.note
    elif not owed:
        status = line.note or "不需交纳"
    elif is_arrears:
        status = "欠交"
    elif rules.payment_deadline(month, quarterly=quarterly) > today:
        status = "未到期"
    elif standing.first_month is None or month < standing.first_month:
        status = "未交（本支部交纳记录起始前，不计欠交）"
    else:
        status = "未交"
    if payment is None and owed and not payable and month < rules.month_start(today):
        status += "（已超过补交期限）"
    return DuesMonth(month, line, payment, status, is_arrears, payable)


# How many months of the year the member page's 党费 tab lists (the newest; the page has all).
TAB_MONTHS = 6


def member_dues_tab(*, member: Member, user: Any) -> Any:
    """The member page's 党费 tab (members/selectors/member.py Tab): the year's 核定, the arrears
    and the latest months, linking to the member's 党费 page. A fixed number of queries."""
    from django.urls import reverse

    from members.selectors.member import Tab

    permission = "finance.view_memberdues"
    if not user.has_perm(permission):
        return None
    today = timezone.localdate()
    page = member_dues_page(member, year=today.year, today=today)
    url = reverse("admin:finance_memberdues_change", args=[member.pk])
    if member.transferred_out_on is not None:  # out of the dues list: their payments remain
        url = f"{reverse('admin:finance_duespayment_changelist')}?q={member.name}"
    rows = [
        (url, [m.label, m.line.amount if m.line.computable else "—",
               m.payment.amount if m.payment else "—",
               f"{m.payment.paid_on:%Y-%m-%d}" if m.payment else "—", m.status])
        for m in page.months if m.month <= rules.month_start(today)
    ][-TAB_MONTHS:][::-1]  # fmt: skip
    return Tab(
        "党费", ("月份", "应缴（元）", "已交（元）", "交纳日期", "状态"), rows, url, permission,
        summary=_dues_summary(page), badge=_dues_badge(page),
        list_label="打开党费页（核定、逐月交纳情况、登记交纳）",
    )  # fmt: skip


def _dues_summary(page: MemberDuesPage) -> str:
    if page.assessment is not None:
        fixed = page.assessment
        basis = f"{fixed.get_basis_display()}，{fixed.rate}"
        first = f"{page.year}年度核定每月{fixed.monthly_amount}元（{basis}）"
    elif page.current.computable:
        first = f"{page.year}年度尚未核定，按本月收入每月{page.current.amount}元"
    else:
        first = page.current.note
    if page.standing.error:
        return f"{first}；数据有误：{page.standing.error}"
    if page.arrears_months:
        second = f"欠交{len(page.arrears_months)}个月，合计{page.arrears_total}元"
    elif page.standing.first_month is None:
        second = "本支部尚无交纳记录，暂不判断欠交"
    else:
        second = "无欠交"
    if page.standing.level is not None:
        second += f"（{page.standing.level.label}）"
    return f"{first}；{second}；{page.year}年已交{page.paid_total}元。"


def _dues_badge(page: MemberDuesPage) -> str:
    if page.standing.error:
        return "数据有误"
    return f"欠交{len(page.arrears_months)}个月" if page.arrears_months else "无欠交"


# --- 党费收缴公示 ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublishedDues:
    """A published summary as a public board shows it: names and amounts only."""

    branch: str
    period: str
    published_on: dt.date
    lines: tuple[tuple[str, Decimal], ...]
    total: Decimal


def dues_publication_list(community_id: int) -> list[PublishedDues]:
    """The published 党费收缴公示 of the branches under a community, newest first (for the
    publicity app's public board). Two queries."""
    found = (
        DuesPublication.objects.published()
        .filter(Q(branch__parent_id=community_id) | Q(branch_id=community_id))
        .select_related("branch")
        .prefetch_related("lines")
        .order_by("-last_month", "branch__code")
    )
    result = []
    for publication in found:
        lines = tuple((line.member_name, line.amount) for line in publication.lines.all())
        result.append(
            PublishedDues(
                branch=publication.branch.name,
                period=publication.period_label,
                published_on=publication.published_on or publication.created_at.date(),
                lines=lines,
                total=sum((amount for _, amount in lines), ZERO),
            )
        )
    return result


def publication_lines(
    branch_id: int, first: dt.date, last: dt.date, members: Any = None
) -> list[tuple[str, Decimal]]:
    """What a branch's members paid in a period (dues and voluntary, not reversed), by name;
    only the members of `members` (the user's people scope: a community publishing for a unit
    organization located there covers the unit's members living in the community, no others)."""
    found = DuesPayment.objects.standing()
    if members is not None:
        found = found.filter(member__in=members.values("pk"))
    rows = (
        found.filter(member__branch_id=branch_id, period__gte=first, period__lte=last)
        .values("member_id", "member__name")
        .annotate(total=Sum("amount"))
        .order_by("member__name", "member_id")
    )
    return [(row["member__name"], row["total"]) for row in rows]


# --- 党建经费 ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FundBalance:
    budget: Decimal
    committed: Decimal
    by_use: tuple[tuple[str, Decimal], ...]  # (use label, amount committed)

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed


def fund_balance(community_id: int, year: int, *, excluding_plan: int | None = None) -> FundBalance:
    """A community's budget for the year, what the plans in the chain or paid commit of it, per
    use, and the balance. Two queries."""
    budget = (
        FundBudget.objects.filter(community_id=community_id, year=year)
        .values_list("amount", flat=True)
        .first()
    )
    plans = SpendingPlan.objects.committed().filter(community_id=community_id, month__year=year)
    if excluding_plan is not None:
        plans = plans.exclude(pk=excluding_plan)
    per_use = dict(
        SpendingItem.objects.filter(plan__in=plans)
        .values("use")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("use", "total")
    )
    by_use = tuple((str(label), per_use.get(use, ZERO)) for use, label in FundUse.choices)
    return FundBalance(
        budget=budget if budget is not None else ZERO,
        committed=sum(per_use.values(), ZERO),
        by_use=by_use,
    )


@dataclass(frozen=True)
class FundAllowance:
    """What a plan of a month may commit (量入为出): the budget received by then, or what was
    paid out if more, less what the year's other plans commit."""

    has_budget: bool
    received: Decimal  # month/12 of the year's budget
    paid_out: Decimal
    committed: Decimal  # by the year's other plans in the chain or paid
    allowance: Decimal


def fund_allowance(
    community_id: int, month: dt.date, *, excluding_plan: int | None = None
) -> FundAllowance:
    """A plan of `month`'s allowance, in three queries."""
    budget = (
        FundBudget.objects.filter(community_id=community_id, year=month.year)
        .values_list("amount", flat=True)
        .first()
    )
    plans = SpendingPlan.objects.committed().filter(
        community_id=community_id, month__year=month.year
    )
    if excluding_plan is not None:
        plans = plans.exclude(pk=excluding_plan)
    committed = plans.aggregate(total=Sum("total"))["total"] or ZERO
    paid_out = (
        plans.filter(status=rules.PlanStatus.PAID, month__lte=month).aggregate(total=Sum("total"))[
            "total"
        ]
        or ZERO
    )
    yearly = budget if budget is not None else ZERO
    allowance = rules.plan_allowance(
        yearly=yearly, month=month.month, paid_out=paid_out, committed=committed
    )
    return FundAllowance(
        has_budget=budget is not None,
        received=rules.to_fen(yearly * month.month / 12),
        paid_out=paid_out,
        committed=committed,
        allowance=allowance,
    )


# --- the last month settled, in the list's own query ----------------------------------------------
NEVER = dt.date(1900, 1, 1)


def with_dues_status(members: Any, today: dt.date) -> Any:
    """Members annotated with `last_settled`: their latest month paid or waived (NEVER if none),
    a waiver running into the current month counting up to it."""
    from django.db.models import DateField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce, Greatest, Least

    this_month = rules.month_start(today)
    paid = (
        DuesPayment.objects.regular()
        .filter(member_id=OuterRef("pk"), period__lte=this_month)
        .order_by("-period")
        .values("period")[:1]
    )
    waived = (
        DuesRelief.objects.filter(
            member_id=OuterRef("pk"), status=ReliefStatus.APPROVED, monthly_amount=0,
            first_month__lte=this_month,
        )
        .order_by("-last_month")
        .values("last_month")[:1]
    )  # fmt: skip
    never = Value(NEVER, output_field=DateField())
    return members.annotate(
        last_settled=Greatest(
            Coalesce(Subquery(paid, output_field=DateField()), never),
            Least(
                Coalesce(Subquery(waived, output_field=DateField()), never),
                Value(this_month, output_field=DateField()),
            ),
        )
    )


# --- what waits for a user, and the budgets the sub-district is to set up ---------------------------
def plans_awaiting_q(user: Any) -> Q:
    """The plans whose current step is `user`'s: a draft or returned plan of a community they
    head (社区党组织书记), or a plan at a sub-district step they hold (FundApprover) for a community
    of that sub-district and that they did not submit themselves. One query (their steps)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    heads = OrganizationAccess.objects.filter(user_id=user.pk, role=Role.COMMUNITY_SECRETARY)
    head_statuses = [s for s, (step, _) in rules.CHAIN.items() if step == ChainStep.COMMUNITY_HEAD]
    mine = Q(status__in=head_statuses, community_id__in=heads.values("organization_id"))
    held = FundApprover.objects.filter(user_id=user.pk, is_active=True)
    for step, sub_district_id in held.values_list("step", "sub_district_id"):
        statuses = [s for s, (at, _) in rules.CHAIN.items() if at == step]
        mine |= Q(status__in=statuses, community__parent_id=sub_district_id) & ~Q(
            submitted_by_id=user.pk
        )
    return mine


def communities_without_budget(organizations: Any, year: int) -> Any:
    """The active communities among `organizations` with no 党建经费 budget for `year`."""
    budgeted = FundBudget.objects.filter(year=year).values("community_id")
    return organizations.filter(kind__in=COMMUNITY_KINDS, is_active=True).exclude(pk__in=budgeted)
