"""python manage.py export_members FILE.xlsx [--user USERNAME]: the roster, in the import's format."""

from __future__ import annotations

from kit.imports import ExportCommand
from members.resources import MemberRosterResource


class Command(ExportCommand):
    help = "导出党员花名册（.xlsx 或 .csv），格式与导入相同。不加 --user 时导出全部党员。"
    resource_class = MemberRosterResource
    what = "花名册"
    counted = "名党员"
