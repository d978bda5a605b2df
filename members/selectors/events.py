"""Reads of 社区活动报名 for the member's own page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from ..models import CommunityEvent, Member
from .dual import member_communities


@dataclass(frozen=True)
class MemberEvent:
    event: CommunityEvent
    taken: int
    signed_up: bool

    @property
    def is_full(self) -> bool:
        return bool(self.event.capacity) and self.taken >= self.event.capacity

    @property
    def is_open(self) -> bool:
        return timezone.localdate() <= self.event.signup_deadline and not self.is_full

    @property
    def may_cancel(self) -> bool:
        """A sign-up is cancelled on the page up to the day before (services.events)."""
        return self.signed_up and timezone.localdate() < self.event.held_on

    @property
    def places_left(self) -> int | None:
        return max(self.event.capacity - self.taken, 0) if self.event.capacity else None


def member_event_list(member: Member) -> list[MemberEvent]:
    """The coming activities of the member's communities (not yet held), soonest first, with
    the places taken and whether the member signed up: two queries after the communities."""
    communities = member_communities(member)
    events = list(
        CommunityEvent.objects.filter(community__in=communities, held_on__gte=timezone.localdate())
        .select_related("community")
        .annotate(taken=Count("signups"))
        .order_by("held_on", "id")
    )
    mine = set(member.event_signups.values_list("event_id", flat=True))
    return [MemberEvent(e, e.taken, e.pk in mine) for e in events]  # type: ignore[attr-defined]
