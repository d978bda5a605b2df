"""Reads of 两会一化: who holds a seat of the 党员代表会议 on a day, the seat table by group (with
the vacant seats), what the records say of a nominee, and the terms ending soon.

A seat is left only on a dated record (rules.seat_left): the transfer out received
(Member.transferred_out_on); for a seat held as a resident, the 迁出 recorded on the member's
报到登记 with the community (Registration.ended_on); or the departure the secretary recorded on
the delegate (DelegateNominee.left_on: 迁出, 调离, 去世, 辞去). A delegate with none is seated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from organizations.models import Organization, Position
from organizations.rules import PositionTitle

from .. import rules
from ..models import (
    DelegateConference,
    DelegateNominee,
    FloatingRecord,
    Member,
    RegionalBranch,
    Registration,
)
from ..models.congress import DelegateConferenceQuerySet, RegionalBranchQuerySet
from ..rules import Category, DelegateGroup, FloatingDirection, SeatLeaving


@dataclass(frozen=True)
class Delegate:
    """An elected nominee and, where a record says so, when and why the seat was left."""

    nominee: DelegateNominee
    group: str
    elected_on: dt.date
    left_on: dt.date | None
    left_reason: str

    @property
    def member(self) -> Member:
        return self.nominee.member

    def is_seated_on(self, day: dt.date) -> bool:
        return rules.is_seated_on(day, elected_on=self.elected_on, left_on=self.left_on)

    @property
    def left_label(self) -> str:
        return SeatLeaving(self.left_reason).label if self.left_reason else ""


@dataclass
class SeatGroup:
    group: str
    seats: int
    seated: list[Delegate] = field(default_factory=list)
    left: list[Delegate] = field(default_factory=list)

    @property
    def label(self) -> str:
        return DelegateGroup(self.group).label

    @property
    def vacant(self) -> int:
        return rules.vacant_seats(self.seats, len(self.seated))

    @property
    def vacant_rows(self) -> range:
        return range(self.vacant)


@dataclass
class SeatTable:
    conference: DelegateConference
    day: dt.date
    groups: list[SeatGroup]

    @property
    def seats(self) -> int:
        return sum(g.seats for g in self.groups)

    @property
    def seated(self) -> int:
        return sum(len(g.seated) for g in self.groups)

    @property
    def vacant(self) -> int:
        return sum(g.vacant for g in self.groups)


def delegate_list(conference: DelegateConference) -> list[Delegate]:
    """Every delegate ever elected to `conference` with when they left (two queries)."""
    return delegate_lists([conference])[conference.pk]


def delegate_lists(conferences: list[DelegateConference]) -> dict[int, list[Delegate]]:
    """The delegates of each conference (two queries whatever their number)."""
    by_pk = {c.pk: c for c in conferences}
    nominees = list(
        DelegateNominee.objects.elected()
        .filter(election__conference_id__in=list(by_pk))
        .select_related("election", "member", "member__branch")
        .order_by("election__held_on", "member__name")
    )
    moved = _moved_out(
        [(n.member_id, by_pk[n.election.conference_id].community_id) for n in nominees]
    )
    found: dict[int, list[Delegate]] = {pk: [] for pk in by_pk}
    for nominee in nominees:
        election = nominee.election
        community_id = by_pk[election.conference_id].community_id
        left = rules.seat_left(
            election.group,
            elected_on=election.held_on,
            transferred_out_on=nominee.member.transferred_out_on,
            moved_out_on=moved.get((nominee.member_id, community_id)),
            departed_on=nominee.left_on,
            departure_reason=nominee.left_reason,
        )
        found[election.conference_id].append(
            Delegate(
                nominee,
                election.group,
                election.held_on,
                left[0] if left else None,
                left[1] if left else "",
            )
        )
    return found


def _moved_out(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], dt.date]:
    """The day each (member, community)'s 报到登记 was ended (迁出), for members with no
    registration there still active (one query)."""
    if not pairs:
        return {}
    members = {m for m, _ in pairs}
    communities = {c for _, c in pairs}
    rows = Registration.objects.filter(community_id__in=communities, member_id__in=members)
    active: set[tuple[int, int]] = set()
    ended: dict[tuple[int, int], dt.date] = {}
    for member_id, community_id, ended_on in rows.values_list(
        "member_id", "community_id", "ended_on"
    ):
        key = (member_id, community_id)
        if ended_on is None:
            active.add(key)
        else:
            ended[key] = max(ended_on, ended.get(key, ended_on))
    return {key: day for key, day in ended.items() if key not in active}


def seat_table(conference: DelegateConference, day: dt.date) -> SeatTable:
    """The seats of each group on `day`: who holds them, who left, how many are vacant. After
    the term has ended nobody is seated."""
    return _table(conference, delegate_list(conference), day)


def seat_tables(conferences: list[DelegateConference], day: dt.date) -> list[SeatTable]:
    delegates = delegate_lists(conferences)
    return [_table(c, delegates[c.pk], day) for c in conferences]


def _table(conference: DelegateConference, delegates: list[Delegate], day: dt.date) -> SeatTable:
    in_term = conference.term_starts_on <= day <= conference.term_ends_on
    groups = {g: SeatGroup(g, n) for g, n in conference.seats.items()}
    for delegate in delegates:
        group = groups[DelegateGroup(delegate.group)]
        if in_term and delegate.is_seated_on(day):
            group.seated.append(delegate)
        elif delegate.left_on is not None and delegate.left_on <= day:
            group.left.append(delegate)
    return SeatTable(conference, day, list(groups.values()))


def conferences_in_year(
    conferences: DelegateConferenceQuerySet, year: int
) -> list[DelegateConference]:
    """The conferences whose term runs on some day of `year` (one query)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found = conferences.filter(term_starts_on__lte=last, term_ends_on__gte=first)
    return list(found.select_related("community").order_by("community__code", "term_starts_on"))


