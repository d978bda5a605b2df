"""The demo's coming community activities (社区活动报名), for members to sign up on their page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from organizations.models import Organization
from organizations.rules import COMMUNITY_KINDS

from .models import CommunityEvent
from .services.events import community_event_save

# (title, place, days ahead, places (0: any number), sign-up closes days before)
EVENTS = (
    ("环境整治志愿服务", "社区党群服务中心门前集合", 7, 12, 2),
    ("政策宣讲进楼栋", "各楼栋单元门口", 14, 0, 3),
    ("关爱独居老人走访", "社区党群服务中心", 21, 6, 5),
)


def build() -> list[Any]:
    """Three coming activities in each community; running it again adds nothing."""
    actor = get_user_model().objects.get(username="admin")
    today = timezone.localdate()
    communities = Organization.objects.filter(kind__in=COMMUNITY_KINDS, code__startswith="CN-")
    for community in communities.order_by("code"):
        for title, place, ahead, capacity, closes in EVENTS:
            if CommunityEvent.objects.filter(community=community, title=title).exists():
                continue
            held_on = today + dt.timedelta(days=ahead)
            event = CommunityEvent(
                community=community, title=title, place=place, held_on=held_on,
                capacity=capacity, signup_deadline=held_on - dt.timedelta(days=closes),
                description=f"{community.name}组织党员参加{title}。",
            )  # fmt: skip
            community_event_save(event=event, actor=actor)
    return []
