"""Recording meetings: the pre-filled attendance, the quorum, scope, QR sign-in and reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities import services
from activities.models import Attendance, Meeting, Notification
from activities.models import AttendanceStatus as S
from activities.rules import MeetingKind as K
from members.rules import FloatingDirection, MemberStatus
from organizations.roles import Role
from organizations.scope import ScopeError
from tests.members.factories import FloatingRecordFactory, MemberFactory
from tests.organizations.factories import (
    CommitteeMemberFactory,
    JointCommitteeFactory,
    PositionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def record(org, kind=K.GENERAL_MEETING, actor=None, day=DAY, **fields):
    meeting = Meeting(organization=org, kind=kind, held_on=day, topic=fields.pop("topic", "学习"))
    for name, value in fields.items():
        setattr(meeting, name, value)
    return services.meeting_save(meeting=meeting, actor=actor)


def mark(meeting, present: int, actor=None):
    """Mark the first `present` expected attendees present, save, recount."""
    rows = list(meeting.attendances.filter(is_guest=False).exclude(status=S.EXCUSED))
    statuses = {a.pk: (S.PRESENT if i < present else S.ABSENT) for i, a in enumerate(rows)}
    return services.attendance_mark(meeting=meeting, statuses=statuses, actor=actor)


def committee(branch, size):
    titles = ["secretary", "deputy_secretary", "organization_member", "publicity_member"]
    titles += ["discipline_member"] * 5
    for i in range(size):
        PositionFactory(organization=branch, title=titles[i], holder_name=f"委员{i}")


def test_attendance_is_prefilled_from_the_branch_roster(tree, secretary_a) -> None:
    full = MemberFactory(branch=tree.branch_a, name="甲")
    probationary = MemberFactory(
        branch=tree.branch_a,
        name="乙",
        status=MemberStatus.PROBATIONARY,
        joined_on=dt.date(2025, 9, 1),
    )
    aged = MemberFactory(branch=tree.branch_a, name="丙", categories=["aged_or_ill"])
    MemberFactory(branch=tree.branch_b, name="别的支部")
    later = MemberFactory(branch=tree.branch_a, name="后入党", joined_on=dt.date(2026, 5, 1))
    guest = MemberFactory(branch=tree.branch_b, name="流入")
    FloatingRecordFactory(
        member=guest, direction=FloatingDirection.INFLOW, placed_in=tree.branch_a,
        certificate_checked=True,
    )  # fmt: skip

    meeting = record(tree.branch_a, actor=secretary_a)

    rows = {a.name: a for a in meeting.attendances.all()}
    assert set(rows) == {"甲", "乙", "丙", "流入"}
    assert later.name not in rows
    assert rows["甲"].status == S.ABSENT
    assert rows["甲"].has_vote
    assert rows["乙"].member == probationary
    assert not rows["乙"].has_vote
    assert rows["丙"].status == S.ABSENT  # 年老病重: expected at a 支部党员大会
    assert rows["流入"].is_guest
    assert not rows["流入"].has_vote
    assert (meeting.expected_count, meeting.present_count) == (3, 0)
    assert not meeting.is_quorate
    assert full.attendances.count() == 1
    assert aged.attendances.get().meeting == meeting


def test_a_group_meeting_lists_the_groups_members(tree) -> None:
    MemberFactory(branch=tree.branch_a, group=tree.group_a, name="组员")
    MemberFactory(branch=tree.branch_a, name="不在组")
    meeting = record(tree.group_a, K.GROUP_MEETING)
    assert list(meeting.attendances.values_list("name", flat=True)) == ["组员"]


def test_a_committee_meeting_with_half_present_is_not_held_and_takes_no_decision(tree) -> None:
    committee(tree.branch_a, 4)
    meeting = record(tree.branch_a, K.COMMITTEE_MEETING)
    assert meeting.expected_count == 4

    meeting = mark(meeting, 2)
    assert not meeting.is_quorate

    meeting.decisions = "同意接收张三为预备党员"
    with pytest.raises(services.QuorumError) as error:
        services.meeting_save(meeting=meeting, actor=None, update_fields=["decisions"])
    assert error.value.message_dict["decisions"] == [
        "支部委员会应到4人、实到2人，未达到法定人数（须超过应到人数的半数），"
        "会议记为未召开，不能形成决议。"
    ]
    meeting.refresh_from_db()
    meeting = mark(meeting, 3)
    assert meeting.is_quorate
    meeting.decisions = "同意接收张三为预备党员"
    services.meeting_save(meeting=meeting, actor=None, update_fields=["decisions"])
    assert Meeting.objects.get(pk=meeting.pk).decisions == "同意接收张三为预备党员"


def test_leave_and_guests_do_not_make_a_quorum(tree) -> None:
    members = [MemberFactory(branch=tree.branch_a) for _ in range(4)]
    meeting = record(tree.branch_a)
    rows = {a.member_id: a.pk for a in meeting.attendances.all()}
    statuses = {rows[members[0].pk]: S.PRESENT, rows[members[1].pk]: S.PRESENT}
    statuses[rows[members[2].pk]] = S.LEAVE
    services.attendance_mark(
        meeting=meeting, statuses=statuses, actor=None, reasons={rows[members[2].pk]: "出差"}
    )
    services.attendance_save(
        attendance=Attendance(meeting=meeting, name="外来党员", status=S.PRESENT, is_guest=True),
        actor=None,
    )
    meeting = services.meeting_recount(meeting=meeting, actor=None)
    assert (meeting.expected_count, meeting.present_count, meeting.leave_count) == (4, 2, 1)
    assert not meeting.is_quorate  # 2 of 4 is exactly half


def test_leave_needs_a_reason(tree) -> None:
    MemberFactory(branch=tree.branch_a)
    attendance = record(tree.branch_a).attendances.get()
    attendance.status = S.LEAVE
    with pytest.raises(ValidationError, match="请假须填写事由"):
        services.attendance_save(attendance=attendance, actor=None, update_fields=["status"])


def _big_committee(tree, size):
    committee = JointCommitteeFactory(community=tree.community_a, kind="big_committee")
    for i in range(size):
        CommitteeMemberFactory(committee=committee, person_name=f"大党委委员{i}")
    return committee


@pytest.mark.parametrize(("present", "held"), [(4, True), (3, False)])
def test_a_big_committee_meeting_needs_four_fifths(tree, present, held) -> None:
    committee = _big_committee(tree, 5)
    meeting = record(tree.community_a, K.BIG_COMMITTEE_MEETING)
    assert meeting.joint_committee == committee
    assert meeting.expected_count == 5
    assert mark(meeting, present).is_quorate is held


def test_a_joint_meeting_needs_the_communitys_joint_committee(tree) -> None:
    with pytest.raises(ValidationError, match="尚未组建社区党建联席会"):
        record(tree.community_a, K.JOINT_MEETING)


def test_a_meeting_kind_is_held_by_its_kind_of_organization(tree) -> None:
    with pytest.raises(ValidationError, match="党小组会由党小组召开"):
        record(tree.branch_a, K.GROUP_MEETING)


def test_an_officer_records_only_their_own_organizations_meetings(tree, secretary_b) -> None:
    with pytest.raises(ScopeError):
        record(tree.branch_a, actor=secretary_b)
    assert not Meeting.objects.exists()


def test_a_meeting_is_unique_per_organization_kind_day_and_topic(tree) -> None:
    record(tree.branch_a)
    with pytest.raises(ValidationError, match="同类型、同主题"):
        record(tree.branch_a)


# --- QR sign-in ------------------------------------------------------------------------------------
def _now_meeting(tree, member):
    """A meeting from 14:00 (sign-in open 13:30 to 16:00), and a moment inside its window."""
    day = timezone.localdate()
    meeting = record(tree.branch_a, day=day, starts_at=dt.time(14, 0))
    at = dt.datetime.combine(day, dt.time(14, 10), tzinfo=timezone.get_current_timezone())
    return meeting, at


def test_a_member_signs_in_during_the_window(tree) -> None:
    user = UserFactory()
    member = MemberFactory(branch=tree.branch_a, user=user)
    MemberFactory(branch=tree.branch_a)
    meeting, now = _now_meeting(tree, member)
    attendance = services.attendance_sign_in(meeting=meeting, user=user, at=now)
    assert attendance.status == S.PRESENT
    assert attendance.signed_in_at is not None
    meeting.refresh_from_db()
    assert meeting.present_count == 1


def test_sign_in_outside_the_window_is_refused_and_says_paper_works(tree) -> None:
    user = UserFactory()
    member = MemberFactory(branch=tree.branch_a, user=user)
    meeting, now = _now_meeting(tree, member)
    with pytest.raises(services.SignInError, match="纸质签到表"):
        services.attendance_sign_in(meeting=meeting, user=user, at=now + dt.timedelta(hours=2))


def test_a_member_of_another_branch_signs_in_as_a_guest_without_vote(tree) -> None:
    user = UserFactory()
    MemberFactory(branch=tree.branch_b, user=user)
    meeting, now = _now_meeting(tree, None)
    attendance = services.attendance_sign_in(meeting=meeting, user=user, at=now)
    assert attendance.is_guest
    assert not attendance.has_vote


def test_a_user_without_a_member_record_cannot_sign_in(tree) -> None:
    meeting, now = _now_meeting(tree, None)
    with pytest.raises(services.SignInError, match="没有关联党员档案"):
        services.attendance_sign_in(meeting=meeting, user=UserFactory(), at=now)


# --- reminders -----------------------------------------------------------------------------------
def test_reminders_notify_the_branch_officers_once(tree, make_user, settings, mailoutbox) -> None:
    settings.ACTIVITIES_REMINDER_EMAIL = True
    officer = make_user(Role.BRANCH_OFFICER, tree.branch_a, "zb")
    officer.email = "zb@example.com"
    officer.save()
    MemberFactory(branch=tree.branch_a, group=tree.group_a)
    MemberFactory(branch=tree.branch_b)  # community B's branch: its officers are others
    today = dt.date(2026, 3, 26)  # March (and Q1) end within 7 days; Feb is overdue

    first = services.meeting_reminders_send(today=today)
    again = services.meeting_reminders_send(today=today)

    titles = set(Notification.objects.filter(recipient=officer).values_list("title", flat=True))
    assert "甲社区第一党支部2026-02主题党日已逾期" in titles
    assert "甲社区第一党支部2026-03主题党日将于03月31日到期" in titles
    assert "甲社区第一党支部2026Q1支部党员大会将于03月31日到期" in titles
    assert not any("支部委员会" in t for t in titles)  # no committee: fewer than 7 full members
    assert first.created > 0
    assert again.created == 0
    assert again.existing == first.created
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["zb@example.com"]


def test_a_groups_reminders_go_to_its_branchs_officers(tree, make_user) -> None:
    """(and an empty branch owes nothing: nobody is reminded of community B's)"""
    officer = make_user(Role.BRANCH_OFFICER, tree.branch_a, "zb")
    MemberFactory(branch=tree.branch_a, group=tree.group_a)
    services.meeting_reminders_send(today=dt.date(2026, 3, 26))
    assert Notification.objects.filter(recipient=officer, title__contains="党小组会").exists()
    assert not Notification.objects.filter(title__contains="乙社区").exists()
