"""Writes of 党费: incomes, the yearly 核定, reductions and waivers, payments, and the 公示.

Every write is checked against the actor's scope by the model's declaration (a member's records
are written where the member's branch is managed); amounts are computed, never typed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kit.services import model_delete, model_save
from members.models import Member
from organizations.models import Organization
from organizations.scope import ScopeError, require_editable
from organizations.selectors import approving_committee, is_approving_committee_user

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
from ..rules import DuesBasis, LedgerLine, PaymentMethod
from ..selectors import member_month_dues, member_months_dues, publication_lines

logger = logging.getLogger(__name__)


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
    dues = rules.dues_amount(basis, income=income, fixed_amount=farmer_amount)
    if isinstance(dues, str):
        raise ValidationError(f"{member.name}：{dues}")
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
    """The branch's decision to reduce or waive a member's dues; valid once approved above. The
    user who records the decision is kept: they may not approve it too."""
    if relief.pk is not None:  # a concurrent approval must not be overwritten by an edit
        relief_stored = DuesRelief.objects.select_for_update().get(pk=relief.pk)
        relief.status = relief_stored.status
    require_editable(actor, relief, "为该党员办理党费减免")
    if errors := dues_relief_errors(relief):
        raise ValidationError(errors)
    if relief.pk is None:
        relief.recorded_by = _user(actor)
    return model_save(relief, actor=actor, update_fields=update_fields)


def _require_higher_committee(actor: Any, relief: DuesRelief) -> None:
    """The approval comes from the committee above the branch (a user who manages that very
    committee), and never from the user who recorded the branch's decision."""
    if actor is None:
        return
    if not is_approving_committee_user(actor, relief.member.branch):
        committee = approving_committee(relief.member.branch)
        where = f"（{committee}）" if committee is not None else ""
        raise ScopeError(
            f"您无权审批该减免：须由党支部的上一级党委{where}批准"
            f"（{rules.DUES_RULE_NAME}第七条：社区党委或街道党工委，不是党总支）。"
        )
    if _relief_recorder_id(relief) == actor.pk:
        raise ScopeError(
            "您登记了支部的减免决定，不能再以上级党委的名义批准：请由上级党委的其他人员审批。"
        )


def _relief_recorder_id(relief: DuesRelief) -> int | None:
    """Who recorded the branch's decision: kept on the row; for a row recorded before it was
    kept, the author of its first audit record."""
    if relief.recorded_by_id is not None:
        return int(relief.recorded_by_id)
    first = relief.history.order_by("history_date", "history_id").first()
    return first.history_user_id if first is not None else None


@transaction.atomic
def dues_relief_decide(
    *, relief: DuesRelief, actor: Any, approve: bool, comment: str = ""
) -> DuesRelief:
    """The higher committee's approval or refusal: the row is locked and its state checked
    inside the lock, so a concurrent decision of the other kind is refused, not overwritten."""
    relief = (
        DuesRelief.objects.select_for_update().select_related("member__branch").get(pk=relief.pk)
    )
    if relief.status != ReliefStatus.PENDING:
        raise ValidationError(f"该减免已审批（{relief.get_status_display()}），不能再次审批")
    _require_higher_committee(actor, relief)
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
    if payment.paid_on and (error := rules.paid_on_error(payment.paid_on, timezone.localdate())):
        errors["paid_on"] = error
    dated = payment.kind == PaymentKind.DUES and payment.period and payment.paid_on
    if dated and (
        error := rules.payment_period_error(payment.period, payment.paid_on, payment.method)
    ):
        errors["period"] = error
    voluntary = payment.kind == PaymentKind.VOLUNTARY and payment.amount is not None
    if voluntary and (error := rules.voluntary_amount_error(payment.amount, voluntary_cap())):
        errors["amount"] = error
    return errors


def voluntary_cap() -> Decimal:
    return Decimal(settings.FINANCE_VOLUNTARY_MAX_AMOUNT)


def owed_error(member: Member, period: dt.date, owed: LedgerLine) -> str | None:
    """Why a month's dues cannot be recorded as paid: they cannot be computed (a data error to
    fix first), or nothing is owed that month (not yet a member, waived)."""
    if not owed.computable:
        reason = owed.note.removeprefix(rules.DUES_ERROR_PREFIX)
        return f"无法计算{member.name}{rules.month_label(period)}的党费：{reason}"
    if owed.amount <= 0:
        reason = owed.note or "应缴金额为0"
        return f"{member.name}{rules.month_label(period)}不需交纳党费：{reason}"
    return None