def seat_tables_in_year(
    conferences: list[DelegateConference], year: int, today: dt.date
) -> list[SeatTable]:
    """Each conference's seats as of the year's last day (today in a year not yet over), or
    its term's last day when the term ended in the year (three queries)."""
    delegates = delegate_lists(conferences)
    tables = []
    for conference in conferences:
        day = min(dt.date(year, 12, 31), today, conference.term_ends_on)
        day = max(day, conference.term_starts_on)
        tables.append(_table(conference, delegates[conference.pk], day))
    return tables


def seated_delegates(community_id: int, day: dt.date) -> list[Delegate]:
    """The delegates of the community's conference whose term covers `day`, seated on it."""
    conference = DelegateConference.objects.filter(community_id=community_id).on(day).first()
    if conference is None:
        return []
    return [d for d in delegate_list(conference) if d.is_seated_on(day)]


def delegate_facts(member: Member, community: Organization, day: dt.date) -> rules.DelegateFacts:
    """What the records say of `member` on `day` for a seat of `community`'s conference."""
    below = Organization.objects.descendant_ids([community.pk])
    branch = member.branch
    unit_org = branch if branch.kind == "unit_org" else branch.parent
    area_unit = getattr(unit_org, "unit", None) if unit_org is not None else None
    in_area = area_unit is not None and (
        area_unit.community_id == community.pk
        or area_unit.linked_communities.filter(pk=community.pk).exists()
    )
    outflow = FloatingRecord.objects.filter(
        member=member, direction=FloatingDirection.OUTFLOW, since__lte=day
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
    return rules.DelegateFacts(
        is_full_member=Member.objects.full_on(day).filter(pk=member.pk).exists(),
        is_on_roster=Member.objects.on_roster(day).filter(pk=member.pk).exists(),
        held_in_community=member.branch_id in below,
        held_by_area_organization=in_area,
        is_in_service=member.categories.filter(code=Category.IN_SERVICE).exists(),
        lives_in_community=member.residence_community_id == community.pk,
        is_outflowing=outflow.exists(),
    )


def community_secretary_name(community_id: int, day: dt.date) -> str | None:
    """The community's 书记 on `day` (its committee positions), or None when none is recorded."""
    position = (
        Position.objects.current(on=day)
        .filter(organization_id=community_id, title=PositionTitle.SECRETARY)
        .first()
    )
    return position.holder_name if position else None


@dataclass(frozen=True)
class CongressDue:
    """The 工作台's to-dos of 两会一化 in a scope: vacant seats by conference, terms ending soon."""

    vacant: list[SeatTable]
    ending: list[str]


def congress_due(
    conferences: DelegateConferenceQuerySet,
    branches: RegionalBranchQuerySet,
    today: dt.date,
    days: int,
) -> CongressDue:
    """Vacant seats of the conferences in term today, and the terms (conferences, 区域化党总支)
    ending within `days`: four queries whatever the number of communities."""
    current = list(conferences.on(today).select_related("community"))
    tables = [t for t in seat_tables(current, today) if t.vacant]
    ending = [
        f"{c.name}（{c.term_ends_on:%Y-%m-%d}）"
        for c in current
        if rules.term_ends_soon(c.term_ends_on, today, days)
    ]
    ending += [
        f"{b.name}（{b.term_ends_on:%Y-%m-%d}）"
        for b in branches.on(today)
        if rules.term_ends_soon(b.term_ends_on, today, days)
    ]
    return CongressDue(tables, ending)


def regional_branch_gaps(branch: RegionalBranch, composition: dict[str, int], size: int) -> str:
    roles = list(branch.members.values_list("role", flat=True))
    return rules.regional_composition_gaps(roles, composition, size)
