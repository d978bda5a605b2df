"""The feedback cards under the scope rules of tests/test_scope_consistency.py, on the rows that
tests/activities/admin_registry.py's populate_scope adds (until the central test calls it)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from activities.models import FeedbackCard
from organizations.scope import ScopeError, require_editable
from tests.activities.admin_registry import populate_scope
from tests.test_scope_consistency import (  # noqa: F401 (the fixtures)
    ROLES,
    populated,
    users,
    world,
)


@pytest.fixture
def cards(populated: SimpleNamespace) -> SimpleNamespace:  # noqa: F811
    populate_scope(populated.tree, populated.people)
    return populated


def test_cards_follow_the_scope(cards: SimpleNamespace, users: dict[str, Any]) -> None:  # noqa: F811
    manager: Any = FeedbackCard.objects
    secretary = users["secretary_a"]
    assert 0 < manager.visible_to(secretary).count() < manager.count()
    for role in ROLES:
        user = users[role]
        editable = set(manager.editable_by(user).values_list("pk", flat=True))
        assert editable <= set(manager.visible_to(user).values_list("pk", flat=True)), role
        for row in manager.all():
            try:
                require_editable(user, row, "修改")
                allowed = True
            except ScopeError:
                allowed = False
            assert allowed == (row.pk in editable), f"{role} {row}"


def test_the_unit_reads_its_cards_and_writes_none(
    cards: SimpleNamespace,
    users: dict[str, Any],  # noqa: F811
) -> None:
    reviewer = users["reviewer_b"]
    visible = set(FeedbackCard.objects.visible_to(reviewer).values_list("member__name", flat=True))
    assert visible == {"乙医院党员住甲社区", "乙医院党员住乙社区"}
    assert not FeedbackCard.objects.editable_by(reviewer).exists()


def test_a_community_writes_only_its_own_cards(
    cards: SimpleNamespace,
    users: dict[str, Any],  # noqa: F811
) -> None:
    secretary = users["secretary_a"]
    editable = set(FeedbackCard.objects.editable_by(secretary).values_list("community", flat=True))
    assert editable == {cards.tree.community_a.pk}
