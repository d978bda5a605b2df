"""Model permissions for feedback cards that each role holds (merged by RoleBackend)."""

from __future__ import annotations

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {}
