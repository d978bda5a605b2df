"""python manage.py party_statistics YYYY FILE.xlsx [--user USERNAME] [--organization CODE]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kit.imports import command_user, spreadsheet_format, write_spreadsheet
from members.selectors.statistics import party_statistics_get, statistics_dataset
from organizations.models import Organization
from organizations.scope import scope_of


class Command(BaseCommand):
    help = (
        "导出某年度的党内统计（列：指标、数量），截至该年12月31日组织关系在所选范围内的党员；"
        "默认全部党组织，--user 为该用户管理的范围，--organization 为该党组织及其下级。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int, help="年度，如2026")
        parser.add_argument("file", type=Path, help="输出文件（.xlsx 或 .csv）")
        parser.add_argument("--user", help="只统计该用户管理范围内的党员（用户名）")
        parser.add_argument("--organization", help="只统计该党组织及其下级（组织代码）")

    def handle(self, *args: Any, **options: Any) -> None:
        year, path = options["year"], options["file"]
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度“{year}”无效，应在2000至2100之间。")
        try:
            spreadsheet_format(path)
        except ValueError as error:
            raise CommandError(str(error)) from error
        user = command_user(options["user"])
        organization = _organization(options["organization"], user)
        statistics = party_statistics_get(year=year, reader=user, organization=organization)
        try:
            write_spreadsheet(path, statistics_dataset(statistics))
        except OSError as error:
            raise CommandError(f"无法写入文件{path}：{error.strerror}") from error
        place = organization.name if organization is not None else "全部党组织"
        if user is not None and organization is None:
            place = f"{user.username}管理的党组织"
        self.stdout.write(f"导出完成：{place}{statistics.summary()}，已写入{path}。")


def _organization(code: str | None, user: Any) -> Organization | None:
    """The organization of --organization, which --user's people scope must reach."""
    if not code:
        return None
    organization = Organization.objects.filter(code=code.strip()).first()
    if organization is None:
        raise CommandError(f"党组织代码“{code}”不存在。")
    people = None if user is None else scope_of(user).people
    if people is not None and organization.pk not in people:
        raise CommandError(f"用户{user.username}无权统计{organization.name}的党员。")
    return organization
