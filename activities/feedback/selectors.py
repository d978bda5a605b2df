"""Reads of the feedback cards: who gets a card, what it is pre-filled with, and the lists of the
unit portal, the sub-district's cadre list and the member's own page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from members.models import ActivityRecord, MemberDeed, PostClaim, PostClaimStatus, Registration
from organizations.models import Organization
from organizations.roles import CADRE_CARD_ROLES, Role
from organizations.rules import OrganizationKind

from ..models import Attendance, FeedbackCard, Meeting
from ..rules import MeetingKind, assembly_attendance
from ..selectors import attendance_summary
from .rules import Period


@dataclass(frozen=True)
class Prefill:
    posts: str = ""
    activity_count: int = 0
    activity_hours: Decimal = Decimal("0")
    meetings_expected: int = 0
    meetings_attended: int = 0
    meetings_on_leave: int = 0
    deeds: str = ""  # the member's 实事 of the period at the community, one a line
    in_service_assembly: str = ""  # "" when the community held none in the period


def registrations_due(period: Period, community_ids: Iterable[int] | None = None) -> Any:
    """Registrations that get a card for the period: the community where the member is
    registered on its last day rates it (registered by then, not moved away by then: a member who
    moved during the period gets the card from the new community), the member not transferred out
    before its start."""
    queryset = Registration.objects.filter(registered_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=period.end),
        Q(member__transferred_out_on__isnull=True)
        | Q(member__transferred_out_on__gte=period.start),
    )
    if community_ids is not None:
        queryset = queryset.filter(community_id__in=list(community_ids))
    return queryset.order_by("pk")


def _posts(registrations: Sequence[Registration], period: Period) -> dict[tuple[int, int], str]:
    claims = (
        PostClaim.objects.filter(
            member_id__in=[r.member_id for r in registrations],
            status=PostClaimStatus.APPROVED,
            claimed_on__lte=period.end,
        )
        .order_by("kind__name")
        .values_list("member_id", "community_id", "kind__name")
    )
    names: dict[tuple[int, int], list[str]] = defaultdict(list)
    for member_id, community_id, name in claims:
        names[(member_id, community_id)].append(name)
    return {key: "、".join(dict.fromkeys(value)) for key, value in names.items()}


def _activities(
    registrations: Sequence[Registration], period: Period
) -> dict[tuple[int, int], tuple[int, Decimal]]:
    rows = (
        ActivityRecord.objects.filter(
            member_id__in=[r.member_id for r in registrations],
            date__range=(period.start, period.end),
        )
        .values("member_id", "community_id")
        .annotate(n=Count("id"), hours=Sum("hours"))
        .order_by()
    )
    return {
        (row["member_id"], row["community_id"]): (row["n"], row["hours"] or Decimal("0"))
        for row in rows
    }


def _deeds(registrations: Sequence[Registration], period: Period) -> dict[tuple[int, int], str]:
    """The 实事 each member did in the period for the community (members' register)."""
    rows = (
        MemberDeed.objects.filter(
            member_id__in=[r.member_id for r in registrations],
            done_on__range=(period.start, period.end),
        )
        .order_by("done_on", "pk")
        .values_list("member_id", "community_id", "done_on", "title")
    )
    lines: dict[tuple[int, int], list[str]] = defaultdict(list)
    for member_id, community_id, done_on, title in rows:
        lines[(member_id, community_id)].append(f"{done_on:%Y-%m-%d} {title}")
    return {key: "\n".join(value) for key, value in lines.items()}


def _assemblies(
    registrations: Sequence[Registration], period: Period
) -> dict[tuple[int, int], str]:
    """The 在职党员大会 line of each (member, community) whose community held one in the period
    (by today): the member's status at the last one held, or UNLISTED when its roll has no record
    of the member. A community with none held has no key (the card leaves the line blank). Two
    queries."""
    last_day = min(period.end, timezone.localdate())
    meetings = dict(
        Meeting.objects.filter(
            kind=MeetingKind.IN_SERVICE_ASSEMBLY,
            organization_id__in={r.community_id for r in registrations},
            held_on__range=(period.start, last_day),
        )
        .order_by("organization_id", "held_on", "pk")
        .values_list("organization_id", "pk")
    )  # the last meeting of each community wins
    if not meetings:
        return {}
    rows = Attendance.objects.filter(
        meeting_id__in=meetings.values(), member_id__in=[r.member_id for r in registrations]
    ).values_list("meeting_id", "member_id", "status")
    statuses = {(meeting_id, member_id): status for meeting_id, member_id, status in rows}
    return {
        (r.member_id, r.community_id): assembly_attendance(
            True, statuses.get((meetings[r.community_id], r.member_id))
        )
        for r in registrations
        if r.community_id in meetings
    }


def feedback_prefill(registrations: Sequence[Registration], period: Period) -> dict[int, Prefill]:
    """Each registration's pre-fill (by registration id), in six queries whatever their number."""
    posts = _posts(registrations, period)
    activities = _activities(registrations, period)
    deeds = _deeds(registrations, period)
    assemblies = _assemblies(registrations, period)
    attendance = attendance_summary([r.member_id for r in registrations], period.start, period.end)
    result = {}
    for registration in registrations:
        key = (registration.member_id, registration.community_id)
        count, hours = activities.get(key, (0, Decimal("0")))
        summary = attendance.get(registration.member_id)
        result[registration.pk] = Prefill(
            posts=posts.get(key, ""),
            activity_count=count,
            activity_hours=hours,
            meetings_expected=summary.expected if summary else 0,
            meetings_attended=summary.attended if summary else 0,
            meetings_on_leave=summary.on_leave if summary else 0,
            deeds=deeds.get(key, ""),
            in_service_assembly=assemblies.get(key, ""),
        )
    return result


# --- Lists --------------------------------------------------------------------------------------
def _cards(queryset: Any) -> Any:
    return queryset.select_related(
        "member", "community", "unit", "unit_organization", "registration", "acknowledged_by"
    ).order_by("-period", "community__name", "member__name")


def reviewed_organization_ids(user: Any) -> set[int]:
    """The unit party organizations the user reviews (Role.UNIT_REVIEWER)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    accesses = user.organization_accesses.filter(role=Role.UNIT_REVIEWER)
    return set(accesses.values_list("organization_id", flat=True))


def unit_card_list(user: Any, organization_ids: Iterable[int] | None = None) -> Any:
    """The cards delivered to the unit organizations the user reviews: nothing else, whatever
    else the user may see."""
    ids = reviewed_organization_ids(user) if organization_ids is None else set(organization_ids)
    queryset = FeedbackCard.objects.visible_to(user).delivered()
    return _cards(queryset.filter(unit_organization_id__in=ids))


def cadre_card_list(user: Any) -> Any:
    """Cards of cadres at 副科级 and above, for the organization departments (001: the
    sub-district's and the county's, CADRE_CARD_ROLES): delivered cards in the user's
    communities (a district officer's: every sub-district below it)."""
    is_officer = getattr(user, "is_superuser", False) or (
        getattr(user, "is_authenticated", False)
        and user.organization_accesses.filter(role__in=CADRE_CARD_ROLES).exists()
    )
    if not is_officer:
        return FeedbackCard.objects.none()
    queryset = FeedbackCard.objects.visible_to(user).delivered().filter(is_section_level_cadre=True)
    return _cards(queryset)


@dataclass
class CardGroup:
    community: Organization
    period: str
    period_label: str
    cards: list[FeedbackCard] = field(default_factory=list)

    @property
    def acknowledged(self) -> int:
        return sum(1 for card in self.cards if card.acknowledged_at)


def card_groups(cards: Iterable[FeedbackCard], label: Any) -> list[CardGroup]:
    """Cards grouped by period (newest first) and community, as the query ordered them."""
    groups: dict[tuple[str, int], CardGroup] = {}
    for card in cards:
        key = (card.period, card.community_id)
        if key not in groups:
            groups[key] = CardGroup(card.community, card.period, label(card.period))
        groups[key].cards.append(card)
    return list(groups.values())


def document_card_list(
    organization: Organization, period: str, *, reader: Any = None
) -> list[FeedbackCard]:
    """The cards of one period that a PDF for `organization` prints: a unit organization's
    delivered cards, every card a community rated, or those of every community of a
    sub-district (or of the 区委组织部's sub-districts); of these, those `reader` sees (None: the command line, no limit)."""
    queryset = FeedbackCard.objects.for_period(period)
    if reader is not None:
        queryset = queryset.visible_to(reader)
    if organization.is_community:
        queryset = queryset.filter(community=organization)
    elif organization.kind in (OrganizationKind.SUB_DISTRICT, OrganizationKind.DISTRICT):
        below = Organization.objects.descendant_ids([organization.pk])
        queryset = queryset.filter(community_id__in=below)
    else:
        queryset = queryset.delivered().filter(unit_organization=organization)
    return list(_cards(queryset))


def member_card_list(member_id: int) -> QuerySet[FeedbackCard]:
    return _cards(FeedbackCard.objects.delivered().filter(member_id=member_id))


def member_page(member: Any) -> dict[str, Any]:
    """What the member's own page shows: their registrations, posts, activity records and the
    cards delivered about them; nobody else's rows."""
    return {
        "registrations": list(
            member.registrations.select_related("community", "unit").order_by("-registered_on")
        ),
        "posts": list(
            member.post_claims.select_related("kind", "community").order_by("-claimed_on")
        ),
        "activities": list(
            member.activity_records.select_related("community").order_by("-date")[:50]
        ),
        "card_list": list(member_card_list(member.pk)),
    }
