"""python manage.py import_delegates FILE.xlsx [--user USERNAME]: the delegate elections."""

from __future__ import annotations

from kit.imports import ImportCommand
from members.resources_congress import DelegateResource


class Command(ImportCommand):
    help = (
        "导入代表选举（.xlsx 或 .csv；列：党员代表会议、席位类别、选举日期、补选、参加投票人数、姓名、"
        "公民身份号码、得票数）。任何一行有错误时逐行列出且不写入任何数据；重复导入同一文件不会改变任何数据。"
    )
    resource_class = DelegateResource
    what = "代表选举表"
