from __future__ import annotations

from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organizations"
    printables = "organizations.printables.PRINTABLES"  # common/printables.py reads it
    verbose_name = "组织管理"

    def ready(self) -> None:
        from common.dashboard import register

        from .dashboard import organizations_panel
        from .scope import connect_scope_signals

        # A change to the tree, a unit or an access starts a new version of every cached scope.
        connect_scope_signals()
        register(organizations_panel)
