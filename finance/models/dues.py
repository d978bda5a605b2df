"""党费: incomes with their effective month, the yearly fixed amounts (核定), reductions and
waivers, payments, and the published summaries (党费收缴公示)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from members.models import Member
from members.models.member import MemberQuerySet
from organizations.models import Organization
from organizations.scope import People, ScopedQuerySet

from .. import rules
from ..rules import DuesBasis, PaymentKind, PaymentMethod, ReliefKind, ReliefStatus

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


def _first_of_month(value: dt.date | None, field: str) -> dict[str, str]:
    if value is not None and value.day != 1:
        return {field: "月份应填写为该月1日"}
    return {}


class MemberRecordQuerySet(ScopedQuerySet[Any]):
    """A record about one member: seen and written where the member's branch is."""

    scope_people = People(branch="member__branch_id")


class IncomeChange(models.Model):
    """A new income (党费基数) and the month it is first paid: it applies from that month and,
    within the year, replaces the fixed amount (核定)."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="income_changes", verbose_name="党员"
    )
    effective_month = models.DateField("起算月份", help_text="新收入第一次发放的月份（该月1日）。")
    monthly_income = models.DecimalField("月收入", **MONEY, help_text="税后月收入（元）。")
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "收入变化"
        verbose_name_plural = "收入变化"
        ordering = ["member__name", "-effective_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "effective_month"],
                name="one_income_change_per_member_month",
                violation_error_message="该党员这个月已登记收入变化。",
            ),
            models.CheckConstraint(
                condition=Q(monthly_income__gte=0),
                name="income_change_not_negative",
                violation_error_message="月收入不能为负数。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.effective_month:%Y-%m}起 {self.monthly_income}元"

    def clean(self) -> None:
        if errors := _first_of_month(self.effective_month, "effective_month"):
            raise ValidationError(errors)


class DuesAssessment(models.Model):
    """核定: the monthly amount the branch fixes for a member at the start of a year. Computed
    from the income in effect (farmers: the amount set for them), never typed."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="dues_assessments", verbose_name="党员"
    )
    year = models.PositiveSmallIntegerField("年度")
    basis = models.CharField("计算依据", max_length=16, choices=DuesBasis.choices)
    monthly_income = models.DecimalField("月收入", **MONEY, null=True, blank=True)
    rate = models.CharField("缴纳比例", max_length=8)
    monthly_amount = models.DecimalField("每月应缴", **MONEY)
    fixed_on = models.DateField("核定日期")
    history = HistoricalRecords()

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "党费核定"
        verbose_name_plural = "党费核定"
        ordering = ["-year", "member__branch__code", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="one_dues_assessment_per_member_year",
                violation_error_message="该党员本年度的党费已核定。",
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0),
                name="dues_assessment_not_negative",
                violation_error_message="每月应缴不能为负数。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}年 每月{self.monthly_amount}元"


class DuesRelief(models.Model):
    """减交或免交: decided by the branch, valid once the higher committee approves it."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="dues_reliefs", verbose_name="党员"
    )
    kind = models.CharField("类型", max_length=8, choices=ReliefKind.choices)
    first_month = models.DateField("起始月份", help_text="该月1日。")
    last_month = models.DateField("截止月份", help_text="该月1日。")
    monthly_amount = models.DecimalField(
        "减交后每月金额", **MONEY, default=0, help_text="免交的为0。"
    )
    reason = models.CharField("原因", max_length=200)
    branch_decided_on = models.DateField("支部决定日期")
    branch_decision = models.CharField(
        "支部决定", max_length=200, help_text="如：2026年3月支部委员会会议决定。"
    )
    status = models.CharField(
        "状态", max_length=12, choices=ReliefStatus.choices, default=ReliefStatus.PENDING,
        editable=False,
    )  # fmt: skip
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", editable=False, verbose_name="上级党委审批人",
    )  # fmt: skip
    approved_on = models.DateField("上级批准日期", null=True, blank=True, editable=False)
    approval_comment = models.CharField("上级审批意见", max_length=200, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name="支部决定登记人",
    )  # fmt: skip
    history = HistoricalRecords()

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "党费减免"
        verbose_name_plural = "党费减免"
        ordering = ["-first_month", "member__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_month__gte=models.F("first_month")),
                name="dues_relief_ends_after_start",
                violation_error_message="截止月份不能早于起始月份。",
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0),
                name="dues_relief_not_negative",
                violation_error_message="金额不能为负数。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.first_month:%Y-%m}至{self.last_month:%Y-%m}"

    def clean(self) -> None:
        errors = {
            **_first_of_month(self.first_month, "first_month"),
            **_first_of_month(self.last_month, "last_month"),
        }
        if self.first_month and self.last_month and self.last_month < self.first_month:
            errors["last_month"] = "截止月份不能早于起始月份"
        if self.kind == ReliefKind.WAIVE and self.monthly_amount:
            errors["monthly_amount"] = "免交的金额应为0"
        if self.kind == ReliefKind.REDUCE and not self.monthly_amount:
            errors["monthly_amount"] = "减交应填写减交后每月金额；全部不交的请选“免交”"
        if errors:
            raise ValidationError(errors)


class DuesPaymentQuerySet(MemberRecordQuerySet):
    def standing(self) -> DuesPaymentQuerySet:
        """Payments that count: not reversed (冲正)."""
        return self.filter(reversed_at__isnull=True)

    def reversed(self) -> DuesPaymentQuerySet:
        """Payments reversed (冲正): kept with the reason, counted nowhere."""
        return self.filter(reversed_at__isnull=False)

    def regular(self) -> DuesPaymentQuerySet:
        """Months' dues that count (a reversed payment settles nothing)."""
        return self.standing().filter(kind=PaymentKind.DUES)


