"""Writes of the feedback cards: generation (idempotent), rating, sending, acknowledgement.

Generation never makes a second card for a member and period: it looks before it creates, and
the unique constraint (member, period) stands behind it when two runs overlap (the scheduled task
and the command, or a task redelivered after its worker was killed).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kit.services import history_copy, model_save
from members.models import Registration
from organizations.scope import require_editable

from ..models import FeedbackCard, FeedbackStatus
from . import selectors
from .rules import Period, PeriodError, period_just_ended, period_open_error, period_parse

logger = logging.getLogger(__name__)


class FeedbackCardError(ValidationError):
    """A card was asked to change in a way its state does not allow."""


@dataclass
class GenerationResult:
    created: int = 0
    present: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, other: GenerationResult) -> GenerationResult:
        self.created += other.created
        self.present += other.present
        self.failed += other.failed
        return self

    @property
    def summary(self) -> str:
        return f"新生成{self.created}张，已存在{self.present}张，失败{len(self.failed)}张"


def period_get(code: str | None = None) -> Period:
    """The period a code names, or the one just ended (what the scheduled run generates)."""
    months = settings.FEEDBACK_PERIOD_MONTHS
    if code:
        return period_parse(code, months)
    return period_just_ended(timezone.localdate(), months)


def period_require_ended(period: Period) -> None:
    """Refuse a period that has not ended (the command, the task, the admin's run of it)."""
    if error := period_open_error(period, timezone.localdate()):
        raise PeriodError(error)


# What a card is made from: the registration without its address and offer, the member's and the
# unit's name (for a failure's reason) and the unit's party organization.
REGISTRATION_FIELDS = (
    "member_id",
    "community_id",
    "unit_id",
    "is_section_level_cadre",
    "member__name",
    "unit__name",
    "unit__party_organization_id",
)


def _card(registration: Registration, period: Period, prefill: selectors.Prefill) -> FeedbackCard:
    return FeedbackCard(
        member_id=registration.member_id,
        period=period.code,
        period_start=period.start,
        period_end=period.end,
        registration=registration,
        community_id=registration.community_id,
        unit_id=registration.unit_id,
        unit_organization_id=registration.unit.party_organization_id,  # type: ignore[misc]
        is_section_level_cadre=registration.is_section_level_cadre,
        posts=prefill.posts[:300],
        activity_count=prefill.activity_count,
        activity_hours=prefill.activity_hours,
        deeds=prefill.deeds,
        in_service_assembly=prefill.in_service_assembly,
        meetings_expected=prefill.meetings_expected,
        meetings_attended=prefill.meetings_attended,
        meetings_on_leave=prefill.meetings_on_leave,
    )


def _new_cards(
    registrations: Sequence[Registration], period: Period, result: GenerationResult
) -> list[FeedbackCard]:
    """Cards still to make; a member already carded this period, or twice in the list, counts
    as present; a registration whose unit has no party organization fails with the reason."""
    existing = set(
        FeedbackCard.objects.for_period(period.code)
        .filter(member_id__in=[r.member_id for r in registrations])
        .order_by()  # not the model's ordering: it joins the members to sort by name
        .values_list("member_id", flat=True)
    )
    prefill = selectors.feedback_prefill(registrations, period)
    cards = []
    for registration in registrations:
        if registration.member_id in existing:
            result.present += 1
        elif registration.unit.party_organization_id is None:
            result.failed.append(
                f"{registration.member}：工作单位{registration.unit}尚未登记党组织"
            )
        else:
            existing.add(registration.member_id)
            cards.append(_card(registration, period, prefill[registration.pk]))
    return cards


def _save_one_by_one(cards: Iterable[FeedbackCard], result: GenerationResult) -> None:
    """The slow path after a conflict: another run made some of these cards meanwhile."""
    for card in cards:
        try:
            with transaction.atomic():
                card.pk = None
                card.save()
                FeedbackCard.history.bulk_history_create([card])  # type: ignore[attr-defined]
            result.created += 1
        except IntegrityError:
            result.present += 1


def _history_create(made: Sequence[FeedbackCard], actor: Any) -> None:
    """The cards' 创建 records of the audit trail, by the actor or the request's user."""
    history = FeedbackCard.history.model  # type: ignore[attr-defined]
    user = actor or history.get_default_history_user(made[0])
    cards = FeedbackCard.objects.filter(pk__in=[card.pk for card in made])
    history_copy(cards, history_type="+", user=user, when=timezone.now())


def feedback_cards_generate_for(
    *, registration_ids: Sequence[int], period: Period, actor: Any = None
) -> GenerationResult:
    """Make the missing cards of these registrations for the period (ids in: one task's chunk),
    in a few queries whatever the chunk's size."""
    period_require_ended(period)
    result = GenerationResult()
    registrations = list(
        Registration.objects.filter(pk__in=list(registration_ids))
        .select_related("member", "unit")
        .only(*REGISTRATION_FIELDS)
        .order_by("pk")
    )
    cards = _new_cards(registrations, period, result)
    if not cards:
        return result
    try:
        with transaction.atomic():
            made = FeedbackCard.objects.bulk_create(cards)
            _history_create(made, actor)
        result.created += len(made)
    except IntegrityError:
        _save_one_by_one(cards, result)
    return result


def registration_chunks(
    period: Period, community_ids: Iterable[int] | None = None
) -> list[list[int]]:
    ids = list(selectors.registrations_due(period, community_ids).values_list("pk", flat=True))
    size = max(1, settings.FEEDBACK_CHUNK_SIZE)
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def feedback_cards_generate(
    *, period: Period, actor: Any = None, community_ids: Iterable[int] | None = None
) -> GenerationResult:
    """Every due registration's card for the period, in this process (the command, the demo)."""
    period_require_ended(period)
    result = GenerationResult()
    for chunk in registration_chunks(period, community_ids):
        result.add(feedback_cards_generate_for(registration_ids=chunk, period=period, actor=actor))
    for reason in result.failed:
        logger.warning("反馈卡生成失败 %s: %s", period.code, reason)
    return result


def feedback_cards_queue(*, period: Period) -> int:
    """Queue one generation task per chunk (after commit); returns the number of tasks."""
    from .tasks import generate_feedback_cards_chunk

    period_require_ended(period)
    chunks = registration_chunks(period)
    for chunk in chunks:
        transaction.on_commit(
            lambda chunk=chunk: generate_feedback_cards_chunk.delay(chunk, period.code)  # type: ignore[misc]
        )
    return len(chunks)


# --- The community rates and sends; the unit acknowledges ----------------------------------------
def _require_draft(card: FeedbackCard) -> None:
    """Locks the card's row, then checks it is still a draft: a card being sent meanwhile is
    refused, not rated after it reached the unit."""
    stored = (
        FeedbackCard.objects.select_for_update()
        .filter(pk=card.pk)
        .values_list("status", flat=True)
        .first()
    )
    if stored is not None and stored != FeedbackStatus.DRAFT:
        raise FeedbackCardError("反馈卡已送达单位，不能再修改。")


@transaction.atomic
def feedback_card_save(
    *, card: FeedbackCard, actor: Any, update_fields: list[str] | None = None
) -> FeedbackCard:
    """The community's ratings and comment, while the card is still a draft."""
    require_editable(actor, card, "评价该反馈卡")
    _require_draft(card)
    return model_save(card, actor=actor, update_fields=update_fields)


@transaction.atomic
def feedback_card_send(*, card: FeedbackCard, actor: Any) -> FeedbackCard:
    """Send a rated card to the unit's party organization (its portal)."""
    require_editable(actor, card, "送达该反馈卡")
    card = FeedbackCard.objects.select_for_update().get(pk=card.pk)
    if card.status != FeedbackStatus.DRAFT:
        raise FeedbackCardError("该反馈卡已经送达单位。")
    if not card.is_rated:
        raise FeedbackCardError("四项评价和社区评语填写完整后才能送达单位。")
    card.status, card.sent_at, card.sent_by = FeedbackStatus.SENT, timezone.now(), actor
    return model_save(card, actor=actor, update_fields=["status", "sent_at", "sent_by"])


@transaction.atomic
def feedback_card_acknowledge(*, card: FeedbackCard, unit_comment: str, actor: Any) -> FeedbackCard:
    """The unit's party organization signs for a card and answers with the member's work."""
    if actor is not None and not (
        actor.is_superuser
        or card.unit_organization_id in selectors.reviewed_organization_ids(actor)
    ):
        raise PermissionDenied("您无权签收该反馈卡：它不是送达贵单位党组织的。")
    card = FeedbackCard.objects.select_for_update().get(pk=card.pk)
    if card.status == FeedbackStatus.DRAFT:
        raise FeedbackCardError("该反馈卡尚未送达单位。")
    if card.status == FeedbackStatus.ACKNOWLEDGED:
        raise FeedbackCardError("该反馈卡已经签收。")
    card.status, card.acknowledged_at = FeedbackStatus.ACKNOWLEDGED, timezone.now()
    card.acknowledged_by, card.unit_comment = actor, unit_comment.strip()
    fields = ["status", "acknowledged_at", "acknowledged_by", "unit_comment"]
    return model_save(card, actor=actor, update_fields=fields)
