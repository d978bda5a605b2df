"""Admin of floating members, transfers of the membership record, reviews and score sheets.

Lists are scoped by `visible_to`, flags and scores are computed in the list's own query, and
every write goes through members.services.records.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from unfold.admin import TabularInline as UnfoldTabularInline

from common.admin import branch_filter
from common.printables import print_url
from kit.admin import (
    ScopedHistoryAdmin,
    ScopedTabularInline,
    ServiceCheckedForm,
    Services,
    choice_filter,
    error_text,
    problem_flag,
    run_service_action,
)

from ..models import (
    Assessment,
    AssessmentDeduction,
    FloatingLifeEntry,
    FloatingRecord,
    LapseDecision,
    MembershipTransfer,
    Review,
    TransferState,
)
from ..printables import ASSESSMENT_SHEET, MEMBER_RECORD
from ..rules import (
    FloatingDirection,
    ReviewGrade,
    floating_certificate_problem,
    review_year_for,
)
from ..selectors import records as selectors
from ..services import records as services
from .personal import PersonalDataAdminMixin

MEMBER_BRANCH = branch_filter("member__branch_id")


# --- 流动党员 ---------------------------------------------------------------------------------------
class FloatingRecordForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.floating_record_errors(instance)

    class Meta:
        model = FloatingRecord
        fields = (
            "member",
            "direction",
            "place",
            "since",
            "planned_return_on",
            "last_contact_on",
            "ended_on",
            "has_fixed_place",
            "contact",
            "certificate_number",
            "certificate_expires_on",
            "certificate_checked",
            "placed_in",
        )


class YesNoFilter(admin.SimpleListFilter):
    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "是"), ("no", "否")]

    def condition(self) -> Q:
        raise NotImplementedError

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(self.condition())
        if self.value() == "no":
            return queryset.exclude(self.condition())
        return queryset


class ShouldTransferFilter(YesNoFilter):
    title = "应转移组织关系"
    parameter_name = "should_transfer"

    def condition(self) -> Q:
        return selectors.floating_should_transfer_q(timezone.localdate())


class LostContactFilter(YesNoFilter):
    parameter_name = "lost_contact"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.title = f"失联满{settings.FLOATING_NO_CONTACT_MONTHS}个月"
        super().__init__(*args, **kwargs)

    def condition(self) -> Q:
        return selectors.floating_lost_contact_q(timezone.localdate())


class CertificateFilter(admin.SimpleListFilter):
    title = "流动党员活动证"
    parameter_name = "certificate"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("missing", "未持有效活动证的外出党员")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "missing":
            return queryset.filter(selectors.floating_certificate_problem_q(timezone.localdate()))
        return queryset


CURRENT = choice_filter(
    "流动状态", "current", {"yes": ("流动中", "current"), "no": ("已结束", "ended")}
)


class FloatingLifeEntryInline(ScopedTabularInline):
    """The 活动证's entries: organizational life an outflowing member had where they are. They
    count for the 自行脱党 flags; a phone call (最近联系日期) does not."""

    model = FloatingLifeEntry
    extra = 0
    fields = ("held_on", "organization", "content")
    verbose_name_plural = "活动证记载的组织生活（外出党员在流入地参加的组织生活，计入自行脱党核查）"

    def get_queryset(self, request: HttpRequest) -> Any:
        # The parent record is scoped already; entries have no organization of their own.
        return UnfoldTabularInline.get_queryset(self, request)


@admin.register(FloatingRecord)
class FloatingRecordAdmin(PersonalDataAdminMixin, ScopedHistoryAdmin):
    form = FloatingRecordForm
    model_services = Services("record", services.floating_record_save)
    inlines = [FloatingLifeEntryInline]
    inline_services = {
        FloatingLifeEntry: Services(
            "entry", services.floating_life_entry_save, services.floating_life_entry_delete
        )
    }
    list_display = (  # the problems first: they must be visible without scrolling
        "member",
        "should_transfer_flag",
        "lost_contact_flag",
        "certificate_flag",
        "member_branch",
        "direction",
        "place",
        "since",
        "has_fixed_place",
        "last_contact_on",
        "certificate_expires_on",
        "placed_in",
        "vote_right",
    )
    list_filter = (
        "direction",
        ShouldTransferFilter,
        LostContactFilter,
        CertificateFilter,
        CURRENT,
        "has_fixed_place",
        MEMBER_BRANCH,
    )
    search_fields = ("member__name", "place", "certificate_number")
    list_select_related = ("member", "member__branch", "placed_in")
    autocomplete_fields = ("member", "placed_in")
    readonly_fields = ("vote_right",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "member",
                    "direction",
                    "place",
                    "since",
                    "planned_return_on",
                    "last_contact_on",
                    "ended_on",
                )
            },
        ),
        (
            "外出流动",
            {
                "fields": ("has_fixed_place", "contact"),
                "description": (
                    f"外出满{settings.FLOATING_TRANSFER_MONTHS}个月且有固定住所或工作单位的，"
                    "应转移组织关系；否则保留组织关系，发给《流动党员活动证》。"
                ),
            },
        ),
        ("流动党员活动证", {"fields": ("certificate_number", "certificate_expires_on")}),
        (
            "流入",
            {
                "fields": ("certificate_checked", "placed_in", "vote_right"),
                "description": "流入党员编入本地党组织参加组织生活，但没有表决权、选举权和被选举权。",
            },
        ),
    )
    actions = ["record_contact"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FloatingRecord]:
        return selectors.floating_records_flagged(super().get_queryset(request))

    @admin.display(description="组织关系所在党组织", ordering="member__branch__code")
    def member_branch(self, record: FloatingRecord) -> str:
        return str(record.member.branch)

    @admin.display(description="表决权")
    def vote_right(self, record: FloatingRecord) -> str:
        if record.direction == FloatingDirection.INFLOW and record.placed_in_id:
            return "无表决权"
        return "—"

    @admin.display(description="活动证")
    def certificate_flag(self, record: FloatingRecord) -> str:
        problem = floating_certificate_problem(
            direction=record.direction,
            is_current=record.ended_on is None,
            certificate_number=record.certificate_number,
            expires_on=record.certificate_expires_on,
            today=timezone.localdate(),
            is_short_stay=record.is_short_stay,
        )
        return problem_flag(bool(problem), problem or "")

    @admin.display(description="应转移组织关系", ordering="should_transfer")
    def should_transfer_flag(self, record: FloatingRecord) -> str:
        label = "应转入" if record.direction == FloatingDirection.INFLOW else "应转移"
        return problem_flag(getattr(record, "should_transfer", False), label)

    @admin.display(description="失联满期", ordering="lost_contact")
    def lost_contact_flag(self, record: FloatingRecord) -> str:
        return problem_flag(getattr(record, "lost_contact", False), "已失联")

    @admin.action(description="登记联系（联系日期为今天）", permissions=["change"])
    def record_contact(self, request: HttpRequest, queryset: QuerySet[FloatingRecord]) -> None:
        run_service_action(
            self,
            request,
            queryset.select_related("member"),
            services.floating_record_contact,
            entity="record",
            label=lambda record: str(record.member),
        )


# --- 组织关系接转 -----------------------------------------------------------------------------------
class MembershipTransferForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.membership_transfer_errors(instance)

    class Meta:
        model = MembershipTransfer
        fields = (
            "member",
            "direction",
            "branch",
            "other_organization",
            "letter_number",
            "issued_on",
            "valid_until",
        )


@admin.register(MembershipTransfer)
class MembershipTransferAdmin(ScopedHistoryAdmin):
    form = MembershipTransferForm
    model_services = Services("transfer", services.membership_transfer_save)
    list_display = (
        "letter_number",
        "member",
        "direction",
        "branch",
        "other_organization",
        "issued_on",
        "valid_until",
        "received_on",
        "state",
    )
    list_filter = ("direction", "state", branch_filter())
    search_fields = ("letter_number", "member__name", "other_organization")
    list_select_related = ("member", "branch")
    autocomplete_fields = ("member", "branch")
    fields = (
        "member",
        "direction",
        "branch",
        "other_organization",
        "letter_number",
        "issued_on",
        "valid_until",
        "state",
        "received_on",
    )
    readonly_fields = ("state", "received_on")
    actions = ["receive_today", "cancel"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A received or cancelled transfer is final: its page is read-only.
        if obj is not None and obj.state != TransferState.SENT:
            return False
        return super().has_change_permission(request, obj)

    def _each(
        self, request: HttpRequest, queryset: QuerySet[MembershipTransfer], service: Any
    ) -> None:
        run_service_action(
            self,
            request,
            queryset.select_related("member"),
            service,
            entity="transfer",
            label=lambda transfer: f"介绍信{transfer.letter_number}",
        )

    @admin.action(description="确认接收（接收日期为今天）", permissions=["change"])
    def receive_today(self, request: HttpRequest, queryset: QuerySet[MembershipTransfer]) -> None:
        self._each(request, queryset, services.membership_transfer_receive)

    @admin.action(description="作废介绍信", permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[MembershipTransfer]) -> None:
        self._each(request, queryset, services.membership_transfer_cancel)


# --- 民主评议 --------------------------------------------------------------------------------------
class ReviewForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.review_errors(instance)

    class Meta:
        model = Review
        fields = ("member", "year", "grade", "note")
        help_texts = {"grade": "预备党员参加评议，但不评定等次（留空）。"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and data.get("member") and data.get("year"):
            # The model checks the grade against was_probationary, which the service sets from
            # the member's status on the review year's last day.
            self.instance.member, self.instance.year = data["member"], data["year"]
            services.review_prepare(self.instance)
        return data


@admin.register(Review)
class ReviewAdmin(ScopedHistoryAdmin):
    form = ReviewForm
    model_services = Services("review", services.review_save)
    list_display = ("year", "member", "branch", "grade_label", "note", "record_link")
    list_filter = (
        "year",
        "grade",
        choice_filter("不合格处置", "handling", {"missing": ("未登记处置", "unhandled")}),
        branch_filter(),
    )
    search_fields = ("member__name", "note")
    list_select_related = ("member", "branch")
    autocomplete_fields = ("member",)
    actions = ["summarize"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["member", "year", "grade", "note"]
        return ["member", "branch", "year", "was_probationary", "grade", "note"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else ["member", "branch", "year", "was_probationary"]

    @admin.display(description="评议等次", ordering="grade")
    def grade_label(self, review: Review) -> str:
        return review.get_grade_display() or "不定等次（预备党员）"

    @admin.display(description="党员写实档案")
    def record_link(self, review: Review) -> str:
        url = print_url(MEMBER_RECORD, member=review.member_id, period=review.year)
        return format_html('<a href="{}">打印PDF</a>', url)

    @admin.action(description="按支部汇总所选评议结果（汇总表）", permissions=["view"])
    def summarize(self, request: HttpRequest, queryset: QuerySet[Review]) -> HttpResponse:
        return self._summary_page(request, queryset)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.summary_view)
        return [path("summary/", view, name="members_review_summary"), *super().get_urls()]

    def summary_view(self, request: HttpRequest) -> HttpResponse:
        """民主评议汇总表 of a year (?year=, default last year): per branch, each grade, on screen;
        the PDF to file with the ledger is the printable review_summary."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        raw = request.GET.get("year", "")
        year = int(raw) if raw.isdigit() else timezone.localdate().year - 1
        return self._summary_page(request, self.get_queryset(request).filter(year=year), year)

    def _summary_page(self, request: HttpRequest, reviews: Any, year: int | None = None) -> Any:
        rows = selectors.review_summary_list(reviews=reviews)
        years = sorted({row.year for row in rows}) or ([year] if year else [])
        context = {
            "title": "民主评议党员结果汇总表",
            "rows": rows,
            "grades": list(ReviewGrade),
            "period": "、".join(f"{y}年度" for y in years),
            "organization": _summary_organization(request.user, rows),
        }
        context.update(self.admin_site.each_context(request), opts=self.model._meta, year=year)
        return TemplateResponse(request, "admin/members/review/summary.html", context)


