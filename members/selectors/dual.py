"""Reads of 双联双管: who has not registered, who needs the unit org contacted, the supervision
board and the printed cards. Each runs a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from organizations.models import Organization, Unit

from ..models import (
    ActivityKind,
    ActivityRecord,
    Member,
    PostClaim,
    PostKind,
    Registration,
    RegistrationCampaign,
)
from ..models.dual import ActivityRecordQuerySet, RegistrationQuerySet
from ..rules import PostClaimStatus, months_before, quarter_start

OTHER_UNIT_LABEL = "未登记驻区单位"  # a unit org whose unit was removed since


# --- 需联系单位党组织 -------------------------------------------------------------------------------
def registrations_with_last_dates(
    queryset: RegistrationQuerySet, *, today: dt.date | None = None
) -> RegistrationQuerySet:
    """Each registration with `last_activity_on` and `last_report_on`: the member's latest record
    (of any kind, and of kind 到社区报到) in the registration's community, up to `today`."""
    if "last_activity_on" in queryset.query.annotations:
        return queryset
    records = ActivityRecord.objects.filter(
        member_id=OuterRef("member_id"),
        community_id=OuterRef("community_id"),
        date__lte=today or timezone.localdate(),
    ).order_by("-date")
    return queryset.annotate(
        last_activity_on=Subquery(records.values("date")[:1]),
        last_report_on=Subquery(records.filter(kind=ActivityKind.REPORT).values("date")[:1]),
    )


def inactive_cutoff(today: dt.date) -> dt.date:
    """A registration is inactive when nothing happened after this day (001: half a year)."""
    return months_before(today, settings.IN_SERVICE_INACTIVE_MONTHS)


def registrations_inactive(
    queryset: RegistrationQuerySet, *, today: dt.date | None = None
) -> RegistrationQuerySet:
    """Active registrations older than the period whose member took part in nothing since its
    start: the day exactly IN_SERVICE_INACTIVE_MONTHS months ago counts as outside the period,
    as for floating members (rules.floating_lost_contact)."""
    day = today or timezone.localdate()
    cutoff = inactive_cutoff(day)
    return (
        registrations_with_last_dates(queryset, today=day)
        .active()
        .filter(member__transferred_out_on__isnull=True)
        .filter(registered_on__lte=cutoff)
        .filter(Q(last_activity_on__isnull=True) | Q(last_activity_on__lte=cutoff))
    )


def registrations_not_reported(
    queryset: RegistrationQuerySet, *, today: dt.date | None = None
) -> RegistrationQuerySet:
    """Active registrations whose member has not reported (报到) this quarter (001: at least once
    a quarter). Registering during the quarter counts as reporting in it."""
    day = today or timezone.localdate()
    start = quarter_start(day)
    return (
        registrations_with_last_dates(queryset, today=day)
        .active()
        .filter(member__transferred_out_on__isnull=True)
        .filter(registered_on__lt=start)
        .filter(Q(last_report_on__isnull=True) | Q(last_report_on__lt=start))
    )


def registration_flags(registration: Registration, *, today: dt.date | None = None) -> list[str]:
    """The reasons to contact the unit org, from a registration annotated by
    registrations_with_last_dates (no query); the same tests as the two filters above."""
    if registration.ended_on is not None or registration.member.transferred_out_on is not None:
        return []
    day = today or timezone.localdate()
    last_activity = getattr(registration, "last_activity_on", None)
    last_report = getattr(registration, "last_report_on", None)
    flags = []
    cutoff = inactive_cutoff(day)
    if registration.registered_on <= cutoff and (last_activity is None or last_activity <= cutoff):
        flags.append(f"{settings.IN_SERVICE_INACTIVE_MONTHS}个月未参加活动")
    start = quarter_start(day)
    if registration.registered_on < start and (last_report is None or last_report < start):
        flags.append("本季度未报到")
    return flags


# --- 未报到名单 ------------------------------------------------------------------------------------
@dataclass
class UnitUnregistered:
    """The in-service members of one work unit who have not registered by a campaign's deadline."""

    label: str
    unit: Unit | None = None
    members: list[Member] = field(default_factory=list)


def _units_by_organization(members: list[Member]) -> dict[int, Unit]:
    """For each member's branch, the unit whose party organization is that branch or above it."""
    branches = Organization.objects.with_tree_fields().filter(
        pk__in={member.branch_id for member in members}
    )
    paths = {branch.pk: branch.tree_path for branch in branches}
    ancestors = {pk for path in paths.values() for pk in path}
    units = {
        unit.party_organization_id: unit
        for unit in Unit.objects.filter(party_organization__in=ancestors).select_related(
            "party_organization"
        )
    }
    found: dict[int, Unit] = {}
    for branch_id, path in paths.items():
        for pk in reversed(path):
            if pk in units:
                found[branch_id] = units[pk]
                break
    return found


def campaign_unregistered_list(
    *, campaign: RegistrationCampaign, user: Any = None
) -> list[UnitUnregistered]:
    """Who had to register with the campaign's community (Member.objects.due_to_register_in:
    current in-service members held by a unit party organization who live there) and had no
    registration there on the deadline, grouped by unit, units by name. Three queries."""
    registered = Registration.objects.filter(
        community_id=campaign.community_id, registered_on__lte=campaign.deadline
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=campaign.deadline))
    members = Member.objects.due_to_register_in(campaign.community_id)
    if user is not None:
        members = members.filter(pk__in=Member.objects.visible_to(user).values("pk"))
    found = list(
        members.exclude(pk__in=registered.values("member_id")).order_by("name", "pk").distinct()
    )
    units = _units_by_organization(found)
    groups: dict[str, UnitUnregistered] = {}
    for member in found:
        unit = units.get(member.branch_id)
        label = unit.name if unit else OTHER_UNIT_LABEL
        groups.setdefault(label, UnitUnregistered(label=label, unit=unit)).members.append(member)
    return [groups[label] for label in sorted(groups)]


