"""Demo feedback cards (`manage.py demo`, ActivitiesConfig.demo_builders); after activities.demo.

The cards of the last two half years that have ended, of every registered in-service member (a
half still running has none: its cards are made once it ends; the demo's registrations date
from this year's campaign, so the older half may have none): rated, sent and mostly
acknowledged, except 和平社区, still rating the latest (drafts). 城南派出所党支部 (login
`paichusuo`) has acknowledged none of its cards;
the other units some, with a comment. The first registered member of each unit is a cadre at
副科级 and above, so their cards also reach the sub-district (login `jiedao`, portal).

Deterministic (one random stream per card) and idempotent: cards are generated only where
missing, and only drafts are rated, only sent cards acknowledged, by the same draws every run.
"""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model

from members.models import Registration
from members.services.dual import registration_save
from organizations.models import OrganizationAccess
from organizations.roles import Role

from .feedback import services
from .models import FeedbackCard, FeedbackRating, FeedbackStatus
from .models.feedback import RATING_FIELDS

STILL_RATING = "CN-HP"  # this community has not finished the latest period
NONE_ACKNOWLEDGED = "U-PCS"  # this unit has acknowledged nothing yet
COMMUNITY_COMMENTS = (
    "积极参加社区组织的各项活动，主动认领服务岗位，群众评价好。",
    "能按时到社区报到，参加楼院环境整治和政策宣传，表现较好。",
    "参与社区活动次数偏少，希望今后多参加志愿服务。",
    "热心邻里事务，协助调解邻里矛盾，服从社区管理。",
)
UNIT_COMMENTS = (
    "该同志在单位工作认真负责，业务能力强，已将社区评价纳入年度考核。",
    "工作积极主动，能够发挥党员先锋模范作用。",
    "已与本人谈话，要求其今后更多参加社区活动。",
)
# Ratings drawn with these weights: mostly 好 and 较好.
RATINGS = (FeedbackRating.GOOD, FeedbackRating.FAIRLY_GOOD, FeedbackRating.FAIR)
RATING_WEIGHTS = (5, 3, 1)


def _mark_cadres(actor: Any) -> None:
    """The first registration (by id) of each unit is a 副科级 cadre."""
    firsts: dict[int, Registration] = {}
    for registration in Registration.objects.select_related("member").order_by("pk"):
        firsts.setdefault(registration.unit_id, registration)
    for registration in firsts.values():
        if not registration.is_section_level_cadre:
            registration.is_section_level_cadre = True
            registration_save(
                registration=registration, actor=actor, update_fields=["is_section_level_cadre"]
            )


def _rate_and_send(card: FeedbackCard, rng: random.Random, actor: Any) -> None:
    for name in RATING_FIELDS:
        setattr(card, name, rng.choices(RATINGS, RATING_WEIGHTS)[0])
    card.community_comment = rng.choice(COMMUNITY_COMMENTS)
    services.feedback_card_save(
        card=card, actor=actor, update_fields=[*RATING_FIELDS, "community_comment"]
    )
    services.feedback_card_send(card=card, actor=actor)


def _reviewers() -> dict[int, Any]:
    accesses = OrganizationAccess.objects.filter(role=Role.UNIT_REVIEWER).select_related("user")
    return {access.organization_id: access.user for access in accesses.order_by("pk")}


def _work_through(card: FeedbackCard, latest: str, actor: Any, reviewers: dict[int, Any]) -> None:
    rng = random.Random(f"feedback-{card.member_id}-{card.period}")  # noqa: S311 (demo seed)
    still_rating = card.period == latest and card.community.code == STILL_RATING
    if card.status == FeedbackStatus.DRAFT and not still_rating:
        _rate_and_send(card, rng, actor)
        card.refresh_from_db()
    acknowledges = rng.random() < (0.4 if card.period == latest else 0.8)
    if (
        card.status == FeedbackStatus.SENT
        and acknowledges
        and card.unit_organization.code != NONE_ACKNOWLEDGED
    ):
        services.feedback_card_acknowledge(
            card=card,
            unit_comment=rng.choice(UNIT_COMMENTS),
            actor=reviewers.get(card.unit_organization_id),
        )


def build() -> list[Any]:
    """Create what is missing of the demo feedback cards."""
    actor = get_user_model().objects.get(username="admin")
    _mark_cadres(actor)
    latest = services.period_get()  # the period just ended (a period still running has none)
    reviewers = _reviewers()
    for period in (latest.preceding(), latest):
        services.feedback_cards_generate(period=period, actor=actor)
        cards = FeedbackCard.objects.for_period(period.code).select_related(
            "community", "unit_organization", "member"
        )
        for card in cards.order_by("pk"):
            _work_through(card, latest.code, actor, reviewers)
    return []
