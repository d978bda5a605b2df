"""The generated district's meetings (kit/district.py): `years` of 三会一课 for every branch and
group, with realistic gaps and some meetings without their quorum, and named attendance for the
last year's 支部党员大会 and 党课 (what the compliance view and the feedback cards read)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from kit.district import District, copy_insert
from members.models import Member
from organizations.models import Organization
from organizations.rules import OrganizationKind as OK

from .models import Attendance, AttendanceStatus, Meeting, MeetingSource
from .rules import MeetingKind as K
from .rules import is_quorate, quorum_of

# kind: months of the year it is held in (the defaults of DOMAIN.md)
BRANCH_KINDS = {
    K.THEME_DAY: range(1, 13),
    K.COMMITTEE_MEETING: range(1, 13),
    K.GENERAL_MEETING: (3, 6, 9, 12),
    K.LECTURE: (2, 5, 8, 11),
    K.ORGANIZATIONAL_LIFE: (12,),
}
GROUP_KINDS = {K.GROUP_MEETING: range(1, 13)}
SKIPPED = 0.08  # share of required meetings a branch did not hold
NAMED_KINDS = (K.GENERAL_MEETING, K.LECTURE)
MEETING_COLUMNS = ("organization_id", "kind", "held_on", "topic", "expected_count",
                   "present_count", "leave_count", "is_quorate", "source")  # fmt: skip


def generate(district: District) -> None:
    prefix = f"{district.code}-"
    if Meeting.objects.filter(organization__code__startswith=prefix).exists():
        district.say(f"会议：{district.code} 已生成，跳过")
        return
    rng = district.rng("meetings")
    sizes = dict(
        Member.objects.filter(branch__code__startswith=prefix, branch__kind=OK.BRANCH)
        .values("branch")
        .annotate(n=Count("id"))
        .values_list("branch", "n")
    )
    organizations = list(
        Organization.objects.filter(code__startswith=prefix, kind__in=(OK.BRANCH, OK.GROUP))
        .only("id", "kind", "parent_id")
        .order_by("code")
    )
    months = _months(district.years)
    # Streamed (half a million meetings a sub-district): the total is the most there can be.
    most = sum(
        len([m for _, m in months if m in held_in])
        for org in organizations
        for held_in in (BRANCH_KINDS if org.kind == OK.BRANCH else GROUP_KINDS).values()
    )
    copy_insert(district, "会议", Meeting, MEETING_COLUMNS,
                _meetings(rng, organizations, sizes, months), most)  # fmt: skip
    _attendance(district, rng, prefix)


def _months(years: int) -> list[tuple[int, int]]:
    today = timezone.localdate()
    first = today.year - years + 1
    return [(y, m) for y in range(first, today.year + 1) for m in range(1, 13)
            if dt.date(y, m, 1) <= today]  # fmt: skip


def _meetings(
    rng: random.Random,
    organizations: list[Organization],
    sizes: dict[int, int],
    months: list[tuple[int, int]],
) -> Iterator[tuple[Any, ...]]:
    """The meetings' rows (MEETING_COLUMNS), one organization after another."""
    quorums = settings.ACTIVITIES_QUORUMS
    today = timezone.localdate()
    for org in organizations:
        kinds = BRANCH_KINDS if org.kind == OK.BRANCH else GROUP_KINDS
        size = sizes.get(org.id if org.kind == OK.BRANCH else org.parent_id, 20)
        if org.kind == OK.GROUP:
            size = max(3, size // 2)
        for kind, held_in in kinds.items():
            expected = 5 if kind == K.COMMITTEE_MEETING else size
            for year, month in months:
                if month not in held_in or rng.random() < SKIPPED:
                    continue
                day = min(dt.date(year, month, rng.randint(3, 26)), today)
                present = max(0, expected - rng.randint(0, max(1, expected * 2 // 3)))
                leave = rng.randint(0, expected - present)
                yield (
                    org.id, kind, day, f"{year}年{month}月{kind.label}", expected, present, leave,
                    is_quorate(quorum_of(kind, quorums), expected=expected, present=present),
                    MeetingSource.IMPORTED,
                )  # fmt: skip


def _attendance(district: District, rng: random.Random, prefix: str) -> None:
    since = timezone.localdate() - dt.timedelta(days=365)
    meetings = list(
        Meeting.objects.filter(
            organization__code__startswith=prefix,
            organization__kind=OK.BRANCH,
            kind__in=NAMED_KINDS,
            held_on__gte=since,
        ).values_list("id", "organization_id", "present_count", "expected_count")
    )
    roster: dict[int, list[tuple[int, str]]] = {}
    for pk, branch, name in Member.objects.filter(
        branch__code__startswith=prefix, branch__kind=OK.BRANCH
    ).values_list("id", "branch_id", "name"):
        roster.setdefault(branch, []).append((pk, name))

    present_, absent = AttendanceStatus.PRESENT.value, AttendanceStatus.ABSENT.value

    def rows() -> Iterator[tuple[int, int, str, str]]:
        for meeting, branch, present, expected in meetings:
            people = roster.get(branch, [])
            share = present / expected if expected else 0
            for member, name in people:
                yield meeting, member, name, present_ if rng.random() < share else absent

    total = sum(len(roster.get(branch, [])) for _, branch, _, _ in meetings)
    columns = ("meeting_id", "member_id", "name", "status")
    copy_insert(district, "出席记录", Attendance, columns, rows(), total)
