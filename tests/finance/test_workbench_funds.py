"""党建经费 on the 工作台 (issue 22, point 9): "N 份党建经费支出计划待您办理" counts, opens and offers
办理 on exactly the plans whose current step is the user's, for each holder of the chain; from 1
December the sub-district is reminded of the communities with no budget for next year, until
they have one; a plan's first save in December says that next year's budget is missing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from finance import rules
from finance.dashboard import finance_panel
from finance.models import FundApprover, FundBudget, SpendingItem, SpendingPlan
from finance.rules import ChainStep, FundUse, PlanStatus
from finance.services import funds as services
from organizations.roles import Role

PLAN_TODO = "份党建经费支出计划待您办理"
STEPS = (
    ChainStep.ORGANIZATION_MEMBER,
    ChainStep.DEPUTY_SECRETARY,
    ChainStep.DIRECTOR,
    ChainStep.FINANCE_OFFICE,
)


@pytest.fixture
def chain(
    tree: SimpleNamespace, make_user: Any, secretary_a: Any, superuser: Any
) -> SimpleNamespace:
    holders = {}
    for step in STEPS:
        user = make_user(Role.SUB_DISTRICT_OFFICER, tree.sub_district, f"step-{step}")
        services.fund_approver_save(
            approver=FundApprover(user=user, sub_district=tree.sub_district, step=step),
            actor=superuser,
        )
        holders[str(step)] = user
    FundBudget.objects.create(community=tree.community_a, year=2026)
    return SimpleNamespace(head=secretary_a, **holders)


def _plan(tree: SimpleNamespace, chain: SimpleNamespace, month: int, signers: list[Any]) -> Any:
    plan = services.spending_plan_save(
        plan=SpendingPlan(community=tree.community_a, month=dt.date(2026, month, 1)),
        actor=chain.head,
    )
    services.spending_item_save(
        item=SpendingItem(plan=plan, description="学习资料", use=FundUse.DAILY_WORK, amount=D(100)),
        actor=chain.head,
    )
    for user in signers:
        plan = services.spending_plan_act(plan=plan, actor=user)
    return plan


@pytest.fixture
def plans(tree: SimpleNamespace, chain: SimpleNamespace) -> dict[str, Any]:
    """A plan at every status of the chain."""
    c = chain
    returned = _plan(tree, c, 2, [c.head])
    services.spending_plan_act(
        plan=returned, actor=c.organization_member, approve=False, comment="补充明细"
    )
    made = {
        "draft": _plan(tree, c, 1, []),
        "at_organization_member": _plan(tree, c, 3, [c.head]),
        "at_deputy_secretary": _plan(tree, c, 4, [c.head, c.organization_member]),
        "at_director": _plan(tree, c, 5, [c.head, c.organization_member, c.deputy_secretary]),
        "approved": _plan(
            tree, c, 6, [c.head, c.organization_member, c.deputy_secretary, c.director]
        ),
        "paid": _plan(
            tree,
            c,
            7,
            [c.head, c.organization_member, c.deputy_secretary, c.director, c.finance_office],
        ),
    }
    statuses = {plan.status for plan in SpendingPlan.objects.all()}
    assert statuses == set(PlanStatus.values)
    return made


@pytest.mark.usefixtures("plans")
@pytest.mark.parametrize(
    ("holder", "expected"),
    [
        ("head", {PlanStatus.DRAFT, PlanStatus.RETURNED}),
        ("organization_member", {PlanStatus.AT_ORGANIZATION_MEMBER}),
        ("deputy_secretary", {PlanStatus.AT_DEPUTY_SECRETARY}),
        ("director", {PlanStatus.AT_DIRECTOR}),
        ("finance_office", {PlanStatus.APPROVED}),
    ],
)
def test_plans_waiting_for_a_step_holder_are_exactly_theirs(
    client: Any, chain: SimpleNamespace, holder: str, expected: set[str]
) -> None:
    user = getattr(chain, holder)
    client.force_login(user)
    index = client.get(reverse("admin:index"))
    [todo] = [t for p in index.context["panels"] for t in p.todos if t.label == PLAN_TODO]
    assert todo.count == len(expected)
    opened = client.get(todo.url)
    assert opened.context["cl"].result_count == todo.count
    assert {plan.status for plan in opened.context["cl"].result_list} == expected
    assert opened.content.decode().count(">办理</a>") == todo.count
    every = client.get(reverse("admin:finance_spendingplan_changelist"))
    assert every.context["cl"].result_count == len(PlanStatus.values)  # the whole list stays
    assert every.content.decode().count(">办理</a>") == todo.count  # 办理 only on theirs


def test_a_plan_the_holder_submitted_is_not_waiting_for_them(
    tree: SimpleNamespace, chain: SimpleNamespace, make_user: Any, superuser: Any, client: Any
) -> None:
    """A step holder who also heads the community never approves their own submission."""
    both = make_user(Role.COMMUNITY_SECRETARY, tree.community_a, "both")
    services.fund_approver_save(
        approver=FundApprover(
            user=both, sub_district=tree.sub_district, step=ChainStep.DEPUTY_SECRETARY
        ),
        actor=superuser,
    )
    plan = _plan(tree, SimpleNamespace(head=both), 3, [both, chain.organization_member])
    assert plan.status == PlanStatus.AT_DEPUTY_SECRETARY
    client.force_login(both)
    opened = client.get(reverse("admin:finance_spendingplan_changelist") + "?awaiting=mine")
    assert opened.context["cl"].result_count == 0


# --- the next year's budget -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("today", "year"),
    [
        (dt.date(2026, 11, 30), None),
        (dt.date(2026, 12, 1), 2027),
        (dt.date(2026, 12, 31), 2027),
        (dt.date(2027, 1, 1), None),
    ],
)
def test_budgets_of_next_year_are_reminded_from_1_december(
    today: dt.date, year: int | None
) -> None:
    assert rules.budget_year_to_set_up(today) == year


def _budget_todo(user: Any, today: dt.date, monkeypatch: Any) -> Any:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    request = RequestFactory().get("/admin/")
    request.user = user
    panel = finance_panel(request)
    assert panel is not None
    found = [t for t in panel.todos if "年度党建经费预算" in t.label]
    return found[0] if found else None


def test_the_sub_district_is_reminded_in_december_until_every_budget_is_set(
    tree: SimpleNamespace, sub_district_officer: Any, monkeypatch: Any
) -> None:
    assert _budget_todo(sub_district_officer, dt.date(2026, 11, 30), monkeypatch) is None
    todo = _budget_todo(sub_district_officer, dt.date(2026, 12, 1), monkeypatch)
    assert todo.label == "个社区尚未设立2027年度党建经费预算"
    assert todo.count == 2
    assert "甲社区党委" in todo.hint
    assert "乙社区党总支" in todo.hint
    assert todo.url == reverse("admin:finance_fundbudget_add") + "?year=2027"
    FundBudget.objects.create(community=tree.community_a, year=2027)
    assert _budget_todo(sub_district_officer, dt.date(2026, 12, 1), monkeypatch).count == 1
    FundBudget.objects.create(community=tree.community_b, year=2027)
    assert _budget_todo(sub_district_officer, dt.date(2026, 12, 1), monkeypatch) is None


def test_a_community_is_not_shown_the_sub_districts_budget_reminder(
    tree: SimpleNamespace, secretary_a: Any, monkeypatch: Any
) -> None:
    assert _budget_todo(secretary_a, dt.date(2026, 12, 1), monkeypatch) is None


def _first_save(client: Any, community: Any, month: str) -> list[str]:
    response = client.post(
        reverse("admin:finance_spendingplan_add"),
        {"community": community.pk, "month": month, "items-TOTAL_FORMS": "0",
         "items-INITIAL_FORMS": "0", "signatures-TOTAL_FORMS": "0",
         "signatures-INITIAL_FORMS": "0"},
    )  # fmt: skip
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("today", "told"), [(dt.date(2026, 11, 30), False), (dt.date(2026, 12, 1), True)]
)
def test_a_plans_first_save_in_december_says_next_years_budget_is_missing(
    tree: SimpleNamespace,
    chain: SimpleNamespace,
    client: Any,
    monkeypatch: Any,
    today: dt.date,
    told: bool,
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    client.force_login(chain.head)
    said = _first_save(client, tree.community_a, "2026-12")
    assert SpendingPlan.objects.filter(month=dt.date(2026, 12, 1)).exists()
    notice = "甲社区党委尚未设立2027年度党建经费预算，2027年1月起的支出计划须待街道党工委设立预算后才能编制"
    assert any(notice in message for message in said) == told, said


def test_no_december_notice_once_next_years_budget_is_set(
    tree: SimpleNamespace, chain: SimpleNamespace, client: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 1))
    FundBudget.objects.create(community=tree.community_a, year=2027)
    client.force_login(chain.head)
    said = _first_save(client, tree.community_a, "2026-12")
    assert SpendingPlan.objects.filter(month=dt.date(2026, 12, 1)).exists()
    assert not any("2027年度" in message for message in said), said
