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


def test_a_draft_cannot_be_sent_back_and_the_rules_message_says_so(
    tree: SimpleNamespace, chain: SimpleNamespace
) -> None:
    plan = _plan(tree, chain.head, ("资料", FundUse.DAILY_WORK, "10"))
    with pytest.raises(ValidationError) as refused:
        services.spending_plan_act(plan=plan, actor=chain.head, approve=False, comment="撤回")
    assert refused.value.messages == ["支出计划尚未提交，不能退回"]
    assert SpendingPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_item_without_a_permitted_use_is_refused_at_submission(
    tree: SimpleNamespace, chain: SimpleNamespace
) -> None:
    plan = _plan(tree, chain.head, ("聚餐", "", "300"))
    with pytest.raises(ValidationError, match="不属于党建经费的用途"):
        services.spending_plan_act(plan=plan, actor=chain.head)


def test_plan_above_the_remaining_budget_is_refused(
    tree: SimpleNamespace, chain: SimpleNamespace
) -> None:
    november, december = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
    _walk(_plan(tree, chain.head, ("慰问", FundUse.HARDSHIP, "9000"), month=november), chain)
    plan = _plan(tree, chain.head, ("表彰", FundUse.COMMENDATION, "1000.01"), month=december)
    with pytest.raises(ValidationError, match="超过本月可支出的1000.00元"):
        services.spending_plan_act(plan=plan, actor=chain.head)


# --- 量入为出: a month commits what has come in by then -------------------------------------------
def test_a_january_plan_commits_at_most_one_twelfth_of_the_year(
    tree: SimpleNamespace, chain: SimpleNamespace
) -> None:
    january = dt.date(2026, 1, 1)
    whole_year = _plan(tree, chain.head, ("全年资料", FundUse.DAILY_WORK, "10000"), month=january)
    with pytest.raises(ValidationError, match="超过本月可支出的833.33元"):
        services.spending_plan_act(plan=whole_year, actor=chain.head)
    item = whole_year.items.get()
    item.amount = D("833.33")
    services.spending_item_save(item=item, actor=chain.head, update_fields=["amount"])
    plan = _walk(SpendingPlan.objects.get(pk=whole_year.pk), chain)
    assert plan.status == PlanStatus.APPROVED


def test_each_month_adds_its_twelfth_less_what_is_committed(
    tree: SimpleNamespace, chain: SimpleNamespace
) -> None:
    _walk(
        _plan(tree, chain.head, ("资料", FundUse.DAILY_WORK, "800"), month=dt.date(2026, 1, 1)),
        chain,
    )
    february = dt.date(2026, 2, 1)
    over = _plan(tree, chain.head, ("资料", FundUse.DAILY_WORK, "866.68"), month=february)
    # 2/12 of 10,000 is 1,666.67; January's plan commits 800: 866.67 is left in February.
    with pytest.raises(ValidationError, match="超过本月可支出的866.67元"):
        services.spending_plan_act(plan=over, actor=chain.head)
    item = over.items.get()
    item.amount = D("866.67")
    services.spending_item_save(item=item, actor=chain.head, update_fields=["amount"])
    plan = services.spending_plan_act(plan=SpendingPlan.objects.get(pk=over.pk), actor=chain.head)
    assert plan.status == PlanStatus.AT_ORGANIZATION_MEMBER


def test_allowance_rule_takes_what_was_paid_out_if_more() -> None:
    from finance.rules import plan_allowance

    assert plan_allowance(yearly=D("12000"), month=3, paid_out=D("0"), committed=D("1000")) == D(
        "2000.00"
    )
    assert plan_allowance(yearly=D("12000"), month=3, paid_out=D("5000"), committed=D("4000")) == D(
        "1000"
    )
    assert plan_allowance(yearly=D("10000"), month=12, paid_out=D("0"), committed=D("0")) == D(
        "10000.00"
    )


def test_a_missing_budget_is_told_at_the_plans_first_save(
    tree: SimpleNamespace, chain: SimpleNamespace
) -> None:
    with pytest.raises(ValidationError, match="尚未设立2027年度党建经费预算"):
        services.spending_plan_save(
            plan=SpendingPlan(community=tree.community_a, month=dt.date(2027, 1, 1)),
            actor=chain.head,
        )
    assert not SpendingPlan.objects.filter(month__year=2027).exists()


