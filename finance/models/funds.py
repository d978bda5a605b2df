"""党建经费: each community's yearly budget, who holds each step of the approval chain, and the
monthly spending plans with their items and signatures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organizations.models import Organization
from organizations.rules import COMMUNITY_KINDS, OrganizationKind
from organizations.scope import ANY, Scope, ScopedQuerySet, any_of, within

from ..rules import SUB_DISTRICT_STEPS, ChainStep, FundUse, PlanStatus

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


def _default_budget() -> Decimal:
    return Decimal(settings.FINANCE_FUND_YEARLY_BUDGET)


def _default_activity() -> Decimal:
    return Decimal(settings.FINANCE_ACTIVITY_PER_MEMBER)


def _default_education() -> Decimal:
    return Decimal(settings.FINANCE_EDUCATION_PER_MEMBER)


def _default_hardship() -> Decimal:
    return Decimal(settings.FINANCE_HARDSHIP_FUND)


class FundBudgetQuerySet(ScopedQuerySet["FundBudget"]):
    scope_lookups = ("community_id",)


class FundBudget(models.Model):
    """A community's 党建经费 for a year, set by the sub-district (paid monthly), with the
    per-member allocations of 001 and the hardship fund."""

    community = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="fund_budgets",
        limit_choices_to={"kind__in": COMMUNITY_KINDS}, verbose_name="社区",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("党建经费（元/年）", **MONEY, default=_default_budget)
    activity_per_member = models.DecimalField(
        "组织活动经费（元/人/年）", **MONEY, default=_default_activity
    )
    education_per_member = models.DecimalField(
        "教育培训经费（元/人/年）", **MONEY, default=_default_education
    )
    hardship_fund = models.DecimalField(
        "困难党员帮扶资金（元）", **MONEY, default=_default_hardship
    )
    history = HistoricalRecords()

    objects = FundBudgetQuerySet.as_manager()

    class Meta:
        verbose_name = "党建经费预算"
        verbose_name_plural = "党建经费预算"
        ordering = ["-year", "community__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year"],
                name="one_fund_budget_per_community_year",
                violation_error_message="该社区本年度已有党建经费预算。",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(hardship_fund__gte=0),
                name="fund_budget_not_negative",
                violation_error_message="金额不能为负数。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.year}年党建经费"

    def clean(self) -> None:
        if self.community_id and self.community.kind not in COMMUNITY_KINDS:
            raise ValidationError({"community": "党建经费预算按社区党委或社区党总支设立"})


class FundApproverQuerySet(ScopedQuerySet["FundApprover"]):
    """Set by the sub-district; seen there and by its communities (who approves their plans)."""

    scope_lookups = ("sub_district_id",)

    @classmethod
    def visible_condition(cls, scope: Scope) -> Q:
        if scope.visible is None:
            return ANY
        parents = Organization.objects.filter(within("pk", scope.visible)).values("parent_id")
        return any_of(within("sub_district_id", scope.visible), Q(sub_district_id__in=parents))


class FundApprover(models.Model):
    """Who holds a sub-district step of the approval chain (组织委员, 分管副书记, 街道主任,
    财政所). Kept here, not as an access role: the step is a duty in the chain, the user's scope
    comes from their OrganizationAccess as always."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fund_steps",
        verbose_name="用户",
    )  # fmt: skip
    sub_district = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="fund_approvers",
        limit_choices_to={"kind": OrganizationKind.SUB_DISTRICT}, verbose_name="街道党工委",
    )  # fmt: skip
    step = models.CharField(
        "审批环节", max_length=24, choices=[(s.value, s.label) for s in SUB_DISTRICT_STEPS]
    )
    is_active = models.BooleanField("在任", default=True)
    history = HistoricalRecords()

    objects = FundApproverQuerySet.as_manager()

    class Meta:
        verbose_name = "经费审批人"
        verbose_name_plural = "经费审批人"
        ordering = ["sub_district__code", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sub_district", "step"],
                name="one_fund_approver_per_user_step",
                violation_error_message="该用户已担任这个审批环节。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sub_district} {self.get_step_display()} {self.user}"

    def clean(self) -> None:
        if self.sub_district_id and self.sub_district.kind != OrganizationKind.SUB_DISTRICT:
            raise ValidationError({"sub_district": "审批人按街道党工委设置"})


class SpendingPlanQuerySet(ScopedQuerySet["SpendingPlan"]):
    scope_lookups = ("community_id",)

    def committed(self) -> SpendingPlanQuerySet:
        from ..rules import COMMITTED_STATUSES

        return self.filter(status__in=COMMITTED_STATUSES)


class SpendingPlan(models.Model):
    """A community's monthly 党建经费 spending plan, item by item, through the approval chain."""

    community = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="spending_plans",
        limit_choices_to={"kind__in": COMMUNITY_KINDS}, verbose_name="社区",
    )  # fmt: skip
    month = models.DateField("月份", help_text="该月1日。")
    status = models.CharField(
        "状态", max_length=24, choices=PlanStatus.choices, default=PlanStatus.DRAFT,
        editable=False,
    )  # fmt: skip
    total = models.DecimalField("合计", **MONEY, default=0, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", editable=False, verbose_name="提交人",
    )  # fmt: skip
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = SpendingPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "党建经费支出计划"
        verbose_name_plural = "党建经费支出计划"
        ordering = ["-month", "community__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "month"],
                name="one_spending_plan_per_community_month",
                violation_error_message="该社区这个月已有支出计划。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.month.year}年{self.month.month}月党建经费支出计划"

    def clean(self) -> None:
        errors = {}
        if self.month and self.month.day != 1:
            errors["month"] = "月份应填写为该月1日"
        if self.community_id and self.community.kind not in COMMUNITY_KINDS:
            errors["community"] = "支出计划由社区党委或社区党总支编制"
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable_draft(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


class SpendingItemQuerySet(ScopedQuerySet["SpendingItem"]):
    scope_lookups = ("plan__community_id",)


class SpendingItem(models.Model):
    plan = models.ForeignKey(
        SpendingPlan, on_delete=models.CASCADE, related_name="items", verbose_name="支出计划"
    )
    description = models.CharField("支出事项", max_length=200)
    use = models.CharField(
        "用途", max_length=24, choices=FundUse.choices, blank=True,
        help_text="党建经费只能用于这四类用途。",
    )  # fmt: skip
    amount = models.DecimalField("金额", **MONEY)
    history = HistoricalRecords()

    objects = SpendingItemQuerySet.as_manager()

    class Meta:
        verbose_name = "支出项目"
        verbose_name_plural = "支出项目"
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}元"


class PlanSignatureQuerySet(ScopedQuerySet["PlanSignature"]):
    scope_lookups = ("plan__community_id",)


class PlanSignature(models.Model):
    """One step of the chain on a plan: who, when, approved or sent back, with a comment."""

    plan = models.ForeignKey(
        SpendingPlan, on_delete=models.CASCADE, related_name="signatures", verbose_name="支出计划"
    )
    step = models.CharField("环节", max_length=24, choices=ChainStep.choices)
    approved = models.BooleanField("同意", help_text="否：退回修改。")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="签署人"
    )
    signer_name = models.CharField("签署人姓名", max_length=50)
    signed_at = models.DateTimeField("签署时间")
    comment = models.CharField("意见", max_length=200, blank=True)

    objects = PlanSignatureQuerySet.as_manager()

    class Meta:
        verbose_name = "审批签署"
        verbose_name_plural = "审批签署"
        ordering = ["plan", "signed_at", "pk"]

    def __str__(self) -> str:
        verdict = "同意" if self.approved else "退回"
        return f"{self.get_step_display()} {self.signer_name} {verdict}"
