"""python manage.py import_development_register {reports,assessments} FILE.xlsx [--user NAME]:
the 思想汇报 or 培养考察 kept in Excel (publicity/resources_registers.py)."""

from __future__ import annotations

from kit.imports import RegisterImportCommand
from publicity.resources_registers import CaseAssessmentResource, DevelopmentReportResource


class Command(RegisterImportCommand):
    help = (
        "导入发展党员的思想汇报（reports）或培养考察（assessments）（.xlsx 或 .csv；列与后台导入"
        "模板相同）。每行按登记时的规则检查；任何一行有错误时逐行列出且不写入任何数据；同一人同一"
        "期间只登记一次。"
    )
    registers = {"reports": DevelopmentReportResource, "assessments": CaseAssessmentResource}
