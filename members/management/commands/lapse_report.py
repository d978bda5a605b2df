"""python manage.py lapse_report FILE.xlsx [--as-of YYYY-MM-DD] [--user USERNAME]."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kit.imports import command_user, spreadsheet_format, write_spreadsheet
from members.models import Member
from members.selectors.lapse import lapse_dataset, self_lapse_report


class Command(BaseCommand):
    help = (
        "导出自行脱党处置提示（列：姓名、所在党组织、条件、起始月份、月数），截至统计日每名党员"
        "每个满足的条件一行，按所在党组织代码、姓名排序；只凭系统中的记录判断。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="输出文件（.xlsx 或 .csv）")
        parser.add_argument("--as-of", dest="as_of", help="统计日 YYYY-MM-DD（默认今天）")
        parser.add_argument("--user", help="只导出该用户可见的党员（用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        as_of = _as_of(options["as_of"])
        try:
            spreadsheet_format(path)
        except ValueError as error:
            raise CommandError(str(error)) from error
        user = command_user(options["user"])
        members = Member.objects.all() if user is None else Member.objects.visible_to(user)
        report = self_lapse_report(members=members, today=as_of)
        try:
            write_spreadsheet(path, lapse_dataset(report))
        except OSError as error:
            raise CommandError(f"无法写入文件{path}：{error.strerror}") from error
        people = len({row.member.pk for row in report.rows})
        errors = f"，{len(report.errors)}名党员党费数据有误未作判断" if report.errors else ""
        self.stdout.write(
            f"导出完成：截至{as_of:%Y-%m-%d}，{people}名党员{len(report.rows)}条处置提示"
            f"{errors}，已写入{path}。{report.summary()}"
        )


def _as_of(text: str | None) -> dt.date:
    if not text:
        return timezone.localdate()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"统计日“{text}”格式错误，应为YYYY-MM-DD。") from None
    if day > timezone.localdate():
        raise CommandError(f"统计日“{text}”不能晚于今天。")
    return day
