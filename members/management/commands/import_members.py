"""python manage.py import_members FILE.xlsx [--user USERNAME]: the roster import of the admin.

Without --user the command runs with no scope limit (as a superuser would) and the run is not
logged as a personal-data access (there is no user to log it for); with --user it imports within
that user's scope, exactly as that user's admin import would, and is logged.
"""

from __future__ import annotations

from kit.imports import ImportCommand
from members.resources import MemberRosterResource


class Command(ImportCommand):
    help = (
        "导入党员花名册（.xlsx 或 .csv，表头与导出相同）。任何一行有错误时逐行列出"
        "（第N行: 原因）且不写入任何数据。不加 --user 时不受权限范围限制。"
    )
    resource_class = MemberRosterResource
    what = "花名册"
