"""党员写实档案: one member's year as the records hold it (meetings through the participation
registry, the members app's own records directly), for the printable of members/printables.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from kit.printables import readable

from .. import participation
from ..models import (
    ActivityRecord,
    FloatingLifeEntry,
    Member,
    PostClaim,
    PostClaimStatus,
    Review,
    StandingSuspension,
    TemporaryGroupReport,
)
from ..participation import MeetingLine
from .records import assessments_scored


@dataclass
class MemberRecord:
    member: Member
    year: int
    meetings: list[MeetingLine] | None = None  # None: no app answers (said on the page)
    elsewhere: list[tuple[dt.date, str, str]] = field(default_factory=list)  # life away
    activities: list[ActivityRecord] = field(default_factory=list)
    activity_hours: Decimal = Decimal("0")
    posts: list[PostClaim] = field(default_factory=list)
    review: Review | None = None
    score: Decimal | None = None
    standing: list[str] = field(default_factory=list)

    @property
    def attended(self) -> int:
        return sum(1 for line in self.meetings or [] if line.status.startswith("出席"))


def member_record_get(*, member: Member, year: int, reader: Any) -> MemberRecord:
    """The member's records of `year` that `reader` may see: the meetings listed (activities'
    answer), organizational life away (活动证 entries and 临时党小组 reports naming them),
    community activity records with hours, service posts, the review with its handling, the
    score sheet's score and any 停止/恢复党籍. A fixed number of queries."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    record = MemberRecord(member=member, year=year)
    answer = participation.ask(participation.MEETINGS_LISTED, [member.pk], start=start, end=end)
    if answer is not None:
        record.meetings = list(answer.values.get(member.pk, []))
    record.elsewhere = _life_elsewhere(member, start, end)
    activities = readable(ActivityRecord.objects.all(), reader).filter(
        member=member, date__range=(start, end)
    )
    record.activities = list(activities.select_related("community").order_by("date", "pk"))
    record.activity_hours = activities.aggregate(total=Sum("hours"))["total"] or Decimal("0")
    record.posts = list(
        readable(PostClaim.objects.all(), reader)
        .filter(member=member, claimed_on__lte=end)
        .filter(status__in=[PostClaimStatus.APPROVED, PostClaimStatus.ENDED])
        .select_related("kind", "community")
        .order_by("claimed_on")
    )
    record.review = (
        Review.objects.filter(member=member, year=year).select_related("handling").first()
    )
    scored = assessments_scored(member.assessments.filter(year=year)).first()
    record.score = scored.score if scored is not None else None  # type: ignore[attr-defined]
    record.standing = _standing(member, start, end)
    return record


def _life_elsewhere(member: Member, start: dt.date, end: dt.date) -> list[tuple[dt.date, str, str]]:
    entries = FloatingLifeEntry.objects.filter(
        floating_record__member=member, held_on__range=(start, end)
    ).values_list("held_on", "organization", "content")
    reports = (
        TemporaryGroupReport.objects.filter(attendees=member, life_held_on__range=(start, end))
        .select_related("group")
        .order_by()
    )
    found = [(day, place, content) for day, place, content in entries]
    found += [(r.life_held_on, f"临时党小组：{r.group.name}", r.content[:60]) for r in reports]  # type: ignore[misc]
    return sorted(found, key=lambda row: row[0])


def _standing(member: Member, start: dt.date, end: dt.date) -> list[str]:
    lines = []
    overlapping = StandingSuspension.objects.filter(member=member, approved_on__lte=end).filter(
        Q(restored_on__isnull=True) | Q(restored_on__gte=start)
    )
    for suspension in overlapping.order_by("approved_on"):
        line = f"{suspension.approved_on:%Y-%m-%d}起停止党籍（{suspension.get_reason_display()}）"
        if suspension.restored_on:
            line += f"，{suspension.restored_on:%Y-%m-%d}恢复党籍"
        lines.append(line)
    return lines
