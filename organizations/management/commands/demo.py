"""python manage.py demo: load the demo sub-district and print its logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kit.apps import demo_build


class Command(BaseCommand):
    help = "载入演示街道（可重复运行，不会重复创建），并逐行打印登录账号：角色、用户名、密码、组织代码。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="DEBUG 关闭时也载入（演示账号的密码是公开的，切勿用于正式系统）。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "演示数据带有公开的密码，正式环境（DJANGO_DEBUG=false）下不载入；"
                "确需载入请加 --allow-production。"
            )
        with transaction.atomic():
            logins = demo_build()  # every app's builders, in their declared order (kit/apps.py)
        for login in logins:
            self.stdout.write(
                "\t".join([login.role, login.username, login.password, login.organization_code])
            )
        self.stderr.write(f"演示数据已就绪：{len(logins)}个登录账号。")
