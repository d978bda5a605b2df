"""python manage.py import_compounds FILE.xlsx [--user USERNAME]: the communities' 小区."""

from __future__ import annotations

from kit.imports import ImportCommand
from organizations.resources import CompoundResource


class Command(ImportCommand):
    help = (
        "导入小区（.xlsx 或 .csv；列：所在社区、小区名称、户数、地址）。所在社区和小区名称相同的行更新该小区；"
        "任何一行有错误时逐行列出且不写入任何数据；重复导入同一文件不会改变任何数据。"
    )
    resource_class = CompoundResource
    what = "小区表"
