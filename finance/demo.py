"""Demo data of the finance app (`python manage.py demo`, its AppConfig's demo_builders).

- an income for every demo member who has none on the roster, and a raise effective a few months
  ago for some in-service members (so their fixed amount gives way from that month);
- the 核定 of last year and this year (members who joined this year are computed from their
  income), farmers at an amount from 0.2 to 1.0 yuan;
- a year of dues: most members pay each month (in person, quarterly, some by proxy), two stop
  five months ago (warned; none in 和平社区, the 示范小区 applicant, whose dues are all
  collected) and one eight months ago (flagged for 自行脱党 handling); an approved
  waiver, a pending reduction, voluntary payments (one of 1000 yuan, for the central committee);
- each branch of 春晖社区's summary of last quarter, one published;
- the sub-district's chain: four users holding 组织委员, 分管副书记, 街道主任, 财政所; each
  community's budget for last year and this year, and a year of monthly plans in every state.

Deterministic (seeded, dates counted back from today) and idempotent: each part is made only
when it is missing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from members.models import Member
from members.rules import Category, MemberStatus
from organizations.demo import DEMO_PASSWORD, Login
from organizations.models import Organization
from organizations.roles import Role
from organizations.rules import COMMUNITY_KINDS, OrganizationKind
from organizations.selectors import APPROVING_COMMITTEE_ROLES, approving_committee
from organizations.services import organization_access_grant

from . import rules, selectors
from .models import (
    DuesAssessment,
    DuesPayment,
    DuesPublication,
    DuesRelief,
    FundApprover,
    FundBudget,
    IncomeChange,
    PaymentKind,
    PlanSignature,
    SpendingItem,
    SpendingPlan,
)
from .rules import ChainStep, FundUse, PaymentMethod, PlanStatus
from .services import dues as dues_services
from .services import funds as fund_services

SEED = 2026
MONTHS_OF_DUES = 12
CHAIN_USERS = (
    (ChainStep.ORGANIZATION_MEMBER, "zuzhi", "周组织"),
    (ChainStep.DEPUTY_SECRETARY, "fushuji", "吴副书记"),
    (ChainStep.DIRECTOR, "zhuren", "郑主任"),
    (ChainStep.FINANCE_OFFICE, "caizheng", "王财政"),
)
# Where the plans of the last twelve months stop, newest first (older ones are paid).
PLAN_STATES = (
    PlanStatus.DRAFT,
    PlanStatus.RETURNED,
    PlanStatus.AT_ORGANIZATION_MEMBER,
    PlanStatus.AT_DEPUTY_SECRETARY,
    PlanStatus.AT_DIRECTOR,
    PlanStatus.APPROVED,
)
PLAN_ITEMS = (
    ("党报党刊及学习资料", FundUse.EDUCATION_MATERIALS, "180.00"),
    ("主题党日活动用品", FundUse.DAILY_WORK, "220.00"),
    ("走访慰问困难党员", FundUse.HARDSHIP, "300.00"),
    ("表彰优秀共产党员", FundUse.COMMENDATION, "100.00"),
)


def build() -> list[Any]:
    """Create what is missing of this app's demo data; the members demo must have run first."""
    today = timezone.localdate()
    admin = get_user_model().objects.get(username="admin")
    logins = _chain_users(admin)
    _incomes(admin, today)
    _assessments(admin, today)
    _reliefs(admin, today)
    _payments(admin, today)
    _publications(admin, today)
    _plans(admin, today)
    return logins


# --- incomes and 核定 ---------------------------------------------------------------------------------
def _incomes(actor: Any, today: dt.date) -> None:
    if IncomeChange.objects.exists():
        return
    start = dt.date(today.year - 1, 1, 1)
    changes = []
    members = Member.objects.current().prefetch_related("categories").order_by("pk")
    for member in members:
        rng = random.Random(f"{SEED}-income-{member.citizen_id}")
        codes = {c.code for c in member.categories.all()}
        paying = rules.dues_basis(codes, has_income=member.monthly_income is not None)
        if paying is None:  # floating or aged only, no income on the roster
            income = Decimal(rng.choice((2600, 3500, 4500, 5500)))
            changes.append(IncomeChange(member=member, effective_month=start, monthly_income=income,
                                        note="外出务工收入"))  # fmt: skip
        elif Category.IN_SERVICE in codes and member.monthly_income and rng.random() < 0.15:
            raised = member.monthly_income + Decimal(rng.choice((800, 1500, 3000)))
            changes.append(IncomeChange(member=member, effective_month=rules.add_months(
                rules.month_start(today), -3), monthly_income=raised, note="调整工资"))  # fmt: skip
    bulk_create_with_history(changes, IncomeChange, default_user=actor)


def _assessments(actor: Any, today: dt.date) -> None:
    for year in (today.year - 1, today.year):
        if DuesAssessment.objects.filter(year=year).exists():
            continue
        members = list(
            Member.objects.current().filter(joined_on__lt=dt.date(year, 1, 1)).order_by("pk")
        )
        for member in members:
            if not member.categories.filter(code=Category.FARMER).exists():
                continue
            rng = random.Random(f"{SEED}-farmer-{member.citizen_id}")
            amount = Decimal(rng.choice(("0.20", "0.50", "0.80", "1.00")))
            if not DuesAssessment.objects.filter(member=member, year=year).exists():
                dues_services.dues_assessment_fix(
                    member=member, year=year, actor=actor, farmer_amount=amount
                )
        dues_services.dues_year_fix(members=members, year=year, actor=actor)