# --- 在职党员监督台 -------------------------------------------------------------------------------
@dataclass
class BoardPost:
    name: str
    commitment: str


@dataclass
class BoardEntry:
    """One in-service member on the supervision board: only what residents may read."""

    member_id: int
    name: str
    photo_url: str
    work_unit: str
    posts: list[BoardPost] = field(default_factory=list)


def supervision_board_list(community: Organization) -> list[BoardEntry]:
    """在职党员监督台: every current in-service member registered with `community` (001: 在职党员
    全部在监督台予以标注), with the work unit they registered from and their approved posts
    there, if any. Two queries."""
    registrations = (
        Registration.objects.active()
        .filter(community=community, member__in=Member.objects.current().in_service())
        .select_related("member", "unit")
        .order_by("member__name", "member_id", "pk")
    )
    entries: dict[int, BoardEntry] = {}
    for registration in registrations:
        member = registration.member
        if member.pk not in entries:
            photo_url = member.photo.url if member.photo else ""
            entries[member.pk] = BoardEntry(
                member.pk, member.name, photo_url, registration.unit.name
            )
    claims = (
        PostClaim.objects.approved()
        .filter(community=community, member_id__in=list(entries))
        .select_related("kind")
        .order_by("member_id", "kind_id")
    )
    for claim in claims:
        entries[claim.member_id].posts.append(BoardPost(claim.kind.name, claim.commitment))
    return list(entries.values())


# --- 打印卡片 -------------------------------------------------------------------------------------
def registration_card_list(queryset: RegistrationQuerySet) -> list[Registration]:
    """Registrations with everything their card prints, in one query."""
    return list(
        queryset.select_related("member", "community", "unit__party_organization").order_by(
            "community__code", "member__name", "pk"
        )
    )


@dataclass
class ActivityCard:
    """参与社区活动记录卡: one member's records in one community in one year."""

    member: Member
    community: Organization
    year: int
    records: list[ActivityRecord] = field(default_factory=list)
    deeds: list[Any] = field(default_factory=list)  # the year's 实事 there (MemberDeed)

    @property
    def total_hours(self) -> Decimal:
        return sum((record.hours for record in self.records), Decimal(0))


CardKey = tuple[int, int, int]  # (member id, community id, year)


def activity_card_keys(records: Iterable[ActivityRecord]) -> list[CardKey]:
    return sorted({(r.member_id, r.community_id, r.date.year) for r in records})


def activity_card_list(
    *, queryset: ActivityRecordQuerySet, keys: Iterable[CardKey]
) -> list[ActivityCard]:
    """The cards for `keys`, from the records of `queryset` (already scoped). One query."""
    keys = list(keys)
    if not keys:
        return []
    condition = reduce(or_, (Q(member_id=m, community_id=c, date__year=y) for m, c, y in keys))
    records = queryset.filter(condition).select_related("member", "community")
    cards: dict[CardKey, ActivityCard] = {}
    for record in records.order_by("member__name", "member_id", "date", "pk"):
        key = (record.member_id, record.community_id, record.date.year)
        cards.setdefault(key, ActivityCard(record.member, record.community, key[2]))
        cards[key].records.append(record)
    return list(cards.values())


def activity_card_deeds(cards: list[ActivityCard], deeds: Any) -> list[ActivityCard]:
    """Put on each card the member's 实事 of its year at its community, from `deeds` (a scoped
    MemberDeed queryset: a 实事 is recorded there only). One query."""
    if not cards:
        return cards
    condition = reduce(
        or_,
        (
            Q(member_id=c.member.pk, community_id=c.community.pk, done_on__year=c.year)
            for c in cards
        ),
    )
    by_key = {(c.member.pk, c.community.pk, c.year): c for c in cards}
    for deed in deeds.filter(condition).order_by("done_on", "pk"):
        by_key[(deed.member_id, deed.community_id, deed.done_on.year)].deeds.append(deed)
    return cards


def activity_year_records(
    queryset: ActivityRecordQuerySet, *, member_id: int, community_id: int, year: int
) -> ActivityCard | None:
    cards = activity_card_list(queryset=queryset, keys=[(member_id, community_id, year)])
    return cards[0] if cards else None


# --- the member's own page (the portal): posts they may claim ------------------------------------
def member_communities(member: Member) -> list[Organization]:
    """The communities a member serves in: where they are registered (报到, not moved away) and
    the community their own branch belongs to."""
    ids = set(member.registrations.active().values_list("community_id", flat=True))
    parent = member.branch.parent if member.branch_id else None
    if parent is not None and parent.is_community:
        ids.add(parent.pk)
    return list(Organization.objects.filter(pk__in=ids, is_active=True).order_by("name"))


@dataclass(frozen=True)
class OpenPost:
    community: Organization
    kind: PostKind


def member_open_post_list(member: Member) -> list[OpenPost]:
    """The service posts a member may claim: each kind of each of their communities (the ten
    every community has and the community's own) that they hold no pending or approved claim of.
    Two queries after the communities."""
    communities = member_communities(member)
    if not communities:
        return []
    held = set(
        member.post_claims.filter(
            status__in=[PostClaimStatus.PENDING, PostClaimStatus.APPROVED]
        ).values_list("kind_id", flat=True)
    )
    kinds = list(
        PostKind.objects.filter(Q(community__isnull=True) | Q(community__in=communities)).order_by(
            "community_id", "id"
        )
    )
    return [
        OpenPost(community, kind)
        for community in communities
        for kind in kinds
        if kind.pk not in held and kind.community_id in (None, community.pk)
    ]
