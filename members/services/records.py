"""Writes of floating members, transfers of the membership record, reviews and score sheets.

Every service checks the actor's scope with `require_editable`, through the organization that
keeps the record as each model's QuerySet declares it (always in the actor's managed tree, never a
unit party organization merely located in or linked to their community):
- a floating record: the branch that placed an inflowing member, else the member's own branch;
- a transfer: its branch (本方党组织); a review: its branch; a score sheet: the member's branch.

Transfers change state only through `membership_transfer_receive` / `membership_transfer_cancel`:
sent → received, or sent → cancelled; a received or cancelled transfer is final. Receiving an
incoming transfer moves the member's record into the receiving branch (if it is held elsewhere)
and makes a member who had left current again; receiving an outgoing one makes the member leave
(`Member.transferred_out_on`): kept with their history, out of the roster, every count, quota and
the default export, and their outflow (if any) ends that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kit.services import model_delete, model_save
from organizations.models import Organization
from organizations.scope import require_editable

from .. import participation
from ..models import (
    Assessment,
    AssessmentDeduction,
    FloatingLifeEntry,
    FloatingRecord,
    LapseDecision,
    MembershipTransfer,
    Review,
    StandingSuspension,
    TransferDirection,
    TransferState,
)
from ..rules import (
    FloatingDirection,
    ReviewGrade,
    is_full_member_on,
    prefilled_deductions,
    review_year_end,
)
from ..selectors.records import PREFILLED, assessment_prefill_note, review_excellent_quota_get


class TransferStateError(ValidationError):
    """A transfer was asked to change state in a way its current state does not allow."""


class ReviewQuotaError(ValidationError):
    """A 优秀 grade would exceed one third of a branch's graded members."""


def _original(instance: Any) -> Any:
    return type(instance)._default_manager.filter(pk=instance.pk).first() if instance.pk else None


# --- 流动党员 ---------------------------------------------------------------------------------------
def floating_record_errors(record: FloatingRecord) -> dict[str, str]:
    """What is wrong with `record` beyond the model's own checks (also shown by the admin form)."""
    if record.direction == FloatingDirection.OUTFLOW and record.placed_in_id:
        return {"placed_in": "外出流动党员不填写编入党组织，请清空该项。"}
    return {}


@transaction.atomic
def floating_record_save(
    *, record: FloatingRecord, actor: Any, update_fields: list[str] | None = None
) -> FloatingRecord:
    """Register or change a floating member's outflow or inflow."""
    is_inflow = record.direction == FloatingDirection.INFLOW
    if record.member_id is None or (is_inflow and record.placed_in_id is None):
        record.full_clean()  # says which field is missing rather than refusing the scope
    require_editable(actor, record, "登记或修改该流动党员记录")
    if errors := floating_record_errors(record):
        raise ValidationError(errors)
    return model_save(record, actor=actor, update_fields=update_fields)


@transaction.atomic
def floating_record_contact(
    *, record: FloatingRecord, actor: Any, on: dt.date | None = None
) -> FloatingRecord:
    """登记联系: the organization reached the floating member on `on` (today by default)."""
    require_editable(actor, record, "为该流动党员登记联系")
    day = on or timezone.localdate()
    if record.ended_on is not None:
        raise ValidationError(f"{record.member}的流动已于{record.ended_on}结束，无需登记联系。")
    if day > timezone.localdate():
        raise ValidationError({"last_contact_on": "联系日期不能晚于今天。"})
    if day <= record.last_contact_on:
        return record
    record.last_contact_on = day
    return model_save(record, actor=actor, update_fields=["last_contact_on"])


