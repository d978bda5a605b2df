"""Model permissions that each role holds in the activities app (merged by RoleBackend)."""

from __future__ import annotations

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {}
