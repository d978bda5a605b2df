"""Reads of meetings: who should attend one (the pre-filled attendance)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from members.models import (
    DelegateConference,
    FloatingRecord,
    Member,
    RegionalBranch,
    Registration,
)
from members.rules import Category, FloatingDirection
from members.selectors.congress import seated_delegates
from organizations.models import CommitteeMember, JointCommittee, JointCommitteeKind, Organization
from organizations.rules import COMMUNITY_KINDS, OrganizationKind

from ..models import Attendance, AttendanceStatus, Meeting
from ..rules import AGED_EXCUSED_KINDS, Attendee, MeetingKind, attendees_of

EXCUSED_REASON = "年老病重，免于参加主题党日，会后送学上门"
JOINT_COMMITTEE_KIND = {
    MeetingKind.JOINT_MEETING: JointCommitteeKind.JOINT_MEETING,
    MeetingKind.BIG_COMMITTEE_MEETING: JointCommitteeKind.BIG_COMMITTEE,
}


def joint_committee_of(meeting: Meeting) -> JointCommittee | None:
    """The joint committee a 联席会 or 大党委会议 of a community is a meeting of."""
    kind = JOINT_COMMITTEE_KIND.get(MeetingKind(meeting.kind))
    if kind is None or not meeting.organization_id:
        return None
    return JointCommittee.objects.filter(community_id=meeting.organization_id, kind=kind).first()


def attendee_list(meeting: Meeting) -> list[Attendance]:
    """The attendance to pre-fill (unsaved): everyone who should attend `meeting`, marked absent
    (aged or seriously ill members excused from a 主题党日 only, 002 年老病重党员管理制度), then the
    floating members placed here as guests without vote."""
    attendees = attendees_of(meeting.kind)
    if attendees == Attendee.DELEGATES:
        return _delegate_attendees(meeting)
    if attendees == Attendee.REGIONAL_BRANCH:
        return _regional_branch_attendees(meeting)
    if attendees == Attendee.JOINT_COMMITTEE:
        return _joint_committee_attendees(meeting)
    if attendees == Attendee.COMMITTEE:
        return _committee_attendees(meeting)
    if attendees == Attendee.ENLARGED:
        return _enlarged_attendees(meeting)
    if attendees == Attendee.IN_SERVICE:
        return _in_service_attendees(meeting)
    if attendees == Attendee.NOBODY:
        return []  # residents: listed by hand as guests, nobody 应到
    return _member_attendees(meeting)


def _members_of(organization: Organization) -> Iterable[Member]:
    members = Member.objects.all()
    if organization.kind == OrganizationKind.GROUP:
        return members.filter(group_id=organization.pk)
    if organization.kind in COMMUNITY_KINDS or organization.kind == OrganizationKind.SUB_DISTRICT:
        below = Organization.objects.descendant_ids([organization.pk])
        return members.filter(branch_id__in=below)
    return members.filter(branch_id=organization.pk)


def _member_attendees(meeting: Meeting) -> list[Attendance]:
    day = meeting.held_on
    roster = _members_of(meeting.organization)
    full = set(Member.objects.full_on(day).filter(pk__in=roster).values_list("pk", flat=True))
    aged: set[int] = set()
    if meeting.kind in AGED_EXCUSED_KINDS:
        aged = set(
            Member.objects.in_category(Category.AGED_OR_ILL)
            .filter(pk__in=roster)
            .values_list("pk", flat=True)
        )
    found = []
    for member in Member.objects.on_roster(day).filter(pk__in=roster).order_by("name"):
        excused = member.pk in aged
        found.append(
            Attendance(
                meeting=meeting,
                member=member,
                name=member.name,
                status=AttendanceStatus.EXCUSED if excused else AttendanceStatus.ABSENT,
                reason=EXCUSED_REASON if excused else "",
                has_vote=member.pk in full,
            )
        )
    return found + _guests(meeting, {a.member_id for a in found})


def _guests(meeting: Meeting, present: set[int | None]) -> list[Attendance]:
    inflow = (
        FloatingRecord.objects.current()
        .filter(direction=FloatingDirection.INFLOW, placed_in_id=meeting.organization_id)
        .exclude(member_id__in=[pk for pk in present if pk])
        .select_related("member")
    )
    return [
        Attendance(
            meeting=meeting,
            member=record.member,
            name=record.member.name,
            is_guest=True,
            has_vote=False,  # 002: no vote where placed
        )
        for record in inflow
    ]


def _committee_attendees(meeting: Meeting) -> list[Attendance]:
    """The positions held on the day (a community's 总支委员 included), each linked to the
    member of that name held by the organization (a community: by a branch below it)."""
    organization = meeting.organization
    positions = organization.positions.current(on=meeting.held_on).in_title_order()
    names = list(dict.fromkeys(position.holder_name for position in positions))
    holders = {organization.pk}
    if organization.kind in COMMUNITY_KINDS:
        holders = Organization.objects.descendant_ids([organization.pk])
    members = {
        m.name: m
        for m in Member.objects.on_roster(meeting.held_on).filter(name__in=names)
        if m.branch_id in holders
    }
    return [Attendance(meeting=meeting, member=members.get(name), name=name) for name in names]


def _enlarged_attendees(meeting: Meeting) -> list[Attendance]:
    """扩大会议 (002): the 总支委员 on the day, then the 共驻共建 units' representatives on the
    community's joint committees on the day (one row a person, by name)."""
    found = _committee_attendees(meeting)
    names = {attendance.name for attendance in found}
    current = (
        CommitteeMember.objects.current(on=meeting.held_on)
        .filter(committee__community_id=meeting.organization_id, unit__isnull=False)
        .order_by("unit__name", "person_name")
    )
    for person in current:
        if person.person_name not in names:
            names.add(person.person_name)
            found.append(
                Attendance(meeting=meeting, committee_member=person, name=person.person_name)
            )
    return found


def _in_service_attendees(meeting: Meeting) -> list[Attendance]:
    """在职党员大会 (001): the in-service members registered with the community on the day
    (报到 by then, not moved away before it); they attend without a vote here."""
    day = meeting.held_on
    registrations = (
        Registration.objects.filter(community_id=meeting.organization_id, registered_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .filter(member__in=Member.objects.on_roster(day))
        .select_related("member")
        .order_by("member__name", "member_id")
    )
    found: dict[int, Attendance] = {}
    for registration in registrations:
        member = registration.member
        found.setdefault(
            member.pk, Attendance(meeting=meeting, member=member, name=member.name, has_vote=False)
        )
    return list(found.values())


def _joint_committee_attendees(meeting: Meeting) -> list[Attendance]:
    committee = joint_committee_of(meeting)
    if committee is None:
        return []
    current = committee.members.current(on=meeting.held_on).order_by("role", "person_name")
    return [
        Attendance(meeting=meeting, committee_member=person, name=person.person_name)
        for person in current
    ]


def conference_of(meeting: Meeting) -> DelegateConference | None:
    """The community's 党员代表会议 whose term covers the session's day."""
    if not (meeting.organization_id and meeting.held_on):
        return None
    conferences = DelegateConference.objects.filter(community_id=meeting.organization_id)
    return conferences.on(meeting.held_on).first()


def regional_branch_of(meeting: Meeting) -> RegionalBranch | None:
    """The community's 区域化党总支 in its term on the meeting's day."""
    if not (meeting.organization_id and meeting.held_on):
        return None
    branches = RegionalBranch.objects.filter(conference__community_id=meeting.organization_id)
    return branches.on(meeting.held_on).order_by("-elected_on").first()


def _delegate_attendees(meeting: Meeting) -> list[Attendance]:
    """A session of the 党员代表会议: the delegates seated on its day are expected, each with a
    vote (its quorum: more than half of them present)."""
    delegates = seated_delegates(meeting.organization_id, meeting.held_on)
    return [
        Attendance(meeting=meeting, member=d.member, name=d.member.name, has_vote=True)
        for d in sorted(delegates, key=lambda d: (d.group, d.member.name))
    ]


def _regional_branch_attendees(meeting: Meeting) -> list[Attendance]:
    branch = regional_branch_of(meeting)
    if branch is None:
        return []
    return [
        Attendance(meeting=meeting, member=person.member, name=person.name)
        for person in branch.members.select_related("member")
    ]


def is_outflowing_on(member_id: int, day: dt.date) -> bool:
    """Whether the member was out (流出) on `day` by a floating record; a stay of three months or
    less is not (002 流动党员管理制度 六: such a member takes part here, expected as usual)."""
    return (
        FloatingRecord.objects.away_from_life_here()
        .filter(member_id=member_id, since__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .exists()
    )


def has_general_meeting_consent(member: Member, day: dt.date) -> bool:
    """002: an outflowing member absent may be left out of 应到 only with the general meeting's
    consent, recorded: a 支部党员大会 of the member's branch held with its quorum by `day` whose
    决议 names the member."""
    return (
        Meeting.objects.held(day)
        .filter(
            organization_id=member.branch_id,
            kind=MeetingKind.GENERAL_MEETING,
            decisions__contains=member.name,
        )
        .exists()
    )


def is_aged_or_ill(member_id: int) -> bool:
    return Member.objects.in_category(Category.AGED_OR_ILL).filter(pk=member_id).exists()
