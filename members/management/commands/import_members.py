"""python manage.py import_members FILE.xlsx [--user USERNAME]: the roster import of the admin.

Without --user the command runs with no scope limit (as a superuser would) and the run is not
logged as a personal-data access (there is no user to log it for); with --user it imports within
that user's scope, exactly as that user's admin import would, and is logged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from members.resources import MemberRosterResource, import_summary, read_roster_file


def command_user(username: str | None) -> Any:
    """The user whose scope the command works in; None (no limit) without --user."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户“{username}”不存在或已停用。")
    return user


class Command(BaseCommand):
    help = (
        "导入党员花名册（.xlsx 或 .csv，表头与导出相同）。任何一行有错误时逐行列出"
        "（第N行: 原因）且不写入任何数据。不加 --user 时不受权限范围限制。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="花名册文件（.xlsx 或 .csv）")
        parser.add_argument("--user", help="按该用户的权限范围导入（用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = command_user(options["user"])
        try:
            dataset = read_roster_file(options["file"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        resource = MemberRosterResource(user=user)
        result = resource.import_data(dataset, dry_run=False, raise_errors=False)
        problems = resource.error_lines(result)
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"花名册有{len(problems)}处错误，没有导入任何数据。")
        self.stdout.write(f"导入完成：{import_summary(result)}。")
