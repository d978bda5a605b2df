"""Model permissions for feedback cards that each role holds (merged by RoleBackend).

The community rates and sends cards in the admin; the unit party organization (unit reviewer)
and the member use the portal (activities/portal/), which needs no model permission: it shows
only the cards delivered to them."""

from __future__ import annotations

from organizations.roles import Role

_RATE = frozenset({"activities.view_feedbackcard", "activities.change_feedbackcard"})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SUB_DISTRICT_OFFICER: _RATE,
    Role.COMMUNITY_SECRETARY: _RATE,
    Role.COMMUNITY_OFFICER: _RATE,
}
