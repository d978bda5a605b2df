"""Spreadsheets of the development registers a 组织员 keeps in Excel (issue 24 point 3): the
quarterly 思想汇报 / 发展对象书面汇报 and the half-yearly 培养考察 of each case, in and out
through the import engine (kit/imports/register.py; members/resources_person.py's rows about a
person).

A row names its case by 公民身份号码 and 姓名 among the cases the user may see; the case and the
period (2026Q3, 2026H1) are the key: importing the same file twice changes nothing. Each row is
written by the register's service, with the same checks as the case page (the case owes that
period, the dates are not in the future, a comment names its reader); a bad row is refused with
`第N行: 原因` and nothing of the file is written."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from kit.imports import DateWidget, LabelWidget, cell_text, column
from members.models import Member
from members.resources_person import ID_HEADER, ID_TEXT, NAME_HEADER, PersonRegisterResource

from . import rules, services
from .models import CaseAssessment, DevelopmentCase, DevelopmentReport


class CaseRegisterResource(PersonRegisterResource):
    """A register of development cases, one row a case and a period (`months`: a quarter's or
    a half year's) named in the column `PERIOD_HEADER`."""

    person_attribute = "case"
    not_found = "没有该公民身份号码的发展党员，或其不在您的管理范围内"
    months = rules.QUARTER_MONTHS
    PERIOD_HEADER = "季度"
    TEMPLATE_DEFAULTS: ClassVar[dict[str, dict[str, Any]]] = {
        NAME_HEADER: {"required": True, "example": "林晓雨"},
        ID_HEADER: {**ID_TEXT, "example": "330108200104120022"},
    }

    def people(self) -> models.QuerySet[Any]:
        return self.visible(DevelopmentCase.objects.all())

    def rest_of_key(self, person: Any, row: Any) -> dict[str, Any]:
        period = rules.parse_period(cell_text(row.get(self.PERIOD_HEADER)), self.months)
        return {"period": period.code}

    def find_period(self, row: Any) -> str:
        text = cell_text(row.get(self.PERIOD_HEADER))
        if not text:
            raise ValueError(f"{self.PERIOD_HEADER}不能为空")
        return rules.parse_period(text, self.months).code


class DevelopmentReportResource(CaseRegisterResource):
    """思想汇报 (入党积极分子) and 发展对象书面汇报, one a quarter."""

    unit, title = "篇", "思想汇报"
    period = column("period", "季度")
    received_on = column("received_on", "收到日期", DateWidget("收到日期"))
    report_title = column("title", "题目或摘要")
    read_by = column("read_by", "阅读人")
    read_on = column("read_on", "阅读日期", DateWidget("阅读日期", required=False))
    comment = column("comment", "评语")

    class Meta:
        model = DevelopmentReport

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "公民身份号码": {"note": "入党积极分子或发展对象；须是您管理范围内已建档的发展党员"},
        "季度": {"required": True, "format": "年份加Q加季度，如2026Q3", "example": "2025Q2",
                 "note": "同一人同一季度只有一篇：再次导入时更新该篇"},
        "收到日期": {"example": "2025-06-20",
                     "note": "季度结束后15天内为按期；不能早于该季度开始，不能晚于今天"},
        "题目或摘要": {"example": "学习党的基本理论的体会"},
        "阅读人": {"example": "李明",
                   "note": "阅读并写评语的党员（培养联系人或支部委员）的姓名；填写了评语时必填"},
        "阅读日期": {"example": "2025-06-25"},
        "评语": {"example": "认识较深刻，联系工作实际谈了体会。"},
    }  # fmt: skip

    def find_read_by(self, row: Any) -> Member | None:
        text = cell_text(row.get("阅读人"))
        return self.member_named(text, hint="请在系统中登记阅读人")

    def dehydrate_read_by(self, report: DevelopmentReport) -> str:
        return report.read_by.name if report.read_by is not None else ""

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        services.development_report_save(
            report=instance, actor=self.user, update_fields=update_fields
        )


class CaseAssessmentResource(CaseRegisterResource):
    """培养考察 of an activist, one a half year."""

    unit, title = "次", "培养考察"
    months = rules.HALF_YEAR_MONTHS
    PERIOD_HEADER = "半年"
    period = column("period", "半年")
    assessed_on = column("assessed_on", "考察日期", DateWidget("考察日期"))
    assessor = column("assessor", "考察人")
    conclusion = column(
        "conclusion", "考察结论", LabelWidget(rules.AssessmentConclusion, "考察结论")
    )
    findings = column("findings", "考察情况")

    class Meta:
        model = CaseAssessment

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "公民身份号码": {"note": "入党积极分子；须是您管理范围内已建档的发展党员"},
        "半年": {"required": True, "format": "年份加H加1或2，如2026H1", "example": "2025H1",
                 "note": "同一人同一半年只有一次：再次导入时更新该次"},
        "考察日期": {"example": "2025-07-10", "note": "半年结束后30天内为按期"},
        "考察人": {"required": True, "example": "李明", "note": "培养联系人的姓名，或“××党支部”"},
        "考察结论": {"example": str(rules.AssessmentConclusion.GOOD.label)},
        "考察情况": {"example": "能按时参加支部组织的学习和活动，群众反映较好。"},
    }  # fmt: skip

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        services.case_assessment_save(
            assessment=instance, actor=self.user, update_fields=update_fields
        )
