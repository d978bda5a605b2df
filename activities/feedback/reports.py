"""Who prints the 在职党员社区表现反馈卡 (the printable itself: activities/printables.py)."""

from __future__ import annotations

from typing import Any

from organizations.roles import Role

TITLE = "在职党员社区表现反馈卡"


def may_print_cards(user: Any) -> bool:
    """The community rates the cards (the admin's permission); a unit's reviewer prints the
    cards delivered to the unit from the portal, which needs no model permission."""
    return (
        user.has_perm("activities.view_feedbackcard")
        or user.organization_accesses.filter(role=Role.UNIT_REVIEWER).exists()
    )
