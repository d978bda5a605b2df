"""社区活动报名: a community announces an activity with a number of places and a sign-up deadline;
members of the community sign up on their own page (the portal). Taking part is then recorded as
a 参与社区活动记录 (ActivityRecord), as before."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organizations.models import Organization
from organizations.rules import COMMUNITY_KINDS
from organizations.scope import People, ScopedQuerySet

from .member import Member


class CommunityEventQuerySet(ScopedQuerySet["CommunityEvent"]):
    scope_lookups = ("community_id",)


class CommunityEvent(models.Model):
    """An activity a community calls members to: when, where, how many places, until when."""

    community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="events",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="社区",
    )
    title = models.CharField("活动名称", max_length=100)
    held_on = models.DateField("活动日期")
    place = models.CharField("地点", max_length=200, blank=True)
    description = models.TextField("活动内容", blank=True)
    capacity = models.PositiveIntegerField("名额", default=0, help_text="0表示不限名额。")
    signup_deadline = models.DateField("报名截止日期")
    history = HistoricalRecords()

    objects = CommunityEventQuerySet.as_manager()

    class Meta:
        verbose_name = "社区活动报名"
        verbose_name_plural = "社区活动报名"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(signup_deadline__lte=models.F("held_on")),
                name="event_signup_deadline_before_event",
                violation_error_message="报名截止日期不能晚于活动日期。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def clean(self) -> None:
        if self.signup_deadline and self.held_on and self.signup_deadline > self.held_on:
            raise ValidationError({"signup_deadline": "报名截止日期不能晚于活动日期。"})


class EventSignupQuerySet(ScopedQuerySet["EventSignup"]):
    scope_people = People(
        branch="member__branch_id", residence="event__community_id", keeper=("event__community_id",)
    )


class EventSignup(models.Model):
    """A member's sign-up (报名) for a community activity, made by the member on their page."""

    event = models.ForeignKey(
        CommunityEvent, on_delete=models.CASCADE, related_name="signups", verbose_name="活动"
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="event_signups", verbose_name="党员"
    )
    signed_up_at = models.DateTimeField("报名时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = EventSignupQuerySet.as_manager()

    class Meta:
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        ordering = ["signed_up_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"],
                name="one_signup_per_member_and_event",
                violation_error_message="您已报名这个活动。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.event}"
