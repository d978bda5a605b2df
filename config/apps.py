"""App configs of third-party apps that need a Chinese name in the admin."""

from __future__ import annotations

from axes.apps import AppConfig as BaseAxesConfig
from django.contrib.admin.apps import AdminConfig


class PartyAdminConfig(AdminConfig):
    default_site = "config.admin.PartyAdminSite"


class AxesConfig(BaseAxesConfig):
    verbose_name = "登录安全"
