from __future__ import annotations

from django.apps import AppConfig


class CommonConfig(AppConfig):
    """What belongs to no single app: the background documents (PDF台账) and their registry."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "common"
    verbose_name = "台账文档"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import checks  # noqa: F401  (registers the rule settings' checks)
        from .dashboard import data_changed
        from .printables import printable_actions_attach

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(data_changed, dispatch_uid=f"common.dashboard.{signal!r}")
        printable_actions_attach()  # the admins are registered: config's admin app comes first
