"""Admin of the 社区党建示范小区: the sub-district's yearly rounds and the communities' applications
with their evaluation (the 18 standards, pre-filled from the records), inspection and naming.
Every write goes through members.services.showcase."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from unfold.admin import TabularInline as UnfoldTabularInline

from common.admin import community_filter
from common.printables import print_url
from kit.admin import (
    ScopedHistoryAdmin,
    ScopedTabularInline,
    ServiceCheckedForm,
    Services,
    choice_filter,
    error_text,
)
from organizations.models import Compound, Organization
from organizations.rules import OrganizationKind

from ..models import ShowcaseApplication, ShowcaseRound, ShowcaseScore
from ..printables import SHOWCASE_EVALUATION
from ..rules import SHOWCASE_STANDARDS, ShowcaseNaming, ShowcaseResult
from ..selectors.showcase import applications_counted
from ..services import showcase as services


@admin.register(ShowcaseRound)
class ShowcaseRoundAdmin(ScopedHistoryAdmin):
    model_services = Services("showcase_round", services.showcase_round_save)
    list_display = ("year", "sub_district", "planned", "application_deadline", "applied", "named")
    list_filter = ("year",)
    list_select_related = ("sub_district",)
    fields = ("sub_district", "year", "planned", "application_deadline", "note")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ShowcaseRound]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                applied_count=Count("applications", distinct=True),
                named_count=Count(
                    "applications",
                    filter=Q(applications__naming=ShowcaseNaming.NAMED),
                    distinct=True,
                ),
            )
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("year", str(timezone.localdate().year))
        return initial

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "sub_district":
            kwargs["queryset"] = Organization.objects.editable_by(request.user).filter(
                kind=OrganizationKind.SUB_DISTRICT
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="申报小区数", ordering="applied_count")
    def applied(self, showcase_round: ShowcaseRound) -> int:
        return showcase_round.applied_count  # type: ignore[attr-defined,no-any-return]

    @admin.display(description="已命名", ordering="named_count")
    def named(self, showcase_round: ShowcaseRound) -> int:
        return showcase_round.named_count  # type: ignore[attr-defined,no-any-return]


class ShowcaseScoreInline(ScopedTabularInline):
    """The 18 standards, made with the application: scored here, never added or removed."""

    model = ShowcaseScore
    extra = 0
    max_num = len(SHOWCASE_STANDARDS)
    can_delete = False
    fields = ("number", "standard", "prefilled", "result", "note", "attachment")
    readonly_fields = ("number", "standard", "prefilled")
    verbose_name_plural = "评审标准（系统预填的依据可点击查看记录；无数据的请人工评分）"

    def get_queryset(self, request: HttpRequest) -> Any:
        # The parent application is scoped already; its scores have no organization of their own.
        return UnfoldTabularInline.get_queryset(self, request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="标准")
    def standard(self, score: ShowcaseScore) -> str:
        return SHOWCASE_STANDARDS.get(score.number, "")

    @admin.display(description="系统记录")
    def prefilled(self, score: ShowcaseScore) -> str:
        if score.prefill == ShowcaseResult.BY_HAND and not score.evidence:
            return "人工评分"
        lines = format_html_join("", "<br>{}", ((line,) for line in score.evidence.splitlines()))
        if score.evidence_url:
            return format_html(
                '<strong>{}</strong>{}<br><a href="{}">查看记录</a>',
                score.get_prefill_display(),
                lines,
                score.evidence_url,
            )
        return format_html("<strong>{}</strong>{}", score.get_prefill_display(), lines)


class ShowcaseApplicationForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.showcase_application_errors(instance)

    class Meta:
        model = ShowcaseApplication
        fields = "__all__"


@admin.register(ShowcaseApplication)
class ShowcaseApplicationAdmin(ScopedHistoryAdmin):
    form = ShowcaseApplicationForm
    model_services = Services("application", services.showcase_application_save)
    inline_services = {ShowcaseScore: Services("score", services.showcase_score_save)}
    inlines = [ShowcaseScoreInline]
    list_display = (
        "year",
        "compound",
        "community",
        "households",
        "residents_link",
        "applied_on",
        "met_count",
        "not_met_count",
        "naming",
        "sheet_link",
    )
    list_filter = (
        "round__year",
        choice_filter(
            "评审",
            "scoring",
            {"open": ("待评分", "unscored"), "done": ("已逐条评分", "scored")},
        ),
        choice_filter("命名", "naming_state", {"waiting": ("待检查验收和命名", "awaiting_naming")}),
        "naming",
        community_filter("compound__community_id"),
    )
    search_fields = ("compound__name", "compound__community__name")
    list_select_related = ("round", "compound", "compound__community")
    autocomplete_fields = ("compound",)
    actions = ["prefill"]
    fieldsets = (
        ("申报（年初）", {"fields": ("round", "compound", "applied_on", "plan")}),
        ("评审（年末）", {"fields": ("evaluated_on", "summary")}),
        (
            "区委组织部检查验收与命名",
            {
                "fields": (
                    "inspected_on",
                    "inspectors",
                    "finding",
                    "naming",
                    "named_on",
                    "naming_document",
                )
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ShowcaseApplication]:
        return applications_counted(super().get_queryset(request))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("applied_on", timezone.localdate())
        return initial

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if obj is None else ["round", "compound", "applied_on", *readonly]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "round":
            kwargs["queryset"] = ShowcaseRound.objects.visible_to(request.user).select_related(
                "sub_district"
            )
        if db_field.name == "compound":
            kwargs["queryset"] = Compound.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="年度", ordering="round__year")
    def year(self, application: ShowcaseApplication) -> int:
        return application.round.year

    @admin.display(description="社区", ordering="compound__community__code")
    def community(self, application: ShowcaseApplication) -> str:
        return str(application.compound.community)

    @admin.display(description="户数")
    def households(self, application: ShowcaseApplication) -> Any:
        return (
            application.compound.households if application.compound.households is not None else "—"
        )

    @admin.display(description="居住党员", ordering="residents")
    def residents_link(self, application: ShowcaseApplication) -> str:
        url = f"/admin/members/member/?compound__id__exact={application.compound_id}"
        return format_html('<a href="{}">{}人</a>', url, getattr(application, "residents", 0))

    @admin.display(description="达标", ordering="met")
    def met_count(self, application: ShowcaseApplication) -> int:
        return getattr(application, "met", 0)

    @admin.display(description="未达标", ordering="not_met")
    def not_met_count(self, application: ShowcaseApplication) -> int:
        return getattr(application, "not_met", 0)

    @admin.display(description="评审表")
    def sheet_link(self, application: ShowcaseApplication) -> str:
        return format_html(
            '<a href="{}">打印PDF</a>', print_url(SHOWCASE_EVALUATION, application=application.pk)
        )

    @admin.action(description="按系统记录预填评审标准", permissions=["change"])
    def prefill(self, request: HttpRequest, queryset: QuerySet[ShowcaseApplication]) -> None:
        try:
            result = services.showcase_evaluation_prefill(
                applications=queryset.select_related("round", "compound"), actor=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return
        for note in result.notes:
            self.message_user(request, note, messages.WARNING)
        self.message_user(request, f"已按系统记录预填{result.filled}条标准。", messages.INFO)
