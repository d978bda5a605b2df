"""Admin of the development registers: 思想汇报 and 培养考察 by period, the 政审 with its reviewers,
and the 考察写实人 (inlines on the case, publicity/admin/development.py). Writes go through
publicity.services; each form shows the service's checks first."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ImportExportMixin

from common.admin import branch_filter
from common.printables import print_url
from kit.admin import (
    ScopedHistoryAdmin,
    ScopedTabularInline,
    ServiceCheckedForm,
    Services,
    SpreadsheetAdminMixin,
    problem_flag,
)

from .. import services
from ..models import (
    CaseAssessment,
    CaseObserver,
    DevelopmentReport,
    PoliticalReview,
    PoliticalReviewer,
)
from ..printables import CASE_REGISTER
from ..resources_registers import CaseAssessmentResource, DevelopmentReportResource


class ReportForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.development_report_errors(instance)

    class Meta:
        model = DevelopmentReport
        fields = ("case", "period", "received_on", "title", "read_by", "read_on", "comment")


def _late_flag(entry: Any) -> str:
    if entry.due_on is None:
        return ""
    return problem_flag(entry.is_late, f"逾期（应于{entry.due_on:%Y-%m-%d}前）") or "按期"


@admin.register(DevelopmentReport)
class DevelopmentReportAdmin(SpreadsheetAdminMixin, ImportExportMixin, ScopedHistoryAdmin):  # type: ignore[misc]
    resource_classes = [DevelopmentReportResource]
    form = ReportForm
    model_services = Services("report", services.development_report_save)
    list_display = ("case", "period", "kind", "received_on", "due_on", "on_time", "read_by",
                    "read_on")  # fmt: skip
    list_filter = ("kind", "period", branch_filter("case__branch_id"))
    search_fields = ("case__name", "title")
    list_select_related = ("case", "read_by")
    autocomplete_fields = ("case", "read_by")
    readonly_fields = ("kind", "due_on")

    @admin.display(description="是否按期")
    def on_time(self, report: DevelopmentReport) -> str:
        return _late_flag(report)


class AssessmentForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.case_assessment_errors(instance)

    class Meta:
        model = CaseAssessment
        fields = ("case", "period", "assessed_on", "assessor", "conclusion", "findings")


@admin.register(CaseAssessment)
class CaseAssessmentAdmin(SpreadsheetAdminMixin, ImportExportMixin, ScopedHistoryAdmin):  # type: ignore[misc]
    resource_classes = [CaseAssessmentResource]
    form = AssessmentForm
    model_services = Services("assessment", services.case_assessment_save)
    list_display = ("case", "period", "assessed_on", "due_on", "on_time", "assessor",
                    "conclusion")  # fmt: skip
    list_filter = ("conclusion", "period", branch_filter("case__branch_id"))
    search_fields = ("case__name", "assessor")
    list_select_related = ("case",)
    autocomplete_fields = ("case",)
    readonly_fields = ("due_on",)

    @admin.display(description="是否按期")
    def on_time(self, assessment: CaseAssessment) -> str:
        return _late_flag(assessment)


class ReviewerForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        if not instance.review_id or instance.review.reviewed_on is None:
            return {}
        return services.political_reviewer_errors(instance)

    class Meta:
        model = PoliticalReviewer
        fields = ("member", "outside_name", "outside_organization")


class ReviewerInline(ScopedTabularInline):
    model = PoliticalReviewer
    form = ReviewerForm
    extra = 2
    autocomplete_fields = ("member",)
    verbose_name_plural = "政审人：政审日期时的正式党员，不少于两名；本系统党员直接选择，其他党组织的党员填写姓名和所在党组织"


class ReviewForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.political_review_errors(instance)

    class Meta:
        model = PoliticalReview
        fields = ("case", "reviewed_on", "findings", "conclusion")


@admin.register(PoliticalReview)
class PoliticalReviewAdmin(ScopedHistoryAdmin):
    form = ReviewForm
    model_services = Services("review", services.political_review_save)
    inline_services = {
        PoliticalReviewer: Services(
            "reviewer", services.political_reviewer_save, services.political_reviewer_delete
        )
    }
    inlines = [ReviewerInline]
    list_display = ("case", "reviewed_on", "conclusion", "reviewer_names")
    list_filter = ("conclusion", branch_filter("case__branch_id"))
    search_fields = ("case__name",)
    list_select_related = ("case",)
    autocomplete_fields = ("case",)
    readonly_fields = ("step_state",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("reviewers__member")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*ReviewForm.Meta.fields, *(("step_state",) if obj else ()))

    @admin.display(description="政审人")
    def reviewer_names(self, review: PoliticalReview) -> str:
        return "、".join(str(r) for r in review.reviewers.all())

    @admin.display(description="第10步")
    def step_state(self, review: PoliticalReview) -> str:
        error = services.review_step_error(review.case, timezone.localdate())
        return f"尚不能记录：{error}" if error else "可以记录第10步“进行政治审查”"


# --- inlines on the case ---------------------------------------------------------------------------
class ObserverForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.case_observer_errors(instance)

    class Meta:
        model = CaseObserver
        fields = ("member", "outside_name", "outside_organization", "appointed_on")


class ObserverInline(ScopedTabularInline):
    model = CaseObserver
    form = ObserverForm
    extra = 0
    autocomplete_fields = ("member",)
    verbose_name_plural = "考察写实人（《社区党建工作制度》：确定两名正式党员；本系统党员直接选择，其他党组织的党员填写姓名和所在党组织）"


class ReportInline(ScopedTabularInline):
    model = DevelopmentReport
    form = ReportForm
    extra = 0
    fields = ("period", "received_on", "title", "read_by", "read_on", "comment")
    autocomplete_fields = ("read_by",)
    verbose_name_plural = "思想汇报（积极分子、发展对象每季度一篇；季度写作2026Q3）"


class AssessmentInline(ScopedTabularInline):
    model = CaseAssessment
    form = AssessmentForm
    extra = 0
    fields = ("period", "assessed_on", "assessor", "conclusion", "findings")
    verbose_name_plural = "培养考察（积极分子每半年一次；半年写作2026H1）"


CASE_INLINES = (ObserverInline, ReportInline, AssessmentInline)
CASE_INLINE_SERVICES = {
    CaseObserver: Services("observer", services.case_observer_save),
    DevelopmentReport: Services("report", services.development_report_save),
    CaseAssessment: Services("assessment", services.case_assessment_save),
}


def register_link(case: Any) -> str:
    return format_html(
        '<a href="{}">思想汇报和考察台账（PDF）</a>', print_url(CASE_REGISTER, case=case.pk)
    )