# --- 组织关系接转 -----------------------------------------------------------------------------------
def membership_transfer_errors(transfer: MembershipTransfer) -> dict[str, str]:
    """What is wrong with `transfer` beyond the model's own checks (also shown by the admin form)."""
    before = _original(transfer)
    if before is None and transfer.state != TransferState.SENT:
        return {"state": "新登记的组织关系接转状态应为“已开出介绍信”，接收请用“确认接收”操作。"}
    if before is not None and before.state != TransferState.SENT:
        return {"state": f"介绍信{before.letter_number}已{_state_word(before)}，不能再更改。"}
    if before is not None and transfer.state != before.state:
        return {"state": "状态只能通过“确认接收”或“作废”操作改变。"}
    if transfer.direction == TransferDirection.OUT and transfer.member_id:
        return _transfer_out_errors(transfer)
    return {}


def _transfer_out_errors(transfer: MembershipTransfer) -> dict[str, str]:
    member = transfer.member
    if member.transferred_out_on is not None:
        return {"member": f"{member}已于{member.transferred_out_on:%Y-%m-%d}转出，不能再次转出。"}
    if member.branch_id != transfer.branch_id:
        return {"branch": f"{member}的组织关系在{member.branch}，应由该党组织转出。"}
    return {}


@transaction.atomic
def membership_transfer_save(
    *, transfer: MembershipTransfer, actor: Any, update_fields: list[str] | None = None
) -> MembershipTransfer:
    """Register a letter (介绍信) sent out or come in, or correct it while it is still open."""
    require_editable(actor, transfer, "为该党组织登记或修改组织关系接转")
    if errors := membership_transfer_errors(transfer):
        raise TransferStateError(errors)
    return model_save(transfer, actor=actor, update_fields=update_fields)


def _require_open(transfer: MembershipTransfer) -> None:
    if transfer.state != TransferState.SENT:
        raise TransferStateError(
            f"介绍信{transfer.letter_number}已{_state_word(transfer)}，不能再更改。"
        )


def _state_word(transfer: MembershipTransfer) -> str:
    return "接收" if transfer.state == TransferState.RECEIVED else "作废"


@transaction.atomic
def membership_transfer_receive(
    *, transfer: MembershipTransfer, actor: Any, received_on: dt.date | None = None
) -> MembershipTransfer:
    """The membership record arrived at the other side (转出) or here (转入) on `received_on`."""
    require_editable(actor, transfer, "确认接收该组织关系")
    transfer = MembershipTransfer.objects.select_for_update().get(pk=transfer.pk)
    _require_open(transfer)
    day = received_on or timezone.localdate()
    if day < transfer.issued_on:
        raise TransferStateError(f"接收日期{day}不能早于介绍信开具日期{transfer.issued_on}。")
    if day > timezone.localdate():
        raise TransferStateError("接收日期不能晚于今天。")
    transfer.state, transfer.received_on = TransferState.RECEIVED, day
    model_save(transfer, actor=actor, update_fields=["state", "received_on"])
    if transfer.direction == TransferDirection.IN:
        _move_member_to(transfer, actor)
    else:
        _member_leaves(transfer, actor)
    return transfer


def _move_member_to(transfer: MembershipTransfer, actor: Any) -> None:
    member = transfer.member
    if member.branch_id == transfer.branch_id and member.transferred_out_on is None:
        return
    if member.branch_id != transfer.branch_id:
        member.branch_id, member.group = transfer.branch_id, None
    member.transferred_out_on = None
    model_save(member, actor=actor, update_fields=["branch", "group", "transferred_out_on"])


def _member_leaves(transfer: MembershipTransfer, actor: Any) -> None:
    """转出 received: the member leaves on that day, and an outflow ends with it."""
    member, day = transfer.member, transfer.received_on
    member.transferred_out_on = day
    model_save(member, actor=actor, update_fields=["transferred_out_on"])
    for record in FloatingRecord.objects.current().filter(member=member):
        record.ended_on = day
        model_save(record, actor=actor, update_fields=["ended_on"])


