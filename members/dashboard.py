"""The members app's panel on the 工作台 (common/dashboard.py): who needs the secretary's action,
key figures and charts of the community, each read through the user's scope, in a fixed number of
queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.utils import timezone

from kit.dashboard import Chart, Figure, Panel, Todo, changelist_url

from .models import (
    ActivityRecord,
    FloatingRecord,
    Member,
    MemberCategory,
    PersonalDataAccess,
    PostClaim,
    Registration,
    Review,
    ReviewHandling,
)
from .models.dual import PostClaimStatus
from .rules import MemberStatus, months_before
from .selectors import dual as dual_selectors
from .selectors import records as record_selectors
from .services.probe import PROBE_REFUSED_SHOWN_DAYS, probe_refusals_recent

ACTIVITY_CHART_MONTHS = 12


def members_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("members.view_member"):
        return None
    today = timezone.localdate()
    panel = Panel(title="党员队伍", order=30)
    if user.has_perm("members.change_member"):
        panel.todos.append(_probation_todo(user, today))
    if user.has_perm("members.add_review"):
        panel.todos.append(_review_todo(user, today.year - 1))
    if user.has_perm("members.view_floatingrecord"):
        panel.todos += _floating_todos(user, today)
    if user.has_perm("members.view_reviewhandling"):
        panel.todos += _handling_todos(user, today)
    if user.has_perm("members.view_registration"):
        panel.todos += _registration_todos(user, today)
    if user.has_perm("members.view_personaldataaccess"):
        panel.todos += _probe_todos(user)
    panel.figures += _member_figures(user)
    panel.charts += [_category_chart(user), _activity_chart(user, today)]
    return panel


def _handling_todos(user: Any, today: dt.date) -> list[Todo]:
    """不合格党员: a grade with no case yet, and open cases past their deadline. Two queries."""
    unhandled = Review.objects.visible_to(user).unhandled().count()
    overdue = ReviewHandling.objects.visible_to(user).overdue(today).count()
    return [
        Todo(
            "名评议为不合格的党员尚未登记处置",
            unhandled,
            changelist_url("members.review", handling="missing"),
            "对评议中定为不合格的党员，区别情况提出处理意见（限期改正、劝退、除名）报街道党工委审批"
            "（《民主评议党员工作制度》五）",
        ),
        Todo(
            "件不合格党员处置已过期限未办结",
            overdue,
            changelist_url("members.reviewhandling", state="overdue"),
            "限期改正期满或劝退、除名应作结论的日期已过，请登记处置结果",
        ),
    ]


def _floating_todos(user: Any, today: dt.date) -> list[Todo]:
    counts = FloatingRecord.objects.visible_to(user).aggregate(
        transfer=Count("pk", filter=record_selectors.floating_should_transfer_q(today)),
        lost=Count("pk", filter=record_selectors.floating_lost_contact_q(today)),
    )
    months = settings.FLOATING_TRANSFER_MONTHS
    lost_months = settings.FLOATING_NO_CONTACT_MONTHS
    return [
        Todo(
            "名流动党员应转移组织关系",
            counts["transfer"],
            changelist_url("members.floatingrecord", should_transfer="yes"),
            f"外出或流入满{months}个月且有固定住所或工作单位"
            "（《社区流动党员管理办法》第四条；《流动党员管理制度》第十二条）",
        ),
        Todo(
            f"名流动党员失联满{lost_months}个月",
            counts["lost"],
            changelist_url("members.floatingrecord", lost_contact="yes"),
            "外出期间不与党组织联系的，要查明原因、批评教育、限期改正"
            "（《社区流动党员管理办法》第四条）",
        ),
    ]


def _registration_todos(user: Any, today: dt.date) -> list[Todo]:
    registrations = Registration.objects.visible_to(user)
    not_reported = dual_selectors.registrations_not_reported(registrations, today=today).count()
    inactive = dual_selectors.registrations_inactive(registrations, today=today).count()
    months = settings.IN_SERVICE_INACTIVE_MONTHS
    todos = [
        Todo(
            "名在职党员本季度未到社区报到",
            not_reported,
            changelist_url("members.registration", contact="not_reported"),
            "在职党员每季度至少到社区报到一次（《在职党员参加社区活动情况反馈制度》第一条）",
        ),
        Todo(
            f"名在职党员{months}个月未参加社区活动",
            inactive,
            changelist_url("members.registration", contact="inactive"),
            "应与其所在单位党组织联系（《在职党员向居住地社区党组织报到制度》第四条）",
        ),
    ]
    if user.has_perm("members.change_postclaim"):
        pending = PostClaim.objects.visible_to(user).filter(status=PostClaimStatus.PENDING)
        todos.append(
            Todo(
                "项岗位认领待审核",
                pending.count(),
                changelist_url("members.postclaim", status__exact=PostClaimStatus.PENDING),
            )
        )
    return todos


def _probe_todos(user: Any) -> list[Todo]:
    """Users of the scope refused after too many duplicate-ID answers: a sign of ID guessing."""
    refused = probe_refusals_recent(user).count()
    if not refused:
        return []
    return [
        Todo(
            f"次证件号查重超限被拒（近{PROBE_REFUSED_SHOWN_DAYS}天）",
            refused,
            changelist_url(
                "members.personaldataaccess", action__exact=PersonalDataAccess.Action.PROBE_REFUSED
            ),
            "有用户反复核对公民身份号码是否已存在，请核实是否在猜测他人身份证号",
        )
    ]


def _probation_todo(user: Any, today: dt.date) -> Todo:
    overdue = Member.objects.visible_to(user).probation_overdue(today).count()
    return Todo(
        "名预备党员预备期已满一年未作决定",
        overdue,
        changelist_url("members.member", probation="overdue"),
        "支部大会讨论转正或延长预备期（发展党员工作细则）",
    )


def _review_todo(user: Any, year: int) -> Todo:
    missing = Member.objects.visible_to(user).review_missing(year).count()
    return Todo(
        f"名党员尚未录入{year}年度民主评议结果",
        missing,
        changelist_url("members.member", review_missing=year),
        "每年开展民主评议党员（《社区党员管理制度》第7条）",
    )


def _member_figures(user: Any) -> list[Figure]:
    counts = (
        Member.objects.visible_to(user)
        .current()
        .aggregate(
            total=Count("pk"),
            full=Count("pk", filter=Q(status=MemberStatus.FULL)),
            probationary=Count("pk", filter=Q(status=MemberStatus.PROBATIONARY)),
        )
    )
    floating = FloatingRecord.objects.visible_to(user).current().count()
    return [
        Figure("党员", counts["total"], changelist_url("members.member")),
        Figure("正式党员", counts["full"], changelist_url("members.member", status__exact="full")),
        Figure(
            "预备党员",
            counts["probationary"],
            changelist_url("members.member", status__exact="probationary"),
        ),
        Figure("流动党员", floating, changelist_url("members.floatingrecord", current="yes")),
    ]


def _category_chart(user: Any) -> Chart:
    """The visible current members of each category: the members joined to their categories and
    counted by category (one grouped query), then every category named, those with none at 0.
    Not `Count("members", filter=Q(members__in=visible))` on the categories: PostgreSQL cannot
    hash a subquery inside an aggregate's FILTER and ran it again for each of the through
    table's rows (on the city, 1,000,000 rows against a sub-district's 100,000 members: minutes)."""
    counted = dict(
        Member.objects.visible_to(user)
        .current()
        .filter(categories__isnull=False)
        .values_list("categories")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = MemberCategory.objects.order_by("id").values_list("pk", "name")
    return Chart("党员人员类别", [(name, counted.get(pk, 0)) for pk, name in rows])


def _activity_chart(user: Any, today: dt.date) -> Chart:
    start = months_before(today.replace(day=1), ACTIVITY_CHART_MONTHS - 1)
    rows = (
        ActivityRecord.objects.visible_to(user)
        .filter(date__gte=start, date__lte=today)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    by_month = {row["month"]: row["n"] for row in rows}
    months = [months_before(today.replace(day=1), k) for k in range(ACTIVITY_CHART_MONTHS)][::-1]
    bars = [(f"{m:%Y-%m}", by_month.get(m, 0)) for m in months]
    return Chart(f"近{ACTIVITY_CHART_MONTHS}个月在职党员参加社区活动", bars, unit="人次")
