"""Per-member attendance summaries (for the feedback cards) and the participation facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from activities.models import AttendanceStatus as S
from activities.rules import MeetingKind as K
from activities.selectors import AttendanceSummary, attendance_summary
from members import participation
from tests.activities.factories import AttendanceFactory, MeetingFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


def _attend(member, day, status=S.PRESENT, kind=K.GENERAL_MEETING, **kwargs):
    meeting = MeetingFactory(organization=member.branch, kind=kind, held_on=day)
    return AttendanceFactory(meeting=meeting, member=member, status=status, **kwargs)


def test_summary_counts_expected_attended_and_leave_in_the_range_only(tree) -> None:
    member, other = MemberFactory(branch=tree.branch_a), MemberFactory(branch=tree.branch_a)
    _attend(member, dt.date(2026, 1, 5))
    _attend(member, dt.date(2026, 2, 5), S.LEAVE, reason="出差")
    _attend(member, dt.date(2026, 3, 5), S.ABSENT)
    _attend(member, dt.date(2026, 4, 5), S.EXCUSED, reason="卧病")
    _attend(member, dt.date(2026, 5, 5), is_guest=True, has_vote=False)
    _attend(member, dt.date(2025, 12, 31))  # before the range
    _attend(member, dt.date(2026, 7, 1))  # after it
    _attend(other, dt.date(2026, 1, 6))

    found = attendance_summary([member.pk], START, END)

    assert found == {member.pk: AttendanceSummary(expected=3, attended=2, on_leave=1, excused=1)}
    assert found[member.pk].absent == 0  # attended counts the guest meeting
    assert attendance_summary([member.pk, other.pk], START, END)[other.pk].rate == 100


def test_summary_is_one_query_and_leaves_out_members_without_records(
    tree, django_assert_num_queries
) -> None:
    members = [MemberFactory(branch=tree.branch_a) for _ in range(5)]
    for member in members[:4]:
        _attend(member, dt.date(2026, 3, 1), S.ABSENT)
    with django_assert_num_queries(1):
        found = attendance_summary([m.pk for m in members], START, END)
    assert set(found) == {m.pk for m in members[:4]}
    assert found[members[0].pk].rate == 0


def test_a_planned_meeting_is_not_counted(tree) -> None:
    member = MemberFactory(branch=tree.branch_a)
    planned = timezone.localdate() + dt.timedelta(days=3)
    _attend(member, planned, S.ABSENT)
    assert attendance_summary([member.pk], START, planned + dt.timedelta(days=30)) == {}


def test_providers_answer_last_organizational_life_rate_and_lectures_missed(tree) -> None:
    member = MemberFactory(branch=tree.branch_a)
    _attend(member, dt.date(2026, 1, 5), kind=K.GROUP_MEETING)
    _attend(member, dt.date(2026, 2, 5), S.ABSENT, kind=K.GENERAL_MEETING)
    _attend(member, dt.date(2026, 4, 5), S.LEAVE, kind=K.ORGANIZATIONAL_LIFE, reason="病假")
    _attend(member, dt.date(2026, 5, 5), S.ABSENT, kind=K.LECTURE)
    _attend(member, dt.date(2026, 5, 6), S.LEAVE, kind=K.LECTURE, reason="出差")
    ids = [member.pk]

    days = participation.ask(participation.ORGANIZATIONAL_LIFE_DAYS, ids, start=None, end=END)
    life = participation.ask(participation.ORGANIZATIONAL_LIFE_RATE, ids, start=START, end=END)
    missed = participation.ask(participation.LECTURES_MISSED, ids, start=START, end=END)

    took_part = (dt.date(2026, 1, 5), dt.date(2026, 4, 5), dt.date(2026, 5, 6))
    assert days.values == {member.pk: took_part}  # leave is a good reason, absence is not
    assert days.since == {member.pk: dt.date(2026, 1, 5)}
    assert life.values == {member.pk: Decimal("33.3")}  # 1 of 3: group, general, org life
    assert missed.values == {member.pk: 1}  # the lecture on leave is not missed


def test_life_is_recorded_per_branch_from_its_first_named_attendance(tree) -> None:
    """A branch whose meetings carry counts only (an imported 会议台账) has no records to judge
    from; another branch's attendance says nothing about it."""
    member, newcomer = MemberFactory(branch=tree.branch_a), MemberFactory(branch=tree.branch_a)
    counted_only = MemberFactory(branch=tree.branch_b)
    _attend(member, dt.date(2026, 2, 5))
    MeetingFactory(organization=tree.branch_b, held_on=dt.date(2025, 3, 1), expected_count=18)
    ids = [newcomer.pk, counted_only.pk]
    answer = participation.ask(participation.ORGANIZATIONAL_LIFE_DAYS, ids, start=None, end=END)
    assert answer.values == {}
    assert answer.since == {newcomer.pk: dt.date(2026, 2, 5)}
    assert answer.recorded_since is None