# --- reliefs, payments -------------------------------------------------------------------------------
def _aged_member() -> Member | None:
    return (
        Member.objects.current()
        .filter(categories__code=Category.AGED_OR_ILL, branch__code__startswith="CN-CH")
        .order_by("pk")
        .first()
    )


def _reliefs(actor: Any, today: dt.date) -> None:
    if DuesRelief.objects.exists():
        return
    this_month = rules.month_start(today)
    aged = _aged_member()
    if aged is not None:
        relief = DuesRelief(
            member=aged, kind="waive", first_month=rules.add_months(this_month, -4),
            last_month=rules.add_months(this_month, 7), reason="年老病重，生活困难",
            branch_decided_on=rules.add_months(this_month, -5) + dt.timedelta(days=20),
            branch_decision="支部委员会会议研究决定",
        )  # fmt: skip
        # Entered for the branch, approved by the 上一级党委 (someone else: its secretary).
        dues_services.dues_relief_save(relief=relief, actor=None)
        dues_services.dues_relief_approve(relief=relief, actor=_committee_user(aged) or actor)
    other = (
        Member.objects.current()
        .filter(branch__code="CN-JX-ZB1", categories__code=Category.RETIRED)
        .order_by("pk")
        .first()
    )
    if other is not None:
        owed = selectors.member_month_dues(other, this_month).amount
        if owed > Decimal("1"):
            relief = DuesRelief(
                member=other, kind="reduce", first_month=this_month,
                last_month=rules.add_months(this_month, 5), monthly_amount=rules.to_fen(owed / 2),
                reason="家庭成员重病，经济困难", branch_decided_on=today,
                branch_decision="支部委员会会议研究决定",
            )  # fmt: skip
            dues_services.dues_relief_save(relief=relief, actor=actor)