@transaction.atomic
def membership_transfer_cancel(*, transfer: MembershipTransfer, actor: Any) -> MembershipTransfer:
    """作废: the letter will not be used (lost, expired, the member stays)."""
    require_editable(actor, transfer, "作废该组织关系接转")
    transfer = MembershipTransfer.objects.select_for_update().get(pk=transfer.pk)
    _require_open(transfer)
    transfer.state = TransferState.CANCELLED
    return model_save(transfer, actor=actor, update_fields=["state"])


# --- 民主评议 --------------------------------------------------------------------------------------
def review_prepare(review: Review) -> Review:
    """A new review is held by the member's branch and records whether the member was still
    probationary on the review year's last day (such a member takes part but is not graded)."""
    if review.pk is None and review.member_id and review.year:
        member = review.member
        if not review.branch_id:
            review.branch_id = member.branch_id
        review.was_probationary = not is_full_member_on(
            review_year_end(review.year), member.status, member.joined_on, member.full_member_on
        )
    return review


def review_errors(review: Review) -> dict[str, str]:
    """Why `review` may not be saved: a member not on the roster on the review year's last day,
    or a 优秀 beyond the branch's quota for the year (also shown by the admin)."""
    is_new = review.pk is None and review.member_id and review.year
    if is_new and (error := _not_on_roster_error(review)):
        return {"member": error}
    if review.grade != ReviewGrade.EXCELLENT or not review.branch_id or not review.year:
        return {}
    if review.was_probationary:
        return {}  # the model refuses any grade
    quota = review_excellent_quota_get(
        branch_id=review.branch_id,
        year=review.year,
        member_id=review.member_id,
        exclude_review_id=review.pk,
    )
    if quota.is_full:
        return {"grade": f"{quota.message()}，请改评其他等次。"}
    return {}


def _not_on_roster_error(review: Review) -> str | None:
    member, last_day = review.member, review_year_end(review.year)
    if member.joined_on > last_day:
        return f"{member}{last_day:%Y年%m月%d日}尚未入党，不参加{review.year}年度评议。"
    left = member.transferred_out_on
    if left is not None and left <= last_day:
        return f"{member}已于{left:%Y-%m-%d}转出，不参加本支部{review.year}年度评议。"
    if StandingSuspension.objects.stopped_on(last_day).filter(member_id=member.pk).exists():
        return f"{member}{last_day:%Y年%m月%d日}党籍处于停止状态，不参加{review.year}年度评议。"
    return None


@transaction.atomic
def review_save(*, review: Review, actor: Any, update_fields: list[str] | None = None) -> Review:
    """Record a member's review result; 优秀 is refused beyond one third of the branch."""
    review_prepare(review)
    require_editable(actor, review, "评议该党支部的党员或修改评议结果")
    # Serialize grading within a branch so that two 优秀 saved at once cannot both pass the quota.
    Organization.objects.select_for_update().filter(pk=review.branch_id).first()
    if errors := review_errors(review):
        error_class = ReviewQuotaError if "grade" in errors else ValidationError
        raise error_class(errors)
    return model_save(review, actor=actor, update_fields=update_fields)


# --- 量化考核 --------------------------------------------------------------------------------------
@transaction.atomic
def assessment_save(
    *, assessment: Assessment, actor: Any, update_fields: list[str] | None = None
) -> Assessment:
    require_editable(actor, assessment, "为该党员建立或修改考核表")
    return model_save(assessment, actor=actor, update_fields=update_fields)


@transaction.atomic
def assessment_deduction_save(
    *, deduction: AssessmentDeduction, actor: Any, update_fields: list[str] | None = None
) -> AssessmentDeduction:
    """Record a deduction; more than the item's maximum is refused by the model."""
    require_editable(actor, deduction, "修改该考核表的扣分")
    return model_save(deduction, actor=actor, update_fields=update_fields)


@transaction.atomic
def assessment_deduction_delete(*, deduction: AssessmentDeduction, actor: Any) -> None:
    require_editable(actor, deduction, "删除该考核表的扣分")
    model_delete(deduction, actor=actor)


