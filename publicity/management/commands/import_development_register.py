"""python manage.py import_development_register {reports,assessments} FILE.xlsx [--user NAME]:
the 思想汇报 or 培养考察 kept in Excel (publicity/resources_registers.py)."""

from __future__ import annotations

from typing import Any

from kit.imports import ImportCommand
from publicity.resources_registers import CaseAssessmentResource, DevelopmentReportResource

REGISTERS = {"reports": DevelopmentReportResource, "assessments": CaseAssessmentResource}


class Command(ImportCommand):
    help = (
        "导入发展党员的思想汇报（reports）或培养考察（assessments）（.xlsx 或 .csv；列与后台导入"
        "模板相同）。每行按登记时的规则检查；任何一行有错误时逐行列出且不写入任何数据；同一人同一"
        "期间只登记一次。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("register", choices=sorted(REGISTERS), help="台账")
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        self.resource_class = REGISTERS[options["register"]]
        self.what = self.resource_class.title
        super().handle(*args, **options)
