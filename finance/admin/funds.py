"""Admin of 党建经费: budgets (set by the sub-district), the chain's step holders, and monthly
spending plans with their items, their signatures, the page that takes a step, and the PDF."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from common.admin import community_filter
from kit.admin import (
    ScopedHistoryAdmin,
    ScopedTabularInline,
    ServiceCheckedForm,
    Services,
    error_text,
)
from kit.forms import ThemedForm

from .. import rules, selectors
from ..models import FundApprover, FundBudget, PlanSignature, SpendingItem, SpendingPlan
from ..services import funds as services
from .dues import MonthField, RefusedSaveMixin


@admin.register(FundBudget)
class FundBudgetAdmin(ScopedHistoryAdmin):
    model_services = Services("budget", services.fund_budget_save)
    list_display = ("community", "year", "amount", "monthly", "activity_per_member",
                    "education_per_member", "hardship_fund")  # fmt: skip
    list_filter = ("year", community_filter())
    list_select_related = ("community",)

    @admin.display(description="每月拨付")
    def monthly(self, budget: FundBudget) -> str:
        return f"{rules.monthly_installment(budget.amount)}"


@admin.register(FundApprover)
class FundApproverAdmin(ScopedHistoryAdmin):
    """Who holds each sub-district step of the chain; the community head's step is held by the
    community's 社区党组织书记 (their access role)."""

    model_services = Services(
        "approver", services.fund_approver_save, services.fund_approver_delete
    )
    list_display = ("sub_district", "step", "user", "user_name", "is_active")
    list_filter = ("step", "is_active")
    list_select_related = ("sub_district", "user")
    autocomplete_fields = ("user",)

    def _holds_a_step(self, request: HttpRequest) -> bool:
        """A step holder never names the holders (the service refuses it too)."""
        user: Any = request.user
        if user.is_superuser:
            return False
        cached: dict[str, bool] = request.__dict__.setdefault("_fund_step_holder", {})
        if "holds" not in cached:
            steps = FundApprover.objects.filter(user_id=user.pk or 0, is_active=True)
            cached["holds"] = steps.exists()
        return cached["holds"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not self._holds_a_step(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._holds_a_step(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self._holds_a_step(request)

    @admin.display(description="姓名")
    def user_name(self, approver: FundApprover) -> str:
        return approver.user.get_full_name()

    def get_autocomplete_fields(self, request: HttpRequest) -> Any:
        from django.contrib.admin.sites import site
        from django.contrib.auth import get_user_model

        user_admin = site._registry.get(get_user_model())
        return ("user",) if user_admin is not None and user_admin.get_search_fields(request) else ()


class SpendingItemInline(ScopedTabularInline):
    model = SpendingItem
    fields = ("description", "use", "amount")
    extra = 1

    def _parent_editable(self, request: HttpRequest, obj: Any) -> bool:
        return (obj is None or obj.is_editable_draft) and super()._parent_editable(request, obj)


class PlanSignatureInline(ScopedTabularInline):
    model = PlanSignature
    fields = ("step", "signer_name", "approved", "signed_at", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "审批签署"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


class AwaitingFilter(admin.SimpleListFilter):
    """待我办理: the plans whose current step is the user's (the 工作台's to-do opens it)."""

    title = "待我办理"
    parameter_name = "awaiting"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("mine", "待我办理")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "mine":
            return queryset.filter(selectors.plans_awaiting_q(request.user))
        return queryset


class SpendingPlanForm(ServiceCheckedForm):
    month = MonthField(label="月份", help_text="如2026-05。")

    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.spending_plan_errors(instance)

    class Meta:
        model = SpendingPlan
        fields = ("community", "month")


class ActForm(ThemedForm):
    decision = forms.ChoiceField(label="办理", choices=[("approve", "同意（签署）"), ("return", "退回修改")],
                                 widget=forms.RadioSelect, initial="approve")  # fmt: skip
    comment = forms.CharField(label="意见", required=False, max_length=200,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


@admin.register(SpendingPlan)
class SpendingPlanAdmin(RefusedSaveMixin, ScopedHistoryAdmin):
    form = SpendingPlanForm
    model_services = Services(
        "plan",
        services.spending_plan_save,
        services.spending_plan_delete,
        notice=lambda plan, change: (
            None if change else services.spending_plan_notice(plan, today=timezone.localdate())
        ),
    )
    inline_services = {
        SpendingItem: Services("item", services.spending_item_save, services.spending_item_delete)
    }
    inlines = [SpendingItemInline, PlanSignatureInline]
    list_display = ("community", "month_label", "total", "status", "next_step", "act_link")
    list_filter = (AwaitingFilter, "status", community_filter())
    list_select_related = ("community",)

    def get_queryset(self, request: HttpRequest) -> Any:
        """Each row knows whether its current step is the user's (the 办理 button)."""
        mine = selectors.plans_awaiting_q(request.user)
        awaits = Case(
            When(mine, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        return super().get_queryset(request).annotate(awaits_user=awaits)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("community", "month", "status", "total") if obj and obj.pk else ("status",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        draft = obj is None or obj.is_editable_draft
        return super().has_change_permission(request, obj) and draft

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        draft = obj is None or obj.is_editable_draft
        return super().has_delete_permission(request, obj) and draft

    @admin.display(description="月份", ordering="month")
    def month_label(self, plan: SpendingPlan) -> str:
        return rules.month_label(plan.month)

    @admin.display(description="待办环节")
    def next_step(self, plan: SpendingPlan) -> str:
        step = rules.chain_step(plan.status)
        return str(step.label) if step else "—"

    @admin.display(description="审批")
    def act_link(self, plan: SpendingPlan) -> str:
        """办理 only where the plan's current step is the user's."""
        if rules.chain_step(plan.status) is None or not getattr(plan, "awaits_user", False):
            return "—"
        url = reverse("admin:finance_spendingplan_act", args=[plan.pk])
        return format_html('<a href="{}">办理</a>', url)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        plan = self.get_object(request, object_id)
        balance = selectors.fund_balance(plan.community_id, plan.month.year)
        extra = {"subtitle": f"{plan.get_status_display()}；本年度预算{balance.budget}元，"
                             f"已列入审批或拨付{balance.committed}元，余额{balance.remaining}元"}  # fmt: skip
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.act_view)
        return [path("<int:pk>/act/", view, name="finance_spendingplan_act"), *super().get_urls()]

    def act_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Take the plan's current step: sign or send back, with a comment."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        plan = get_object_or_404(self.get_queryset(request).select_related("community"), pk=pk)
        step = rules.chain_step(plan.status)
        form = ActForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.spending_plan_act(
                    plan=plan, actor=request.user, approve=form.cleaned_data["decision"] == "approve",
                    comment=form.cleaned_data["comment"],
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, error_text(error), messages.ERROR)
            else:
                self.message_user(
                    request, f"已办理“{step.label if step else ''}”。", messages.SUCCESS
                )
                return redirect("admin:finance_spendingplan_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"办理：{plan}",
            "plan": plan,
            "step": step,
            "form": form,
            "plan_heading": f"{plan.community} {plan.month.year}年{plan.month.month}月党建经费支出计划",
            "items_table": _items_table(plan),
            "signatures_table": _signatures_table(plan),
            "balance": selectors.fund_balance(plan.community_id, plan.month.year),
            "allowance": selectors.fund_allowance(
                plan.community_id, plan.month, excluding_plan=plan.pk
            ),
        }
        return TemplateResponse(request, "finance/spendingplan_act.html", context)


def _items_table(plan: SpendingPlan) -> dict[str, Any]:
    """The plan's items as unfold's table component draws them, the total last."""
    rows = [
        [item.description, item.get_use_display() or "（未标明用途）", item.amount]
        for item in plan.items.order_by("pk")
    ]
    total = format_html("<strong>{}</strong>", plan.total)
    return {"headers": ["支出事项", "用途", "金额（元）"], "rows": [*rows, ["合计", "", total]]}


def _signatures_table(plan: SpendingPlan) -> dict[str, Any]:
    rows = [
        [
            signature.get_step_display(),
            signature.signer_name,
            ("同意" if signature.approved else "退回")
            + (f"：{signature.comment}" if signature.comment else ""),
            f"{timezone.localtime(signature.signed_at):%Y-%m-%d %H:%M}",
        ]
        for signature in plan.signatures.order_by("signed_at", "pk")
    ]
    return {"headers": ["环节", "签署人", "意见", "时间"], "rows": rows}
