"""`python manage.py dues_ledger YYYY-MM FILE.xlsx [--user NAME]`: that month's dues of every
member, in the 党费台账 format of DOMAIN.md (a contract other tools check)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from finance import rules, selectors
from finance.resources import ledger_file
from kit.imports import command_user, spreadsheet_format
from members.models import Member


class Command(BaseCommand):
    help = "计算某月全部党员的应缴党费，写出党费台账（.xlsx 或 .csv）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("month", help="月份，YYYY-MM")
        parser.add_argument("file", type=Path, help="输出文件（.xlsx 或 .csv）")
        parser.add_argument("--user", help="只写出该用户可见的党员（用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            month = rules.parse_month(options["month"])
            spreadsheet_format(path)
        except ValueError as error:
            raise CommandError(str(error)) from error
        user = command_user(options["user"])
        members = Member.objects.all() if user is None else Member.objects.visible_to(user)
        rows = selectors.dues_ledger(month, members)
        try:
            ledger_file(path, rows, month)
        except OSError as error:
            raise CommandError(f"无法写入文件{path}：{error.strerror}") from error
        total = sum((row.line.amount for row in rows), rules.ZERO)
        self.stdout.write(
            f"党费台账{month:%Y-%m}：{len(rows)}人，应缴合计{total:.2f}元，已写入{path}。"
        )
