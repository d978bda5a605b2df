"""The generated district's community meetings (issues 23 and 24; kit/district.py): each
community's own meetings for `years` at the frequencies of ACTIVITIES_COMMUNITY_OWN_REQUIREMENTS
(总支委员会 and 电化教育 with its 三簿一册 monthly; 总支党员大会, 党课, 议事会, 党建带团建例会, 居民群众座谈会
and 集体为民服务 quarterly; 扩大会议 half-yearly; 民主生活会 yearly; the 在职党员大会 in December, with
the registered in-service members' attendance the feedback cards read), the same share skipped as
the branches' (activities/district.py); and, where the community has a 党员代表会议, its yearly
session and the 区域化党总支's quarterly meetings since the term opened.

Idempotent: a district whose communities have meetings of these kinds is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone

from kit.district import District, bulk_insert
from members.models import DelegateConference, Registration
from organizations.models import Organization
from organizations.rules import OrganizationKind as OK

from .district import SKIPPED, _months
from .models import Attendance, AttendanceStatus, Meeting, MeetingSource
from .rules import MeetingKind as K
from .rules import is_quorate, quorum_of

QUARTERS = (3, 6, 9, 12)
COMMUNITY_KINDS = {
    K.COMMUNITY_COMMITTEE_MEETING: range(1, 13),
    K.SCREENING: range(1, 13),
    K.COMMUNITY_GENERAL_MEETING: QUARTERS,
    K.LECTURE: (2, 5, 8, 11),
    K.COUNCIL_MEETING: QUARTERS,
    K.YOUTH_LEAGUE_MEETING: QUARTERS,
    K.RESIDENTS_FORUM: QUARTERS,
    K.VOLUNTEER_SERVICE: QUARTERS,
    K.ENLARGED_MEETING: (6, 12),
    K.DEMOCRATIC_LIFE: (12,),
    K.IN_SERVICE_ASSEMBLY: (12,),
}
COMMITTEE_SIZE = 7
FILMS = ("《榜样》", "《初心》", "《党的二十大报告学习辅导》", "《廉洁从政》", "《社区治理在身边》")
ATTENDED = 0.6  # the in-service assembly: share present; of the rest, half on leave


def generate(district: District) -> None:
    prefix = f"{district.code}-"
    communities = list(
        Organization.objects.filter(code__startswith=prefix, kind=OK.COMMUNITY_COMMITTEE)
        .filter(parent__code=district.code)
        .order_by("code")
    )
    own = Meeting.objects.filter(organization__in=communities, kind__in=list(COMMUNITY_KINDS))
    if own.exists():
        district.say(f"社区会议：{district.code} 已生成，跳过")
        return
    rng = district.rng("community-meetings")
    sizes = _sizes(communities)
    meetings = [
        *_own(rng, communities, sizes, _months(district.years)),
        *_congress(communities),
    ]
    bulk_insert(district, "社区会议", Meeting, meetings, len(meetings))
    _assembly_attendance(district, rng, meetings)


def _sizes(communities: list[Organization]) -> dict[int, int]:
    from django.db.models import Count

    from members.models import Member

    return dict(
        Member.objects.filter(branch__parent__in=communities)
        .values("branch__parent_id")
        .annotate(n=Count("pk"))
        .values_list("branch__parent_id", "n")
    )


def _meeting(
    rng: random.Random, org: Organization, kind: K, day: dt.date, expected: int
) -> Meeting:
    present = max(0, expected - rng.randint(0, max(1, expected // 3)))
    leave = rng.randint(0, expected - present)
    quorum = quorum_of(kind, settings.ACTIVITIES_QUORUMS)
    screening = kind == K.SCREENING
    return Meeting(
        organization=org, kind=kind, held_on=day, topic=f"{day.year}年{day.month}月{kind.label}",
        expected_count=expected, present_count=present, leave_count=leave,
        is_quorate=is_quorate(quorum, expected=expected, present=present),
        source=MeetingSource.IMPORTED,
        film_title=rng.choice(FILMS) if screening else "",
        duration_minutes=rng.choice((30, 45, 60)) if screening else None,
        discussion="观后围绕片中事迹交流体会，联系社区工作谈做法。" if screening else "",
        feedback="党员反映片子贴近实际，建议增加基层治理内容。" if screening else "",
    )  # fmt: skip


def _own(
    rng: random.Random, communities: list[Organization], sizes: dict[int, int],
    months: list[tuple[int, int]],
) -> Iterator[Meeting]:  # fmt: skip
    today = timezone.localdate()
    for org in communities:
        size = sizes.get(org.pk, 20)
        for kind, held_in in COMMUNITY_KINDS.items():
            committee = kind in (K.COMMUNITY_COMMITTEE_MEETING, K.DEMOCRATIC_LIFE)
            for year, month in months:
                if month not in held_in or rng.random() < SKIPPED:
                    continue
                day = min(dt.date(year, month, rng.randint(3, 26)), today)
                if kind == K.IN_SERVICE_ASSEMBLY and day.month != 12:
                    continue
                yield _meeting(rng, org, kind, day, COMMITTEE_SIZE if committee else size)


def _congress(communities: list[Organization]) -> Iterator[Meeting]:
    """The conference's yearly session from the term's first days, and the 区域化党总支's meetings
    each quarter since it was elected (counts of the 27 seats and the 7 members)."""
    today = timezone.localdate()
    conferences = DelegateConference.objects.filter(community__in=communities).select_related(
        "community"
    )
    for conference in conferences:
        start = conference.term_starts_on + dt.timedelta(days=10)
        for year in range(start.year, today.year + 1):
            day = start.replace(year=year)
            if day <= today:
                yield Meeting(organization=conference.community, kind=K.CONGRESS_SESSION,
                              held_on=day, topic=f"{year}年党员代表会议年会",
                              expected_count=27, present_count=24, leave_count=2, is_quorate=True,
                              source=MeetingSource.IMPORTED)  # fmt: skip
        day = start + dt.timedelta(days=30)
        while day <= today:
            yield Meeting(organization=conference.community, kind=K.REGIONAL_BRANCH_MEETING,
                          held_on=day, topic=f"{day.year}年{day.month}月区域化党总支会议",
                          expected_count=7, present_count=6, leave_count=1, is_quorate=True,
                          source=MeetingSource.IMPORTED)  # fmt: skip
            day += dt.timedelta(days=91)


def _assembly_attendance(district: District, rng: random.Random, meetings: list[Meeting]) -> None:
    """The in-service members registered with the community on the assembly's day, each present,
    on leave or absent: the feedback card of the second half-year reads it."""
    assemblies = [m for m in meetings if m.kind == K.IN_SERVICE_ASSEMBLY]
    if not assemblies:
        return
    rows = list(
        Registration.objects.filter(community__in={m.organization_id for m in assemblies})
        .values_list("community_id", "member_id", "member__name", "registered_on", "ended_on")
        .order_by("pk")
    )
    attendances = []
    for meeting in assemblies:
        seen: set[int] = set()
        for community, member, name, registered_on, ended_on in rows:
            on_roll = registered_on <= meeting.held_on and (
                ended_on is None or ended_on > meeting.held_on
            )
            if community != meeting.organization_id or not on_roll or member in seen:
                continue
            seen.add(member)
            draw = rng.random()
            status = AttendanceStatus.PRESENT if draw < ATTENDED else (
                AttendanceStatus.LEAVE if draw < (1 + ATTENDED) / 2 else AttendanceStatus.ABSENT)  # fmt: skip
            attendances.append(Attendance(meeting_id=meeting.pk, member_id=member, name=name,
                                          status=status, has_vote=False))  # fmt: skip
    bulk_insert(district, "在职党员大会出席", Attendance, attendances, len(attendances))
