"""Every state change of the finance app locks its row and checks the state inside the lock, so
that two users acting at once never both win (Trust, item 6). Two threads on PostgreSQL, each a
real transaction of its own; SQLite has no row locks (it serialises whole writes) and skips them.

Each race is run several times: before the locks, the last write won (10 of 10 runs for a
relief approved and rejected at once), a signed plan's item was edited (3 of 20), and a
duplicate payment answered 500 (the database's constraint, not a message)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from finance.models import (
    DuesPayment,
    DuesRelief,
    FundApprover,
    FundBudget,
    PlanSignature,
    SpendingItem,
    SpendingPlan,
)
from finance.rules import ChainStep, FundUse, PaymentMethod, PlanStatus
from finance.services import dues as dues_services
from finance.services import funds as fund_services
from organizations.roles import Role
from tests.members.factories import MemberFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) need PostgreSQL; SQLite serialises whole writes",
    ),
]

RUNS = 5
RACE_RUNS = 10  # the audit's measure: the last write won 10 of 10 runs
MARCH = dt.date(2026, 3, 1)
REFUSED = (ValidationError, PermissionDenied)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread and database connection; the
    result of each, or the refusal it raised (any other exception fails the test)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except REFUSED as error:
            results[index] = error
        except Exception as error:  # noqa: BLE001 (reported below: e.g. an IntegrityError)
            results[index] = RuntimeError(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    unexpected = [r for r in results if isinstance(r, RuntimeError)]
    assert not unexpected, unexpected
    return results


def _refused(results: list[Any]) -> int:
    return sum(isinstance(r, REFUSED) for r in results)


# --- 减免 ---------------------------------------------------------------------------------------------
def test_relief_approved_and_rejected_at_once_one_decision_stands(
    tree: SimpleNamespace, make_user: Any, secretary_a: Any, branch_officer_a: Any
) -> None:
    other = make_user(Role.COMMUNITY_OFFICER, tree.community_a, "zhuangan_a")
    for run in range(RACE_RUNS):
        member = MemberFactory(
            branch=tree.branch_a, categories=["in_service"], monthly_income=D("4000")
        )
        relief = dues_services.dues_relief_save(
            relief=DuesRelief(
                member=member, kind="waive", first_month=MARCH, last_month=MARCH,
                monthly_amount=D("0"), reason=f"困难{run}", branch_decided_on=dt.date(2026, 2, 1),
                branch_decision="支部委员会决定",
            ),
            actor=branch_officer_a,
        )  # fmt: skip
        results = race(
            lambda r=relief: dues_services.dues_relief_approve(relief=r, actor=secretary_a),
            lambda r=relief: dues_services.dues_relief_reject(relief=r, actor=other),
        )
        assert _refused(results) == 1, results
        [winner] = [r for r in results if isinstance(r, DuesRelief)]
        relief.refresh_from_db()
        assert (relief.status, relief.approved_by_id) == (winner.status, winner.approved_by_id)
        assert relief.history.filter(status__in=["approved", "rejected"]).count() == 1


# --- payments -----------------------------------------------------------------------------------
def test_the_same_month_paid_twice_at_once_is_recorded_once_and_refused_once(
    tree: SimpleNamespace, branch_officer_a: Any, secretary_a: Any
) -> None:
    for _ in range(RACE_RUNS):
        member = MemberFactory(
            branch=tree.branch_a, categories=["in_service"], monthly_income=D("4000")
        )

        def pay(actor: Any, m: Any = member) -> Any:
            return dues_services.dues_payment_record(
                member=m, period=MARCH, paid_on=dt.date(2026, 3, 10),
                method=PaymentMethod.IN_PERSON, actor=actor,
            )  # fmt: skip

        results = race(lambda: pay(branch_officer_a), lambda: pay(secretary_a))
        assert _refused(results) == 1, results
        [refusal] = [r for r in results if isinstance(r, REFUSED)]
        assert "已交纳" in " ".join(refusal.messages)
        assert DuesPayment.objects.filter(member=member).count() == 1


def test_a_payment_reversed_twice_at_once_is_reversed_once(
    tree: SimpleNamespace, branch_officer_a: Any, secretary_a: Any
) -> None:
    for run in range(RUNS):
        member = MemberFactory(
            branch=tree.branch_a, categories=["in_service"], monthly_income=D("4000")
        )
        payment = dues_services.dues_payment_record(
            member=member, period=MARCH, paid_on=dt.date(2026, 3, 10),
            method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
        )  # fmt: skip
        results = race(
            lambda p=payment, n=run: dues_services.dues_payment_reverse(
                payment=p, actor=branch_officer_a, reason=f"重复登记{n}"
            ),
            lambda p=payment, n=run: dues_services.dues_payment_reverse(
                payment=p, actor=secretary_a, reason=f"金额错误{n}"
            ),
        )
        assert _refused(results) == 1, results
        [winner] = [r for r in results if isinstance(r, DuesPayment)]
        payment.refresh_from_db()
        assert payment.reversal_reason == winner.reversal_reason


# --- the spending plan's chain ------------------------------------------------------------------------
@pytest.fixture
def chain(tree: SimpleNamespace, make_user: Any, secretary_a: Any, superuser: Any) -> Any:
    holders = {}
    for step in (ChainStep.ORGANIZATION_MEMBER, ChainStep.DEPUTY_SECRETARY, ChainStep.DIRECTOR,
                 ChainStep.FINANCE_OFFICE):  # fmt: skip
        user = make_user(Role.SUB_DISTRICT_OFFICER, tree.sub_district, f"step-{step}")
        fund_services.fund_approver_save(
            approver=FundApprover(user=user, sub_district=tree.sub_district, step=step),
            actor=superuser,
        )
        holders[str(step)] = user
    FundBudget.objects.create(community=tree.community_a, year=2026)
    return SimpleNamespace(head=secretary_a, **holders)


def _plan(tree: SimpleNamespace, head: Any, month: dt.date, amount: str = "100") -> SpendingPlan:
    plan = fund_services.spending_plan_save(
        plan=SpendingPlan(community=tree.community_a, month=month), actor=head
    )
    fund_services.spending_item_save(
        item=SpendingItem(plan=plan, description="资料", use=FundUse.DAILY_WORK, amount=D(amount)),
        actor=head,
    )
    return SpendingPlan.objects.get(pk=plan.pk)


def test_an_item_edited_while_the_secretary_signs_is_either_signed_or_refused(
    tree: SimpleNamespace, chain: Any
) -> None:
    for month in range(1, 1 + RUNS * 2):
        plan = _plan(tree, chain.head, dt.date(2026, month, 1))
        item = plan.items.get()
        item.amount = D("200")
        results = race(
            lambda i=item: fund_services.spending_item_save(
                item=i, actor=chain.head, update_fields=["amount"]
            ),
            lambda p=plan: fund_services.spending_plan_act(plan=p, actor=chain.head),
        )
        plan.refresh_from_db()
        assert plan.status == PlanStatus.AT_ORGANIZATION_MEMBER  # the signature always stands
        edit = results[0]
        stored = SpendingItem.objects.get(pk=item.pk).amount
        if isinstance(edit, REFUSED):  # signed first: the edit came too late
            assert stored == D("100")
        else:  # edited first: what was signed is the edited plan
            assert stored == D("200")
            signed = PlanSignature.objects.get(plan=plan).signed_at
            assert item.history.latest().history_date <= signed
        assert plan.total == stored


@pytest.mark.parametrize(
    "step", ["organization_member", "deputy_secretary", "director", "finance_office"]
)
def test_each_step_taken_twice_at_once_is_signed_once(
    tree: SimpleNamespace, chain: Any, step: str
) -> None:
    order = ["organization_member", "deputy_secretary", "director", "finance_office"]
    for run in range(RUNS):
        plan = _plan(tree, chain.head, dt.date(2026, 12 - run, 1))
        plan = fund_services.spending_plan_act(plan=plan, actor=chain.head)
        for earlier in order[: order.index(step)]:
            plan = fund_services.spending_plan_act(plan=plan, actor=getattr(chain, earlier))
        holder = getattr(chain, step)
        results = race(
            lambda p=plan, u=holder: fund_services.spending_plan_act(plan=p, actor=u),
            lambda p=plan, u=holder: fund_services.spending_plan_act(
                plan=p, actor=u, approve=False, comment="请补充说明"
            ),
        )
        assert _refused(results) == 1, results
        assert PlanSignature.objects.filter(plan=plan, step=step).count() == 1
