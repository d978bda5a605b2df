"""The generated district's finance (kit/district.py): this year's 党费 and 党建经费.

- an income for every member who pays by no fixed category and has none on the roster (floating
  only, new probationary members), and a raise this year for some in-service members;
- each member's 核定 for the year, computed by finance/rules.py from the income in effect;
- the monthly payments for the months so far, each of the amount the ledger owes (rules.month_dues):
  most members pay every month on their own day, some quarterly at the quarter's start (the months
  ahead paid in advance), by proxy or transfer; a few pay a month or two late, a few percent stopped
  paying some months ago (in arrears, the longest flagged for 自行脱党 handling), a few pay extra;
- the chain's four sub-district users and a secretary for each community (signers, no password),
  each community's budget for the year and a plan a month with its items, the older ones paid,
  the recent ones at every step of the chain, some sent back.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from kit.district import District, bulk_insert, copy_insert
from members.demo import GIVEN, SURNAMES
from members.models import Member
from members.rules import Category
from organizations.models import Organization, OrganizationAccess
from organizations.roles import Role

from . import demo, rules
from .models import (
    DuesAssessment,
    DuesPayment,
    FundApprover,
    FundBudget,
    IncomeChange,
    PaymentKind,
    PlanSignature,
    SpendingItem,
    SpendingPlan,
)
from .rules import ChainStep, DuesBasis, FundUse, MonthFacts, PaymentMethod, PlanStatus

FARMER_AMOUNTS = tuple(Decimal(a) for a in ("0.20", "0.50", "0.80", "1.00"))
RAISED = 0.05  # share of in-service members whose income changes during the year
STOPPED = 0.03  # share who stopped paying: months since their last payment, drawn from STOP_AFTER
STOP_AFTER = (2, 2, 2, 3, 3, 4, 5, 6, 7, 8)  # 7 and 8: 6 or more months unpaid (自行脱党)
LATE = 0.04  # share who pay each month one or two months late (back payment)
VOLUNTARY = 0.005  # share who pay voluntary extra dues once this year
VOLUNTARY_AMOUNTS = tuple(Decimal(a) for a in ("100", "200", "200", "500", "1000", "2000"))
# (threshold, method): the way a member pays, all year long.
METHODS = (
    (0.10, PaymentMethod.QUARTERLY),
    (0.18, PaymentMethod.PROXY),
    (0.32, PaymentMethod.TRANSFER),
    (1.00, PaymentMethod.IN_PERSON),
)
# The demo's signers of the chain (finance/demo.py), named by their step, prefixed per district.
CHAIN_USERS = tuple((step, name, ChainStep(step).label) for step, name, _ in demo.CHAIN_USERS)
# (description, use, amount range in yuan): any four together stay under a twelfth of the budget.
ITEMS = (
    ("党报党刊及学习资料", FundUse.EDUCATION_MATERIALS, (60, 160)),
    ("主题党日活动用品", FundUse.DAILY_WORK, (80, 200)),
    ("党员活动室办公用品", FundUse.DAILY_WORK, (50, 130)),
    ("走访慰问困难党员", FundUse.HARDSHIP, (100, 240)),
    ("表彰优秀共产党员", FundUse.COMMENDATION, (60, 160)),
)
# Where a plan stops, by how many months ago its month was: (threshold, status).
PLAN_STATES: dict[int, tuple[tuple[float, PlanStatus], ...]] = {
    0: ((0.35, PlanStatus.DRAFT), (0.45, PlanStatus.RETURNED),
        (0.75, PlanStatus.AT_ORGANIZATION_MEMBER), (0.92, PlanStatus.AT_DEPUTY_SECRETARY),
        (1.0, PlanStatus.AT_DIRECTOR)),
    1: ((0.05, PlanStatus.RETURNED), (0.12, PlanStatus.AT_ORGANIZATION_MEMBER),
        (0.22, PlanStatus.AT_DEPUTY_SECRETARY), (0.35, PlanStatus.AT_DIRECTOR),
        (0.65, PlanStatus.APPROVED), (1.0, PlanStatus.PAID)),
    2: ((0.2, PlanStatus.APPROVED), (1.0, PlanStatus.PAID)),
}  # fmt: skip
OLDER_PLANS = ((0.03, PlanStatus.APPROVED), (1.0, PlanStatus.PAID))
HOUR = dt.timedelta(hours=1)


def generate(district: District) -> None:
    prefix = f"{district.code}-"
    if (
        DuesAssessment.objects.filter(member__branch__code__startswith=prefix).exists()
        or FundBudget.objects.filter(community__code__startswith=prefix).exists()
    ):
        district.say(f"党费、党建经费：{district.code} 已生成，跳过")
        return
    rng = district.rng("finance")
    today = timezone.localdate()
    payers = _payers(district, rng, prefix, today)
    _assessments(district, payers, today)
    _payments(district, rng, payers, today)
    _funds(district, rng, prefix, today)


# --- 党费 ---------------------------------------------------------------------------------------------
@dataclass
class Payer:
    """A member as the dues of this year see them, and how they pay."""

    pk: int
    joined_on: dt.date
    categories: frozenset[str]
    income: Decimal | None  # the roster's 月收入
    changes: list[tuple[dt.date, Decimal]]
    basis: DuesBasis | None = None
    assessment: rules.Dues | None = None
    assessed_income: Decimal | None = None
    farmer_amount: Decimal | None = None
    method: str = PaymentMethod.IN_PERSON
    proxy_name: str = ""
    payday: int = 10  # the day of the month they pay on
    lag: int = 0  # months late
    last_paid: dt.date | None = None  # stopped paying after this month
    is_donor: bool = False  # pays voluntary extra dues once this year

    def first_owed(self, year: int) -> dt.date:
        return max(dt.date(year, 1, 1), rules.month_start(self.joined_on))


def _payers(district: District, rng: random.Random, prefix: str, today: dt.date) -> list[Payer]:
    through = Member.categories.through
    codes: dict[int, set[str]] = defaultdict(set)
    for member_id, code in through.objects.filter(
        member__branch__code__startswith=prefix
    ).values_list("member_id", "membercategory__code"):
        codes[member_id].add(code)
    members = (
        Member.objects.filter(branch__code__startswith=prefix)
        .current()
        .order_by("pk")
        .values_list("pk", "joined_on", "monthly_income")
    )
    payers = [Payer(pk, joined, frozenset(codes[pk]), income, []) for pk, joined, income in members]
    _incomes(district, rng, payers, today)
    for payer in payers:
        _behaviour(rng, payer, today)
    return payers


def _incomes(district: District, rng: random.Random, payers: list[Payer], today: dt.date) -> None:
    """Register an income for whoever has no rule to pay by without one, and some raises."""
    rows = []
    this_month = rules.month_start(today)
    for payer in payers:
        if rules.dues_basis(payer.categories, has_income=payer.income is not None) is None:
            amount, note = Decimal(rng.randrange(2600, 6000, 100)), "外出务工收入"
            effective = payer.first_owed(today.year)
        elif payer.income and Category.IN_SERVICE in payer.categories:
            if rng.random() >= RAISED or this_month.month == 1:
                continue
            amount, note = payer.income + Decimal(rng.choice((500, 800, 1500, 3000))), "调整工资"
            effective = dt.date(today.year, rng.randint(2, this_month.month), 1)
        else:
            continue
        payer.changes.append((effective, amount))
        rows.append(
            IncomeChange(
                member_id=payer.pk, effective_month=effective, monthly_income=amount, note=note
            )
        )
    bulk_insert(district, "收入变化", IncomeChange, rows, len(rows))


def _behaviour(rng: random.Random, payer: Payer, today: dt.date) -> None:
    draw = rng.random()
    payer.method = next(method for limit, method in METHODS if draw <= limit)
    if payer.method == PaymentMethod.PROXY:
        payer.proxy_name = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}（家属）"
    payer.payday = rng.randint(2, 25)
    if rng.random() < LATE and payer.method != PaymentMethod.QUARTERLY:
        payer.lag = rng.choice((1, 1, 2))
    if rng.random() < STOPPED:
        payer.last_paid = rules.add_months(rules.month_start(today), -rng.choice(STOP_AFTER))
    payer.is_donor = rng.random() < VOLUNTARY


def _assessments(district: District, payers: list[Payer], today: dt.date) -> None:
    """核定 in January from the income in effect in the first month owed (rules.dues_amount)."""
    fixed_on = min(dt.date(today.year, 1, 5), today)
    rng = district.rng("finance-farmers")
    rows = []
    for payer in payers:
        month = payer.first_owed(today.year)
        income = rules.income_in_effect(payer.changes, month, payer.income)
        payer.basis = rules.dues_basis(payer.categories, has_income=income is not None)
        if payer.basis is None:
            continue
        if payer.basis == DuesBasis.FARMER:
            payer.farmer_amount = rng.choice(FARMER_AMOUNTS)
        dues = rules.dues_amount(payer.basis, income=income, fixed_amount=payer.farmer_amount)
        if isinstance(dues, str):  # not computable: no 核定, as the service refuses it
            continue
        payer.assessment = dues
        paid_on_income = payer.basis in (DuesBasis.IN_SERVICE, DuesBasis.RETIRED)
        payer.assessed_income = income if paid_on_income else None
        rows.append(
            DuesAssessment(
                member_id=payer.pk, year=today.year, basis=payer.basis,
                monthly_income=payer.assessed_income, rate=dues.rate,
                monthly_amount=dues.amount, fixed_on=max(fixed_on, month),
            )
        )  # fmt: skip
    bulk_insert(district, "党费核定", DuesAssessment, rows, len(rows))


def _periods(payer: Payer, today: dt.date) -> Iterator[tuple[int, dt.date]]:
    """The months of this year (1 to 12, through the current quarter's end) a member has paid
    for by today, with the day each was paid. Plain month numbers: a million rows."""
    if payer.assessment is None:
        return
    first = payer.first_owed(today.year).month
    last = today.month + 2 - (today.month - 1) % 3  # the quarter's end
    if payer.last_paid is not None:
        last = min(last, payer.last_paid.month) if payer.last_paid.year == today.year else 0
    day = dt.timedelta(days=payer.payday - 1)
    for month in range(first, last + 1):
        if payer.method == PaymentMethod.QUARTERLY:  # at the start of the quarter, in advance
            paid_in = max(month - (month - 1) % 3, first)
        else:
            paid_in = month + payer.lag
        if paid_in > today.month:
            return
        paid_on = dt.date(today.year, paid_in, 1) + day
        if paid_on > today:
            return
        yield month, paid_on


def _owed(payer: Payer, month: dt.date, fixed: rules.Dues) -> Decimal:
    """What the ledger says the member owes that month (the fixed amount, or the new income's)."""
    changes = payer.changes
    facts = MonthFacts(
        month=month,
        joined_on=payer.joined_on,
        categories=payer.categories,
        income=rules.income_in_effect(changes, month, payer.income),
        income_changed_this_year=any(dt.date(month.year, 1, 1) <= e <= month for e, _ in changes),
        fixed_amount=fixed.amount,
        fixed_rate=fixed.rate,
        fixed_income=payer.assessed_income,
        farmer_amount=payer.farmer_amount,
    )
    return rules.month_dues(facts).amount


PAYMENT_COLUMNS = ("member_id", "kind", "period", "amount", "paid_on", "method", "proxy_name",
                   "note", "is_central_remittance")  # fmt: skip


def _payments(district: District, rng: random.Random, payers: list[Payer], today: dt.date) -> None:
    """The payments as plain rows (PAYMENT_COLUMNS): a million of them for 100,000 members."""
    months = [dt.date(today.year, m, 1) for m in range(1, 13)]
    dues = PaymentKind.DUES.value

    def rows() -> Iterator[tuple[Any, ...]]:
        for payer in payers:
            if payer.assessment is None:
                continue
            # Without a change of income the amount is the same every month: ask the rule once.
            same = None if payer.changes else _owed(payer, months[0], payer.assessment)
            method, proxy = str(payer.method), payer.proxy_name
            for month, paid_on in _periods(payer, today):
                period = months[month - 1]
                amount = same if same is not None else _owed(payer, period, payer.assessment)
                note = "补交" if paid_on.month > month else ""
                yield payer.pk, dues, period, amount, paid_on, method, proxy, note, False
        yield from _voluntary(rng, payers, today)

    donors = sum(1 for p in payers if p.assessment is not None and p.is_donor)
    total = sum(sum(1 for _ in _periods(p, today)) for p in payers) + donors
    copy_insert(district, "党费交纳", DuesPayment, PAYMENT_COLUMNS, rows(), total)


def _voluntary(
    rng: random.Random, payers: list[Payer], today: dt.date
) -> Iterator[tuple[Any, ...]]:
    """自愿多交 once this year, most around 七一; 1000 yuan or more goes whole to the centre."""
    first = dt.date(today.year, 1, 1)
    for payer in payers:
        if payer.assessment is None or not payer.is_donor:
            continue
        amount = rng.choice(VOLUNTARY_AMOUNTS)
        paid_on = dt.date(today.year, 6, 20) + dt.timedelta(days=rng.randint(0, 15))
        if paid_on > today:
            paid_on = first + dt.timedelta(days=rng.randint(0, (today - first).days))
        paid_on = max(paid_on, payer.joined_on)
        yield (
            payer.pk, PaymentKind.VOLUNTARY.value, rules.month_start(paid_on), amount, paid_on,
            PaymentMethod.IN_PERSON.value, "", "自愿多交党费", rules.is_central_remittance(amount),
        )  # fmt: skip


# --- 党建经费 ------------------------------------------------------------------------------------------
def _funds(district: District, rng: random.Random, prefix: str, today: dt.date) -> None:
    root = Organization.objects.get(code=district.code)
    communities = list(
        Organization.objects.communities().filter(code__startswith=prefix).order_by("code")
    )
    heads, chain = _signers(district, root, communities)
    budgets = [FundBudget(community=c, year=today.year) for c in communities]
    bulk_insert(district, "经费预算", FundBudget, budgets, len(budgets))
    this_month = rules.month_start(today)
    months = [dt.date(today.year, m, 1) for m in range(1, this_month.month + 1)]
    plans: list[tuple[SpendingPlan, list[SpendingItem]]] = []
    for community in communities:
        for month in months:
            status = _plan_status(rng, rules.months_between(month, this_month))
            items = _items(rng)
            plan = SpendingPlan(
                community=community, month=month, status=status,
                total=sum((i.amount for i in items), rules.ZERO),
                submitted_by=None if status == PlanStatus.DRAFT else heads[community.pk],
            )  # fmt: skip
            plans.append((plan, items))
    bulk_insert(district, "支出计划", SpendingPlan, (p for p, _ in plans), len(plans))
    ids = {
        (c, m): pk
        for c, m, pk in SpendingPlan.objects.filter(community__in=communities).values_list(
            "community_id", "month", "pk"
        )
    }
    items = [
        _with_plan(item, ids[(plan.community_id, plan.month)])
        for plan, its in plans
        for item in its
    ]
    bulk_insert(district, "支出项目", SpendingItem, items, len(items))
    signatures = [
        signature
        for plan, _ in plans
        for signature in _signatures(plan, ids[(plan.community_id, plan.month)], heads, chain)
    ]
    bulk_insert(district, "审批签署", PlanSignature, signatures, len(signatures))


def _with_plan(item: SpendingItem, plan_id: int) -> SpendingItem:
    item.plan_id = plan_id
    return item


def _signers(
    district: District, root: Organization, communities: list[Organization]
) -> tuple[dict[int, Any], dict[ChainStep, Any]]:
    """A secretary for each community and the four sub-district steps: users without a
    password (they sign the generated plans; nobody logs in as them)."""
    User = get_user_model()
    tag = district.code.lower()
    wanted = {f"{tag}_{name}": title for _, name, title in CHAIN_USERS}
    wanted |= {f"{tag}_{c.code.lower()}_shuji": f"{c.name}书记" for c in communities}
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    new = [
        User(username=name, first_name=title, password=make_password(None))
        for name, title in wanted.items()
        if name not in existing
    ]
    bulk_insert(district, "经费签署人", User, new, len(new))
    users = {u.username: u for u in User.objects.filter(username__in=wanted)}
    heads = {c.pk: users[f"{tag}_{c.code.lower()}_shuji"] for c in communities}
    chain = {step: users[f"{tag}_{name}"] for step, name, _ in CHAIN_USERS}
    access = [
        *(OrganizationAccess(user=heads[c.pk], organization=c, role=Role.COMMUNITY_SECRETARY)
          for c in communities),
        *(OrganizationAccess(user=u, organization=root, role=Role.SUB_DISTRICT_OFFICER)
          for u in chain.values()),
    ]  # fmt: skip
    OrganizationAccess.objects.bulk_create(access, ignore_conflicts=True)
    FundApprover.objects.bulk_create(
        [FundApprover(user=u, sub_district=root, step=s) for s, u in chain.items()],
        ignore_conflicts=True,
    )
    return heads, chain


def _plan_status(rng: random.Random, months_ago: int) -> PlanStatus:
    states = PLAN_STATES.get(months_ago, OLDER_PLANS)
    draw = rng.random()
    return next(status for limit, status in states if draw <= limit)


def _items(rng: random.Random) -> list[SpendingItem]:
    """Three or four items of the permitted uses."""
    chosen = rng.sample(ITEMS, rng.choice((3, 3, 4)))
    return [
        SpendingItem(description=text, use=use, amount=Decimal(rng.randrange(low, high, 10)))
        for text, use, (low, high) in chosen
    ]


def _signatures(
    plan: SpendingPlan, plan_id: int, heads: dict[int, Any], chain: dict[ChainStep, Any]
) -> list[PlanSignature]:
    """The signatures that brought the plan to its status, in the chain's order (rules.CHAIN),
    a couple of days apart within its month, never later than now."""
    steps: list[tuple[ChainStep, bool]] = []
    status: str = PlanStatus.DRAFT
    while status != plan.status:
        step = rules.chain_step(status)
        if step is None:  # paid: nothing follows
            break
        back = plan.status == PlanStatus.RETURNED and step == ChainStep.ORGANIZATION_MEMBER
        steps.append((step, not back))
        following = rules.status_after(status, approved=not back)
        if not isinstance(following, PlanStatus):
            break
        status = following
    now = timezone.now()
    start = min(timezone.make_aware(dt.datetime.combine(plan.month, dt.time(9))), now - HOUR)
    gap = min(dt.timedelta(days=2), (now - start) / (len(steps) + 1))
    signatures = []
    for number, (step, approved) in enumerate(steps, start=1):
        user = heads[plan.community_id] if step == ChainStep.COMMUNITY_HEAD else chain[step]
        signatures.append(
            PlanSignature(
                plan_id=plan_id, step=step, approved=approved, user=user,
                signer_name=user.get_full_name() or user.get_username(),
                signed_at=start + gap * number,
                comment="同意" if approved else "请补充慰问对象名单和标准",
            )
        )  # fmt: skip
    return signatures
