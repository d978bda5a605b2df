"""python manage.py export_organizations FILE.xlsx [--user USERNAME]: the tree, in the import's format."""

from __future__ import annotations

from kit.imports import ExportCommand
from organizations.resources import OrganizationResource


class Command(ExportCommand):
    help = "导出党组织（.xlsx 或 .csv），格式与导入相同，上级在下级之前，可直接改后导回。"
    resource_class = OrganizationResource
    what = "党组织表"
    counted = "个党组织"
