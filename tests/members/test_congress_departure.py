"""A delegate's recorded departure (迁出, 调离, 去世, 辞去): a directly managed member who moves away
keeps their branch and has no 报到登记 to end, so only the secretary's dated record leaves the
seat; the seat is vacant from that day until a by-election fills it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import rules
from members.models import DelegateConference, DelegateElection, DelegateNominee
from members.rules import DelegateGroup, DepartureReason
from members.selectors.congress import seat_table
from members.services import congress as services
from tests.members import factories as mf

pytestmark = pytest.mark.django_db

START = dt.date(2025, 7, 1)
HELD = dt.date(2025, 6, 20)
MOVED = dt.date(2026, 3, 10)


@pytest.fixture
def conference(tree: SimpleNamespace, superuser: Any) -> DelegateConference:
    return services.delegate_conference_save(
        conference=DelegateConference(
            community=tree.community_a,
            name="甲社区第一届党员代表会议",
            term_starts_on=START,
            term_ends_on=dt.date(2030, 6, 30),
            seats_direct=1,
        ),  # fmt: skip
        actor=superuser,
    )


def _direct(tree: SimpleNamespace, name: str) -> Any:
    return mf.MemberFactory(
        name=name, birth_date=dt.date(1970, 3, 3), branch=tree.branch_a,
        residence_community=tree.community_a,
    )  # fmt: skip


def _elect(conference: DelegateConference, member: Any, actor: Any, **kwargs: Any) -> Any:
    values = {"group": DelegateGroup.DIRECT, "held_on": HELD, "voters": 40, **kwargs}
    election = services.delegate_election_save(
        election=DelegateElection(conference=conference, **values), actor=actor
    )
    return services.delegate_nominee_save(
        nominee=DelegateNominee(election=election, member=member, votes=30), actor=actor
    )


def _depart(nominee: Any, actor: Any, left_on: Any = MOVED, reason: str = "moved_away") -> Any:
    nominee.left_on, nominee.left_reason = left_on, reason
    nominee.left_note = "迁往外区居住" if left_on else ""
    return services.delegate_departure_save(nominee=nominee, actor=actor)


@pytest.fixture
def delegate(tree: SimpleNamespace, conference: DelegateConference, secretary_a: Any) -> Any:
    return _elect(conference, _direct(tree, "直管代表"), secretary_a)


def test_a_direct_delegate_who_moves_away_with_no_record_stays_seated(
    conference: DelegateConference, delegate: Any
) -> None:
    # No 报到登记, no transfer: nothing dates a departure, and none is inferred.
    assert seat_table(conference, dt.date(2030, 6, 30)).seated == 1


def test_the_recorded_departure_leaves_the_seat_from_its_day(
    conference: DelegateConference, delegate: Any, secretary_a: Any
) -> None:
    _depart(delegate, secretary_a)
    before = seat_table(conference, MOVED - dt.timedelta(days=1))
    assert (before.seated, before.groups[0].vacant) == (1, 0)
    on_the_day = seat_table(conference, MOVED)
    assert (on_the_day.seated, on_the_day.groups[0].vacant) == (0, 1)
    assert [(d.member.name, d.left_label, d.left_on) for d in on_the_day.groups[0].left] == [
        ("直管代表", "迁出本社区", MOVED)
    ]
    assert seat_table(conference, MOVED + dt.timedelta(days=1)).groups[0].vacant == 1


def test_a_by_election_fills_the_seat_left_and_not_before(
    tree: SimpleNamespace, conference: DelegateConference, delegate: Any, secretary_a: Any
) -> None:
    _depart(delegate, secretary_a, reason=DepartureReason.REASSIGNED)
    with pytest.raises(ValidationError, match="只有0个空缺席位"):
        _elect(conference, _direct(tree, "早选"), secretary_a, held_on=MOVED - dt.timedelta(1))
    _elect(conference, _direct(tree, "补选代表"), secretary_a, held_on=MOVED, is_by_election=True)
    table = seat_table(conference, MOVED)
    assert [d.member.name for d in table.groups[0].seated] == ["补选代表"]
    assert table.groups[0].vacant == 0
    assert [d.left_label for d in table.groups[0].left] == ["调离"]
    # The seat is filled: the departure can no longer be withdrawn.
    with pytest.raises(ValidationError, match="已补选产生新代表"):
        _depart(delegate, secretary_a, left_on=None, reason="")


def test_a_departure_is_dated_between_the_election_and_today(
    delegate: Any, secretary_a: Any
) -> None:
    with pytest.raises(ValidationError, match="离任日期不能早于当选日期"):
        _depart(delegate, secretary_a, left_on=HELD - dt.timedelta(days=1))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="离任在发生后登记"):
        _depart(delegate, secretary_a, left_on=tomorrow)
    _depart(delegate, secretary_a, left_on=HELD)  # the election's own day is allowed


def test_a_departure_needs_its_reason(delegate: Any, secretary_a: Any) -> None:
    with pytest.raises(ValidationError, match="离任须同时填写离任日期和离任原因"):
        _depart(delegate, secretary_a, reason="")


def test_a_nominee_not_elected_has_no_seat_to_leave(
    tree: SimpleNamespace, conference: DelegateConference, secretary_a: Any
) -> None:
    election = services.delegate_election_save(
        election=DelegateElection(
            conference=conference, group=DelegateGroup.DIRECT, held_on=HELD, voters=40
        ),
        actor=secretary_a,
    )
    half = services.delegate_nominee_save(
        nominee=DelegateNominee(election=election, member=_direct(tree, "半数"), votes=20),
        actor=secretary_a,
    )
    with pytest.raises(ValidationError, match="未当选代表，无需登记离任"):
        _depart(half, secretary_a)


def test_the_departure_is_audited_with_who_recorded_it(delegate: Any, secretary_a: Any) -> None:
    _depart(delegate, secretary_a, reason=DepartureReason.DECEASED)
    record = delegate.history.latest()
    assert (record.left_reason, record.left_on, record.history_user) == (
        "deceased",
        MOVED,
        secretary_a,
    )


def test_another_community_may_not_record_the_departure(delegate: Any, secretary_b: Any) -> None:
    with pytest.raises(PermissionDenied):
        _depart(delegate, secretary_b)


def test_the_secretary_records_the_departure_on_the_delegate_page(
    conference: DelegateConference, delegate: Any, secretary_a: Any
) -> None:
    client = Client()
    client.force_login(secretary_a)
    url = reverse("admin:members_delegatenominee_change", args=[delegate.pk])
    page = client.get(url)
    assert "离任登记" in page.content.decode()
    response = client.post(url, {"left_on": "2026-03-10", "left_reason": "resigned"})
    assert response.status_code == 302
    assert seat_table(conference, MOVED).groups[0].vacant == 1
    listing = client.get(reverse("admin:members_delegateconference_change", args=[conference.pk]))
    assert "直管代表（辞去代表职务，2026-03-10）" in listing.content.decode()


@pytest.mark.parametrize(
    ("departed_on", "left"),
    [(HELD - dt.timedelta(days=1), None), (HELD, (HELD, "resigned"))],
)
def test_seat_left_counts_a_departure_from_the_election_day(
    departed_on: dt.date, left: Any
) -> None:
    assert (
        rules.seat_left(
            DelegateGroup.DIRECT,
            elected_on=HELD,
            transferred_out_on=None,
            moved_out_on=None,
            departed_on=departed_on,
            departure_reason="resigned",
        )  # fmt: skip
        == left
    )


def test_seat_left_takes_the_earliest_record() -> None:
    later = HELD + dt.timedelta(days=30)
    assert rules.seat_left(
        DelegateGroup.DIRECT, elected_on=HELD, transferred_out_on=later, moved_out_on=None,
        departed_on=later - dt.timedelta(days=1), departure_reason="deceased",
    ) == (later - dt.timedelta(days=1), "deceased")  # fmt: skip
