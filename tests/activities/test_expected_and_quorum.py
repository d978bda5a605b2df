"""Who is expected (应到) and who makes the quorum (DOMAIN.md "Who is expected"): every member of
the holding organization; 年老病重 excused only from 主题党日; an outflowing member left out only
with the general meeting's recorded consent; a meeting that votes or decides needs more than half
of those with a vote (正式党员, not under 留党察看) present."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import AttendanceStatus as S
from activities.models import Meeting
from activities.rules import MeetingKind as K
from members.rules import FloatingDirection, MemberStatus
from tests.members.factories import FloatingRecordFactory, MemberFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def record(org, kind=K.GENERAL_MEETING, day=DAY, **fields) -> Meeting:
    meeting = Meeting(organization=org, kind=kind, held_on=day, topic=fields.pop("topic", "学习"))
    for name, value in fields.items():
        setattr(meeting, name, value)
    return services.meeting_save(meeting=meeting, actor=None)


def members(branch, full: int, probationary: int = 0, **fields) -> list:
    found = [MemberFactory(branch=branch, **fields) for _ in range(full)]
    found += [
        MemberFactory(
            branch=branch, status=MemberStatus.PROBATIONARY, joined_on=dt.date(2025, 9, 1)
        )
        for _ in range(probationary)
    ]
    return found


def mark(meeting: Meeting, statuses: dict) -> Meeting:
    """{member: status} for the listed members; everyone else stays as they are."""
    rows = {a.member_id: a.pk for a in meeting.attendances.all()}
    return services.attendance_mark(
        meeting=meeting,
        statuses={rows[m.pk]: status for m, status in statuses.items()},
        reasons={rows[m.pk]: "事由" for m in statuses},
        actor=None,
    )


def test_an_ordinary_member_cannot_be_excused_to_shrink_the_expected(tree) -> None:
    """The audit: 2 of 12 present made a quorate meeting by excusing 9 others."""
    people = members(tree.branch_a, 12)
    meeting = record(tree.branch_a)
    statuses = dict.fromkeys(people[:2], S.PRESENT)
    statuses.update(dict.fromkeys(people[2:11], S.EXCUSED))
    with pytest.raises(ValidationError) as error:
        mark(meeting, statuses)
    assert "只有年老病重党员（主题党日）和经支部党员大会同意的流出党员可以不计应到" in str(
        error.value
    )
    meeting.refresh_from_db()
    assert (meeting.expected_count, meeting.present_count, meeting.is_quorate) == (12, 0, False)


@pytest.mark.parametrize(
    ("kind", "org", "excused"),
    [
        (K.THEME_DAY, "branch_a", True),
        (K.GENERAL_MEETING, "branch_a", False),
        (K.GROUP_MEETING, "group_a", False),
        (K.LECTURE, "branch_a", False),
    ],
)
def test_the_aged_are_excused_from_the_theme_day_only(tree, kind, org, excused) -> None:
    aged = MemberFactory(branch=tree.branch_a, group=tree.group_a, categories=["aged_or_ill"])
    MemberFactory(branch=tree.branch_a, group=tree.group_a)
    meeting = record(getattr(tree, org), kind)
    row = meeting.attendances.get(member=aged)
    assert (row.status == S.EXCUSED) is excused
    assert meeting.expected_count == (1 if excused else 2)
    if not excused:
        with pytest.raises(ValidationError) as error:
            mark(meeting, {aged: S.EXCUSED})
        assert "年老病重党员只免于参加主题党日" in str(error.value)


def test_material_sent_to_the_aged_is_recorded_apart_from_the_quorum(tree) -> None:
    aged = MemberFactory(branch=tree.branch_a, categories=["aged_or_ill"])
    others = members(tree.branch_a, 2)
    meeting = record(tree.branch_a)
    meeting = mark(meeting, {others[0]: S.PRESENT})
    row = meeting.attendances.get(member=aged)
    row.status, row.reason, row.material_sent = S.LEAVE, "卧病在床", True
    services.attendance_save(
        attendance=row, actor=None, update_fields=["status", "reason", "material_sent"]
    )
    meeting = services.meeting_recount(meeting=meeting, actor=None)
    assert (meeting.expected_count, meeting.present_count, meeting.leave_count) == (3, 1, 1)
    assert not meeting.is_quorate  # 1 of 3: the material sent does not make the quorum


@pytest.mark.parametrize(("present", "quorate"), [(4, False), (5, True)])
def test_a_general_meeting_needs_more_than_half_of_the_full_members(tree, present, quorate) -> None:
    """8 full members and 4 预备党员: all 12 expected; 4 full (exactly half) plus all 4 预备党员
    present is not a quorum, 5 full is."""
    people = members(tree.branch_a, 8, probationary=4)
    full, probationary = people[:8], people[8:]
    meeting = record(tree.branch_a)
    meeting = mark(meeting, dict.fromkeys(full[:present] + probationary, S.PRESENT))
    assert (meeting.expected_count, meeting.present_count) == (12, present + 4)
    assert meeting.is_quorate is quorate
    if not quorate:
        meeting.decisions = "同意接收某某为预备党员"
        with pytest.raises(services.QuorumError) as error:
            services.meeting_save(meeting=meeting, actor=None, update_fields=["decisions"])
        assert "有表决权的正式党员8人、到会4人" in str(error.value)


def test_a_member_under_discipline_has_no_vote(tree) -> None:
    people = members(tree.branch_a, 9)
    meeting = record(tree.branch_a)
    row = meeting.attendances.get(member=people[0])
    row.under_discipline = True
    services.attendance_save(attendance=row, actor=None, update_fields=["under_discipline"])
    # 5 of 9 present, but one of them under 留党察看: 4 of 8 voters is exactly half.
    meeting = mark(meeting, dict.fromkeys(people[:5], S.PRESENT))
    row.refresh_from_db()
    assert not row.has_vote
    assert (meeting.expected_count, meeting.present_count) == (9, 5)
    assert not meeting.is_quorate
    row.under_discipline = False
    services.attendance_save(attendance=row, actor=None, update_fields=["under_discipline"])
    row.refresh_from_db()
    assert row.has_vote
    assert services.meeting_recount(meeting=meeting, actor=None).is_quorate


def test_an_outflowing_member_is_left_out_only_with_the_general_meetings_consent(tree) -> None:
    people = members(tree.branch_a, 4)
    away = people[3]
    FloatingRecordFactory(
        member=away, direction=FloatingDirection.OUTFLOW, since=dt.date(2025, 6, 1)
    )
    meeting = record(tree.branch_a, K.THEME_DAY)
    with pytest.raises(ValidationError) as error:
        mark(meeting, {away: S.EXCUSED})
    assert "只有经支部党员大会同意" in str(error.value)

    consent = record(tree.branch_a, day=dt.date(2026, 2, 1), topic="流出党员")
    consent = mark(consent, dict.fromkeys(people[:3], S.PRESENT))
    consent.decisions = f"同意{away.name}外出期间不计应到"
    services.meeting_save(meeting=consent, actor=None, update_fields=["decisions"])

    meeting = mark(meeting, {away: S.EXCUSED, people[0]: S.PRESENT, people[1]: S.PRESENT})
    assert (meeting.expected_count, meeting.present_count, meeting.is_quorate) == (3, 2, True)


def test_a_theme_day_that_decides_is_judged_by_its_voters(tree) -> None:
    people = members(tree.branch_a, 2, probationary=2)
    meeting = record(tree.branch_a, K.THEME_DAY)
    meeting = mark(meeting, {people[0]: S.PRESENT, people[2]: S.PRESENT, people[3]: S.PRESENT})
    assert meeting.is_quorate  # 3 of 4 attended: the theme day was held
    meeting.decisions = "决定开展志愿服务"
    with pytest.raises(services.QuorumError):
        services.meeting_save(meeting=meeting, actor=None, update_fields=["decisions"])
