"""Duplicate-ID answers ("该公民身份号码已有…档案") as an oracle, logged and limited.

An add form that says a citizen ID already exists tells its user that a guessed ID is the right
one: with the birth date, the region and the check digit, about ten guesses recover a full ID.
So every such answer is written to the personal-data access log, a user gets at most
CITIZEN_ID_PROBE_DAILY_LIMIT of them a day, and past it every form that checks an ID is refused
(without saying whether the ID exists) and the refusal is logged for the sub-district officer,
who sees it as a to-do on the 工作台 (members/dashboard.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from kit.masking import mask_citizen_id

from ..models import PersonalDataAccess

PROBE_REFUSED_MESSAGE = (
    "您今天核对公民身份号码是否重复的次数已达上限（{limit}次），本次未予办理。"
    "请明天再试；确需今日办理的，请联系街道党工委。"
)
# How long a refusal stays on the sub-district officer's 工作台.
PROBE_REFUSED_SHOWN_DAYS = 7


def _today_start() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))


def citizen_id_probe_count(*, actor: Any) -> int:
    """Duplicate-ID answers `actor` has had today."""
    return PersonalDataAccess.objects.filter(
        user=actor, action=PersonalDataAccess.Action.PROBE, at__gte=_today_start()
    ).count()


def citizen_id_probe_refusal(*, actor: Any, what: str) -> str | None:
    """The refusal to show when `actor` has used up today's duplicate-ID answers (then logged as
    a refusal), or None when the form may check the ID."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    limit = settings.CITIZEN_ID_PROBE_DAILY_LIMIT
    if citizen_id_probe_count(actor=actor) < limit:
        return None
    PersonalDataAccess.objects.create(
        user=actor,
        action=PersonalDataAccess.Action.PROBE_REFUSED,
        detail=f"{what}：今日证件号查重已达{limit}次，已拒绝"[:200],
    )
    return PROBE_REFUSED_MESSAGE.format(limit=limit)


def citizen_id_probe_record(*, actor: Any, citizen_id: str, what: str) -> None:
    """Log that `actor` was told `citizen_id` already exists (the ID itself is kept masked)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    PersonalDataAccess.objects.create(
        user=actor,
        action=PersonalDataAccess.Action.PROBE,
        detail=f"{what}：证件号{mask_citizen_id(citizen_id)}已存在"[:200],
    )


def probe_refusals_visible_to(user: Any) -> QuerySet[PersonalDataAccess]:
    """Refusals of `user` and of the users attached to an organization `user` sees (a
    superuser: all), as the access log lists them."""
    refused = PersonalDataAccess.objects.filter(action=PersonalDataAccess.Action.PROBE_REFUSED)
    return refused.visible_to(user)


def probe_refusals_recent(user: Any) -> QuerySet[PersonalDataAccess]:
    since = timezone.now() - dt.timedelta(days=PROBE_REFUSED_SHOWN_DAYS)
    return probe_refusals_visible_to(user).filter(at__gte=since)