def _check_payer(method: str, proxy_name: str) -> None:
    if method == PaymentMethod.PROXY and (error := rules.proxy_name_error(proxy_name)):
        raise ValidationError({"proxy_name": error})


def _lock_member(member: Member) -> None:
    """Payments of one member are recorded one at a time: the member's row is the lock, so a
    concurrent duplicate waits and is then refused by the check below, not by the database."""
    Member.objects.select_for_update().filter(pk=member.pk).values_list("pk").first()


def _require_unpaid(member: Member, period: dt.date) -> None:
    if DuesPayment.objects.regular().filter(member=member, period=period).exists():
        raise ValidationError(
            {"period": f"{member.name}{rules.month_label(period)}的党费已交纳，不能重复登记"}
        )


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
    imported: bool = False,
) -> DuesPayment:
    """A month's dues paid: the amount is what the member owes that month; back payment reaches
    at most six months; a month is paid once; never dated in the future. `imported`: a payment
    recorded before the system was used (the 党费交纳 import's date rule instead)."""
    period = rules.month_start(period)
    today = timezone.localdate()
    if imported:
        error = rules.imported_payment_date_error(period, paid_on, today)
    else:
        error = rules.paid_on_error(paid_on, today) or rules.payment_period_error(
            period, paid_on, method
        )
    if error:
        raise ValidationError({"paid_on" if "交纳日期" in error else "period": error})
    _check_payer(method, proxy_name)
    owed = member_month_dues(member, period)
    if error := owed_error(member, period, owed):
        raise ValidationError({"period": error})
    payment = DuesPayment(
        member=member, kind=PaymentKind.DUES, period=period, amount=owed.amount, paid_on=paid_on,
        method=method, proxy_name=proxy_name, note=note, recorded_by=_user(actor),
    )  # fmt: skip
    require_editable(actor, payment, "登记该党员的党费")
    _lock_member(member)
    _require_unpaid(member, period)
    try:
        with transaction.atomic():
            return model_save(payment, actor=actor)
    except IntegrityError:  # a database without row locks: the constraint still holds
        raise ValidationError(
            {"period": f"{member.name}{rules.month_label(period)}的党费已交纳，不能重复登记"}
        ) from None


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
    """自愿多交: any amount up to the per-payment cap (a setting, against typing errors); a
    single payment of 1000 yuan or more is marked for remittance in full to the central
    committee."""
    _check_payer(method, proxy_name)
    if error := rules.paid_on_error(paid_on, timezone.localdate()):
        raise ValidationError({"paid_on": error})
    if error := rules.voluntary_amount_error(amount, voluntary_cap()):
        raise ValidationError({"amount": error})
    payment = DuesPayment(
        member=member, kind=PaymentKind.VOLUNTARY, period=rules.month_start(paid_on),
        amount=amount, paid_on=paid_on, method=method, proxy_name=proxy_name, note=note,
        is_central_remittance=rules.is_central_remittance(amount), recorded_by=_user(actor),
    )  # fmt: skip
    require_editable(actor, payment, "登记该党员的党费")
    return model_save(payment, actor=actor)


def dues_months_errors(
    *, member: Member, months: list[dt.date], paid_on: dt.date, method: str, proxy_name: str = ""
) -> list[str]:
    """Why 登记交纳 of these months would be refused: one line for each month refused (beyond the
    six months of back payment, already paid, nothing owed), each saying what to change."""
    errors = []
    if error := rules.paid_on_error(paid_on, timezone.localdate()):
        errors.append(error)
    if method == PaymentMethod.PROXY:
        if not proxy_name.strip():
            errors.append("委托他人代交的，请填写代交人姓名")
        elif error := rules.proxy_name_error(proxy_name):
            errors.append(error)
    lines = member_months_dues(member, months)
    paid = set(
        DuesPayment.objects.regular()
        .filter(member=member, period__in=months)
        .values_list("period", flat=True)
    )
    for month in months:
        label = rules.month_label(month)
        if error := rules.payment_period_error(month, paid_on, method):
            errors.append(f"{error}：请取消勾选{label}")
        elif month in paid:
            errors.append(f"{member.name}{label}的党费已交纳，不能重复登记：请取消勾选{label}")
        elif error := owed_error(member, month, lines[month]):
            errors.append(f"{error}：请取消勾选{label}")
    return errors


