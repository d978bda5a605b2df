"""Writes of 党建经费: budgets, approvers, spending plans and their items, and the chain.

The chain (000 item 四): the community party head signs and submits, the sub-district 组织委员
and the 党工委 deputy secretary in charge sign, the director approves, the finance office pays.
Each step is taken by a user who holds it: the community head through a 社区党组织书记 access to
the plan's community, the sub-district steps through a FundApprover row of the community's
sub-district. No one signs two steps of one round, so no one approves their own submission.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from kit.services import model_delete, model_save
from organizations.models import OrganizationAccess
from organizations.roles import Role
from organizations.scope import ScopeError, require_editable, scope_of

from .. import rules
from ..models import FundApprover, FundBudget, PlanSignature, SpendingItem, SpendingPlan
from ..rules import ZERO, ChainStep
from ..selectors import fund_allowance

logger = logging.getLogger(__name__)


class ApprovalError(PermissionDenied):
    """The actor may not take this step of the chain."""


@transaction.atomic
def fund_budget_save(
    *, budget: FundBudget, actor: Any, update_fields: list[str] | None = None
) -> FundBudget:
    """The sub-district sets each community's budget: a community does not set its own."""
    require_editable(actor, budget, "设置该社区的党建经费预算")
    managed = scope_of(actor).managed if actor is not None else None
    if managed is not None and budget.community.parent_id not in managed:
        raise ScopeError("您无权设置该社区的党建经费预算：预算由街道党工委设置。")
    return model_save(budget, actor=actor, update_fields=update_fields)


def _require_approver_manager(actor: Any, approver: FundApprover) -> None:
    """Who holds each step is set by the sub-district's officer (街道党工委工作人员 of that very
    sub-district) who holds no step of the chain: an approver never reassigns the steps."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    officer = OrganizationAccess.objects.filter(
        user_id=actor.pk, organization_id=approver.sub_district_id, role=Role.SUB_DISTRICT_OFFICER
    ).exists()
    if not officer:
        raise ScopeError("您无权设置经费审批人：审批环节由街道党工委工作人员指定。")
    if FundApprover.objects.filter(user_id=actor.pk, is_active=True).exists():
        raise ScopeError(
            "您本人担任经费审批环节，不能指定或更改审批人：请由不担任审批环节的街道党工委工作人员办理。"
        )


def _log_approver(action: str, approver: FundApprover, actor: Any) -> None:
    logger.info(
        "经费审批人%s sub_district=%s step=%s user=%s active=%s by=%s",
        action, approver.sub_district_id, approver.step, approver.user_id, approver.is_active,
        getattr(actor, "pk", None),
    )  # fmt: skip


@transaction.atomic
def fund_approver_save(
    *, approver: FundApprover, actor: Any, update_fields: list[str] | None = None
) -> FundApprover:
    require_editable(actor, approver, "设置该街道的经费审批人")
    _require_approver_manager(actor, approver)
    if approver.pk is not None:
        stored = FundApprover.objects.select_for_update().get(pk=approver.pk)
        _require_approver_manager(actor, stored)
    model_save(approver, actor=actor, update_fields=update_fields)
    _log_approver("变更" if update_fields is not None else "设置", approver, actor)
    return approver


@transaction.atomic
def fund_approver_delete(*, approver: FundApprover, actor: Any) -> None:
    require_editable(actor, approver, "删除该街道的经费审批人")
    _require_approver_manager(actor, approver)
    _log_approver("删除", approver, actor)
    model_delete(approver, actor=actor)


# --- plans and items ----------------------------------------------------------------------------------
def _require_draft(plan: SpendingPlan) -> None:
    if not plan.is_editable_draft:
        raise ValidationError(f"支出计划{plan.get_status_display()}，不能再修改；退回后可修改")


def _locked_draft(plan_id: int) -> SpendingPlan:
    """The plan's row locked, then checked to be a draft: an edit and a signature of the same
    plan are taken one after the other, and an edit after the signature is refused."""
    plan = SpendingPlan.objects.select_for_update().get(pk=plan_id)
    _require_draft(plan)
    return plan


def spending_plan_errors(plan: SpendingPlan) -> dict[str, str]:
    """What the plan service would refuse, by field (for the admin form): a new plan of a year
    whose budget the sub-district has not set up yet is told so at once, not at submission."""
    if plan.pk is None and plan.community_id and plan.month:
        year = plan.month.year
        if not FundBudget.objects.filter(community_id=plan.community_id, year=year).exists():
            return {"month": _no_budget_message(plan.community, year)}
    return {}


def spending_plan_notice(plan: SpendingPlan, *, today: dt.date) -> str:
    """What a plan's first save tells beyond its own year: from December (the sub-district's
    time to set up budgets), that the community has no budget for next year yet, so its January
    plans cannot be drawn up until the sub-district sets it. Empty when nothing to tell."""
    year = rules.budget_year_to_set_up(today)
    if year is None or plan.month.year >= year:  # a plan of next year is refused, said then
        return ""
    if FundBudget.objects.filter(community_id=plan.community_id, year=year).exists():
        return ""
    return (
        f"提示：{plan.community}尚未设立{year}年度党建经费预算，{year}年1月起的支出计划"
        "须待街道党工委设立预算后才能编制。"
    )


def _no_budget_message(community: Any, year: int) -> str:
    return (
        f"{community}尚未设立{year}年度党建经费预算，不能编制该年度的支出计划："
        "请联系街道党工委先设立预算（下一年度的预算应在1月前设立）"
    )


@transaction.atomic
def spending_plan_save(
    *, plan: SpendingPlan, actor: Any, update_fields: list[str] | None = None
) -> SpendingPlan:
    if plan.pk:
        _locked_draft(plan.pk)
    require_editable(actor, plan, "编制该社区的支出计划")
    if errors := spending_plan_errors(plan):
        raise ValidationError(errors)
    return model_save(plan, actor=actor, update_fields=update_fields)


@transaction.atomic
def spending_plan_delete(*, plan: SpendingPlan, actor: Any) -> None:
    _locked_draft(plan.pk)
    require_editable(actor, plan, "删除该社区的支出计划")
    model_delete(plan, actor=actor)


def _refresh_total(plan: SpendingPlan) -> None:
    plan.total = plan.items.aggregate(total=Sum("amount"))["total"] or ZERO
    plan.save(update_fields=["total"])


@transaction.atomic
def spending_item_save(
    *, item: SpendingItem, actor: Any, update_fields: list[str] | None = None
) -> SpendingItem:
    plan = _locked_draft(item.plan_id)
    if item.pk is not None:  # an item moved from a signed plan is an edit of that plan too
        _locked_draft(SpendingItem.objects.filter(pk=item.pk).values_list("plan_id", flat=True)[0])
    require_editable(actor, item, "修改该社区的支出计划")
    model_save(item, actor=actor, update_fields=update_fields)
    _refresh_total(plan)
    return item


@transaction.atomic
def spending_item_delete(*, item: SpendingItem, actor: Any) -> None:
    plan = _locked_draft(item.plan_id)
    require_editable(actor, item, "修改该社区的支出计划")
    model_delete(item, actor=actor)
    _refresh_total(plan)


# --- the chain ------------------------------------------------------------------------------------
def holds_step(user: Any, plan: SpendingPlan, step: str) -> bool:
    """Whether `user` holds `step` for the plan's community."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if step == ChainStep.COMMUNITY_HEAD:
        return OrganizationAccess.objects.filter(
            user=user, organization_id=plan.community_id, role=Role.COMMUNITY_SECRETARY
        ).exists()
    return FundApprover.objects.filter(
        user=user, step=step, is_active=True, sub_district_id=plan.community.parent_id
    ).exists()


