"""Admin of 临时党小组 and their reports home, 停止/恢复党籍 and 不合格党员处置; every write goes
through members.services.floating."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from common.admin import branch_filter
from kit.admin import (
    ScopedHistoryAdmin,
    ServiceCheckedForm,
    Services,
    choice_filter,
    form_values,
    problem_flag,
)

from ..models import (
    FloatingRecord,
    Member,
    ReviewHandling,
    StandingSuspension,
    TemporaryGroup,
    TemporaryGroupReport,
)
from ..rules import FloatingDirection, review_handling_overdue
from ..services import floating as services


# --- 临时党小组 ------------------------------------------------------------------------------------
class TemporaryGroupForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        records = self.cleaned_data.get("records")
        if records is None or not instance.branch_id:
            return {}
        return services.temporary_group_errors(instance, list(records.select_related("member")))

    class Meta:
        model = TemporaryGroup
        fields = (
            "branch",
            "name",
            "place",
            "formed_on",
            "records",
            "leader",
            "introduced_to",
            "dissolved_on",
        )


@admin.register(TemporaryGroup)
class TemporaryGroupAdmin(ScopedHistoryAdmin):
    form = TemporaryGroupForm
    model_services = Services(
        "group",
        services.temporary_group_save,
        services.temporary_group_delete,
        arguments=form_values("records"),
    )
    list_display = ("name", "branch", "place", "formed_on", "leader", "size", "dissolved_on")
    list_filter = (
        choice_filter("状态", "active", {"yes": ("存续中", "undissolved")}),
        branch_filter("branch_id"),
    )
    search_fields = ("name", "place", "leader__name")
    list_select_related = ("branch", "leader")
    autocomplete_fields = ("branch", "leader", "records")

    def get_queryset(self, request: HttpRequest) -> QuerySet[TemporaryGroup]:
        return super().get_queryset(request).annotate(size=Count("records", distinct=True))

    @admin.display(description="人数", ordering="size")
    def size(self, group: TemporaryGroup) -> int:
        return group.size  # type: ignore[attr-defined]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "records":
            kwargs["queryset"] = (
                FloatingRecord.objects.editable_by(request.user)
                .current()
                .filter(direction=FloatingDirection.OUTFLOW)
                .select_related("member")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TemporaryGroupReportForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        attendees = self.cleaned_data.get("attendees")
        if not instance.group_id:
            return {}
        return services.temporary_group_report_errors(instance, list(attendees or []))

    class Meta:
        model = TemporaryGroupReport
        fields = ("group", "reported_on", "content", "life_held_on", "attendees")


@admin.register(TemporaryGroupReport)
class TemporaryGroupReportAdmin(ScopedHistoryAdmin):
    form = TemporaryGroupReportForm
    model_services = Services(
        "report",
        services.temporary_group_report_save,
        services.temporary_group_report_delete,
        arguments=form_values("attendees"),
    )
    list_display = ("group", "reported_on", "life_held_on", "attendee_count")
    list_filter = (branch_filter("group__branch_id"),)
    search_fields = ("group__name", "content")
    list_select_related = ("group",)
    autocomplete_fields = ("group", "attendees")

    def get_queryset(self, request: HttpRequest) -> QuerySet[TemporaryGroupReport]:
        return super().get_queryset(request).annotate(attendee_total=Count("attendees"))

    @admin.display(description="参加组织生活人数", ordering="attendee_total")
    def attendee_count(self, report: TemporaryGroupReport) -> int:
        return report.attendee_total  # type: ignore[attr-defined]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "attendees":
            kwargs["queryset"] = Member.objects.editable_by(request.user).current()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# --- 停止党籍 and 恢复党籍 ---------------------------------------------------------------------------
class StandingSuspensionForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.standing_suspension_errors(instance)

    class Meta:
        model = StandingSuspension
        fields = (
            "member",
            "reason",
            "destination",
            "left_on",
            "leave_ends_on",
            "decided_on",
            "approved_by",
            "approved_on",
            "file_kept_by",
            "returned_on",
            "restore_applied_on",
            "restored_on",
            "restore_approved_by",
            "note",
        )


STOPPED = choice_filter(
    "党籍状态",
    "standing",
    {"stopped": ("停止中", "unrestored"), "restored": ("已恢复", "restored")},
)


@admin.register(StandingSuspension)
class StandingSuspensionAdmin(ScopedHistoryAdmin):
    form = StandingSuspensionForm
    model_services = Services("suspension", services.standing_suspension_save)
    list_display = (
        "member",
        "reason",
        "destination",
        "left_on",
        "decided_on",
        "approved_on",
        "returned_on",
        "restored_on",
    )
    list_filter = ("reason", STOPPED, branch_filter("member__branch_id"))
    search_fields = ("member__name", "destination")
    list_select_related = ("member",)
    autocomplete_fields = ("member",)
    fieldsets = (
        (
            "停止党籍",
            {
                "fields": (
                    "member",
                    "reason",
                    "destination",
                    "left_on",
                    "leave_ends_on",
                    "decided_on",
                    "approved_by",
                    "approved_on",
                    "file_kept_by",
                ),
                "description": (
                    "出国（境）定居的党员和出境超过假期一年以上的党员，停止党籍，其组织关系和档案材料"
                    "转到县或相当县一级党委组织部门保存备查（《流动党员管理制度》第七条）。"
                    "自批准之日起停止党籍：不计入表决和选举，不参加民主评议，不作自行脱党提示。"
                ),
            },
        ),
        (
            "恢复党籍",
            {
                "fields": (
                    "returned_on",
                    "restore_applied_on",
                    "restored_on",
                    "restore_approved_by",
                    "note",
                ),
                "description": "回国（境）后本人书面申请，经党组织审查、上级批准后恢复党籍。",
            },
        ),
    )


# --- 不合格党员处置 --------------------------------------------------------------------------------
class ReviewHandlingForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.review_handling_errors(instance)

    class Meta:
        model = ReviewHandling
        fields = (
            "review",
            "measure",
            "opened_on",
            "deadline",
            "met_member_on",
            "defence",
            "approved_by",
            "approved_on",
            "outcome",
            "outcome_on",
            "note",
        )


class OverdueFilter(admin.SimpleListFilter):
    title = "办理情况"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("open", "未办结"), ("overdue", "逾期未办结")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "open":
            return queryset.open()  # type: ignore[attr-defined,no-any-return]
        if self.value() == "overdue":
            return queryset.overdue(timezone.localdate())  # type: ignore[attr-defined,no-any-return]
        return queryset


@admin.register(ReviewHandling)
class ReviewHandlingAdmin(ScopedHistoryAdmin):
    form = ReviewHandlingForm
    model_services = Services("handling", services.review_handling_save)
    list_display = (
        "member",
        "overdue_flag",
        "year",
        "measure",
        "opened_on",
        "deadline",
        "approved_on",
        "outcome",
        "outcome_on",
    )
    list_filter = ("measure", OverdueFilter, branch_filter("review__branch_id"))
    search_fields = ("review__member__name",)
    list_select_related = ("review", "review__member")
    autocomplete_fields = ("review",)

    @admin.display(description="党员", ordering="review__member__name")
    def member(self, handling: ReviewHandling) -> str:
        return handling.review.member.name

    @admin.display(description="评议年度", ordering="review__year")
    def year(self, handling: ReviewHandling) -> int:
        return handling.review.year

    @admin.display(description="逾期")
    def overdue_flag(self, handling: ReviewHandling) -> str:
        late = review_handling_overdue(
            outcome=handling.outcome, deadline=handling.deadline, today=timezone.localdate()
        )
        return problem_flag(late, f"已过期限{handling.deadline:%Y-%m-%d}")
