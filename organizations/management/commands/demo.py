"""python manage.py demo: load the demo sub-district and print its logins."""

from __future__ import annotations

import time
from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kit.apps import demo_build
from kit.progress import demo_loading_marker, job_marker


class Command(BaseCommand):
    help = "载入演示街道（可重复运行，不会重复创建），并逐行打印登录账号：角色、用户名、密码、组织代码。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="DEBUG 关闭时也载入（演示账号的密码是公开的，切勿用于正式系统）。",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="逐步在标准错误输出打印进度，并在载入期间让登录页显示“演示数据载入中”"
            "（make run 在网站已启动时于后台载入）。登录账号仍在最后打印到标准输出。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "演示数据带有公开的密码，正式环境（DJANGO_DEBUG=false）下不载入；"
                "确需载入请加 --allow-production。"
            )
        progress = options["progress"]
        started = time.monotonic()
        marker = job_marker(demo_loading_marker()) if progress else nullcontext(None)
        with marker as report:

            def on_step(number: int, count: int, name: str) -> None:
                line = f"演示数据载入中 {number}/{count}：{name}"
                if report is not None:
                    report(line)
                    seconds = time.monotonic() - started
                    self.stderr.write(f"==> {line}（已用{seconds:.0f}秒）")

            # One transaction: until every builder is done, other connections see none of it.
            with transaction.atomic():
                logins = demo_build(on_step)  # every app's builders, in order (kit/apps.py)
        for login in logins:
            self.stdout.write(
                "\t".join([login.role, login.username, login.password, login.organization_code])
            )
        if progress:
            seconds = time.monotonic() - started
            self.stderr.write(f"演示数据已就绪：{len(logins)}个登录账号（用时{seconds:.0f}秒）。")
        else:
            self.stderr.write(f"演示数据已就绪：{len(logins)}个登录账号。")
