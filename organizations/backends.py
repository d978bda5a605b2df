"""Authentication backend that grants model permissions from a user's organization roles."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import BaseBackend

from kit.apps import role_permission_tables

from .roles import SUPERVISED_ROLE, SUPERVISING_ROLES, read_only


@cache
def role_permissions() -> dict[str, frozenset[str]]:
    """Each app's ROLE_PERMISSIONS (its AppConfig's `role_permissions`), merged per role; a
    supervising role (the 区委组织部) reads what the sub-district officer reads in every app."""
    merged: dict[str, set[str]] = {}
    for table in role_permission_tables():
        for role, perms in table.items():
            merged.setdefault(role, set()).update(perms)
    supervised = read_only(frozenset(merged.get(SUPERVISED_ROLE, ())))
    for role in SUPERVISING_ROLES:
        merged.setdefault(role, set()).update(supervised)
    return {role: frozenset(perms) for role, perms in merged.items()}


class RoleBackend(BaseBackend):
    """Permissions come from roles (organizations/roles.py); it authenticates nobody itself."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            roles = user_obj.organization_accesses.values_list("role", flat=True).distinct()
            user_obj._role_perm_cache = set().union(
                *(role_permissions().get(role, frozenset()) for role in roles)
            )
        return set(user_obj._role_perm_cache)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        prefix = f"{app_label}."
        return any(perm.startswith(prefix) for perm in self.get_all_permissions(user_obj))