def _summary_organization(user: Any, rows: list[Any]) -> Any:
    """The organization a summary's header names: the user's own, or the branches' parent."""
    access = user.organization_accesses.select_related("organization").first()
    if access is not None:
        return access.organization
    return rows[0].branch if rows else None


# --- 量化考核 --------------------------------------------------------------------------------------
def _points(value: Decimal | int) -> str:
    """97, 82.5: points as a score sheet prints them."""
    return format(Decimal(value).quantize(Decimal("0.1")).normalize(), "f")


class DeductionInline(ScopedTabularInline):
    model = AssessmentDeduction
    extra = 1
    fields = ("item", "points", "reason")
    verbose_name_plural = "扣分（各项扣分不超过该项满分）"

    def get_queryset(self, request: HttpRequest) -> Any:
        # The parent sheet is scoped already; deductions have no organization of their own.
        return UnfoldTabularInline.get_queryset(self, request)


@admin.register(Assessment)
class AssessmentAdmin(ScopedHistoryAdmin):
    model_services = Services("assessment", services.assessment_save)
    list_display = ("year", "member", "member_branch", "deducted_points", "score", "sheet_link")
    list_filter = ("year", MEMBER_BRANCH)
    search_fields = ("member__name",)
    list_select_related = ("member", "member__branch")
    autocomplete_fields = ("member",)
    fields = ("member", "year", "score", "items_table")
    readonly_fields = ("score", "items_table")
    inlines = [DeductionInline]
    actions = ["prefill"]
    inline_services = {
        AssessmentDeduction: Services(
            "deduction", services.assessment_deduction_save, services.assessment_deduction_delete
        )
    }

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assessment]:
        return selectors.assessments_scored(super().get_queryset(request))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("year", str(review_year_for(timezone.localdate())))
        return initial

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if obj is None else ["member", "year", *readonly]

    @admin.display(description="组织关系所在党组织", ordering="member__branch__code")
    def member_branch(self, assessment: Assessment) -> str:
        return str(assessment.member.branch)

    @admin.display(description="扣分合计", ordering="deducted")
    def deducted_points(self, assessment: Assessment) -> str:
        return _points(getattr(assessment, "deducted", 0))

    @admin.display(description="得分", ordering="score")
    def score(self, assessment: Assessment) -> str:
        return _points(getattr(assessment, "score", selectors.ASSESSMENT_FULL_SCORE))

    @admin.display(description="考核项目及分值")
    def items_table(self, assessment: Assessment | None) -> SafeString:
        rows = selectors.assessment_sheet_get(assessment=assessment or Assessment())
        shown = [
            {**vars(r), "deducted": _points(r.deducted), "score": _points(r.score)} for r in rows
        ]
        context = {"rows": shown, "prefill_note": selectors.assessment_prefill_note()}
        return render_to_string("admin/members/assessment/items_table.html", context)

    @admin.action(description="按系统记录预填扣分（第3、4项）", permissions=["change"])
    def prefill(self, request: HttpRequest, queryset: QuerySet[Assessment]) -> None:
        """One call for all the selected sheets: the providers answer once per year."""
        try:
            result = services.assessment_prefill(
                assessments=queryset.select_related("member"), actor=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return
        for note in result.notes:
            self.message_user(request, note, messages.WARNING)
        self.message_user(request, f"已按系统记录预填{len(result.created)}项扣分。", messages.INFO)

    @admin.display(description="考核表")
    def sheet_link(self, assessment: Assessment) -> str:
        url = print_url(ASSESSMENT_SHEET, assessment=assessment.pk)
        return format_html('<a href="{}">打印PDF</a>', url)


# --- 自行脱党处理决定 ---------------------------------------------------------------------------------
@admin.register(LapseDecision)
class LapseDecisionAdmin(ScopedHistoryAdmin):
    """The branch meeting's decisions on 自行脱党 flags (自行脱党提示 links here): a flag stands
    until its decision is recorded."""

    model_services = Services("decision", services.lapse_decision_save)
    list_display = ("member", "member_branch", "condition", "decided_on", "decision", "recorded_by")
    list_filter = ("condition", "decision", MEMBER_BRANCH)
    search_fields = ("member__name",)
    list_select_related = ("member", "member__branch", "recorded_by")
    autocomplete_fields = ("member",)
    fields = ("member", "condition", "decided_on", "decision", "note", "recorded_by")
    readonly_fields = ("recorded_by",)

    @admin.display(description="组织关系所在党组织", ordering="member__branch__code")
    def member_branch(self, decision: LapseDecision) -> str:
        return str(decision.member.branch)
