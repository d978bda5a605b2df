from __future__ import annotations

from django.apps import AppConfig


class CommonConfig(AppConfig):
    """What belongs to no single app: the background documents (PDF台账) and their registry."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "common"
    verbose_name = "台账文档"
