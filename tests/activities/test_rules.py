"""The pure rules of meetings, at their boundaries."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.conf import settings

from activities import rules
from activities.rules import MeetingKind as K
from activities.rules import Status

QUORUMS = settings.ACTIVITIES_QUORUMS


@pytest.mark.parametrize(
    ("expected", "present", "held"),
    [(10, 5, False), (10, 6, True), (7, 3, False), (7, 4, True), (2, 1, False), (1, 1, True)],
)
def test_committee_meeting_needs_more_than_half(expected, present, held) -> None:
    quorum = rules.quorum_of(K.COMMITTEE_MEETING, QUORUMS)
    assert rules.is_quorate(quorum, expected=expected, present=present) is held


def test_exactly_half_present_is_not_held_for_a_general_meeting() -> None:
    quorum = rules.quorum_of(K.GENERAL_MEETING, QUORUMS)
    assert not rules.is_quorate(quorum, expected=30, present=15)
    assert rules.is_quorate(quorum, expected=30, present=16)


@pytest.mark.parametrize(
    ("expected", "present", "held"),
    [(5, 4, True), (5, 3, False), (9, 7, False), (9, 8, True), (10, 8, True), (10, 7, False)],
)
def test_big_committee_meeting_needs_four_fifths(expected, present, held) -> None:
    quorum = rules.quorum_of(K.BIG_COMMITTEE_MEETING, QUORUMS)
    assert quorum == rules.Quorum(Fraction(4, 5), rules.AT_LEAST)
    assert rules.is_quorate(quorum, expected=expected, present=present) is held


def test_a_meeting_nobody_was_expected_at_is_not_held_where_a_quorum_is_needed() -> None:
    quorum = rules.quorum_of(K.COMMITTEE_MEETING, QUORUMS)
    assert not rules.is_quorate(quorum, expected=0, present=0)


def test_a_volunteer_service_needs_no_quorum_but_someone_present() -> None:
    assert rules.quorum_of(K.VOLUNTEER_SERVICE, QUORUMS) is None
    assert rules.is_quorate(None, expected=40, present=1)
    assert not rules.is_quorate(None, expected=40, present=0)


def test_quorum_message_says_the_numbers_and_that_no_decision_is_recorded() -> None:
    quorum = rules.quorum_of(K.COMMITTEE_MEETING, QUORUMS)
    message = rules.quorum_message(K.COMMITTEE_MEETING, quorum, expected=5, present=2)
    assert message == (
        "支部委员会应到5人、实到2人，未达到法定人数（须超过应到人数的半数），"
        "会议记为未召开，不能形成决议。"
    )
    big = rules.quorum_of(K.BIG_COMMITTEE_MEETING, QUORUMS)
    assert "须应到人数的4/5以上" in rules.quorum_message(
        K.BIG_COMMITTEE_MEETING, big, expected=9, present=5
    )


def test_attendance_counts_leave_guests_and_excused_out_of_the_expected() -> None:
    rows = [
        ("present", False, True), ("present", True, False), ("leave", False, True),
        ("absent", False, True), ("excused", False, True),
    ]  # fmt: skip
    assert rules.attendance_counts(rows) == rules.Counts(
        expected=3, present=1, on_leave=1, voters=3, voters_present=1
    )


def test_attendance_counts_voters_are_those_with_a_vote() -> None:
    """A 预备党员 present is 实到 but not a voter present."""
    rows = [("present", False, False), ("present", False, True), ("absent", False, True)]
    counts = rules.attendance_counts(rows)
    assert (counts.expected, counts.present, counts.voters, counts.voters_present) == (3, 2, 2, 1)


@pytest.mark.parametrize(
    ("expected", "present", "on_leave", "error"),
    [
        (10, 6, 4, None),
        (10, 6, 5, "实到人数与请假人数之和（11）超过了应到人数（10）。"),
        (0, 0, 0, None),
        (3, -1, 0, "人数不能为负数。"),
    ],
)
def test_ledger_counts(expected, present, on_leave, error) -> None:
    assert rules.counts_error(expected=expected, present=present, on_leave=on_leave) == error


def test_periods_of_a_year() -> None:
    quarters = rules.periods_of(2026, rules.QUARTERLY)
    assert [p.label for p in quarters] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert quarters[0].end == dt.date(2026, 3, 31)
    assert quarters[3].end == dt.date(2026, 12, 31)
    months = rules.periods_of(2024, rules.MONTHLY)
    assert months[1] == rules.Period("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert rules.periods_of(2026, rules.YEARLY) == [
        rules.Period("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    ]
    assert rules.period_of(dt.date(2026, 4, 1), rules.QUARTERLY) == "2026Q2"


@pytest.mark.parametrize("year", [2023, 2024, 2100])
def test_periods_of_every_unit_tile_the_days_they_cover(year) -> None:
    """Built once per (year, unit) and handed out as copies: each call's periods are the same,
    a caller changing its list changes no other's, and each unit's periods are the months they
    name, day by day (leap years, 2100 not one)."""
    months = {rules.MONTHLY: 1, rules.QUARTERLY: 3, rules.HALF_YEARLY: 6, rules.YEARLY: 12}
    for unit, size in months.items():
        first = rules.periods_of(year, unit)
        first.pop()
        found = rules.periods_of(year, unit)
        assert found == rules.periods_of(year, unit)
        assert len(found) == 12 // size
        day = dt.date(year, 1, 1)
        for period in found:
            assert period.start == day
            day = dt.date(year + (day.month + size - 1) // 12, (day.month + size - 1) % 12 + 1, 1)
            assert period.end == day - dt.timedelta(days=1)
            assert rules.period_of(period.end, unit) == period.label
        assert day == dt.date(year + 1, 1, 1)
    (year_end,) = rules.periods_of(year, rules.YEAR_END)
    assert (year_end.start, year_end.end) == (dt.date(year, 10, 1), dt.date(year, 12, 31))
    with pytest.raises(ValueError, match="unknown period unit"):
        rules.periods_of(year, "fortnight")


def test_requirements_parsed_once_are_each_callers_own() -> None:
    first = rules.parse_requirements("lecture", "1/quarter, 4/year")
    first.clear()
    assert rules.parse_requirements("lecture", "1/quarter, 4/year") == [
        rules.Requirement(K.LECTURE, rules.QUARTERLY, 1),
        rules.Requirement(K.LECTURE, rules.YEARLY, 4),
    ]
    for _ in range(2):  # a wrong setting is refused every time, not only the first
        with pytest.raises(ValueError, match="unknown period unit"):
            rules.parse_requirements("lecture", "1/fortnight")


@pytest.mark.parametrize(
    ("held", "as_of", "status"),
    [
        (1, dt.date(2026, 3, 1), Status.DONE),
        (0, dt.date(2026, 3, 31), Status.IN_PROGRESS),  # the last day of the period
        (0, dt.date(2026, 4, 1), Status.OVERDUE),  # the day after
        (2, dt.date(2026, 4, 1), Status.DONE),
    ],
)
def test_compliance_status(held, as_of, status) -> None:
    end = dt.date(2026, 3, 31)
    assert rules.compliance_status(required=1, held=held, period_end=end, as_of=as_of) == status


def test_due_soon_is_within_the_reminder_days() -> None:
    end = dt.date(2026, 3, 31)
    assert rules.is_due_soon(end, dt.date(2026, 3, 24), 7)
    assert not rules.is_due_soon(end, dt.date(2026, 3, 23), 7)
    assert rules.is_due_soon(end, end, 7)
    assert not rules.is_due_soon(end, dt.date(2026, 4, 1), 7)


@pytest.mark.parametrize(("full", "owes"), [(6, False), (7, True)])
def test_a_branch_with_seven_full_members_has_a_committee(full, owes) -> None:
    assert rules.has_committee(full, settings.ACTIVITIES_COMMITTEE_MIN_FULL_MEMBERS) is owes


def test_requirement_from_a_setting() -> None:
    assert rules.parse_requirement("lecture", "1/quarter") == rules.Requirement(
        K.LECTURE, rules.QUARTERLY, 1
    )
    with pytest.raises(ValueError, match="unknown period"):
        rules.parse_requirement("lecture", "1/week")


def test_holders_of_each_kind() -> None:
    assert rules.holder_error(K.GROUP_MEETING, "group") is None
    assert (
        rules.holder_error(K.GROUP_MEETING, "branch")
        == "党小组会由党小组召开，请选择相应的党组织。"
    )
    assert rules.holder_error(K.BIG_COMMITTEE_MEETING, "branch") == (
        "大党委会议由社区党委、社区党总支召开，请选择相应的党组织。"
    )
    assert rules.holder_error(K.COMMITTEE_MEETING, "unit_org") is None


@pytest.mark.parametrize(("part", "whole", "result"), [(4, 5, 80), (79, 100, 79), (0, 0, None)])
def test_rate_is_rounded_down(part, whole, result) -> None:
    assert rules.rate(part, whole) == result
