"""Issue 24.5: the feedback card lists the member's 实事 of its period at the rating community."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from activities.feedback import services
from activities.models import FeedbackCard
from tests.activities.test_feedback import H1, registered
from tests.members.factories_work import MemberDeedFactory


def test_the_card_lists_the_members_deeds_of_its_period(tree: SimpleNamespace) -> None:
    registration = registered(tree, "办实事")
    member = registration.member
    for day, title in (
        (dt.date(2026, 1, 1), "上半年第一件"),
        (dt.date(2026, 6, 30), "上半年第二件"),
        (dt.date(2026, 7, 1), "下半年的不算"),
        (dt.date(2025, 12, 31), "去年的不算"),
    ):
        MemberDeedFactory(member=member, community=tree.community_a, done_on=day, title=title)
    MemberDeedFactory(
        member=member, community=tree.community_b, done_on=dt.date(2026, 3, 1), title="别的社区"
    )
    services.feedback_cards_generate(period=H1)
    card = FeedbackCard.objects.get(member=member)
    assert card.deeds == "2026-01-01 上半年第一件\n2026-06-30 上半年第二件"


def test_a_card_without_deeds_says_none(tree: SimpleNamespace) -> None:
    registered(tree, "未办实事")
    services.feedback_cards_generate(period=H1)
    assert FeedbackCard.objects.get().deeds == ""
