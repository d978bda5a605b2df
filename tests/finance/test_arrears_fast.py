"""The members' dues standing (finance.selectors.dues_standing: the arrears list, the 工作台, the
自行脱党 flags and 量化考核 read it) gives what the previous computation gave
(tests/finance/arrears_reference.py, every member judged month by month), member for member, on
seeded random payment histories; while only the members who did not pay every month within it
are judged month by month. Then the deadline day itself, and the number of queries."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from finance import rules, selectors
from finance.models import DuesPayment, DuesRelief
from finance.rules import ArrearsLevel, PaymentMethod
from members.models import Member
from members.rules import Run, TransferDirection, TransferState
from tests.finance.arrears_reference import reference_dues_standing
from tests.members.factories import (
    LapseDecisionFactory,
    MemberFactory,
    MembershipTransferFactory,
)

START = dt.date(2024, 1, 1)  # the first month of the histories
END = dt.date(2026, 9, 1)  # their last month
# Days the standing is judged on: inside months, the first of a month (a deadline), the last
# day before one, and the first of a quarter (a quarterly payer's deadline).
AS_OF = [
    dt.date(2024, 1, 1),
    dt.date(2024, 6, 30),
    dt.date(2024, 7, 1),
    dt.date(2025, 2, 17),
    dt.date(2025, 9, 30),
    dt.date(2025, 10, 1),
    dt.date(2025, 12, 31),
    dt.date(2026, 1, 1),
    dt.date(2026, 5, 9),
    dt.date(2026, 10, 2),
]


def _months(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    for index in range(rules.month_index(first), rules.month_index(last) + 1):
        yield rules.month_from_index(index)


def _day_in(month: dt.date, rng: random.Random) -> dt.date:
    return month + dt.timedelta(days=rng.randint(0, 27))


def _pay(member: Member, period: dt.date, paid_on: dt.date, **kw: Any) -> DuesPayment:
    return DuesPayment(
        member=member,
        period=period,
        amount=D("0.20"),
        paid_on=paid_on,
        method=kw.pop("method", PaymentMethod.IN_PERSON),
        **kw,
    )


def _waiver(member: Member, first: dt.date, last: dt.date, **kw: Any) -> DuesRelief:
    values: dict[str, Any] = {
        "kind": "waive",
        "monthly_amount": D("0"),
        "reason": "重病住院",
        "branch_decided_on": first,
        "branch_decision": "支部委员会会议决定",
        "status": "approved",
        **kw,
    }
    return DuesRelief(member=member, first_month=first, last_month=last, **values)


# --- the ways a member pays, each a function of (member, random) giving its payments ---------------
Habit = Callable[[Member, random.Random], list[DuesPayment]]


def _every_month(member: Member, rng: random.Random) -> list[DuesPayment]:
    """Within each month (now and then a month ahead, within the month before)."""
    found = []
    for month in _months(START, END):
        paid_on = _day_in(month, rng)
        if rng.random() < 0.1:
            paid_on = rules.add_months(month, -1) + dt.timedelta(days=rng.randint(0, 27))
        found.append(_pay(member, month, paid_on))
    return found


def _quarterly(member: Member, rng: random.Random) -> list[DuesPayment]:
    """With the branch's consent, by quarter: at its start, its end, or (sometimes) after it."""
    found = []
    for month in _months(START, END):
        if month.month % 3 != 1:
            continue
        when = rng.choice(["start", "start", "end", "late", "skip"])
        paid_on = {
            "start": month + dt.timedelta(days=rng.randint(0, 9)),
            "end": rules.add_months(month, 3) - dt.timedelta(days=1),
            "late": rules.add_months(month, rng.randint(3, 7)),
        }.get(when)
        if paid_on is None:
            continue
        for offset in range(3):
            period = rules.add_months(month, offset)
            found.append(_pay(member, period, paid_on, method=PaymentMethod.QUARTERLY))
    return found


def _late(member: Member, rng: random.Random) -> list[DuesPayment]:
    """Each month one to eight months late (back pay, or an import of older records)."""
    return [
        _pay(member, month, _day_in(rules.add_months(month, rng.randint(1, 8)), rng))
        for month in _months(START, END)
    ]


