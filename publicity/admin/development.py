"""Admin of 发展党员 (cases with their steps, branch votes), 公示 with its record book, 党务公开.

Every write goes through publicity.services; a case's list shows its stage, next step and due
date from the steps prefetched in one query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ImportExportMixin

from common.admin import branch_filter, community_filter
from common.printables import print_url
from kit.admin import (
    ScopedAdmin,
    ScopedHistoryAdmin,
    ScopedTabularInline,
    ServiceCheckedForm,
    Services,
    SpreadsheetAdminMixin,
    form_values,
    problem_flag,
    run_service_action,
)
from members.admin.personal import PersonalDataAdminMixin
from members.person import PersonForm
from organizations.models import Organization

from .. import services
from ..models import (
    BoardItem,
    BranchVote,
    DevelopmentCase,
    DevelopmentStep,
    Notice,
    Opinion,
    OpinionStatus,
    VoteExclusion,
)
from ..printables import NOTICE_POSTER, NOTICE_RECORD_BOOK
from ..resources import DevelopmentResource
from ..rules import Stage
from ..voters import VotersOnAddMixin, render_voters
from .registers import CASE_INLINE_SERVICES, CASE_INLINES, register_link


class DueFilter(admin.SimpleListFilter):
    """下一步期限: overdue, or due within PUBLICITY_DUE_SOON_DAYS (the 工作台's to-dos)."""

    title = "下一步期限"
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "已超期"), ("soon", f"{settings.PUBLICITY_DUE_SOON_DAYS}天内到期")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        today = timezone.localdate()
        in_progress = queryset.filter(deferred_on__isnull=True)
        if self.value() == "overdue":
            return in_progress.filter(due_on__lt=today)
        if self.value() == "soon":
            soon = today + dt.timedelta(days=settings.PUBLICITY_DUE_SOON_DAYS)
            return in_progress.filter(due_on__gte=today, due_on__lte=soon)
        return queryset


class RegisterFilter(admin.SimpleListFilter):
    """思想汇报 or 培养考察 past its due date with nothing recorded (the 工作台's to-dos)."""

    title = "思想汇报和培养考察"
    parameter_name = "register"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "有逾期未登记的")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() != "overdue":
            return queryset
        return queryset.owing_registers(timezone.localdate())


# --- 发展党员 ----------------------------------------------------------------------------------------
class StepForm(ServiceCheckedForm):
    actor: Any = None  # set per request by StepInline.get_formset

    def service_errors(self, instance: Any) -> dict[str, str]:
        if instance.pk is not None:
            if {"number", "date"} & set(self.changed_data):
                return {"date": "已记录步骤的步骤和日期不能修改；如有误，请删除最后一步后重新记录"}
            return {}
        if not instance.case_id:
            return {}
        error = services.development_step_error(instance, actor=self.actor)
        return {"date": error} if error else {}

    class Meta:
        model = DevelopmentStep
        fields = ("number", "date", "people", "training_days", "training_hours",
                  "extended_approval", "document", "note")  # fmt: skip


class StepFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """A recorded step is taken back one at a time, the last one only (the service's rule, shown
    before anything is saved: the errors of a form marked for deletion are not shown)."""

    def clean(self) -> None:
        super().clean()
        deleted = self.deleted_forms
        if len(deleted) > 1:
            raise ValidationError("一次只能删除最后一步")
        for form in deleted:
            if form.instance.pk and (
                error := services.development_step_delete_error(form.instance)
            ):
                raise ValidationError(error)


class StepInline(ScopedTabularInline):
    model = DevelopmentStep
    form = StepForm
    formset = StepFormSet
    extra = 1
    fields = StepForm.Meta.fields
    verbose_name_plural = "发展步骤（按顺序逐步记录；违反时限的步骤不予记录）"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).order_by("number")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.actor = request.user
        if obj is not None and (step := obj.next_step()) is not None:
            formset.form.base_fields["number"].initial = step.number
        return formset


class CaseForm(PersonForm):
    class Meta:
        model = DevelopmentCase
        fields = ("name", "gender", "ethnicity", "birth_date", "citizen_id", "education",
                  "position", "phone", "address", "work_unit", "residence_community", "branch",
                  "assessment", "registers_from")  # fmt: skip


