"""python manage.py compliance YYYY FILE.xlsx [--as-of YYYY-MM-DD] [--user USERNAME]."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from activities.resources import compliance_dataset
from activities.rules import Status
from activities.selectors.compliance import compliance_list, compliance_rows
from kit.imports import command_user, spreadsheet_format, write_spreadsheet
from organizations.models import Organization


class Command(BaseCommand):
    help = (
        "导出某年度的会议落实情况（列：党组织代码、党组织名称、会议类型、期间、要求次数、有效次数、"
        "状态），每个党组织、每种应开会议、截至统计日已开始的每个期间一行。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int, help="年度，如2026")
        parser.add_argument("file", type=Path, help="输出文件（.xlsx 或 .csv）")
        parser.add_argument("--as-of", dest="as_of", help="统计日 YYYY-MM-DD（默认今天）")
        parser.add_argument("--user", help="只导出该用户可见的党组织（用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        year, path = options["year"], options["file"]
        as_of = _as_of(options["as_of"])
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度“{year}”无效。")
        try:
            spreadsheet_format(path)
        except ValueError as error:
            raise CommandError(str(error)) from error
        user = command_user(options["user"])
        organizations = Organization.objects.all()
        if user is not None:
            organizations = organizations.visible_to(user)
        rows = compliance_rows(compliance_list(organizations, year, as_of))
        try:
            write_spreadsheet(path, compliance_dataset(rows, year))
        except OSError as error:
            raise CommandError(f"无法写入文件{path}：{error.strerror}") from error
        overdue = sum(1 for row in rows if row.status == Status.OVERDUE)
        self.stdout.write(
            f"导出完成：{year}年会议落实情况{len(rows)}行（截至{as_of:%Y-%m-%d}，"
            f"逾期{overdue}项），已写入{path}。"
        )


def _as_of(text: str | None) -> dt.date:
    if not text:
        return timezone.localdate()
    try:
        found = dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"统计日“{text}”格式错误，应为YYYY-MM-DD。") from None
    if not 2000 <= found.year <= 2100:
        raise CommandError(f"统计日“{text}”超出了可统计的范围（2000年至2100年）。")
    return found