def _mixed(member: Member, rng: random.Random) -> list[DuesPayment]:
    """Most months within the month, some late, some never; now and then on the deadline day
    itself (the first of the next month: late) or the day before it (in time)."""
    found = []
    for month in _months(START, END):
        draw = rng.random()
        if draw < 0.15:
            continue
        if draw < 0.25:
            paid_on = _day_in(rules.add_months(month, rng.randint(1, 6)), rng)
        elif draw < 0.32:
            paid_on = rules.add_months(month, 1) - dt.timedelta(days=rng.randint(0, 1))
        else:
            paid_on = _day_in(month, rng)
        found.append(_pay(member, month, paid_on))
    return found


def _stopped(member: Member, rng: random.Random) -> list[DuesPayment]:
    """Every month within it, until they stopped; some paid the gap back later."""
    stop = rules.add_months(START, rng.randint(0, 30))
    found = [_pay(member, m, _day_in(m, rng)) for m in _months(START, stop)]
    if rng.random() < 0.5:
        back = rules.add_months(stop, rng.randint(4, 9))
        found += [
            _pay(member, m, _day_in(back, rng))
            for m in _months(rules.add_months(stop, 1), rules.add_months(back, -1))
        ]
    return found


def _never(member: Member, rng: random.Random) -> list[DuesPayment]:
    return []


HABITS: tuple[Habit, ...] = (
    _every_month,
    _every_month,
    _every_month,
    _quarterly,
    _late,
    _mixed,
    _mixed,
    _stopped,
    _never,
)


def _history(member: Member, rng: random.Random) -> tuple[list[DuesPayment], list[DuesRelief]]:
    """A member's payments by one habit, then some records that settle or do not: an approved
    waiver over some months (unpaid, or paid as well), a waiver pending or a reduction (which
    settle nothing), a payment reversed (冲正, settles nothing), a payment made in the future."""
    payments = rng.choice(HABITS)(member, rng)
    reliefs = []
    if rng.random() < 0.25:
        first = rules.add_months(START, rng.randint(0, 28))
        last = rules.add_months(first, rng.randint(0, 7))
        if rng.random() < 0.7:
            payments = [p for p in payments if not first <= p.period <= last]
        kind = rng.choice(["approved", "approved", "pending", "reduced"])
        if kind == "reduced":
            reliefs.append(_waiver(member, first, last, kind="reduce", monthly_amount=D("0.10")))
        else:
            reliefs.append(_waiver(member, first, last, status=kind))
    if payments and rng.random() < 0.15:
        payments[rng.randrange(len(payments))].reversed_at = timezone.now()
    if rng.random() < 0.1:
        payments = [p for p in payments if p.period != END]
        payments.append(_pay(member, END, dt.date(2027, 1, 5)))
    return payments, reliefs


def _joined(rng: random.Random) -> dt.date:
    """Long a member, or joined during the histories (a month's dues from then)."""
    if rng.random() < 0.7:
        return dt.date(rng.randint(1980, 2020), rng.randint(1, 12), rng.randint(1, 28))
    return START + dt.timedelta(days=rng.randint(0, 900))


def _generate(tree: SimpleNamespace, seed: int, count: int) -> list[int]:
    """`count` members over two branches with seeded random histories. Branch A's records
    start with the histories; branch B's start late (its earliest payment a year on); a third
    branch has no payment recorded (its members are not judged)."""
    rng = random.Random(seed)  # noqa: S311 (seeded test data, not a secret)
    branches = (tree.branch_a, tree.branch_a, tree.branch_b, tree.branch_b, tree.other_branch)
    payments: list[DuesPayment] = []
    reliefs: list[DuesRelief] = []
    members = []
    for number in range(count):
        branch = branches[number % len(branches)]
        no_income = number % 20 == 7  # a data error: never judged, never "owes nothing"
        member = MemberFactory(
            branch=branch,
            categories=["in_service"] if no_income else [rng.choice(["student", "retired"])],
            monthly_income=None if no_income else D("3000"),
            joined_on=_joined(rng),
        )
        members.append(member)
        paid, relieved = _history(member, rng)
        if branch == tree.branch_b:
            paid = [p for p in paid if p.period >= dt.date(2025, 1, 1)]
        if branch != tree.other_branch:
            payments += paid
            reliefs += relieved
        if rng.random() < 0.1:  # transferred in, received during the histories
            MembershipTransferFactory(
                member=member,
                branch=branch,
                direction=TransferDirection.IN,
                state=TransferState.RECEIVED,
                issued_on=dt.date(2024, 1, 1),
                received_on=START + dt.timedelta(days=rng.randint(0, 900)),
            )
        if rng.random() < 0.05:  # the branch decided on an earlier lapse: judged afresh after
            LapseDecisionFactory(
                member=member, decided_on=START + dt.timedelta(days=rng.randint(100, 700))
            )
    DuesPayment.objects.bulk_create(payments)
    DuesRelief.objects.bulk_create(reliefs)
    return [m.pk for m in members]