def _committee_user(member: Member) -> Any:
    """A user of the 上一级党委 that approves the member's branch's reductions, if any."""
    from organizations.models import OrganizationAccess

    committee = approving_committee(member.branch)
    access = (
        OrganizationAccess.objects.filter(
            organization=committee, role__in=APPROVING_COMMITTEE_ROLES
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return access.user if access is not None else None


def _stops(today: dt.date) -> dict[int, dt.date]:
    """Members who stop paying: the last month each pays."""
    this_month = rules.month_start(today)
    branch_members = list(
        Member.objects.current()
        # Not in 和平社区, this year's 示范小区 applicant whose dues are all collected
        # (members/demo_showcase.py).
        .filter(status=MemberStatus.FULL, branch__code__in=("CN-CH-ZB1", "CN-JX-ZB2"))
        .exclude(categories__code=Category.AGED_OR_ILL)
        .order_by("branch__code", "pk")
        .values_list("pk", "branch__code")
    )
    firsts: dict[str, list[int]] = {}
    for pk, code in branch_members:
        firsts.setdefault(code, []).append(pk)
    stops = {}
    for pks in firsts.values():
        if pks:
            stops[pks[0]] = rules.add_months(this_month, -6)  # 5 months unpaid: warned
    if (zb1 := firsts.get("CN-CH-ZB1", [])) and len(zb1) > 1:
        stops[zb1[1]] = rules.add_months(this_month, -8)  # 7 months unpaid: lapsed
    return stops


@transaction.atomic
def _payments(actor: Any, today: dt.date) -> None:
    if DuesPayment.objects.exists():
        return
    this_month = rules.month_start(today)
    stops = _stops(today)
    payments = []
    for back in range(MONTHS_OF_DUES, 0, -1):
        month = rules.add_months(this_month, -back)
        for row in selectors.dues_ledger(month, Member.objects.current()):
            if row.line.amount <= 0 or (row.member_id in stops and month > stops[row.member_id]):
                continue
            payments.append(_payment(row, month, actor, today))
    bulk_create_with_history(payments, DuesPayment, default_user=actor)
    _voluntary(actor, today)


def _payment(row: selectors.LedgerRow, month: dt.date, actor: Any, today: dt.date) -> DuesPayment:
    rng = random.Random(f"{SEED}-pay-{row.member_id}-{month:%Y%m}")
    roll = rng.random()
    method, proxy, paid_on = (
        PaymentMethod.IN_PERSON,
        "",
        month + dt.timedelta(days=rng.randint(2, 25)),
    )
    if roll < 0.08:
        method, proxy = PaymentMethod.PROXY, rng.choice(("家属代交", "同支部党员代交"))
    elif roll < 0.16:  # quarterly: paid in the quarter's last month
        method = PaymentMethod.QUARTERLY
        paid_on = dt.date(month.year, 3 * ((month.month - 1) // 3) + 3, 20)
    paid_on = min(paid_on, today)  # never dated in the future
    return DuesPayment(
        member_id=row.member_id, kind=PaymentKind.DUES, period=month, amount=row.line.amount,
        paid_on=paid_on, method=method, proxy_name=proxy, recorded_by=actor,
    )  # fmt: skip


def _voluntary(actor: Any, today: dt.date) -> None:
    donors = list(Member.objects.current().filter(
        branch__code="CN-CH-ZB2", categories__code=Category.RETIRED).order_by("pk")[:2])  # fmt: skip
    for member, amount in zip(donors, (Decimal("1000.00"), Decimal("200.00")), strict=False):
        dues_services.dues_voluntary_record(
            member=member, amount=amount, paid_on=today - dt.timedelta(days=20),
            method=PaymentMethod.IN_PERSON, actor=actor, note="七一自愿多交党费",
        )  # fmt: skip


def _publications(actor: Any, today: dt.date) -> None:
    if DuesPublication.objects.exists():
        return
    this_month = rules.month_start(today)
    first = rules.add_months(this_month, -3 - (this_month.month - 1) % 3)
    last = rules.add_months(first, 2)
    branches = Organization.objects.filter(kind=OrganizationKind.BRANCH, parent__code="CN-CH")
    for index, branch in enumerate(branches.order_by("code")):
        publication = dues_services.dues_publication_create(
            branch=branch, first_month=first, last_month=last, actor=actor
        )
        if index == 0:
            dues_services.dues_publication_publish(publication=publication, actor=actor)


# --- 党建经费 ------------------------------------------------------------------------------------------
def _chain_users(admin: Any) -> list[Login]:
    User = get_user_model()
    root = Organization.objects.get(code="CN")
    logins = []
    for step, username, full_name in CHAIN_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, password=DEMO_PASSWORD, first_name=full_name)
        organization_access_grant(
            user=user, organization=root, role=Role.SUB_DISTRICT_OFFICER, actor=admin
        )
        if not FundApprover.objects.filter(user=user, sub_district=root, step=step).exists():
            fund_services.fund_approver_save(
                approver=FundApprover(user=user, sub_district=root, step=step), actor=admin
            )
        logins.append(Login("sub_district", username, DEMO_PASSWORD, "CN"))
    return logins


def _community_heads() -> dict[int, Any]:
    from organizations.models import OrganizationAccess

    found = OrganizationAccess.objects.filter(role=Role.COMMUNITY_SECRETARY).select_related("user")
    return {access.organization_id: access.user for access in found.order_by("pk")}


def _plans(admin: Any, today: dt.date) -> None:
    if SpendingPlan.objects.exists():
        return
    communities = Organization.objects.filter(kind__in=COMMUNITY_KINDS, code__startswith="CN-")
    heads = _community_heads()
    chain = {step: get_user_model().objects.get(username=name) for step, name, _ in CHAIN_USERS}
    this_month = rules.month_start(today)
    for community in communities.order_by("code"):
        for year in (today.year - 1, today.year):
            if not FundBudget.objects.filter(community=community, year=year).exists():
                fund_services.fund_budget_save(
                    budget=FundBudget(community=community, year=year), actor=admin
                )
        head = heads.get(community.pk)
        if head is None:
            continue
        # Oldest first, as the community plans them: each month commits what has come in by then.
        for back in reversed(range(MONTHS_OF_DUES)):
            month = rules.add_months(this_month, -back)
            state = PLAN_STATES[back] if back < len(PLAN_STATES) else PlanStatus.PAID
            _plan(community, month, state, head, chain, admin)


def _plan(
    community: Any, month: dt.date, state: str, head: Any, chain: dict[Any, Any], admin: Any
) -> None:
    plan = fund_services.spending_plan_save(
        plan=SpendingPlan(community=community, month=month), actor=head
    )
    for description, use, amount in PLAN_ITEMS:
        fund_services.spending_item_save(
            item=SpendingItem(plan=plan, description=description, use=use, amount=Decimal(amount)),
            actor=head,
        )
    if state == PlanStatus.DRAFT:
        return
    steps = [head, chain[ChainStep.ORGANIZATION_MEMBER], chain[ChainStep.DEPUTY_SECRETARY],
             chain[ChainStep.DIRECTOR], chain[ChainStep.FINANCE_OFFICE]]  # fmt: skip
    if state == PlanStatus.RETURNED:
        fund_services.spending_plan_act(plan=plan, actor=head)
        fund_services.spending_plan_act(plan=plan, actor=steps[1], approve=False,
                                        comment="请补充慰问对象名单")  # fmt: skip
    else:
        for user in steps:
            plan.refresh_from_db()
            if plan.status == state:
                break
            fund_services.spending_plan_act(plan=plan, actor=user, comment="同意")
    # Signed in the plan's month, a few days apart (the services stamp the moment of signing).
    for offset, signature in enumerate(PlanSignature.objects.filter(plan=plan).order_by("pk")):
        day = dt.datetime.combine(month + dt.timedelta(days=2 + 2 * offset), dt.time(10),
                                  tzinfo=dt.UTC)  # fmt: skip
        PlanSignature.objects.filter(pk=signature.pk).update(signed_at=min(day, timezone.now()))
