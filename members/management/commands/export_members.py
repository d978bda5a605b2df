"""python manage.py export_members FILE.xlsx [--user USERNAME]: the roster, in the import format.

Without --user: every member, and the run is not logged (there is no user); with --user: the
members that user sees, logged as that user's export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from members.resources import MemberRosterResource, roster_file_format

from .import_members import command_user


class Command(BaseCommand):
    help = "导出党员花名册（.xlsx 或 .csv），格式与导入相同。不加 --user 时导出全部党员。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="输出文件（.xlsx 或 .csv）")
        parser.add_argument("--user", help="只导出该用户可见的党员（用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            file_format = roster_file_format(path)
        except ValueError as error:
            raise CommandError(str(error)) from error
        user = command_user(options["user"])
        dataset = MemberRosterResource(user=user).export()
        data = file_format.export_data(dataset)
        try:
            if isinstance(data, str):
                path.write_text(data, encoding="utf-8-sig")
            else:
                path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"无法写入文件{path}：{error.strerror}") from error
        self.stdout.write(f"导出完成：{len(dataset)}名党员，已写入{path}。")