@pytest.fixture
def other_branch(tree: SimpleNamespace) -> Any:
    from tests.organizations.factories import OrganizationFactory

    return OrganizationFactory(
        name="甲社区第二党支部", code="SD-A-2", kind="branch", parent=tree.community_a
    )


@pytest.fixture
def judged_count(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many members rules.arrears judges month by month (one count per call)."""
    calls: list[int] = [0]
    judge = rules.arrears

    def counted(*args: Any, **kw: Any) -> rules.Arrears:
        calls[0] += 1
        return judge(*args, **kw)

    monkeypatch.setattr(rules, "arrears", counted)
    return calls


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_standing_is_the_reference_on_random_histories(
    tree: SimpleNamespace, other_branch: Any, judged_count: list[int], seed: int
) -> None:
    tree.other_branch = other_branch
    ids = _generate(tree, seed, 60)
    levels: set[ArrearsLevel | None] = set()
    fast = 0
    for as_of in AS_OF:
        expected = reference_dues_standing(ids, as_of)
        judged_count[0] = 0
        found = selectors.dues_standing(ids, as_of)
        assert found == expected, as_of
        judged = sum(1 for s in found.values() if s.first_month is not None)
        assert judged_count[0] <= judged
        fast += judged - judged_count[0]
        # The same from a queryset (the arrears list's and the 工作台's scope).
        assert selectors.dues_standing(Member.objects.filter(pk__in=ids), as_of) == expected
        levels |= {s.level for s in found.values() if s.first_month}
    # Every outcome occurs, and both ways were taken: some members not judged month by month.
    assert levels == {None, ArrearsLevel.WARNED, ArrearsLevel.LAPSED}
    assert fast > 0
    assert any(s.error for s in found.values())
    assert any(s.first_month is None and not s.error for s in found.values())


# --- the deadline day: the first of the next month (of the next quarter, paying quarterly) -------
def _member(tree: SimpleNamespace) -> Member:
    return MemberFactory(
        branch=tree.branch_a, categories=["student"], joined_on=dt.date(2010, 1, 1)
    )


def _standing(member: Member, as_of: dt.date) -> selectors.DuesStanding:
    found = selectors.dues_standing([member.pk], as_of)[member.pk]
    assert found == reference_dues_standing([member.pk], as_of)[member.pk]
    return found


@pytest.fixture
def records_from_december(tree: SimpleNamespace) -> None:
    """Branch A's records start in December 2025."""
    DuesPayment.objects.create(
        member=_member(tree), period=dt.date(2025, 12, 1), amount=D("0.20"),
        paid_on=dt.date(2025, 12, 3), method=PaymentMethod.IN_PERSON,
    )  # fmt: skip


@pytest.mark.usefixtures("records_from_december")
@pytest.mark.parametrize(
    ("as_of", "months", "level"),
    [
        (dt.date(2026, 6, 30), 5, ArrearsLevel.WARNED),  # the day before June's deadline
        (dt.date(2026, 7, 1), 6, ArrearsLevel.LAPSED),  # the deadline: June is late
        (dt.date(2026, 7, 2), 6, ArrearsLevel.LAPSED),
    ],
)
def test_a_month_counts_from_its_deadline_day(
    tree: SimpleNamespace, as_of: dt.date, months: int, level: ArrearsLevel
) -> None:
    member = _member(tree)
    DuesPayment.objects.create(
        member=member, period=dt.date(2025, 12, 1), amount=D("0.20"),
        paid_on=dt.date(2025, 12, 20), method=PaymentMethod.IN_PERSON,
    )  # fmt: skip
    standing = _standing(member, as_of)
    assert standing.arrears is not None
    assert standing.arrears.run == Run(dt.date(2026, 1, 1), months)
    assert standing.level == level


@pytest.mark.usefixtures("records_from_december")
@pytest.mark.parametrize(
    ("paid_on", "level"),
    [
        (dt.date(2026, 6, 30), None),  # the day before June's deadline: June was never late
        (dt.date(2026, 7, 1), ArrearsLevel.LAPSED),  # on it: six months stood unpaid
        (dt.date(2026, 7, 2), ArrearsLevel.LAPSED),
    ],
)
def test_six_months_paid_at_once_stand_from_the_deadline_day(
    tree: SimpleNamespace, paid_on: dt.date, level: ArrearsLevel | None
) -> None:
    member = _member(tree)
    for month in _months(dt.date(2025, 12, 1), dt.date(2026, 6, 1)):
        DuesPayment.objects.create(
            member=member, period=month, amount=D("0.20"),
            paid_on=dt.date(2025, 12, 5) if month.year == 2025 else paid_on, method="in_person",
        )  # fmt: skip
    standing = _standing(member, dt.date(2026, 7, 20))
    assert standing.level == level
    assert standing.arrears is not None
    assert standing.arrears.unsettled == (
        tuple(_months(dt.date(2026, 1, 1), dt.date(2026, 6, 1))) if level else ()
    )


@pytest.mark.usefixtures("records_from_december")
@pytest.mark.parametrize(
    ("paid_on", "level"),
    [
        (dt.date(2026, 6, 30), None),  # the second quarter in time; the first was late alone
        (dt.date(2026, 7, 1), ArrearsLevel.LAPSED),  # the second quarter's deadline: both late
    ],
)
def test_a_quarterly_payer_is_late_from_the_next_quarter(
    tree: SimpleNamespace, paid_on: dt.date, level: ArrearsLevel | None
) -> None:
    member = _member(tree)
    for month in _months(dt.date(2025, 12, 1), dt.date(2026, 6, 1)):
        DuesPayment.objects.create(
            member=member, period=month, amount=D("0.20"), method=PaymentMethod.QUARTERLY,
            paid_on=dt.date(2025, 12, 5) if month.year == 2025 else paid_on,
        )  # fmt: skip
    assert _standing(member, dt.date(2026, 7, 15)).level == level


@pytest.mark.usefixtures("records_from_december")
def test_a_month_paid_on_its_last_day_is_in_time_and_not_judged_month_by_month(
    tree: SimpleNamespace, judged_count: list[int]
) -> None:
    in_time, on_deadline = _member(tree), _member(tree)
    for month in _months(dt.date(2025, 12, 1), dt.date(2026, 5, 1)):
        last_day = rules.add_months(month, 1) - dt.timedelta(days=1)
        for member, paid_on in ((in_time, last_day), (on_deadline, last_day)):
            if member is on_deadline and month == dt.date(2026, 5, 1):
                paid_on = dt.date(2026, 6, 1)
            DuesPayment.objects.create(
                member=member, period=month, amount=D("0.20"), paid_on=paid_on, method="proxy",
                proxy_name="张三",
            )  # fmt: skip
    found = selectors.dues_standing([in_time.pk, on_deadline.pk], dt.date(2026, 6, 1))
    assert judged_count[0] == 1  # on_deadline only
    assert found[in_time.pk].arrears == selectors.NO_ARREARS
    assert found == reference_dues_standing([in_time.pk, on_deadline.pk], dt.date(2026, 6, 1))


# --- queries ----------------------------------------------------------------------------------------
def _members_paying(tree: SimpleNamespace, count: int) -> list[int]:
    """`count` members: every other one pays every month in time, the rest late or never."""
    ids = []
    for number in range(count):
        member = _member(tree)
        ids.append(member.pk)
        for month in _months(dt.date(2025, 12, 1), dt.date(2026, 5, 1)):
            late = number % 2 and month.month in (2, 3)
            if number % 4 == 3 and month.year == 2026:
                continue
            paid_on = rules.add_months(month, 2) if late else month
            DuesPayment.objects.create(
                member=member, period=month, amount=D("0.20"), paid_on=paid_on, method="in_person"
            )
    return ids


@pytest.mark.parametrize("count", [10, 40])
def test_standing_queries_do_not_grow_with_members(
    tree: SimpleNamespace, judged_count: list[int], count: int
) -> None:
    ids = _members_paying(tree, count)
    with CaptureQueriesContext(connection) as queries:
        found = selectors.dues_standing(ids, dt.date(2026, 6, 15))
    assert judged_count[0] == count // 2
    assert found == reference_dues_standing(ids, dt.date(2026, 6, 15))
    assert {s.level for s in found.values()} == {None, ArrearsLevel.WARNED}
    assert len(queries) == QUERIES


# The ledger of the month (its categories and its rows: the data errors), judged_from's five, the
# members' branches and the branches' first months, the members who paid every month in time, the
# others' payments and waivers.
QUERIES = 12
