"""`python manage.py dues_ledger YYYY-MM FILE.xlsx [--user NAME]`: that month's dues of every
member, in the 党费台账 format of DOMAIN.md (a contract other tools check)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from finance import rules, selectors
from finance.resources import ledger_file
from finance.selectors import LedgerRow
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
        tally = _Tally()
        try:  # streamed: the rows are written as they are computed (a city: 1,000,000)
            ledger_file(path, tally.counted(selectors.dues_ledger_stream(month, members)), month)
        except OSError as error:
            raise CommandError(f"无法写入文件{path}：{error.strerror}") from error
        self.stdout.write(
            f"党费台账{month:%Y-%m}：{tally.count}人，应缴合计{tally.total:.2f}元，已写入{path}。"
        )


class _Tally:
    """The number of rows and their total, counted as they pass to the file."""

    def __init__(self) -> None:
        self.count, self.total = 0, rules.ZERO

    def counted(self, rows: Iterable[LedgerRow]) -> Iterator[LedgerRow]:
        for row in rows:
            self.count += 1
            self.total += row.line.amount
            yield row