class DuesPayment(models.Model):
    """One payment: a month's dues (the amount owed, never typed), or a voluntary extra."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="dues_payments", verbose_name="党员"
    )
    kind = models.CharField("类型", max_length=12, choices=PaymentKind.choices, default="dues")
    period = models.DateField("所属月份", help_text="该月1日。")
    amount = models.DecimalField("金额", **MONEY)
    paid_on = models.DateField("交纳日期")
    method = models.CharField("交纳方式", max_length=12, choices=PaymentMethod.choices)
    proxy_name = models.CharField("代交人", max_length=50, blank=True)
    is_central_remittance = models.BooleanField(
        "全额上缴中央", default=False, editable=False,
        help_text=f"一次自愿多交{rules.CENTRAL_REMITTANCE_THRESHOLD}元以上的，全额上缴中央。",
    )  # fmt: skip
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name="登记人",
    )  # fmt: skip
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    # 冲正: a payment recorded in error is never deleted; it is reversed, with the reason and who.
    reversed_at = models.DateTimeField("冲正时间", null=True, blank=True, editable=False)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name="冲正人",
    )  # fmt: skip
    reversal_reason = models.CharField("冲正原因", max_length=200, blank=True, editable=False)
    history = HistoricalRecords()

    objects = DuesPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = "党费交纳"
        verbose_name_plural = "党费交纳"
        ordering = ["-period", "member__branch__code", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "period"],
                condition=Q(kind="dues", reversed_at__isnull=True),
                name="one_dues_payment_per_member_month",
                violation_error_message="该党员这个月的党费已交纳。",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="dues_payment_positive",
                violation_error_message="金额应大于0。",
            ),
        ]
        indexes = [models.Index(fields=["period", "kind"])]

    def __str__(self) -> str:
        reversed_mark = "（已冲正）" if self.reversed_at else ""
        return f"{self.member} {self.period:%Y-%m} {self.amount}元{reversed_mark}"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None

    def clean(self) -> None:
        errors = _first_of_month(self.period, "period")
        if self.method == PaymentMethod.PROXY and not self.proxy_name:
            errors["proxy_name"] = "委托他人代交的，请填写代交人"
        if errors:
            raise ValidationError(errors)


class MemberDues(Member):
    """党费收缴情况: the members seen from their dues (the arrears list of the workbench)."""

    objects = MemberQuerySet.as_manager()  # type: ignore[misc]
    # A view of the members' dues, read only: the member's own audit trail is in the members app.
    history = None  # type: ignore[assignment,misc]

    class Meta:
        proxy = True
        verbose_name = "党员党费情况"
        verbose_name_plural = "党员党费情况"


# --- 党费收缴公示 --------------------------------------------------------------------------------
class DuesPublicationQuerySet(ScopedQuerySet["DuesPublication"]):
    scope_lookups = ("branch_id",)

    def published(self) -> DuesPublicationQuerySet:
        return self.filter(published=True)


class DuesPublication(models.Model):
    """A branch's collection summary for a period, for the public board: names and amounts
    only, copied when it is drawn up (a later change of the records does not alter it)."""

    branch = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="dues_publications",
        verbose_name="党支部",
    )  # fmt: skip
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    published = models.BooleanField("已公示", default=False, editable=False)
    published_on = models.DateField("公示日期", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    objects = DuesPublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "党费收缴公示"
        verbose_name_plural = "党费收缴公示"
        ordering = ["-last_month", "branch__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "first_month", "last_month"],
                name="one_dues_publication_per_branch_period",
                violation_error_message="该支部这一期间的公示已生成。",
            ),
            models.CheckConstraint(
                condition=Q(last_month__gte=models.F("first_month")),
                name="dues_publication_period_order",
                violation_error_message="截止月份不能早于起始月份。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.period_label}党费收缴公示"

    @property
    def period_label(self) -> str:
        if self.first_month == self.last_month:
            return rules.month_label(self.first_month)
        return f"{rules.month_label(self.first_month)}至{rules.month_label(self.last_month)}"


class DuesPublicationLineQuerySet(ScopedQuerySet["DuesPublicationLine"]):
    scope_lookups = ("publication__branch_id",)


class DuesPublicationLine(models.Model):
    publication = models.ForeignKey(
        DuesPublication, on_delete=models.CASCADE, related_name="lines", verbose_name="公示"
    )
    position = models.PositiveIntegerField("序号")
    member_name = models.CharField("姓名", max_length=50)
    amount = models.DecimalField("交纳金额", **MONEY)

    objects = DuesPublicationLineQuerySet.as_manager()

    class Meta:
        verbose_name = "公示名单"
        verbose_name_plural = "公示名单"
        ordering = ["publication", "position"]

    def __str__(self) -> str:
        return f"{self.member_name} {self.amount}"
