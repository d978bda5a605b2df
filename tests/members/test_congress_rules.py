"""The pure rules of 两会一化 (members/rules.py) at their edges: 27 seats and 28, exactly half of
the votes and one more, the group a person fits, the day a seat is left, the quorum of the
delegates, the 区域化党总支's composition and its 书记."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from members import rules
from members.rules import DelegateFacts, DelegateGroup, RegionalRole, SeatLeaving

ELECTED = dt.date(2025, 6, 20)


def _seats(settings: Any, **change: int) -> dict[str, int]:
    return {**settings.MEMBERS_CONGRESS_SEATS, **change}


def test_the_default_seats_are_those_of_the_seed(settings: Any) -> None:
    assert settings.MEMBERS_CONGRESS_SEATS == {
        "direct": 20,
        "regional_org": 3,
        "in_service": 3,
        "floating": 1,
    }
    assert settings.MEMBERS_CONGRESS_MAX_SEATS == 27


def test_27_seats_are_allowed(settings: Any) -> None:
    seats = _seats(settings)
    assert sum(seats.values()) == settings.MEMBERS_CONGRESS_MAX_SEATS
    assert rules.seats_error(seats, settings.MEMBERS_CONGRESS_MAX_SEATS) is None


def test_28_seats_are_refused(settings: Any) -> None:
    seats = _seats(settings, direct=21)
    assert rules.seats_error(seats, settings.MEMBERS_CONGRESS_MAX_SEATS) == (
        "代表席位共28个，超过了27名的上限。"
    )


def test_the_maximum_is_a_setting(settings: Any) -> None:
    settings.MEMBERS_CONGRESS_MAX_SEATS = 30
    assert (
        rules.seats_error(_seats(settings, direct=23), settings.MEMBERS_CONGRESS_MAX_SEATS) is None
    )
    assert rules.seats_error(_seats(settings, direct=24), settings.MEMBERS_CONGRESS_MAX_SEATS)


def test_no_seat_at_all_is_refused() -> None:
    assert rules.seats_error({"direct": 0, "floating": 0}, 27) == "请至少设置一个代表席位。"


@pytest.mark.parametrize(
    ("votes", "voters", "elected"),
    [
        (25, 50, False),  # exactly half: not more than half
        (26, 50, True),  # half + 1
        (24, 50, False),
        (13, 25, True),  # an odd number voting: 13 of 25 is more than half
        (12, 25, False),
        (0, 0, False),  # nobody elected by nobody
        (1, 1, True),
    ],
)
def test_a_delegate_needs_more_than_half_of_those_voting(
    votes: int, voters: int, elected: bool
) -> None:
    assert rules.is_elected(votes, voters) is elected


def test_more_votes_than_voters_is_refused() -> None:
    assert rules.votes_error(51, 50) == "得票数（51）不能超过参加投票的人数（50）。"
    assert rules.votes_error(50, 50) is None


def _facts(**change: bool) -> DelegateFacts:
    values = {
        "is_full_member": True,
        "is_on_roster": True,
        "held_in_community": False,
        "held_by_area_organization": False,
        "is_in_service": False,
        "lives_in_community": False,
        "is_outflowing": False,
    }
    return DelegateFacts(**{**values, **change})


@pytest.mark.parametrize(
    ("group", "facts"),
    [
        (DelegateGroup.DIRECT, {"held_in_community": True}),
        (DelegateGroup.REGIONAL_ORG, {"held_by_area_organization": True}),
        (DelegateGroup.IN_SERVICE, {"is_in_service": True, "lives_in_community": True}),
        (DelegateGroup.FLOATING, {"is_outflowing": True, "held_in_community": True}),
    ],
)
def test_a_person_who_fits_the_group_may_be_elected(group: str, facts: dict[str, bool]) -> None:
    assert rules.delegate_group_error(group, _facts(**facts)) is None


@pytest.mark.parametrize(
    ("group", "facts", "why"),
    [
        (DelegateGroup.DIRECT, {"held_by_area_organization": True}, "组织关系须在本社区的党支部"),
        (DelegateGroup.REGIONAL_ORG, {"held_in_community": True}, "驻区单位党组织"),
        (DelegateGroup.IN_SERVICE, {"is_in_service": True}, "居住在本社区"),  # lives elsewhere
        (DelegateGroup.IN_SERVICE, {"lives_in_community": True}, "在职党员"),
        (DelegateGroup.FLOATING, {"held_in_community": True}, "外出流动登记"),
    ],
)
def test_a_person_who_does_not_fit_the_group_is_refused(
    group: str, facts: dict[str, bool], why: str
) -> None:
    error = rules.delegate_group_error(group, _facts(**facts))
    assert error is not None
    assert DelegateGroup(group).label in error
    assert why in error


def test_a_probationary_member_may_not_be_elected() -> None:
    facts = _facts(held_in_community=True, is_full_member=False)
    assert rules.delegate_group_error(DelegateGroup.DIRECT, facts) == (
        "预备党员没有选举权和被选举权，不能当选代表。"
    )


def test_a_member_transferred_out_by_the_election_may_not_be_elected() -> None:
    facts = _facts(held_in_community=True, is_on_roster=False)
    assert "已不在册" in str(rules.delegate_group_error(DelegateGroup.DIRECT, facts))


def test_a_delegate_with_no_record_of_leaving_holds_the_seat() -> None:
    left = rules.seat_left(
        DelegateGroup.DIRECT, elected_on=ELECTED, transferred_out_on=None, moved_out_on=None
    )
    assert left is None
    assert rules.is_seated_on(dt.date(2029, 1, 1), elected_on=ELECTED, left_on=None)


def test_a_transfer_out_leaves_the_seat_on_its_day() -> None:
    out = dt.date(2026, 3, 10)
    left = rules.seat_left(
        DelegateGroup.DIRECT, elected_on=ELECTED, transferred_out_on=out, moved_out_on=None
    )
    assert left == (out, SeatLeaving.TRANSFERRED_OUT)
    assert rules.is_seated_on(out - dt.timedelta(days=1), elected_on=ELECTED, left_on=out)
    assert not rules.is_seated_on(out, elected_on=ELECTED, left_on=out)
    assert not rules.is_seated_on(out + dt.timedelta(days=1), elected_on=ELECTED, left_on=out)


def test_a_record_before_the_election_does_not_leave_the_seat() -> None:
    before = ELECTED - dt.timedelta(days=1)
    left = rules.seat_left(
        DelegateGroup.IN_SERVICE, elected_on=ELECTED, transferred_out_on=before, moved_out_on=before
    )
    assert left is None


def test_moving_away_leaves_a_resident_seat_only() -> None:
    moved = dt.date(2026, 5, 1)
    resident = rules.seat_left(
        DelegateGroup.IN_SERVICE, elected_on=ELECTED, transferred_out_on=None, moved_out_on=moved
    )
    assert resident == (moved, SeatLeaving.MOVED_AWAY)
    direct = rules.seat_left(
        DelegateGroup.DIRECT, elected_on=ELECTED, transferred_out_on=None, moved_out_on=moved
    )
    assert direct is None


def test_the_earlier_of_two_records_counts() -> None:
    left = rules.seat_left(
        DelegateGroup.IN_SERVICE,
        elected_on=ELECTED,
        transferred_out_on=dt.date(2026, 6, 1),
        moved_out_on=dt.date(2026, 5, 1),
    )
    assert left == (dt.date(2026, 5, 1), SeatLeaving.MOVED_AWAY)


def test_a_seat_is_held_from_the_election_day() -> None:
    assert not rules.is_seated_on(ELECTED - dt.timedelta(days=1), elected_on=ELECTED, left_on=None)
    assert rules.is_seated_on(ELECTED, elected_on=ELECTED, left_on=None)


def test_an_election_fills_at_most_the_vacant_seats() -> None:
    assert rules.election_overflow_error(DelegateGroup.DIRECT, elected=1, vacant=1) is None
    error = rules.election_overflow_error(DelegateGroup.DIRECT, elected=2, vacant=1)
    assert error is not None
    assert "只有1个空缺席位" in error
    assert rules.vacant_seats(20, 19) == 1
    assert rules.vacant_seats(3, 3) == 0


@pytest.mark.parametrize(
    ("present", "seated", "quorate"),
    [(13, 26, False), (14, 26, True), (14, 27, True), (13, 27, False), (0, 0, False)],
)
def test_the_delegates_quorum_is_more_than_half_of_those_seated(
    present: int, seated: int, quorate: bool
) -> None:
    assert rules.has_delegate_quorum(present, seated) is quorate
    assert (rules.delegate_quorum_error(present, seated) is None) is quorate


def test_the_regional_branch_has_7_of_the_listed_roles(settings: Any) -> None:
    composition = settings.MEMBERS_REGIONAL_BRANCH_COMPOSITION
    assert sum(composition.values()) == settings.MEMBERS_REGIONAL_BRANCH_SIZE == 7
    roles = [role for role, n in composition.items() for _ in range(n)]
    assert rules.regional_composition_gaps(roles, composition, 7) == ""
    gaps = rules.regional_composition_gaps(roles[:-1], composition, 7)
    assert gaps == "区域化党总支应有7名成员，现有6名，缺在职党员代表1人。"


def test_a_fourth_key_organization_representative_is_refused(settings: Any) -> None:
    composition = settings.MEMBERS_REGIONAL_BRANCH_COMPOSITION
    role = RegionalRole.KEY_ORGANIZATION
    assert rules.regional_role_error(role, taken=2, composition=composition) is None
    assert rules.regional_role_error(role, taken=3, composition=composition) == (
        "区域化党总支的“重点驻区域党组织党员代表”为3人，已满。"
    )


def test_the_secretary_is_the_community_secretary_or_a_reason_is_recorded() -> None:
    same = rules.secretary_reason_error(chosen="王芳", community_secretary="王芳", reason="")
    assert same is None
    other = rules.secretary_reason_error(chosen="李强", community_secretary="王芳", reason="")
    assert other == "区域化党总支书记不是社区党组织书记（王芳）时，须填写另选的理由。"
    explained = rules.secretary_reason_error(
        chosen="李强", community_secretary="王芳", reason="社区书记长期病休"
    )
    assert explained is None
    unknown = rules.secretary_reason_error(chosen="李强", community_secretary=None, reason="")
    assert unknown is not None


def test_a_term_ends_soon_within_the_days_set(settings: Any) -> None:
    days = settings.MEMBERS_CONGRESS_TERM_REMINDER_DAYS
    today = dt.date(2030, 1, 1)
    assert rules.term_ends_soon(today + dt.timedelta(days=days), today, days)
    assert not rules.term_ends_soon(today + dt.timedelta(days=days + 1), today, days)
    assert rules.term_ends_soon(today, today, days)
    assert not rules.term_ends_soon(today - dt.timedelta(days=1), today, days)
