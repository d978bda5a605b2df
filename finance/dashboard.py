"""The finance panel of the 工作台 (common/dashboard.py): arrears to act on, reliefs and plans
waiting for the user, the budgets of next year to set up (from December), the collection rate
per complete month (this month, not over, is a figure of its own: paid so far of those who owe)
and fund spending per use against the budget. Each number is read through the user's scope, in
a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from kit.dashboard import Chart, Figure, Panel, Todo, changelist_url
from organizations.models import Organization

from . import rules, selectors
from .models import (
    DuesPayment,
    DuesRelief,
    FundBudget,
    MemberDues,
    ReliefStatus,
    SpendingItem,
    SpendingPlan,
)
from .rules import ARREARS_LAPSE_MONTHS, ARREARS_WARN_MONTHS, FundUse

# The communities a budget to-do names in its hint (the rest: "等N个社区").
BUDGET_NAMES_SHOWN = 5


def finance_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("finance.view_memberdues"):
        return None
    today = timezone.localdate()
    panel = Panel(title="党费与经费", order=20)
    panel.todos += _arrears_todos(user, today)
    panel.todos.append(_dues_error_todo(user, today))
    if user.has_perm("finance.change_duesrelief"):
        panel.todos.append(_relief_todo(user))
    if user.has_perm("finance.view_spendingplan"):
        panel.todos.append(_plan_todo(user))
        panel.charts.append(_fund_chart(user, today.year))
    if user.has_perm("finance.add_fundbudget") and (budget := _budget_todo(user, today)):
        panel.todos.append(budget)
    chart, this_month = _collection(user, today)
    panel.figures.append(this_month)
    panel.charts.append(chart)
    return panel


def _arrears_todos(user: Any, today: dt.date) -> list[Todo]:
    found = selectors.arrears_member_ids(MemberDues.objects.visible_to(user).current(), today)
    return [
        Todo(
            f"名党员连续{ARREARS_LAPSE_MONTHS}个月以上未交党费",
            len(found["lapsed"]),
            changelist_url("finance.memberdues", arrears="lapsed"),
            f"无正当理由的，提交支部大会按自行脱党处理（{rules.DUES_RULE_NAME}第十三条）",
        ),
        Todo(
            f"名党员已连续{ARREARS_WARN_MONTHS}个月未交党费",
            len(found["warned"]),
            changelist_url("finance.memberdues", arrears="warned"),
            "及时提醒，下月仍未交纳的按自行脱党处理",
        ),
    ]


def _dues_error_todo(user: Any, today: dt.date) -> Todo:
    """Members whose dues of this month cannot be computed: a data error to fix, never
    "owes nothing"."""
    members = MemberDues.objects.visible_to(user).current()
    count = members.filter(selectors.dues_error_q(today)).count()
    return Todo(
        "名党员无法计算党费（未登记月收入等）",
        count,
        changelist_url("finance.memberdues", dues_error="1"),
        "请补登月收入或收入变化，否则无法核定和登记其党费",
    )


def _relief_todo(user: Any) -> Todo:
    pending = DuesRelief.objects.visible_to(user).filter(status=ReliefStatus.PENDING).count()
    return Todo(
        "项党费减免待上级党委批准",
        pending,
        changelist_url("finance.duesrelief", status__exact=ReliefStatus.PENDING),
        "减交、免交须经支部决定、上级党委批准",
        urgent=False,
    )


def _plan_todo(user: Any) -> Todo:
    """Plans whose current step is this user's; the list it opens shows exactly those."""
    waiting = SpendingPlan.objects.visible_to(user).filter(selectors.plans_awaiting_q(user))
    return Todo(
        "份党建经费支出计划待您办理",
        waiting.count(),
        changelist_url("finance.spendingplan", awaiting="mine"),
    )


def _budget_todo(user: Any, today: dt.date) -> Todo | None:
    """From 1 December, while a community of the user's scope has no budget for next year: how
    many, named in the hint, and the add page of a budget of that year."""
    year = rules.budget_year_to_set_up(today)
    if year is None:
        return None
    organizations = Organization.objects.visible_to(user)
    missing = selectors.communities_without_budget(organizations, year).order_by("code")
    names = list(missing.values_list("name", flat=True))
    if not names:
        return None
    more = f"等{len(names)}个社区" if len(names) > BUDGET_NAMES_SHOWN else ""
    hint = (
        f"{'、'.join(names[:BUDGET_NAMES_SHOWN])}{more}；党建经费自1月起按月拨付，"
        "下一年度预算应在1月前设立"
    )
    url = reverse("admin:finance_fundbudget_add") + f"?year={year}"
    return Todo(f"个社区尚未设立{year}年度党建经费预算", len(names), url, hint)


def _collection(user: Any, today: dt.date) -> tuple[Chart, Figure]:
    """Of the members on the roster each month, the share who paid that month's dues: a chart of
    the last complete months (a month not over is not a rate yet), and this month so far."""
    count = settings.FINANCE_CHART_MONTHS
    this_month = rules.month_start(today)
    months = [rules.add_months(this_month, -k) for k in range(count + 1)][::-1]
    members = MemberDues.objects.visible_to(user)
    roster = members.aggregate(
        **{
            f"m{i}": Count("pk", filter=Q(joined_on__lt=rules.add_months(m, 1))
                           & (Q(transferred_out_on__isnull=True) | Q(transferred_out_on__gte=m)))
            for i, m in enumerate(months)
        }
    )  # fmt: skip
    paid = dict(
        DuesPayment.objects.regular()
        .filter(member__in=members.values("pk"), period__gte=months[0], period__lte=this_month)
        .values("period")
        # The members who paid: a member has at most one payment of a month's dues that counts
        # (the constraint one_dues_payment_per_member_month is on exactly regular()'s rows), so
        # the rows are the members, counted without COUNT(DISTINCT)'s sort (1.8 s against 0.6 s
        # on 100,000 members).
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("period", "n")
    )
    bars = [
        (f"{m:%Y-%m}", round(100 * paid.get(m, 0) / roster[f"m{i}"]) if roster[f"m{i}"] else 0)
        for i, m in enumerate(months[:-1])
    ]
    chart = Chart(
        f"近{count}个月党费收缴率", bars, unit="%", note=f"{this_month:%Y-%m}尚未结束，不计入"
    )
    so_far = f"{paid.get(this_month, 0)}/{roster[f'm{count}']}人"
    figure = Figure(f"{this_month:%Y-%m}已交（进行中）", so_far)
    return chart, figure


def _fund_chart(user: Any, year: int) -> Chart:
    budget = FundBudget.objects.visible_to(user).filter(year=year).aggregate(total=Sum("amount"))
    plans = SpendingPlan.objects.visible_to(user).committed().filter(month__year=year)
    per_use = dict(
        SpendingItem.objects.filter(plan__in=plans.values("pk"))
        .values("use")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("use", "total")
    )
    bars = [("全年预算", int(budget["total"] or 0))]
    bars += [(str(label), int(per_use.get(use) or 0)) for use, label in FundUse.choices]
    return Chart(f"{year}年党建经费：各用途支出与预算", bars, unit="元")
