"""python manage.py import_development FILE.xlsx [--user USERNAME]: cases begun before the system."""

from __future__ import annotations

from kit.imports import ImportCommand
from publicity.resources import DevelopmentResource


class Command(ImportCommand):
    help = (
        "导入系统启用前已开始的发展党员（.xlsx 或 .csv；列：姓名、公民身份号码、所在党组织、申请入党日期、"
        "谈话日期、确定积极分子日期、培养联系人、确定发展对象日期、入党介绍人、培训学时、支部大会日期、"
        "上级审批日期）。每行按发展党员的步骤顺序和各项时限逐一检查；任何一行有错误时逐行列出且不写入任何"
        "数据。已经上级审批的，登记为预备党员，入党日期为支部大会日期。公民身份号码相同的行不重复导入。"
    )
    resource_class = DevelopmentResource
    what = "发展党员表"