def _round_signatures(plan: SpendingPlan) -> list[PlanSignature]:
    """The signatures since the plan was last submitted (a return starts a new round)."""
    signatures = list(plan.signatures.order_by("signed_at", "pk"))
    starts = [i for i, s in enumerate(signatures) if s.step == ChainStep.COMMUNITY_HEAD]
    return signatures[starts[-1] :] if starts else []


def _check_signer(plan: SpendingPlan, step: ChainStep, actor: Any) -> None:
    if not holds_step(actor, plan, step):
        raise ApprovalError(f"您不是“{step.label}”环节的审批人，不能办理这一步。")
    if step == ChainStep.COMMUNITY_HEAD:
        return
    if plan.submitted_by_id == actor.pk:
        raise ApprovalError("不能审批自己提交的支出计划。")
    if any(s.user_id == actor.pk for s in _round_signatures(plan)):
        raise ApprovalError("同一人不能签署同一支出计划的两个环节。")


def _check_budget(plan: SpendingPlan) -> None:
    """The plan's items are of the four uses, and its total within what its month may commit
    (量入为出: month/12 of the year's budget, or what was paid out if more, less the year's
    other commitments)."""
    allowance = fund_allowance(plan.community_id, plan.month, excluding_plan=plan.pk)
    if not allowance.has_budget:
        raise ValidationError(_no_budget_message(plan.community, plan.month.year))
    items = list(plan.items.order_by("pk").values_list("description", "use", "amount"))
    errors = rules.plan_errors(items, remaining=allowance.allowance)
    total = sum((amount for _, _, amount in items), ZERO)
    if total > allowance.allowance:  # the rule's generic "above the balance", said exactly
        errors = [e for e in errors if not e.startswith("支出计划合计")]
        errors.append(
            rules.allowance_error(
                total,
                allowance=allowance.allowance,
                month=plan.month.month,
                received=max(allowance.received, allowance.paid_out),
            )
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def spending_plan_act(
    *, plan: SpendingPlan, actor: Any, approve: bool = True, comment: str = ""
) -> SpendingPlan:
    """Take the plan's current step: sign (submit, approve, pay) or send it back."""
    plan = SpendingPlan.objects.select_for_update().select_related("community").get(pk=plan.pk)
    step = rules.chain_step(plan.status)
    if step is None:
        raise ValidationError("该支出计划已拨付，审批流程已结束")
    require_editable(actor, plan, "办理该社区的支出计划")
    _check_signer(plan, step, actor)
    if not approve and not comment.strip():
        raise ValidationError("退回时请填写退回理由")
    if approve and step in (ChainStep.COMMUNITY_HEAD, ChainStep.DIRECTOR):
        _check_budget(plan)
    status = rules.status_after(plan.status, approved=approve)
    if not isinstance(status, rules.PlanStatus):  # the message why the plan cannot move
        raise ValidationError(status)
    plan.status = status
    fields = ["status"]
    if step == ChainStep.COMMUNITY_HEAD:
        plan.submitted_by = actor
        fields.append("submitted_by")
    model_save(plan, actor=actor, update_fields=fields)
    PlanSignature.objects.create(
        plan=plan, step=step, approved=approve, user=actor,
        signer_name=actor.get_full_name() or actor.get_username(), signed_at=timezone.now(),
        comment=comment,
    )  # fmt: skip
    return plan


def spending_plan_approve(*, plan: SpendingPlan, actor: Any) -> SpendingPlan:
    return spending_plan_act(plan=plan, actor=actor, approve=True)
