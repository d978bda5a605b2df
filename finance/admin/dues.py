"""Admin of 党费: incomes, 核定, reductions and waivers, payments (with the spreadsheet import),
each member's dues status (arrears flags, the yearly 核定 and the ledger export) and the 公示."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from import_export.admin import ImportMixin

from common.admin import branch_filter
from kit.admin import (
    ReadOnlyAdminMixin,
    ScopedAdmin,
    ScopedHistoryAdmin,
    ScopedTabularInline,
    ServiceCheckedForm,
    Services,
    SpreadsheetAdminMixin,
    choice_filter,
    error_text,
    problem_flag,
    run_service_action,
)
from members.admin.personal import PersonalDataAdminMixin

from .. import rules, selectors
from ..forms import DuesMonthsForm
from ..models import (
    DuesAssessment,
    DuesPayment,
    DuesPublication,
    DuesPublicationLine,
    DuesRelief,
    IncomeChange,
    MemberDues,
    PaymentKind,
    ReliefStatus,
)
from ..resources import DuesPaymentResource
from ..rules import ARREARS_LAPSE_MONTHS, ARREARS_WARN_MONTHS
from ..services import dues as services

MEMBER_BRANCH = branch_filter("member__branch_id")


class RefusedSaveMixin:
    """A save the form found valid may still be refused by the service, inside its row lock,
    when another user changed the row meanwhile (a payment just recorded, a plan just signed):
    the user sees the reason on the page again, nothing half-saved, never an error page."""

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:  # fmt: skip
        try:
            return super().changeform_view(  # type: ignore[misc,no-any-return]
                request, object_id, form_url, extra_context
            )
        except ValidationError as error:  # a refusal of permission stays a 403
            self.message_user(request, error_text(error), messages.ERROR)  # type: ignore[attr-defined]
            return redirect(request.get_full_path())


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (or a day of it): stored as its first day."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


# --- 收入变化 ----------------------------------------------------------------------------------------
class IncomeChangeForm(forms.ModelForm):  # type: ignore[type-arg]
    effective_month = MonthField(label="起算月份", help_text="新收入第一次发放的月份，如2026-03。")

    class Meta:
        model = IncomeChange
        fields = ("member", "effective_month", "monthly_income", "note")


@admin.register(IncomeChange)
class IncomeChangeAdmin(ScopedHistoryAdmin):
    form = IncomeChangeForm
    model_services = Services("change", services.income_change_save, services.income_change_delete)
    list_display = ("member", "member_branch", "effective_month", "monthly_income", "note")
    list_filter = (MEMBER_BRANCH,)
    search_fields = ("member__name",)
    list_select_related = ("member", "member__branch")
    autocomplete_fields = ("member",)

    @admin.display(description="所在党组织", ordering="member__branch__code")
    def member_branch(self, change: IncomeChange) -> str:
        return str(change.member.branch)


# --- 核定 -----------------------------------------------------------------------------------------------
@admin.register(DuesAssessment)
class DuesAssessmentAdmin(ReadOnlyAdminMixin, ScopedHistoryAdmin):  # type: ignore[misc]
    """Read only: a 核定 is computed by the action on 党员党费情况, never typed."""

    deletable = True
    list_display = ("member", "member_branch", "year", "basis", "monthly_income", "rate",
                    "monthly_amount", "fixed_on")  # fmt: skip
    list_filter = ("year", "basis", MEMBER_BRANCH)
    search_fields = ("member__name",)
    list_select_related = ("member", "member__branch")

    @admin.display(description="所在党组织", ordering="member__branch__code")
    def member_branch(self, assessment: DuesAssessment) -> str:
        return str(assessment.member.branch)


# --- 减交、免交 ------------------------------------------------------------------------------------------
class DuesReliefForm(ServiceCheckedForm):
    first_month = MonthField(label="起始月份", help_text="如2026-03。")
    last_month = MonthField(label="截止月份", help_text="如2026-06。")

    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.dues_relief_errors(instance)

    class Meta:
        model = DuesRelief
        fields = ("member", "kind", "first_month", "last_month", "monthly_amount", "reason",
                  "branch_decided_on", "branch_decision")  # fmt: skip


@admin.register(DuesRelief)
class DuesReliefAdmin(ScopedHistoryAdmin):
    form = DuesReliefForm
    model_services = Services("relief", services.dues_relief_save)
    list_display = ("member", "kind", "first_month", "last_month", "monthly_amount", "reason",
                    "branch_decided_on", "status", "approved_by", "approved_on")  # fmt: skip
    list_filter = ("status", "kind", MEMBER_BRANCH)
    search_fields = ("member__name", "reason")
    list_select_related = ("member", "approved_by")
    autocomplete_fields = ("member",)
    readonly_fields = ("status", "approved_by", "approved_on", "approval_comment")
    actions = ["approve", "reject"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        pending = obj is None or obj.status == ReliefStatus.PENDING
        return super().has_change_permission(request, obj) and pending

    @admin.action(description="上级党委批准所选减免", permissions=["view"])
    def approve(self, request: HttpRequest, queryset: QuerySet[DuesRelief]) -> None:
        run_service_action(self, request, queryset.select_related("member__branch"),
                           services.dues_relief_approve, entity="relief", done_message="已批准{n}项减免。")  # fmt: skip

    @admin.action(description="上级党委不批准所选减免", permissions=["view"])
    def reject(self, request: HttpRequest, queryset: QuerySet[DuesRelief]) -> None:
        run_service_action(self, request, queryset.select_related("member__branch"),
                           services.dues_relief_reject, entity="relief", done_message="已不批准{n}项减免。")  # fmt: skip


# --- 党费交纳 --------------------------------------------------------------------------------------------
class ReverseForm(forms.Form):
    reason = forms.CharField(label="冲正原因", max_length=200,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="如：金额登记错误、重复登记。冲正后该笔记录不再计入，须重新登记正确的交纳。")  # fmt: skip


REVERSED = choice_filter(
    "冲正", "reversed", {"no": ("有效记录", "standing"), "yes": ("已冲正", "reversed")}
)


class DuesPaymentForm(ServiceCheckedForm):
    period = MonthField(
        label="所属月份",
        required=False,
        help_text="按月党费所属的月份，如2026-03；自愿多交的不填。",
    )
    amount = forms.DecimalField(label="金额", required=False, max_digits=12, decimal_places=2,
                                help_text="按月党费按应缴金额自动计算，不用填写；自愿多交的填写金额。")  # fmt: skip

    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.dues_payment_errors(instance)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is not None:  # only the note may change
            return data
        if data.get("kind") == PaymentKind.VOLUNTARY:
            data["period"] = rules.month_start(data.get("paid_on") or timezone.localdate())
            if not data.get("amount"):
                self.add_error("amount", "请填写自愿多交的金额")
        elif not data.get("period"):
            self.add_error("period", "请填写所属月份")
        elif data.get("member"):
            owed = selectors.member_month_dues(data["member"], data["period"])
            if error := services.owed_error(data["member"], data["period"], owed):
                self.add_error("period", error)
            data["amount"] = owed.amount
        return data

    class Meta:
        model = DuesPayment
        fields = ("member", "kind", "period", "paid_on", "method", "proxy_name", "amount", "note")


@admin.register(DuesPayment)
class DuesPaymentAdmin(  # type: ignore[misc]
    RefusedSaveMixin, SpreadsheetAdminMixin, ImportMixin, ScopedHistoryAdmin
):
    form = DuesPaymentForm
    resource_classes = [DuesPaymentResource]
    model_services = Services("payment", services.dues_payment_save)
    list_display = ("member", "member_branch", "kind", "period", "amount", "paid_on", "method",
                    "proxy_name", "central_flag", "recorded_by", "reversed_flag")  # fmt: skip
    list_filter = ("kind", "period", "method", "is_central_remittance", REVERSED,
                   MEMBER_BRANCH)  # fmt: skip
    search_fields = ("member__name", "proxy_name")
    list_select_related = ("member", "member__branch", "recorded_by")
    autocomplete_fields = ("member",)
    date_hierarchy = "period"

    actions = ["reverse_payments"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.pk:
            return ("member", "kind", "period", "paid_on", "method", "proxy_name", "amount",
                    "is_central_remittance", "recorded_by", "reversed_at", "reversed_by",
                    "reversal_reason")  # fmt: skip
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """A payment is never deleted: one recorded in error is reversed (冲正) with a reason."""
        return False

    @admin.display(description="冲正", ordering="reversed_at")
    def reversed_flag(self, payment: DuesPayment) -> str:
        if payment.reversed_at is None:
            return ""
        return f"已冲正：{payment.reversal_reason}"

    @admin.action(description="冲正所选党费记录（须填写原因）", permissions=["change"])
    def reverse_payments(
        self, request: HttpRequest, queryset: QuerySet[DuesPayment]
    ) -> HttpResponse | None:
        """Asks for the reason on a page of its own, then reverses each selected payment."""
        form = ReverseForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason, done = form.cleaned_data["reason"], 0
            for payment in queryset.select_related("member"):
                try:
                    services.dues_payment_reverse(
                        payment=payment, actor=request.user, reason=reason
                    )
                    done += 1
                except (ValidationError, PermissionDenied) as error:
                    self.message_user(request, f"{payment}：{error_text(error)}", messages.ERROR)
            if done:
                self.message_user(request, f"已冲正{done}笔党费记录。", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "冲正党费记录",
            "payments": queryset.select_related("member"),
            "form": form,
            "action": "reverse_payments",
        }
        return TemplateResponse(request, "finance/duespayment_reverse.html", context)

    @admin.display(description="所在党组织", ordering="member__branch__code")
    def member_branch(self, payment: DuesPayment) -> str:
        return str(payment.member.branch)

    @admin.display(description="全额上缴中央", ordering="is_central_remittance")
    def central_flag(self, payment: DuesPayment) -> str:
        return problem_flag(payment.is_central_remittance, "全额上缴中央")


# --- 党员党费情况: arrears, 核定 and the ledger ----------------------------------------------------------
class ArrearsFilter(admin.SimpleListFilter):
    title = "欠交党费"
    parameter_name = "arrears"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("warned", f"连续{ARREARS_WARN_MONTHS}个月未交（应提醒）"),
            ("lapsed", f"连续{ARREARS_LAPSE_MONTHS}个月以上未交（按自行脱党处理）"),
            ("error", "无法计算党费（数据有误）"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in ("warned", "lapsed", "error"):
            return queryset
        found = selectors.arrears_member_ids(queryset, timezone.localdate())
        return queryset.filter(pk__in=found[str(self.value())])


class DuesErrorFilter(admin.SimpleListFilter):
    title = "党费数据错误"
    parameter_name = "dues_error"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1", "本月无法计算党费（未登记月收入等）")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() != "1":
            return queryset
        return queryset.filter(selectors.dues_error_q(timezone.localdate()))


@admin.register(MemberDues)
class MemberDuesAdmin(ReadOnlyAdminMixin, PersonalDataAdminMixin, ScopedAdmin):  # type: ignore[misc]
    """Each current member's dues: last month settled, months unpaid, the flag; the year's 核定
    as an action; the month's ledger as a spreadsheet (the same as `manage.py dues_ledger`).

    Its pages show no personal field (the member's own page is in the members app), so nothing
    is masked and no full view is logged."""

    fields = ("name", "branch", "status", "joined_on", "monthly_income")

    change_list_template = "finance/memberdues_change_list.html"
    list_display = ("name", "branch", "status", "last_settled_month", "unpaid", "arrears_flag")
    list_filter = (ArrearsFilter, DuesErrorFilter, branch_filter(), "status")
    search_fields = ("name",)
    list_select_related = ("branch",)
    actions = ["fix_year"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        self._today = timezone.localdate()
        self._standing: dict[int, selectors.DuesStanding] | None = None
        self._queryset = super().get_queryset(request).current()
        return selectors.with_dues_status(self._queryset, self._today)

    def _standing_of(self, member: Any) -> selectors.DuesStanding:
        """The arrears of the list's members, computed once per request for all of them."""
        if self._standing is None:
            ids = list(self._queryset.values_list("pk", flat=True))
            self._standing = selectors.dues_standing(ids, self._today)
        return self._standing.get(member.pk) or selectors.DuesStanding()

    def record_personal_view(self, request: HttpRequest, obj: Any, detail: str) -> None:
        """No personal field is shown here: nothing to log."""

    @admin.display(description="最近交纳（或免交）月份", ordering="last_settled")
    def last_settled_month(self, member: Any) -> str:
        if member.last_settled == selectors.NEVER:
            return "无记录"
        return f"{member.last_settled:%Y-%m}"

    @admin.display(description="连续未交月数")
    def unpaid(self, member: Any) -> str:
        standing = self._standing_of(member)
        if standing.first_month is None:
            return "—"
        run = standing.arrears.run if standing.arrears else None
        return f"{run.months}（自{run.first:%Y-%m}）" if run else "0"

    @admin.display(description="提示")
    def arrears_flag(self, member: Any) -> str:
        standing = self._standing_of(member)
        if standing.error:
            return problem_flag(True, f"数据有误：{standing.error}")
        level = standing.level
        return problem_flag(level is not None, str(level.label) if level else "")

    # --- one member's 党费 page ------------------------------------------------------------------
    def get_urls(self) -> list[Any]:
        pay = self.admin_site.admin_view(self.pay_view)
        return [
            path("<path:object_id>/pay/", pay, name="finance_memberdues_pay"),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """The member's 党费 page (a POST is the read-only change form's: refused)."""
        if request.method != "GET":
            return super().change_view(request, object_id, form_url, extra_context)
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._dues_page(request, self.get_object(request, object_id), DuesMonthsForm())

    def may_record(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("finance.add_duespayment"))

    def pay_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """登记交纳: several months at once, through one service call (all or nothing)."""
        member = self.get_object(request, object_id)
        if not self.may_record(request):
            raise PermissionDenied
        form = DuesMonthsForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            page = self._page(request, member)
            settled = {
                m.month
                for m in page.months
                if m.payment or (m.line.computable and not m.line.amount)
            }
            data = form.cleaned_data
            try:
                recorded = services.dues_payments_record(
                    member=member, periods=form.chosen_months(settled), paid_on=data["paid_on"],
                    method=data["method"], proxy_name=data["proxy_name"], note=data["note"],
                    voluntary_amount=data["voluntary_amount"], actor=request.user,
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                messages_ = getattr(error, "messages", [str(error)])
                self.message_user(request, "未登记任何交纳，请修改后重新提交：", messages.ERROR)
                for message in messages_:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(request, _recorded_message(member, recorded), messages.SUCCESS)
                return redirect("admin:finance_memberdues_change", member.pk)
        return self._dues_page(request, member, form)

    def _page(self, request: HttpRequest, member: Any) -> selectors.MemberDuesPage:
        today = timezone.localdate()
        year = request.GET.get("year", "")
        chosen = int(year) if year.isdigit() else today.year
        chosen = min(max(chosen, member.joined_on.year), today.year)
        return selectors.member_dues_page(member, year=chosen, today=today)

    def _dues_page(self, request: HttpRequest, member: Any, form: DuesMonthsForm) -> HttpResponse:
        page = self._page(request, member)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{member.name}的党费",
            "member": member,
            "page": page,
            "form": form,
            "ticked": form.ticked,
            "may_record": self.may_record(request),
            "pay_url": f"{reverse('admin:finance_memberdues_pay', args=[member.pk])}"
            f"?year={page.year}",
            "member_url": _member_url(request, member),
            "level": page.standing.level,
        }
        return TemplateResponse(request, "finance/memberdues_page.html", context)

    @admin.action(description="核定所选党员本年度的党费", permissions=["view"])
    def fix_year(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        if not request.user.has_perm("finance.add_duesassessment"):
            self.message_user(request, "您无权核定党费。", messages.ERROR)
            return
        year = timezone.localdate().year
        members = list(queryset.model._base_manager.filter(pk__in=queryset.values("pk")))
        done, problems = services.dues_year_fix(members=members, year=year, actor=request.user)
        for problem in problems:
            self.message_user(request, problem, messages.ERROR)
        self.message_user(request, f"已核定{len(done)}名党员{year}年度的党费。", messages.SUCCESS)


def _recorded_message(member: Any, recorded: list[DuesPayment]) -> str:
    months = [p for p in recorded if p.kind == PaymentKind.DUES]
    extra = [p for p in recorded if p.kind == PaymentKind.VOLUNTARY]
    parts = []
    if months:
        labels = "、".join(rules.month_label(p.period) for p in months)
        total = sum(p.amount for p in months)
        parts.append(f"已登记{member.name}{labels}的党费，共{len(months)}个月{total}元")
    if extra:
        parts.append(f"自愿多交{extra[0].amount}元")
    return "；".join(parts) + "。"


def _member_url(request: HttpRequest, member: Any) -> str:
    """The member's own page, for a user who may open it."""
    if not request.user.has_perm("members.view_member"):
        return ""
    return reverse("admin:members_member_change", args=[member.pk])


# --- 党费收缴公示 ------------------------------------------------------------------------------------
class DuesPublicationLineInline(ScopedTabularInline):
    model = DuesPublicationLine
    fields = ("position", "member_name", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DuesPublicationForm(forms.ModelForm):  # type: ignore[type-arg]
    first_month = MonthField(label="起始月份", help_text="如2026-01。")
    last_month = MonthField(label="截止月份", help_text="如2026-03。")

    class Meta:
        model = DuesPublication
        fields = ("branch", "first_month", "last_month")


@admin.register(DuesPublication)
class DuesPublicationAdmin(ScopedAdmin):
    """A summary is drawn up from the payments when it is added (names and amounts only), then
    published to the public board or withdrawn."""

    form = DuesPublicationForm
    model_services = Services("publication", services.dues_publication_save)
    inlines = [DuesPublicationLineInline]
    list_display = ("branch", "period", "published", "published_on", "created_at")
    list_filter = ("published", branch_filter())
    list_select_related = ("branch",)
    actions = ["publish", "withdraw"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("branch", "first_month", "last_month", "published", "published_on") if obj else ()

    @admin.display(description="期间")
    def period(self, publication: DuesPublication) -> str:
        return publication.period_label

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        """The lines are drawn up by the service when the summary is added, never edited."""
        return self.inlines if obj is not None and obj.pk else []

    @admin.action(description="公示所选党费收缴情况", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[DuesPublication]) -> None:
        run_service_action(self, request, queryset, services.dues_publication_publish,
                           entity="publication", done_message="已公示{n}期。")  # fmt: skip

    @admin.action(description="撤回所选公示", permissions=["change"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet[DuesPublication]) -> None:
        run_service_action(self, request, queryset, services.dues_publication_withdraw,
                           entity="publication", done_message="已撤回{n}期。")  # fmt: skip