@admin.register(DevelopmentCase)
class DevelopmentCaseAdmin(  # type: ignore[misc]
    SpreadsheetAdminMixin, ImportExportMixin, PersonalDataAdminMixin, ScopedHistoryAdmin
):
    form = CaseForm
    resource_classes = [DevelopmentResource]
    model_services = Services("case", services.development_case_save)
    inline_services = {
        DevelopmentStep: Services(
            "step", services.development_step_record, services.development_step_delete
        ),
        **CASE_INLINE_SERVICES,
    }
    inlines = [StepInline, *CASE_INLINES]
    list_display = ("name", "branch", "stage", "next_step_label", "due_label", "register_overdue",
                    "deferred_flag")  # fmt: skip
    list_filter = ("stage", DueFilter, RegisterFilter, branch_filter())
    search_fields = ("name",)
    list_select_related = ("branch",)
    readonly_fields = ("stage_summary", "deferred_summary", "member", "register_pdf")
    actions = ["extend_probation_6", "extend_probation_12"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "residence_community":  # where a person lives is a fact, not a scope
            kwargs["queryset"] = Organization.objects.communities()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[DevelopmentCase]:
        steps = Prefetch("steps", queryset=DevelopmentStep.objects.order_by("number"))
        cases = super().get_queryset(request).prefetch_related(steps)
        return cases.with_register_overdue(timezone.localdate())

    @admin.display(description="逾期未登记", ordering="reports_overdue")
    def register_overdue(self, case: DevelopmentCase) -> str:
        """The 思想汇报 and 培养考察 past their due date with nothing recorded (an activist's or a
        candidate's, not deferred: the 工作台's to-dos), counted by the list's own query."""
        chased = case.stage in (Stage.ACTIVIST, Stage.CANDIDATE) and not case.is_deferred
        reports = getattr(case, "reports_overdue", 0) if chased else 0
        assessments = getattr(case, "assessments_overdue", 0) if chased else 0
        parts = [
            f"思想汇报{reports}篇" * bool(reports),
            f"培养考察{assessments}次" * bool(assessments),
        ]
        return problem_flag(bool(reports or assessments), "、".join(p for p in parts if p))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(CaseForm.Meta.fields)
        status = ("stage_summary", "deferred_summary", "member", "register_pdf") if obj else ()
        return (
            self.mask_fieldsets(request, [(None, {"fields": fields}), ("进度", {"fields": status})])
            if obj
            else [(None, {"fields": fields})]
        )

    @admin.display(description="下一步")
    def next_step_label(self, case: DevelopmentCase) -> str:
        step = case.next_step()
        if case.is_deferred:
            return "暂缓发展"
        return step.label if step else "已完成"

    @admin.display(description="期限", ordering="due_on")
    def due_label(self, case: DevelopmentCase) -> str:
        step = case.next_step()
        if step is None:
            return ""
        if step.due_on:
            late = step.due_on < timezone.localdate()
            text = f"{step.due_on:%Y-%m-%d}前"
            return problem_flag(late, f"{text}（已超期）") or text
        return f"{step.not_before:%Y-%m-%d}起" if step.not_before else ""

    @admin.display(description="暂缓发展")
    def deferred_flag(self, case: DevelopmentCase) -> str:
        return problem_flag(case.is_deferred, "暂缓发展")

    @admin.display(description="阶段和下一步")
    def stage_summary(self, case: DevelopmentCase) -> str:
        step = case.next_step()
        text = f"{case.get_stage_display()}；已完成{case.last_step}步。"
        if step is not None:
            text += f"下一步：{step.label}"
            text += f"，期限{step.due_on:%Y-%m-%d}前" if step.due_on else ""
            text += f"，{step.not_before:%Y-%m-%d}起方可进行" if step.not_before else ""
        if case.extension_months:
            text += f"（预备期已延长{case.extension_months}个月）"
        return text

    @admin.display(description="培养考察台账")
    def register_pdf(self, case: DevelopmentCase) -> str:
        return register_link(case)

    @admin.display(description="暂缓发展")
    def deferred_summary(self, case: DevelopmentCase) -> str:
        if not case.is_deferred:
            return "否"
        return f"{case.deferred_on:%Y-%m-%d}起暂缓发展：{case.deferred_reason}"

    def _extend(self, request: HttpRequest, queryset: Any, months: int) -> None:
        run_service_action(
            self,
            request,
            queryset,
            lambda case, actor: services.development_case_extend_probation(
                case=case, months=months, actor=actor
            ),
            entity="case",
            done_message=f"已为{{n}}名预备党员延长预备期{months}个月。",
        )

    @admin.action(description="延长预备期6个月", permissions=["change"])
    def extend_probation_6(self, request: HttpRequest, queryset: Any) -> None:
        self._extend(request, queryset, 6)

    @admin.action(description="延长预备期12个月", permissions=["change"])
    def extend_probation_12(self, request: HttpRequest, queryset: Any) -> None:
        self._extend(request, queryset, 12)


class VoteForm(VotersOnAddMixin, ServiceCheckedForm):
    """Those entitled are computed (the branch's full members on the date, less those left out
    with a reason in the list, publicity/voters.py); where the 支部党员大会 is recorded in
    三会一课, its attendance is used."""

    actor: Any = None  # set per request by BranchVoteAdmin.get_form

    def service_errors(self, instance: Any) -> dict[str, str]:
        if not instance.case_id or not instance.held_on:
            return {}
        instance._attended, instance._exclusions = self.voters_posted(instance.case)
        errors = services.branch_vote_errors(
            instance, instance._attended, instance._exclusions, actor=self.actor
        )
        return {("voters" if k in ("attended", "__all__") else k): v for k, v in errors.items()}

    class Meta:
        model = BranchVote
        fields = ("case", "step", "held_on", "attended", "written_count",
                  "written_opinions", "yes", "no", "abstain")  # fmt: skip


class ExclusionInline(ScopedTabularInline):
    """A recorded vote's exclusions (a new vote gives them in its list of voters)."""

    model = VoteExclusion
    extra = 0
    fields = ("member", "reason", "note")
    verbose_name_plural = (
        "不计入表决人数的正式党员（仅限：受留党察看处分、因病不能表达意志、自费出国半年以上、"
        "被剥夺人身自由、外出工作学习半年以上且不能参加会议）"
    )


def _vote_arguments(form: Any, formsets: list[Any]) -> dict[str, Any]:
    vote = form.instance
    return {"attended": vote._attended, "exclusions": vote._exclusions}


@admin.register(BranchVote)
class BranchVoteAdmin(ScopedHistoryAdmin):
    form = VoteForm
    # The vote, who attended and its exclusions are checked and recorded together.
    model_services = Services(
        "vote", services.branch_vote_save, arguments=_vote_arguments, with_inlines=True
    )
    list_display = ("case", "step", "held_on", "entitled_count", "attended_count", "yes", "no",
                    "abstain", "outcome")  # fmt: skip
    list_filter = ("step", branch_filter("case__branch_id"))
    search_fields = ("case__name",)
    list_select_related = ("case",)
    autocomplete_fields = ("case",)
    readonly_fields = ("entitled_count", "attended_count", "entitled_list")

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """A new vote starts from the list of those entitled (publicity/voters.py); a recorded
        one shows who was entitled and present, and the exclusions below."""
        counts = ("written_count", "written_opinions", "yes", "no", "abstain")
        if obj is None:
            return ("case", "step", "held_on", "voters", *counts)
        return ("case", "step", "held_on", "entitled_count", "entitled_list", "attended_count",
                "attended", *counts)  # fmt: skip

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return [ExclusionInline] if obj is not None else []

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        voters = path("voters/", wrap(self.voters_view), name="publicity_branchvote_voters")
        return [voters, *super().get_urls()]

    def voters_view(self, request: HttpRequest) -> HttpResponse:
        """The form's list for the case and date asked (a case the user may record votes of)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request)(initial=request.GET.dict())
        return HttpResponse(render_voters(form.fields["voters"].widget.listed))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description="有表决权的正式党员")
    def entitled_list(self, vote: BranchVote) -> str:
        return "、".join(m.name for m in vote.entitled.all())

    @admin.display(description="表决结果")
    def outcome(self, vote: BranchVote) -> str:
        return vote.failure or "通过"


# --- 公示 and its record book ------------------------------------------------------------------
class OpinionInline(ScopedTabularInline):
    model = Opinion
    extra = 0
    fields = ("received_at", "source", "text", "sender_name", "status", "checker", "finding",
              "closed_on")  # fmt: skip
    readonly_fields = ("received_at", "closed_on")
    verbose_name_plural = "公示记录簿：收到的意见及核实情况"


class NoticeForm(ServiceCheckedForm):
    withdraw_reason = forms.CharField(
        label="撤回公示",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="填写撤回原因并保存，即从公示栏撤下（须审批的上级党委）。",
    )

    def service_errors(self, instance: Any) -> dict[str, str]:
        if (
            instance.is_published
            and instance.pk
            and {"starts_on", "case", "community"} & set(self.changed_data)
        ):
            return {"starts_on": "已发布的公示不能修改公示对象、社区和开始日期"}
        if self.cleaned_data.get("withdraw_reason", "").strip():
            if not instance.is_published or instance.is_withdrawn:
                return {"withdraw_reason": "只有已发布且未撤回的公示才能撤回"}
            return {}
        if not instance.is_published and instance.case_id:
            return services.notice_errors(instance)
        return {}

    class Meta:
        model = Notice
        fields = ("case", "community", "starts_on", "contact", "unit_place", "unit_starts_on",
                  "unit_ends_on")  # fmt: skip


@admin.register(Notice)
class NoticeAdmin(ScopedHistoryAdmin):
    form = NoticeForm
    # A reason given in 撤回公示 withdraws the notice instead (services.notice_save).
    model_services = Services(
        "notice", services.notice_save, arguments=form_values("withdraw_reason")
    )
    inline_services = {Opinion: Services("opinion", services.opinion_save)}
    inlines = [OpinionInline]
    list_display = ("case", "community", "starts_on", "ends_on", "state", "open_opinions",
                    "printouts")  # fmt: skip
    list_filter = ("community",)
    search_fields = ("case__name",)
    list_select_related = ("case", "community")
    autocomplete_fields = ("case",)
    readonly_fields = ("ends_on", "published_at", "withdrawn_at", "withdrawn_reason",
                       "public_preview")  # fmt: skip
    actions = ["publish"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notice]:
        still_open = Q(opinions__status__in=[OpinionStatus.OPEN, OpinionStatus.CHECKING])
        return (
            super().get_queryset(request).annotate(open_count=Count("opinions", filter=still_open))
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "community":  # the candidate's residence: any community
            kwargs["queryset"] = Organization.objects.communities()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        extra = ("ends_on", "published_at", "public_preview") if obj else ()
        withdraw: tuple[str, ...] = ()
        if obj is not None and obj.is_published:
            withdraw = (
                ("withdrawn_at", "withdrawn_reason") if obj.is_withdrawn else ("withdraw_reason",)
            )
        return (*NoticeForm.Meta.fields, *extra, *withdraw)

    @admin.display(description="状态")
    def state(self, notice: Notice) -> str:
        if not notice.is_published:
            return "未发布"
        if notice.is_withdrawn:
            return "已撤回"
        today = timezone.localdate()
        if notice.starts_on > today:
            return "待开始"
        return "已结束" if notice.has_ended(today) else f"公示中（剩{notice.days_left(today)}天）"

    @admin.display(description="未办结意见")
    def open_opinions(self, notice: Notice) -> str:
        count = getattr(notice, "open_count", 0)
        return problem_flag(count > 0, f"{count}条") or "0"

    @admin.display(description="打印")
    def printouts(self, notice: Notice) -> str:
        return format_html(
            '<a href="{}">公示（A4）</a> · <a href="{}">公示记录簿</a>',
            print_url(NOTICE_POSTER, notice=notice.pk),
            print_url(NOTICE_RECORD_BOOK, notice=notice.pk),
        )

    @admin.display(description="居民看到的内容")
    def public_preview(self, notice: Notice) -> str:
        if not notice.is_published:
            return "发布后生成（只含姓名、性别、年龄、民族、学历、职务、确定为积极分子时间和培养考察情况）"
        return format_html(
            "{}，{}，{}岁，{}，{}，{}；{}确定为入党积极分子。{}",
            notice.name, notice.gender, notice.age, notice.ethnicity, notice.education,
            notice.position, notice.activist_on, notice.assessment,
        )  # fmt: skip

    @admin.action(description="发布所选公示", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        run_service_action(
            self,
            request,
            queryset.select_related("case", "case__branch"),
            services.notice_publish,
            entity="notice",
            done_message="已发布{n}条公示。",
        )


class OpinionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Opinion
        fields = ("notice", "source", "text", "sender_name", "sender_phone", "received_at",
                  "status", "checker", "finding", "closed_on")  # fmt: skip


@admin.register(Opinion)
class OpinionAdmin(PersonalDataAdminMixin, ScopedHistoryAdmin):
    form = OpinionForm
    model_services = Services("opinion", services.opinion_save)
    list_display = ("notice", "received_at", "source", "short_text", "status", "checker",
                    "closed_on")  # fmt: skip
    list_filter = ("status", "source")
    search_fields = ("notice__name", "text")
    list_select_related = ("notice", "notice__case")
    autocomplete_fields = ("notice",)

    @admin.display(description="反映内容")
    def short_text(self, opinion: Opinion) -> str:
        return opinion.text[:40]


# --- 党务公开 -------------------------------------------------------------------------------------
@admin.register(BoardItem)
class BoardItemAdmin(ScopedAdmin):
    model_services = Services("item", services.board_item_save)
    list_display = ("title", "community", "kind", "publish_on", "end_on", "published")
    list_filter = ("kind", "published", community_filter())
    search_fields = ("title",)
    list_select_related = ("community",)
    fields = ("community", "kind", "title", "body", "publish_on", "end_on", "published")
