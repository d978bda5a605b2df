"""python manage.py import_organizations FILE.xlsx [--user USERNAME]: the organization tree."""

from __future__ import annotations

from kit.imports import ImportCommand
from organizations.resources import OrganizationResource


class Command(ImportCommand):
    help = (
        "导入党组织（.xlsx 或 .csv；列：组织代码、名称、组织类型、上级组织代码、成立日期）。"
        "上级组织须已存在或在本文件中更早的行；任何一行有错误时逐行列出且不写入任何数据。"
        "组织代码相同的行更新该组织，重复导入同一文件不会改变任何数据。"
    )
    resource_class = OrganizationResource
    what = "党组织表"