@transaction.atomic
def dues_payments_record(
    *,
    member: Member,
    periods: Iterable[dt.date],
    paid_on: dt.date,
    method: str,
    actor: Any,
    proxy_name: str = "",
    note: str = "",
    voluntary_amount: Decimal | None = None,
) -> list[DuesPayment]:
    """登记交纳 of several months at once (back pay, a quarter paid ahead with the branch's
    consent, by the member or a proxy) and, with them, a voluntary extra. Each month is checked
    by the rules of one month's payment and its amount computed; every refusal is named at once
    and nothing is saved unless every month is."""
    months = sorted({rules.month_start(period) for period in periods})
    if not months and not voluntary_amount:
        raise ValidationError("请勾选要交纳的月份，或填写自愿多交党费的金额")
    require_editable(actor, DuesPayment(member=member), "登记该党员的党费")
    _lock_member(member)
    errors = dues_months_errors(
        member=member, months=months, paid_on=paid_on, method=method, proxy_name=proxy_name
    )
    if voluntary_amount and (
        error := rules.voluntary_amount_error(voluntary_amount, voluntary_cap())
    ):
        errors.append(f"自愿多交党费：{error}")
    if errors:
        raise ValidationError(errors)
    recorded = [
        dues_payment_record(
            member=member,
            period=month,
            paid_on=paid_on,
            method=method,
            actor=actor,
            proxy_name=proxy_name,
            note=note,
        )  # fmt: skip
        for month in months
    ]
    if voluntary_amount:
        recorded.append(
            dues_voluntary_record(
                member=member,
                amount=voluntary_amount,
                paid_on=paid_on,
                method=method,
                actor=actor,
                proxy_name=proxy_name,
                note=note,
            )  # fmt: skip
        )
    return recorded


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
        raise ValidationError("已登记的党费只能修改备注；登记有误的请冲正后重新登记")
    require_editable(actor, payment, "修改该党员的党费记录")
    return model_save(payment, actor=actor, update_fields=["note"])


@transaction.atomic
def dues_payment_reverse(*, payment: DuesPayment, actor: Any, reason: str) -> DuesPayment:
    """冲正: a payment recorded in error stops counting, with the reason and who reversed it; it
    is never deleted. The row is locked and checked inside the lock (reversed once)."""
    if not reason.strip():
        raise ValidationError({"reversal_reason": "冲正时请填写冲正原因"})
    payment = DuesPayment.objects.select_for_update().select_related("member").get(pk=payment.pk)
    if payment.is_reversed:
        raise ValidationError(f"{payment}已冲正，不能重复冲正")
    require_editable(actor, payment, "冲正该党员的党费记录")
    payment.reversed_at = timezone.now()
    payment.reversed_by = _user(actor)
    payment.reversal_reason = reason.strip()
    fields = ["reversed_at", "reversed_by", "reversal_reason"]
    model_save(payment, actor=actor, update_fields=fields)
    logger.info(
        "党费冲正 payment=%s member=%s by=%s reason=%s",
        payment.pk, payment.member_id, getattr(actor, "pk", None), payment.reversal_reason,
    )  # fmt: skip
    return payment


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
    people = Member.objects.visible_to(actor) if actor is not None else None
    lines = publication_lines(branch.pk, publication.first_month, publication.last_month, people)
    DuesPublicationLine.objects.bulk_create(
        DuesPublicationLine(publication=publication, position=i, member_name=name, amount=amount)
        for i, (name, amount) in enumerate(lines, start=1)
    )
    return publication


def dues_publication_save(
    *, publication: DuesPublication, actor: Any, update_fields: list[str] | None = None
) -> DuesPublication:
    """The admin's form: a new summary is drawn up (dues_publication_create); a summary drawn up
    is never edited, only published or withdrawn, so a change saves nothing."""
    if publication.pk is not None:
        return publication
    created = dues_publication_create(
        branch=publication.branch,
        first_month=publication.first_month,
        last_month=publication.last_month,
        actor=actor,
    )
    publication.pk = created.pk
    return created


@transaction.atomic
def dues_publication_publish(
    *, publication: DuesPublication, actor: Any, on: dt.date | None = None
) -> DuesPublication:
    publication = DuesPublication.objects.select_for_update().get(pk=publication.pk)
    require_editable(actor, publication, "公示该支部的党费收缴情况")
    publication.published, publication.published_on = True, on or timezone.localdate()
    return model_save(publication, actor=actor, update_fields=["published", "published_on"])


@transaction.atomic
def dues_publication_withdraw(*, publication: DuesPublication, actor: Any) -> DuesPublication:
    publication = DuesPublication.objects.select_for_update().get(pk=publication.pk)
    require_editable(actor, publication, "撤回该支部的党费收缴公示")
    publication.published = False
    return model_save(publication, actor=actor, update_fields=["published"])
