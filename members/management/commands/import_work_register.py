"""python manage.py import_work_register REGISTER FILE.xlsx [--user USERNAME]: a daily-work
register kept in Excel (members/resources_work.py)."""

from __future__ import annotations

from kit.imports import RegisterImportCommand
from members.resources_work import (
    DutyPostResource,
    HouseholdResource,
    MemberDeedResource,
    UnitDeedResource,
    VisitResource,
)


class Command(RegisterImportCommand):
    help = (
        "导入日常工作台账（.xlsx 或 .csv）：duty_posts 无职党员设岗定责、households 党员联系户、"
        "visits 谈心走访、member_deeds 在职党员实事、unit_deeds 驻区单位实事；列与后台导入模板相同。"
        "任何一行有错误时逐行列出且不写入任何数据；重复导入同一文件不会重复登记。"
    )
    registers = {
        "duty_posts": DutyPostResource,
        "households": HouseholdResource,
        "visits": VisitResource,
        "member_deeds": MemberDeedResource,
        "unit_deeds": UnitDeedResource,
    }