def test_the_admin_form_tells_the_missing_budget_on_the_first_save(
    tree: SimpleNamespace, chain: SimpleNamespace, client: Any
) -> None:
    from django.urls import reverse

    client.force_login(chain.head)
    response = client.post(
        reverse("admin:finance_spendingplan_add"),
        {"community": tree.community_a.pk, "month": "2027-01", "items-TOTAL_FORMS": "0",
         "items-INITIAL_FORMS": "0", "signatures-TOTAL_FORMS": "0",
         "signatures-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "尚未设立2027年度党建经费预算" in response.content.decode()
    assert not SpendingPlan.objects.filter(month__year=2027).exists()


# --- who names the step holders -----------------------------------------------------------------
def test_an_approver_cannot_reassign_the_steps_the_sub_district_officer_does_and_it_is_logged(
    tree: SimpleNamespace, chain: SimpleNamespace, sub_district_officer: Any, caplog: Any
) -> None:
    holder = FundApprover.objects.get(user=chain.director, step=ChainStep.DIRECTOR)
    holder.user = chain.organization_member
    with pytest.raises(ScopeError, match="担任经费审批环节"):
        services.fund_approver_save(approver=holder, actor=chain.director, update_fields=["user"])
    with pytest.raises(ScopeError, match="担任经费审批环节"):
        services.fund_approver_save(
            approver=FundApprover(
                user=chain.director, sub_district=tree.sub_district, step=ChainStep.FINANCE_OFFICE
            ),
            actor=chain.director,
        )
    with pytest.raises(ScopeError, match="担任经费审批环节"):
        services.fund_approver_delete(approver=holder, actor=chain.finance_office)
    assert FundApprover.objects.get(step=ChainStep.DIRECTOR).user == chain.director
    with caplog.at_level("INFO", logger="finance.services.funds"):
        services.fund_approver_save(
            approver=holder, actor=sub_district_officer, update_fields=["user"]
        )
    assert FundApprover.objects.get(pk=holder.pk).user == chain.organization_member
    assert "经费审批人变更" in caplog.text
    assert holder.history.latest().history_user == sub_district_officer


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


def test_the_approvers_page_is_read_only_for_a_step_holder(
    chain: SimpleNamespace, client: Any, sub_district_officer: Any
) -> None:
    from django.urls import reverse

    holder = FundApprover.objects.get(step=ChainStep.DIRECTOR)
    url = reverse("admin:finance_fundapprover_change", args=[holder.pk])
    client.force_login(chain.director)
    assert client.get(reverse("admin:finance_fundapprover_add")).status_code == 403
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    client.force_login(sub_district_officer)
    assert 'name="_save"' in client.get(url).content.decode()


def test_an_item_saved_after_the_secretary_signed_is_told_not_an_error_page(
    tree: SimpleNamespace, chain: SimpleNamespace, client: Any, make_user: Any, monkeypatch: Any
) -> None:
    from django.urls import reverse

    from finance.admin.funds import SpendingPlanAdmin

    officer = make_user(Role.COMMUNITY_OFFICER, tree.community_a, "zhuangan_a")
    plan = _plan(tree, officer, ("资料", FundUse.DAILY_WORK, "100"))
    item = plan.items.get()
    original = SpendingPlanAdmin.save_model

    def sign_first(self: Any, request: Any, obj: Any, form: Any, change: bool) -> None:
        services.spending_plan_act(plan=plan, actor=chain.head)  # signed meanwhile
        original(self, request, obj, form, change)

    monkeypatch.setattr(SpendingPlanAdmin, "save_model", sign_first)
    client.force_login(officer)
    response = client.post(
        reverse("admin:finance_spendingplan_change", args=[plan.pk]),
        {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "1", "items-0-id": item.pk,
         "items-0-plan": plan.pk, "items-0-description": "资料", "items-0-use": FundUse.DAILY_WORK,
         "items-0-amount": "5000", "signatures-TOTAL_FORMS": "0",
         "signatures-INITIAL_FORMS": "0"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert "不能再修改" in response.content.decode()
    assert SpendingItem.objects.get(pk=item.pk).amount == D("100")
