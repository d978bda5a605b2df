"""Writes of 党费: incomes, the yearly 核定, reductions and waivers, payments, and the 公示.

Every write is checked against the actor's scope by the model's declaration (a member's records
are written where the member's branch is managed); amounts are computed, never typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from common.services import model_delete, model_save
from members.models import Member
from organizations.models import Organization
from organizations.scope import ScopeError, require_editable, scope_of

from .. import rules
from ..models import (
    DuesAssessment,
    DuesPayment,
    DuesPublication,
    DuesPublicationLine,
    DuesRelief,
    IncomeChange,
    PaymentKind,
    ReliefStatus,
)
from ..rules import DuesBasis, PaymentMethod
from ..selectors import member_month_dues, publication_lines


@transaction.atomic
def income_change_save(
    *, change: IncomeChange, actor: Any, update_fields: list[str] | None = None
) -> IncomeChange:
    require_editable(actor, change, "登记该党员的收入变化")
    return model_save(change, actor=actor, update_fields=update_fields)


@transaction.atomic
def income_change_delete(*, change: IncomeChange, actor: Any) -> None:
    require_editable(actor, change, "删除该党员的收入变化")
    model_delete(change, actor=actor)


# --- 核定 ---------------------------------------------------------------------------------------------
def _assessment_for(member: Member, year: int, farmer_amount: Decimal | None) -> DuesAssessment:
    month = max(dt.date(year, 1, 1), rules.month_start(member.joined_on))
    categories = set(member.categories.values_list("code", flat=True))
    changes = member.income_changes.values_list("effective_month", "monthly_income")
    income = rules.income_in_effect(changes, month, member.monthly_income)
    basis = rules.dues_basis(categories, has_income=income is not None)
    if basis is None:
        raise ValidationError(f"{member.name}：未登记月收入，无法核定党费")
    try:
        dues = rules.dues_amount(basis, income=income, fixed_amount=farmer_amount)
    except ValueError as error:
        raise ValidationError(f"{member.name}：{error}") from None
    shown = income if basis in (DuesBasis.IN_SERVICE, DuesBasis.RETIRED) else None
    return DuesAssessment(
        member=member, year=year, basis=basis, monthly_income=shown, rate=dues.rate,
        monthly_amount=dues.amount, fixed_on=timezone.localdate(),
    )  # fmt: skip


@transaction.atomic
def dues_assessment_fix(
    *, member: Member, year: int, actor: Any, farmer_amount: Decimal | None = None
) -> DuesAssessment:
    """核定 a member's monthly amount for `year`, from the income in effect in its first month
    (a farmer: the amount set for them, 0.2 to 1.0 yuan). Once per member and year."""
    if DuesAssessment.objects.filter(member=member, year=year).exists():
        raise ValidationError(f"{member.name}：{year}年度的党费已核定")
    assessment = _assessment_for(member, year, farmer_amount)
    require_editable(actor, assessment, "核定该党员的党费")
    return model_save(assessment, actor=actor)


def dues_year_fix(
    *, members: Iterable[Member], year: int, actor: Any
) -> tuple[list[DuesAssessment], list[str]]:
    """核定 the year for every member given that has none yet; farmers keep last year's amount.
    Returns what was fixed and, member by member, why the others were not."""
    done, problems = [], []
    for member in members:
        if DuesAssessment.objects.filter(member=member, year=year).exists():
            continue
        previous = (
            DuesAssessment.objects.filter(member=member, basis=DuesBasis.FARMER, year__lt=year)
            .order_by("-year")
            .values_list("monthly_amount", flat=True)
            .first()
        )
        try:
            with transaction.atomic():
                done.append(
                    dues_assessment_fix(
                        member=member, year=year, actor=actor, farmer_amount=previous
                    )
                )
        except (ValidationError, ScopeError) as error:
            problems.append("；".join(getattr(error, "messages", [str(error)])))
    return done, problems


# --- 减交、免交 ----------------------------------------------------------------------------------------
def dues_relief_errors(relief: DuesRelief) -> dict[str, str]:
    """What the relief service would refuse, by field (for the admin form)."""
    if relief.pk and relief.status != ReliefStatus.PENDING:
        return {"__all__": "上级党委已审批的减免不能再修改"}
    if relief.member_id and relief.first_month and relief.monthly_amount is not None:
        full = member_month_dues(relief.member, relief.first_month).amount
        if error := rules.relief_amount_error(relief.monthly_amount, full or None):
            return {"monthly_amount": error}
    return {}


@transaction.atomic
def dues_relief_save(
    *, relief: DuesRelief, actor: Any, update_fields: list[str] | None = None
) -> DuesRelief:
    """The branch's decision to reduce or waive a member's dues; valid once approved above."""
    require_editable(actor, relief, "为该党员办理党费减免")
    if errors := dues_relief_errors(relief):
        raise ValidationError(errors)
    return model_save(relief, actor=actor, update_fields=update_fields)


def _require_higher_committee(actor: Any, branch: Organization) -> None:
    """The approval comes from the committee above the branch: a user who manages the branch's
    parent (a community or the sub-district), not one who manages only the branch."""
    if actor is None:
        return
    managed = scope_of(actor).managed
    if managed is not None and branch.parent_id not in managed:
        raise ScopeError("您无权审批该减免：须由党支部的上级党委批准。")


@transaction.atomic
def dues_relief_decide(
    *, relief: DuesRelief, actor: Any, approve: bool, comment: str = ""
) -> DuesRelief:
    if relief.status != ReliefStatus.PENDING:
        raise ValidationError("该减免已审批")
    _require_higher_committee(actor, relief.member.branch)
    relief.status = ReliefStatus.APPROVED if approve else ReliefStatus.REJECTED
    relief.approved_by = actor
    relief.approved_on = timezone.localdate()
    relief.approval_comment = comment
    fields = ["status", "approved_by", "approved_on", "approval_comment"]
    return model_save(relief, actor=actor, update_fields=fields)


def dues_relief_approve(*, relief: DuesRelief, actor: Any) -> DuesRelief:
    return dues_relief_decide(relief=relief, actor=actor, approve=True)


def dues_relief_reject(*, relief: DuesRelief, actor: Any) -> DuesRelief:
    return dues_relief_decide(relief=relief, actor=actor, approve=False)


# --- payments ---------------------------------------------------------------------------------------
def dues_payment_errors(payment: DuesPayment) -> dict[str, str]:
    """What the payment services would refuse, by field (for the admin form)."""
    if payment.pk is not None:
        return {}
    errors = {}
    if payment.method == PaymentMethod.PROXY and (
        error := rules.proxy_name_error(payment.proxy_name)
    ):
        errors["proxy_name"] = error
    dated = payment.kind == PaymentKind.DUES and payment.period and payment.paid_on
    if dated and (
        error := rules.payment_period_error(payment.period, payment.paid_on, payment.method)
    ):
        errors["period"] = error
    return errors


def _check_payer(method: str, proxy_name: str) -> None:
    if method == PaymentMethod.PROXY and (error := rules.proxy_name_error(proxy_name)):
        raise ValidationError({"proxy_name": error})


@transaction.atomic
def dues_payment_record(
    *,
    member: Member,
    period: dt.date,
    paid_on: dt.date,
    method: str,
    actor: Any,
    proxy_name: str = "",
    note: str = "",
) -> DuesPayment:
    """A month's dues paid: the amount is what the member owes that month; back payment reaches
    at most six months; a month is paid once."""
    period = rules.month_start(period)
    if error := rules.payment_period_error(period, paid_on, method):
        raise ValidationError({"period": error})
    _check_payer(method, proxy_name)
    owed = member_month_dues(member, period)
    if owed.amount <= 0:
        reason = owed.note or "应缴金额为0"
        raise ValidationError(
            {"period": f"{member.name}{rules.month_label(period)}不需交纳党费：{reason}"}
        )
    payment = DuesPayment(
        member=member, kind=PaymentKind.DUES, period=period, amount=owed.amount, paid_on=paid_on,
        method=method, proxy_name=proxy_name, note=note, recorded_by=_user(actor),
    )  # fmt: skip
    require_editable(actor, payment, "登记该党员的党费")
    return model_save(payment, actor=actor)


@transaction.atomic
def dues_voluntary_record(
    *,
    member: Member,
    amount: Decimal,
    paid_on: dt.date,
    method: str,
    actor: Any,
    proxy_name: str = "",
    note: str = "",
) -> DuesPayment:
    """自愿多交: any amount; a single payment of 1000 yuan or more is marked for remittance in
    full to the central committee."""
    _check_payer(method, proxy_name)
    if amount <= 0 or amount != rules.to_fen(amount):
        raise ValidationError({"amount": "金额应大于0，最多保留两位小数"})
    payment = DuesPayment(
        member=member, kind=PaymentKind.VOLUNTARY, period=rules.month_start(paid_on),
        amount=amount, paid_on=paid_on, method=method, proxy_name=proxy_name, note=note,
        is_central_remittance=rules.is_central_remittance(amount), recorded_by=_user(actor),
    )  # fmt: skip
    require_editable(actor, payment, "登记该党员的党费")
    return model_save(payment, actor=actor)


@transaction.atomic
def dues_payment_save(
    *, payment: DuesPayment, actor: Any, update_fields: list[str] | None = None
) -> DuesPayment:
    """The admin's form: a new payment goes through the recording services (amount computed);
    an existing one may only have its note corrected."""
    if payment.pk is None:
        if payment.kind == PaymentKind.VOLUNTARY:
            return dues_voluntary_record(
                member=payment.member, amount=payment.amount, paid_on=payment.paid_on,
                method=payment.method, actor=actor, proxy_name=payment.proxy_name,
                note=payment.note,
            )  # fmt: skip
        return dues_payment_record(
            member=payment.member, period=payment.period, paid_on=payment.paid_on,
            method=payment.method, actor=actor, proxy_name=payment.proxy_name, note=payment.note,
        )  # fmt: skip
    if set(update_fields or []) - {"note"}:
        raise ValidationError("已登记的党费只能修改备注；登记有误的请删除后重新登记")
    require_editable(actor, payment, "修改该党员的党费记录")
    return model_save(payment, actor=actor, update_fields=["note"])


@transaction.atomic
def dues_payment_delete(*, payment: DuesPayment, actor: Any) -> None:
    require_editable(actor, payment, "删除该党员的党费记录")
    model_delete(payment, actor=actor)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- 党费收缴公示 ----------------------------------------------------------------------------------
@transaction.atomic
def dues_publication_create(
    *, branch: Organization, first_month: dt.date, last_month: dt.date, actor: Any
) -> DuesPublication:
    """Draw up a branch's summary for a period: each member's name and what they paid, copied."""
    publication = DuesPublication(
        branch=branch,
        first_month=rules.month_start(first_month),
        last_month=rules.month_start(last_month),
    )
    require_editable(actor, publication, "为该支部生成党费收缴公示")
    model_save(publication, actor=actor)
    lines = publication_lines(branch.pk, publication.first_month, publication.last_month)
    DuesPublicationLine.objects.bulk_create(
        DuesPublicationLine(publication=publication, position=i, member_name=name, amount=amount)
        for i, (name, amount) in enumerate(lines, start=1)
    )
    return publication


@transaction.atomic
def dues_publication_publish(
    *, publication: DuesPublication, actor: Any, on: dt.date | None = None
) -> DuesPublication:
    require_editable(actor, publication, "公示该支部的党费收缴情况")
    publication.published, publication.published_on = True, on or timezone.localdate()
    return model_save(publication, actor=actor, update_fields=["published", "published_on"])


@transaction.atomic
def dues_publication_withdraw(*, publication: DuesPublication, actor: Any) -> DuesPublication:
    require_editable(actor, publication, "撤回该支部的党费收缴公示")
    publication.published = False
    return model_save(publication, actor=actor, update_fields=["published"])
