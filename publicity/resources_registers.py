"""Spreadsheets of the development registers a 组织员 keeps in Excel (issue 24 point 3): the
quarterly 思想汇报 / 发展对象书面汇报 and the half-yearly 培养考察 of each case, in and out
through the import engine (kit/imports; members/resources_work.py's rows about a person).

A row names its case by 公民身份号码 and 姓名 among the cases the user may see; the case and the
period (2026Q3, 2026H1) are the key: importing the same file twice changes nothing. Each row is
written by the register's service, with the same checks as the case page (the case owes that
period, the dates are not in the future, a comment names its reader); a bad row is refused with
`第N行: 原因` and nothing of the file is written."""

from __future__ import annotations

from typing import Any

from django.db import models
from import_export import fields

from kit.imports import DateWidget, LabelWidget, TextWidget, cell_text, column
from members.models import Member
from members.resources_work import ID_TEXT, PersonRowsResource

from . import rules, services
from .models import CaseAssessment, DevelopmentCase, DevelopmentReport

REPORT_HEADERS = ("姓名", "公民身份号码", "季度", "收到日期", "题目或摘要", "阅读人", "阅读日期",
                  "评语")  # fmt: skip
ASSESSMENT_HEADERS = ("姓名", "公民身份号码", "半年", "考察日期", "考察人", "考察结论", "考察情况")


class CaseRowsResource(PersonRowsResource):
    person_attribute = "case"
    not_found = "没有该公民身份号码的发展党员，或其不在您的管理范围内"
    months = rules.QUARTER_MONTHS
    PERIOD_HEADER = "季度"

    def people(self) -> models.QuerySet[Any]:
        cases = DevelopmentCase.objects.all()
        return cases.visible_to(self.user) if self.user is not None else cases

    def key(self, person: Any, row: Any) -> dict[str, Any]:
        period = rules.parse_period(cell_text(row.get(self.PERIOD_HEADER)), self.months)
        return {"case": person, "period": period.code}

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        if field.attribute == "period":
            text = cell_text(row[field.column_name])
            if not text:
                raise ValueError(f"{self.PERIOD_HEADER}不能为空")
            instance.period = rules.parse_period(text, self.months).code
        else:
            super().read_column(field, instance, row)


def case_columns() -> tuple[fields.Field, fields.Field]:
    return (
        fields.Field(attribute="person_name", column_name="姓名", widget=TextWidget()),
        fields.Field(attribute="case", column_name="公民身份号码", widget=TextWidget()),
    )


class DevelopmentReportResource(CaseRowsResource):
    """思想汇报 (入党积极分子) and 发展对象书面汇报, one a quarter."""

    HEADERS = REPORT_HEADERS
    unit = "篇"
    title = "思想汇报"

    name, citizen_id = case_columns()
    period = column("period", "季度")
    received_on = column("received_on", "收到日期", DateWidget("收到日期"))
    report_title = column("title", "题目或摘要")
    read_by = column("read_by", "阅读人")
    read_on = column("read_on", "阅读日期", DateWidget("阅读日期", required=False))
    comment = column("comment", "评语")

    class Meta:
        model = DevelopmentReport
        fields = ("name", "citizen_id", "period", "received_on", "report_title", "read_by",
                  "read_on", "comment")  # fmt: skip
        import_order = fields
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "姓名": {"required": True, "example": "林晓雨"},
        "公民身份号码": {**ID_TEXT, "example": "330108200104120022",
                         "note": "入党积极分子或发展对象；须是您管理范围内已建档的发展党员"},
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

    def _reader(self, text: str) -> Member | None:
        if not text:
            return None
        members = Member.objects.all()
        if self.user is not None:
            members = members.visible_to(self.user)
        found = list(members.filter(name=text)[:2])
        if len(found) != 1:
            raise ValueError(
                f"您管理范围内没有名为“{text}”的党员" if not found
                else f"您管理范围内有多名党员名为“{text}”，请在系统中登记阅读人"
            )  # fmt: skip
        return found[0]

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        if field.attribute == "read_by":
            instance.read_by = self._reader(cell_text(row[field.column_name]))
        else:
            super().read_column(field, instance, row)

    def dehydrate_read_by(self, report: DevelopmentReport) -> str:
        return report.read_by.name if report.read_by is not None else ""

    def save_service(self, instance: Any, update_fields: list[str] | None) -> None:
        services.development_report_save(
            report=instance, actor=self.user, update_fields=update_fields
        )


class CaseAssessmentResource(CaseRowsResource):
    """培养考察 of an activist, one a half year."""

    HEADERS = ASSESSMENT_HEADERS
    unit = "次"
    title = "培养考察"
    months = rules.HALF_YEAR_MONTHS
    PERIOD_HEADER = "半年"

    name, citizen_id = case_columns()
    period = column("period", "半年")
    assessed_on = column("assessed_on", "考察日期", DateWidget("考察日期"))
    assessor = column("assessor", "考察人")
    conclusion = column(
        "conclusion", "考察结论", LabelWidget(rules.AssessmentConclusion, "考察结论")
    )
    findings = column("findings", "考察情况")

    class Meta:
        model = CaseAssessment
        fields = ("name", "citizen_id", "period", "assessed_on", "assessor", "conclusion",
                  "findings")  # fmt: skip
        import_order = fields
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "姓名": {"required": True, "example": "林晓雨"},
        "公民身份号码": {**ID_TEXT, "example": "330108200104120022",
                         "note": "入党积极分子；须是您管理范围内已建档的发展党员"},
        "半年": {"required": True, "format": "年份加H加1或2，如2026H1", "example": "2025H1",
                 "note": "同一人同一半年只有一次：再次导入时更新该次"},
        "考察日期": {"example": "2025-07-10", "note": "半年结束后30天内为按期"},
        "考察人": {"required": True, "example": "李明", "note": "培养联系人的姓名，或“××党支部”"},
        "考察结论": {"example": str(rules.AssessmentConclusion.GOOD.label)},
        "考察情况": {"example": "能按时参加支部组织的学习和活动，群众反映较好。"},
    }  # fmt: skip

    def save_service(self, instance: Any, update_fields: list[str] | None) -> None:
        services.case_assessment_save(
            assessment=instance, actor=self.user, update_fields=update_fields
        )
