"""python manage.py import_meetings FILE.xlsx [--user USERNAME]: the 会议台账 a branch kept."""

from __future__ import annotations

from activities.resources import MeetingLedgerResource
from kit.imports import ImportCommand


class Command(ImportCommand):
    help = (
        "导入会议台账（.xlsx 或 .csv；列：党组织代码、会议类型、召开日期、主题、应到人数、实到人数、"
        "请假人数）。实到人数不超过应到人数一半（大党委会议不足4/5）的会议照常导入，标记为未达到"
        "法定人数、不计入已召开。任何一行有错误时逐行列出且不写入任何数据；重复导入同一文件不会改变数据。"
    )
    resource_class = MeetingLedgerResource
    what = "会议台账"
