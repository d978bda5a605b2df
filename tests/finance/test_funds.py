"""党建经费: the budget, plans item by item, the approval chain by role and scope, the balance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from finance import selectors
from finance.models import FundApprover, FundBudget, SpendingItem, SpendingPlan
from finance.rules import ChainStep, FundUse, PlanStatus
from finance.services import funds as services
from finance.services.funds import ApprovalError
from organizations.roles import Role
from organizations.scope import ScopeError

MONTH = dt.date(2026, 5, 1)


@pytest.fixture
def chain(
    tree: SimpleNamespace, make_user: Any, secretary_a: Any, superuser: Any
) -> SimpleNamespace:
    """A user for each sub-district step, each a 街道党工委工作人员 named as FundApprover."""
    holders = {}
    for step in (
        ChainStep.ORGANIZATION_MEMBER,
        ChainStep.DEPUTY_SECRETARY,
        ChainStep.DIRECTOR,
        ChainStep.FINANCE_OFFICE,
    ):
        user = make_user(Role.SUB_DISTRICT_OFFICER, tree.sub_district, f"step-{step}")
        services.fund_approver_save(
            approver=FundApprover(user=user, sub_district=tree.sub_district, step=step),
            actor=superuser,
        )
        holders[step] = user
    FundBudget.objects.create(community=tree.community_a, year=2026)
    return SimpleNamespace(head=secretary_a, **{str(k): v for k, v in holders.items()})


def _plan(
    tree: SimpleNamespace, actor: Any, *items: tuple[str, str, str], month: dt.date = MONTH
) -> SpendingPlan:
    plan = services.spending_plan_save(
        plan=SpendingPlan(community=tree.community_a, month=month), actor=actor
    )
    for description, use, amount in items:
        services.spending_item_save(
            item=SpendingItem(plan=plan, description=description, use=use, amount=D(amount)),
            actor=actor,
        )
    plan.refresh_from_db()
    return plan


def _walk(plan: SpendingPlan, chain: SimpleNamespace) -> SpendingPlan:
    for user in (chain.head, chain.organization_member, chain.deputy_secretary, chain.director):
        plan = services.spending_plan_act(plan=plan, actor=user)
    return plan


def test_budget_defaults_to_10000_and_the_001_allocations(tree: SimpleNamespace) -> None:
    budget = FundBudget.objects.create(community=tree.community_b, year=2026)
    assert (budget.amount, budget.activity_per_member, budget.education_per_member) == (
        D("10000"), D("100"), D("30"),
    )  # fmt: skip


def test_a_plan_goes_through_the_chain_and_is_paid(
    tree: SimpleNamespace, chain: SimpleNamespace
) -> None:
    plan = _plan(
        tree,
        chain.head,
        ("党报党刊", FundUse.EDUCATION_MATERIALS, "600"),
        ("慰问困难党员", FundUse.HARDSHIP, "400"),
    )
    assert plan.total == D("1000.00")
    statuses = []
    for user in (
        chain.head,
        chain.organization_member,
        chain.deputy_secretary,
        chain.director,
        chain.finance_office,
    ):
        plan = services.spending_plan_act(plan=plan, actor=user, comment="同意")
        statuses.append(plan.status)
    assert statuses == [
        PlanStatus.AT_ORGANIZATION_MEMBER, PlanStatus.AT_DEPUTY_SECRETARY, PlanStatus.AT_DIRECTOR,
        PlanStatus.APPROVED, PlanStatus.PAID,
    ]  # fmt: skip
    signatures = list(plan.signatures.values_list("step", "signer_name"))
    assert [s for s, _ in signatures] == [
        "community_head", "organization_member", "deputy_secretary", "director", "finance_office",
    ]  # fmt: skip


def test_balance_per_use_and_remaining(tree: SimpleNamespace, chain: SimpleNamespace) -> None:
    _walk(_plan(tree, chain.head, ("党报党刊", FundUse.EDUCATION_MATERIALS, "600")), chain)
    balance = selectors.fund_balance(tree.community_a.pk, 2026)
    assert balance.remaining == D("9400.00")
    assert dict(balance.by_use)["政治理论教育的报刊资料"] == D("600.00")


def test_a_step_not_theirs_is_refused(tree: SimpleNamespace, chain: SimpleNamespace) -> None:
    plan = services.spending_plan_act(
        plan=_plan(tree, chain.head, ("资料", FundUse.DAILY_WORK, "10")), actor=chain.head
    )
    with pytest.raises(ApprovalError, match="街道组织委员"):
        services.spending_plan_act(plan=plan, actor=chain.director)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AT_ORGANIZATION_MEMBER


def test_no_one_approves_their_own_submission(
    tree: SimpleNamespace, chain: SimpleNamespace, superuser: Any
) -> None:
    services.fund_approver_save(
        approver=FundApprover(
            user=chain.head, sub_district=tree.sub_district, step=ChainStep.ORGANIZATION_MEMBER
        ),
        actor=superuser,
    )
    plan = services.spending_plan_act(
        plan=_plan(tree, chain.head, ("资料", FundUse.DAILY_WORK, "10")), actor=chain.head
    )
    with pytest.raises(ApprovalError, match="不能审批自己提交的"):
        services.spending_plan_act(plan=plan, actor=chain.head)


def test_one_person_cannot_sign_two_steps(
    tree: SimpleNamespace, chain: SimpleNamespace, superuser: Any
) -> None:
    services.fund_approver_save(
        approver=FundApprover(
            user=chain.organization_member,
            sub_district=tree.sub_district,
            step=ChainStep.DEPUTY_SECRETARY,
        ),
        actor=superuser,
    )
    plan = _plan(tree, chain.head, ("资料", FundUse.DAILY_WORK, "10"))
    plan = services.spending_plan_act(plan=plan, actor=chain.head)
    plan = services.spending_plan_act(plan=plan, actor=chain.organization_member)
    with pytest.raises(ApprovalError, match="两个环节"):
        services.spending_plan_act(plan=plan, actor=chain.organization_member)


def test_only_the_community_secretary_submits(
    tree: SimpleNamespace, chain: SimpleNamespace, make_user: Any, secretary_b: Any
) -> None:
    officer = make_user(Role.COMMUNITY_OFFICER, tree.community_a, "zhuangan_a")
    plan = _plan(tree, officer, ("资料", FundUse.DAILY_WORK, "10"))
    with pytest.raises(ApprovalError, match="社区党组织书记"):
        services.spending_plan_act(plan=plan, actor=officer)
    with pytest.raises(ScopeError):
        services.spending_plan_act(plan=plan, actor=secretary_b)


def test_a_step_sends_the_plan_back_with_a_reason_and_it_is_resubmitted(
    tree: SimpleNamespace, chain: SimpleNamespace
) -> None:
    plan = services.spending_plan_act(
        plan=_plan(tree, chain.head, ("资料", FundUse.DAILY_WORK, "10")), actor=chain.head
    )
    plan = services.spending_plan_act(plan=plan, actor=chain.organization_member)
    with pytest.raises(ValidationError, match="退回理由"):
        services.spending_plan_act(plan=plan, actor=chain.deputy_secretary, approve=False)
    plan = services.spending_plan_act(
        plan=plan, actor=chain.deputy_secretary, approve=False, comment="请附明细"
    )
    assert plan.status == PlanStatus.RETURNED
    item = plan.items.get()
    item.amount = D("20")
    services.spending_item_save(item=item, actor=chain.head, update_fields=["amount"])
    plan = _walk(
        SpendingPlan.objects.get(pk=plan.pk), chain
    )  # a new round: the 组织委员 signs again
    assert plan.status == PlanStatus.APPROVED
    assert plan.total == D("20.00")


def test_item_without_a_permitted_use_is_refused_at_submission(
    tree: SimpleNamespace, chain: SimpleNamespace
) -> None:
    plan = _plan(tree, chain.head, ("聚餐", "", "300"))
    with pytest.raises(ValidationError, match="不属于党建经费的用途"):
        services.spending_plan_act(plan=plan, actor=chain.head)


def test_plan_above_the_remaining_budget_is_refused(
    tree: SimpleNamespace, chain: SimpleNamespace
) -> None:
    _walk(_plan(tree, chain.head, ("慰问", FundUse.HARDSHIP, "9000")), chain)
    plan = _plan(
        tree, chain.head, ("表彰", FundUse.COMMENDATION, "1000.01"), month=dt.date(2026, 6, 1)
    )
    with pytest.raises(ValidationError, match="超过经费余额1000.00元"):
        services.spending_plan_act(plan=plan, actor=chain.head)


def test_a_submitted_plan_cannot_be_edited(tree: SimpleNamespace, chain: SimpleNamespace) -> None:
    plan = services.spending_plan_act(
        plan=_plan(tree, chain.head, ("资料", FundUse.DAILY_WORK, "10")), actor=chain.head
    )
    item = plan.items.get()
    item.amount = D("5000")
    with pytest.raises(ValidationError, match="不能再修改"):
        services.spending_item_save(item=item, actor=chain.head, update_fields=["amount"])


def test_community_cannot_set_approvers(tree: SimpleNamespace, secretary_a: Any) -> None:
    with pytest.raises(ScopeError):
        services.fund_approver_save(
            approver=FundApprover(
                user=secretary_a, sub_district=tree.sub_district, step=ChainStep.DIRECTOR
            ),
            actor=secretary_a,
        )


def test_only_the_sub_district_sets_a_budget(
    tree: SimpleNamespace, secretary_a: Any, sub_district_officer: Any
) -> None:
    budget = FundBudget(community=tree.community_a, year=2027)
    with pytest.raises(ScopeError, match="街道党工委设置"):
        services.fund_budget_save(budget=budget, actor=secretary_a)
    services.fund_budget_save(budget=budget, actor=sub_district_officer)
    assert FundBudget.objects.filter(community=tree.community_a, year=2027).exists()
