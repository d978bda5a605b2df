"""The 示范小区 evidence the meeting records hold (members/showcase.py), declared on
ActivitiesConfig.showcase_evidence: per community, over the year from `start` to `end`, what its
own and its branches' and groups' records show. A community none of whose organizations recorded a
meeting of the kind asked in the year is left out (no data, never a failure)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse

from members.models import Member
from members.rules import Category
from members.showcase import Figure
from organizations.models import Organization
from organizations.scope import subtrees

from ..models import Attendance, AttendanceStatus, Meeting
from ..rules import JOINT_COMMITTEE_KINDS, MeetingKind, Status
from .compliance import compliance_list


def _trees(community_ids: Collection[int]) -> dict[int, set[int]]:
    """Each community with the organizations below it (its branches and groups): one query."""
    trees, _ = subtrees({str(pk): [pk] for pk in community_ids})
    return {int(key): ids for key, ids in trees.items()}


def _owner(trees: dict[int, set[int]]) -> dict[int, int]:
    return {org: community for community, ids in trees.items() for org in ids}


def _url(name: str, **params: object) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def _recorded(org_ids: Iterable[int], start: dt.date, end: dt.date, kinds: Iterable[str]) -> set:
    return set(
        Meeting.objects.filter(
            organization_id__in=list(org_ids), held_on__gte=start, held_on__lte=end, kind__in=kinds
        )
        .values_list("organization_id", flat=True)
        .distinct()
    )


def _compliance_by_community(
    community_ids: Collection[int], start: dt.date, end: dt.date, *, joint: bool
) -> dict[int, tuple[int, int, list[str]]]:
    """(done, ended, what is short) of the compliance rows of each community's organizations:
    its branches' and groups' meetings, or (`joint`) the community's own 联席会; a period still
    running is neither met nor missed yet."""
    trees = _trees(community_ids)
    owner = _owner(trees)
    kinds: list[str] = (
        [MeetingKind.JOINT_MEETING]
        if joint
        else [kind for kind in MeetingKind.values if kind not in JOINT_COMMITTEE_KINDS]
    )
    recorded = {owner[org] for org in _recorded(owner, start, end, kinds)}
    organizations = Organization.objects.filter(pk__in=list(owner))
    found: dict[int, tuple[int, int, list[str]]] = {}
    for entry in compliance_list(organizations, start.year, end):
        community = owner[entry.organization.pk]
        if community not in recorded or (entry.organization.pk == community) != joint:
            continue
        done, ended, short = found.get(community, (0, 0, []))
        for row in entry.rows:
            if row.kind not in kinds or row.status == Status.IN_PROGRESS:
                continue
            ended += 1
            if row.status == Status.DONE:
                done += 1
            else:
                short.append(f"{row.name}{row.period.label}{row.kind.label}")
        found[community] = (done, ended, short)
    return found


def meetings_held(
    community_ids: Collection[int], start: dt.date, end: dt.date
) -> dict[int, Figure]:
    """三会一课: the required meetings of the community's branches and groups whose period has
    ended, and how many were held with their quorum (the compliance page's rule)."""
    url = _url("admin:activities_meeting_compliance", year=start.year, as_of=f"{end:%Y-%m-%d}")
    figures = {}
    for community, (done, ended, short) in _compliance_by_community(
        community_ids, start, end, joint=False
    ).items():
        text = f"应召开{ended}次（已到期），按要求召开{done}次"
        if short:
            text += "；未按期：" + "、".join(short[:5]) + ("等" if len(short) > 5 else "")
        figures[community] = Figure(done, ended, text, url)
    return figures


def joint_meeting_quarters(
    community_ids: Collection[int], start: dt.date, end: dt.date
) -> dict[int, Figure]:
    """联席会: the quarters ended by `end` in which the community's 联席会 met with its quorum."""
    figures = {}
    for community, (done, ended, short) in _compliance_by_community(
        community_ids, start, end, joint=True
    ).items():
        text = f"已到期{ended}个季度，召开联席会的季度{done}个"
        if short:
            text += "；未召开：" + "、".join(short)
        url = _url(
            "admin:activities_meeting_changelist",
            kind=MeetingKind.JOINT_MEETING,
            organization=community,
        )
        figures[community] = Figure(done, ended, text, url)
    return figures


def attendance(community_ids: Collection[int], start: dt.date, end: dt.date) -> dict[int, Figure]:
    """党员出勤率: present of expected over every meeting of the community's organizations in
    the year (the counts of recorded and imported meetings alike)."""
    trees = _trees(community_ids)
    owner = _owner(trees)
    rows = (
        Meeting.objects.filter(
            organization_id__in=list(owner), held_on__gte=start, held_on__lte=end
        )
        .values("organization_id")
        .annotate(expected=Sum("expected_count"), present=Sum("present_count"))
        .order_by()
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        pair = counts[owner[row["organization_id"]]]
        pair[0] += row["present"] or 0
        pair[1] += row["expected"] or 0
    url = _url("admin:activities_meeting_compliance", year=start.year, as_of=f"{end:%Y-%m-%d}")
    return {
        community: Figure(present, expected, f"应到{expected}人次，实到{present}人次", url)
        for community, (present, expected) in counts.items()
        if expected
    }


def in_service_attendance(
    community_ids: Collection[int], start: dt.date, end: dt.date
) -> dict[int, Figure]:
    """在职党员出勤率: in-service members marked present of those expected (not excused, not
    guests) at the meetings of the community's organizations, from the named attendance."""
    trees = _trees(community_ids)
    owner = _owner(trees)
    in_service = Exists(
        Member.categories.through.objects.filter(
            member_id=OuterRef("member_id"), membercategory__code=Category.IN_SERVICE
        )
    )
    rows = (
        Attendance.objects.filter(
            meeting__organization_id__in=list(owner),
            meeting__held_on__gte=start,
            meeting__held_on__lte=end,
            is_guest=False,
        )
        .exclude(status=AttendanceStatus.EXCUSED)
        .filter(in_service)
        .values("meeting__organization_id")
        .annotate(
            expected=Count("id"), present=Count("id", filter=Q(status=AttendanceStatus.PRESENT))
        )
        .order_by()
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        pair = counts[owner[row["meeting__organization_id"]]]
        pair[0] += row["present"]
        pair[1] += row["expected"]
    url = _url("admin:activities_meeting_compliance", year=start.year, as_of=f"{end:%Y-%m-%d}")
    return {
        community: Figure(
            present, expected, f"在职党员应参加{expected}人次，实际参加{present}人次", url
        )
        for community, (present, expected) in counts.items()
        if expected
    }