@dataclass
class PrefillResult:
    created: list[AssessmentDeduction] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@transaction.atomic
def assessment_prefill(*, assessments: Iterable[Assessment], actor: Any) -> PrefillResult:
    """预填: the deductions of items 3 and 4 that a year's dues and meeting records give (002),
    asked of the participation providers once per year for all the sheets. An item that already
    has a deduction is left as it is; without providers nothing is produced, and a note says so."""
    sheets = list(assessments)
    for sheet in sheets:
        require_editable(actor, sheet, "预填该考核表的扣分")
    result = PrefillResult()
    if not all(participation.is_registered(fact) for fact, _, _ in PREFILLED):
        result.notes.append(assessment_prefill_note())
    if not any(participation.is_registered(fact) for fact, _, _ in PREFILLED):
        return result
    existing = set(
        AssessmentDeduction.objects.filter(assessment__in=sheets).values_list(
            "assessment_id", "item"
        )
    )
    for year in sorted({sheet.year for sheet in sheets}):
        of_year = [sheet for sheet in sheets if sheet.year == year]
        for sheet, found in _prefilled_for_year(of_year, year).items():
            for item, (points, reason) in found.items():
                if (sheet.pk, item) in existing:
                    result.notes.append(f"{sheet.member}：第{item}项已有扣分，未按系统记录改动。")
                    continue
                deduction = AssessmentDeduction(
                    assessment=sheet, item=item, points=points, reason=reason
                )
                result.created.append(model_save(deduction, actor=actor))
    return result


def _prefilled_for_year(
    sheets: list[Assessment], year: int
) -> dict[Assessment, dict[int, tuple[Decimal, str]]]:
    ids = [sheet.member_id for sheet in sheets]
    start, end = dt.date(year, 1, 1), review_year_end(year)
    answers = [participation.ask(fact, ids, start=start, end=end) for fact, _, _ in PREFILLED]

    def value(index: int, member_id: int) -> Any:
        answer = answers[index]
        return None if answer is None else answer.values.get(member_id)

    return {
        sheet: prefilled_deductions(
            overdue_dues_months=value(0, sheet.member_id),
            life_rate=value(1, sheet.member_id),
            lectures_missed=value(2, sheet.member_id),
        )
        for sheet in sheets
    }


# --- 流动党员活动证 and 自行脱党 decisions ------------------------------------------------------------
@transaction.atomic
def floating_life_entry_save(
    *, entry: FloatingLifeEntry, actor: Any, update_fields: list[str] | None = None
) -> FloatingLifeEntry:
    """Record organizational life an outflowing member had where they are (their 活动证)."""
    require_editable(actor, entry, "登记该流动党员活动证上的组织生活")
    if entry.held_on and entry.held_on > timezone.localdate():
        raise ValidationError({"held_on": "参加日期不能晚于今天。"})
    return model_save(entry, actor=actor, update_fields=update_fields)


@transaction.atomic
def floating_life_entry_delete(*, entry: FloatingLifeEntry, actor: Any) -> None:
    require_editable(actor, entry, "删除该流动党员活动证上的组织生活")
    model_delete(entry, actor=actor)


@transaction.atomic
def lapse_decision_save(
    *, decision: LapseDecision, actor: Any, update_fields: list[str] | None = None
) -> LapseDecision:
    """Record the branch meeting's decision on a 自行脱党 flag: the flag stands until then, and
    the condition is judged again from the day after."""
    if decision.member_id is None:
        decision.full_clean()  # says which field is missing rather than refusing the scope
    require_editable(actor, decision, "登记该党员的自行脱党处理决定")
    if decision.decided_on and decision.decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "支部大会决定日期不能晚于今天。"})
    if decision.decided_on and decision.decided_on < decision.member.joined_on:
        raise ValidationError({"decided_on": "支部大会决定日期不能早于该党员的入党日期。"})
    if decision.pk is None:
        decision.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    return model_save(decision, actor=actor, update_fields=update_fields)
