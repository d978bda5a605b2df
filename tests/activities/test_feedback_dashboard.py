"""The feedback cards' panel on the 工作台: the community's cards to rate and send, and what the
units acknowledged, through the user's scope, in one query."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import RequestFactory

from activities.feedback import services
from activities.feedback.dashboard import feedback_panel
from activities.models import FeedbackCard
from tests.activities.test_feedback import H1, rate, registered


def _request(user: Any) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _cards(tree: SimpleNamespace, secretary: Any, reviewer: Any) -> None:
    for name in ("甲", "乙", "丙", "丁"):
        registered(tree, name)
    services.feedback_cards_generate(period=H1)
    first, second, _, _ = FeedbackCard.objects.order_by("pk")
    for card in (first, second):
        rate(card, secretary)
        services.feedback_card_send(card=card, actor=secretary)
    services.feedback_card_acknowledge(card=first, unit_comment="", actor=reviewer)


def test_the_secretary_sees_cards_to_rate_and_the_units_answers(
    tree: SimpleNamespace, secretary_a: Any, reviewer_b: Any, django_assert_num_queries: Any
) -> None:
    _cards(tree, secretary_a, reviewer_b)
    request = _request(secretary_a)
    request.user.has_perm("activities.view_feedbackcard")  # permissions cached, as in a request
    with django_assert_num_queries(1):
        panel = feedback_panel(request)
    assert panel is not None
    todo = panel.todos[0]
    assert (todo.label, todo.count) == ("反馈卡待评价、待送达单位", 2)
    assert todo.url.endswith("/admin/activities/feedbackcard/?status=draft")
    assert [(f.label, f.value) for f in panel.figures] == [
        ("已送达、待单位签收", 1),
        ("单位已签收", 1),
    ]


def test_another_community_sees_none_of_these_cards(
    tree: SimpleNamespace, secretary_a: Any, secretary_b: Any, reviewer_b: Any
) -> None:
    _cards(tree, secretary_a, reviewer_b)
    panel = feedback_panel(_request(secretary_b))
    assert panel is not None
    assert panel.todos[0].count == 0


def test_the_unit_has_no_panel_it_uses_the_portal(tree: SimpleNamespace, reviewer_b: Any) -> None:
    assert feedback_panel(_request(reviewer_b)) is None
