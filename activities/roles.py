"""Model permissions that each role holds in the activities app (merged by RoleBackend)."""

from __future__ import annotations

from organizations.roles import Role


def _perms(models: tuple[str, ...], actions: tuple[str, ...]) -> set[str]:
    return {f"activities.{action}_{model}" for model in models for action in actions}


# Officers record their organizations' meetings; which rows each reaches is the scope's business.
_MANAGE = _perms(
    ("meeting", "attendance", "meetingattachment"), ("view", "add", "change", "delete")
)
_OWN_NOTIFICATIONS = _perms(("notification",), ("view",))

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SUB_DISTRICT_OFFICER: frozenset(_MANAGE | _OWN_NOTIFICATIONS),
    Role.COMMUNITY_SECRETARY: frozenset(_MANAGE | _OWN_NOTIFICATIONS),
    Role.COMMUNITY_OFFICER: frozenset(_MANAGE | _OWN_NOTIFICATIONS),
    Role.BRANCH_OFFICER: frozenset(_MANAGE | _OWN_NOTIFICATIONS),
    Role.UNIT_REVIEWER: frozenset(_OWN_NOTIFICATIONS),
    Role.MEMBER: frozenset(),
}
