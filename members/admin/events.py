"""Admin of 社区活动报名: the community publishes an activity with its places and deadline; the
members' sign-ups (made on their portal page) are listed on it, read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from kit.admin import ScopedHistoryAdmin, Services

from ..models import CommunityEvent
from ..services import events as services
from .dual import CommunityDefaultMixin


@admin.register(CommunityEvent)
class CommunityEventAdmin(CommunityDefaultMixin, ScopedHistoryAdmin):  # type: ignore[misc]
    model_services = Services(
        "event", services.community_event_save, services.community_event_delete
    )
    list_display = ("held_on", "title", "community", "place", "places", "signup_deadline")
    list_select_related = ("community",)
    search_fields = ("title",)
    date_hierarchy = "held_on"
    fields = (
        "community",
        "title",
        "held_on",
        "place",
        "description",
        "capacity",
        "signup_deadline",
        "signup_names",
    )
    readonly_fields = ("signup_names",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CommunityEvent]:
        return super().get_queryset(request).annotate(taken=Count("signups"))

    @admin.display(description="已报名/名额")
    def places(self, event: CommunityEvent) -> str:
        taken = getattr(event, "taken", 0)
        return f"{taken}/{event.capacity}" if event.capacity else f"{taken}/不限"

    @admin.display(description="已报名党员")
    def signup_names(self, event: CommunityEvent) -> str:
        if event.pk is None:
            return "—"
        names = [s.member.name for s in event.signups.select_related("member")]
        return "、".join(names) or "暂无报名"
