"""Writes of 社区活动报名: the community's activities and the members' sign-ups (报名)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kit.services import model_delete, model_save
from organizations.scope import ScopeError, require_editable

from ..models import CommunityEvent, EventSignup, Member


class EventSignupError(ValidationError):
    """The sign-up is refused: past the deadline, no place left, not the member's community."""


@transaction.atomic
def community_event_save(
    *, event: CommunityEvent, actor: Any, update_fields: list[str] | None = None
) -> CommunityEvent:
    require_editable(actor, event, "为该社区发布活动")
    if event.pk is not None and event.capacity:
        taken = event.signups.count()
        if taken > event.capacity:
            raise ValidationError({"capacity": f"已有{taken}人报名，名额不能少于{taken}。"})
    return model_save(event, actor=actor, update_fields=update_fields)


@transaction.atomic
def community_event_delete(*, event: CommunityEvent, actor: Any) -> None:
    require_editable(actor, event, "删除该活动")
    if event.signups.exists():
        raise ValidationError(f"“{event.title}”已有党员报名，不能删除。")
    model_delete(event, actor=actor)


def event_signup_errors(event: CommunityEvent, member: Member, *, taken: int) -> str:
    """Why `member` may not sign up for `event` now ("" if they may); `taken`: places taken."""
    from ..selectors.dual import member_communities

    if event.community_id not in {c.pk for c in member_communities(member)}:
        return "只能报名本人报到社区或所在社区的活动。"
    if timezone.localdate() > event.signup_deadline:
        return f"报名已于{event.signup_deadline:%Y-%m-%d}截止。"
    if event.capacity and taken >= event.capacity:
        return f"名额已满（共{event.capacity}人）。"
    return ""


@transaction.atomic
def event_signup_create(*, event: CommunityEvent, member: Member, actor: Any) -> EventSignup:
    """The member signs up on their own page, within the deadline and the places left (the
    event is locked so that two members cannot take the last place together)."""
    if not getattr(actor, "is_authenticated", False) or member.user_id != actor.pk:
        raise ScopeError("只能为本人报名。")
    event = CommunityEvent.objects.select_for_update().get(pk=event.pk)
    if event.signups.filter(member=member).exists():
        raise EventSignupError(f"您已报名“{event.title}”。")
    if reason := event_signup_errors(event, member, taken=event.signups.count()):
        raise EventSignupError(reason)
    return model_save(EventSignup(event=event, member=member), actor=actor)


def event_signup_cancel_error(event: CommunityEvent, today: Any) -> str:
    """Why a sign-up may no longer be cancelled on the member's page ("" if it may): up to the
    day before the activity, so the community knows the evening before who comes."""
    if today >= event.held_on:
        return f"活动{event.held_on:%Y-%m-%d}举行，当天及之后不能在网上取消报名，请直接联系社区。"
    return ""


@transaction.atomic
def event_signup_cancel(*, signup: EventSignup, actor: Any) -> None:
    """The member cancels their own sign-up (the place frees for another), before the day."""
    if not getattr(actor, "is_authenticated", False) or signup.member.user_id != actor.pk:
        raise ScopeError("只能取消本人的报名。")
    if reason := event_signup_cancel_error(signup.event, timezone.localdate()):
        raise EventSignupError(reason)
    model_delete(signup, actor=actor)
