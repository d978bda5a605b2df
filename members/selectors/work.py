"""Reads of the daily-work registers: who holds an office, who owes which 实事 and how many are
done, which post reviews and household visits are due, and what the records prove about the work
the Party assigned (the participation fact ASSIGNED_WORK_LAST)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from organizations.models import Organization, Position

from ..models import (
    DutyPost,
    DutyReview,
    Member,
    MemberDeed,
    Registration,
    UnitPledge,
)
from ..participation import Answer
from ..rules import DutyGrade, deed_reminder_year, duty_review_year, year_span


# --- 无职党员: who holds an office ----------------------------------------------------------------
def office_held(member: Member, day: dt.date) -> Position | None:
    """A committee position (organizations.Position, by the holder's name) the member holds on
    `day` in their branch or an organization above it: such a member is not 无职 (002: 未担任社区
    干部). Positions name their holder, not a member record: the name is what can be matched."""
    above = Organization.objects.ancestors(member.branch_id, include_self=True)
    return (
        Position.objects.current(on=day)
        .filter(organization__in=above, holder_name=member.name)
        .select_related("organization")
        .first()
    )


# --- 实事: who owes, how many are done ------------------------------------------------------------
@dataclass(frozen=True)
class DeedCount:
    """One unit's or member's 实事 of a year at one community, against the minimum."""

    community: Organization
    name: str
    done: int
    minimum: int
    unit_id: int | None = None
    member_id: int | None = None

    @property
    def short(self) -> int:
        return max(self.minimum - self.done, 0)


def unit_deed_counts(pledges: QuerySet[UnitPledge], year: int) -> list[DeedCount]:
    """Each unit owing `year`'s 实事 among `pledges`, with its count (one query)."""
    rows = (
        pledges.owing(year)  # type: ignore[attr-defined]
        .with_deeds(year)
        .select_related("community", "unit")
        .order_by("community__code", "unit__name")
    )
    minimum = settings.UNIT_DEEDS_PER_YEAR
    return [DeedCount(p.community, p.unit.name, p.done, minimum, unit_id=p.unit_id) for p in rows]


def member_deed_counts(registrations: QuerySet[Registration], year: int) -> list[DeedCount]:
    """Each member owing `year`'s 实事 among `registrations`, with their count (one query)."""
    rows = (
        registrations.owing_deeds(year)  # type: ignore[attr-defined]
        .with_deeds(year)
        .select_related("community", "member")
        .order_by("community__code", "member__name")
    )
    minimum = settings.MEMBER_DEEDS_PER_YEAR
    return [
        DeedCount(r.community, r.member.name, r.done, minimum, member_id=r.member_id) for r in rows
    ]


@dataclass(frozen=True)
class DeedsDue:
    """The 实事 reminders of one day: the year, whether it is over, and how many units and
    members in the user's communities are short of it."""

    year: int
    overdue: bool
    units: int
    members: int


def deeds_due(user: Any, today: dt.date | None = None) -> DeedsDue | None:
    """Who in the communities the user manages is short of the year's 实事 on `today` (None
    outside the reminder season: from the cut-off day to 31 January). Two counts."""
    day = today or timezone.localdate()
    year = deed_reminder_year(day, settings.DEED_REMINDER_MONTH, settings.DEED_REMINDER_DAY)
    if year is None:
        return None
    communities = Organization.objects.editable_by(user).communities()
    units = UnitPledge.objects.filter(community__in=communities).short_of_deeds(year)
    members = Registration.objects.filter(community__in=communities).short_of_deeds(year)
    return DeedsDue(year, year < day.year, units.count(), members.count())


# --- 设岗定责: reviews owed -----------------------------------------------------------------------
def duty_reviews_due(user: Any, today: dt.date | None = None) -> tuple[int, int]:
    """(the year whose post review is owed, how many posts the user keeps lack it): one count."""
    year = duty_review_year(today or timezone.localdate())
    return year, DutyPost.objects.editable_by(user).unreviewed(year).count()


# --- 不做党所分配的工作: what the records prove -----------------------------------------------------
@dataclass(frozen=True)
class AssignedWork:
    """For one member: the spans a review graded 未履职 covers (proven not done), and the days
    assigned work is recorded done (a post reviewed as done covers its year; a 实事 its day)."""

    not_done: tuple[tuple[dt.date, dt.date], ...] = ()
    done: tuple[dt.date, ...] = ()


def assigned_work(member_ids: Collection[int], start: dt.date | None, end: dt.date) -> Answer:
    """The participation fact ASSIGNED_WORK_LAST (members/participation.py), answered from these
    registers for the members who hold or held a post (`since`: their first post's start; a
    member with no post owes no assigned work and is not in the answer). Three queries."""
    ids = list(member_ids)
    posts = DutyPost.objects.filter(member_id__in=ids, starts_on__lte=end)
    since: dict[int, dt.date] = {}
    for member_id, starts_on in posts.order_by("starts_on").values_list("member_id", "starts_on"):
        since.setdefault(member_id, starts_on)
    spans: dict[int, list[tuple[dt.date, dt.date]]] = {}
    done: dict[int, list[dt.date]] = {}
    reviews = DutyReview.objects.filter(post__in=posts).values_list(
        "post__member_id", "year", "grade", "post__starts_on", "post__ends_on"
    )
    for member_id, year, grade, starts_on, ends_on in reviews:
        first, last = year_span(year)
        first, last = max(first, starts_on), min(last, ends_on or last)
        if grade == DutyGrade.NOT_PERFORMED:
            spans.setdefault(member_id, []).append((first, last))
        else:
            done.setdefault(member_id, []).append(last)
    deeds = MemberDeed.objects.filter(member_id__in=since, done_on__lte=end)
    for member_id, done_on in deeds.values_list("member_id", "done_on"):
        done.setdefault(member_id, []).append(done_on)
    values = {pk: AssignedWork(tuple(spans.get(pk, ())), tuple(done.get(pk, ()))) for pk in since}
    return Answer(values=values, since=since)


# --- the member page's tabs (members/selectors/member.py: member_tabs) -------------------------------
def member_duty_tab(*, member: Member, user: Any) -> Any:
    """无职党员岗位: the member's posts the user may see, with their latest review (one query)."""
    from django.db.models import OuterRef, Subquery

    from .member import TAB_ROWS, _tab

    latest = DutyReview.objects.filter(post=OuterRef("pk")).order_by("-year")
    posts = (
        DutyPost.objects.visible_to(user)
        .filter(member=member)
        .annotate(last_year=Subquery(latest.values("year")[:1]))
        .annotate(last_grade=Subquery(latest.values("grade")[:1]))
        .order_by("-starts_on")
    )
    return _tab(
        "设岗定责", ("岗位", "上岗日期", "离岗日期", "最近考核"), DutyPost, member,
        ((p, [p.title, p.starts_on, p.ends_on or "在岗",
              f"{p.last_year}年{DutyGrade(p.last_grade).label}" if p.last_grade else "—"])
         for p in posts[:TAB_ROWS]),
    )  # fmt: skip


def member_deed_tab(*, member: Member, user: Any) -> Any:
    """为社区办实事: the member's 实事 the user may see (one query)."""
    from .member import TAB_ROWS, _tab

    deeds = (
        MemberDeed.objects.visible_to(user)
        .filter(member=member)
        .select_related("community")
        .order_by("-done_on")
    )
    return _tab(
        "为社区办实事", ("日期", "社区", "实事", "受益对象"), MemberDeed, member,
        ((d, [d.done_on, d.community, d.title, d.beneficiaries]) for d in deeds[:TAB_ROWS]),
    )  # fmt: skip
