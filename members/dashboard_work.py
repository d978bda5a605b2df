"""The daily-work registers' panel on the 工作台 (common/dashboard.py): post reviews owed after the
year's end, households not visited, and in the reminder season the units and members short of
their 实事; each counted by the database through the user's scope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from kit.dashboard import Figure, Panel, Todo, changelist_url

from .models import DutyPost, Household, MemberDeed, UnitDeed
from .models.work import reminded_year
from .selectors.work import deeds_due, duty_reviews_due


def work_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("members.view_dutypost"):
        return None
    today = timezone.localdate()
    panel = Panel(title="日常工作登记", order=35)
    if user.has_perm("members.add_dutyreview"):
        year, count = duty_reviews_due(user, today)
        panel.todos.append(
            Todo(
                f"个无职党员岗位缺{year}年度履职考核",
                count,
                changelist_url("members.dutypost", unreviewed="yes"),
                "结合党员民主评议，采取个人述职、群众测评和支部考评相结合的方式考核"
                "（《社区无职党员设岗定责制度》五）",
            )
        )
    if user.has_perm("members.add_visit"):
        months = settings.HOUSEHOLD_VISIT_MONTHS
        panel.todos.append(
            Todo(
                f"户党员联系户{months}个月内未走访",
                Household.objects.editable_by(user).unvisited(today).count(),
                changelist_url("members.household", unvisited="yes"),
                "定点联系2-3户，每月走访不少于1次（《社区党总支联系群众制度》2）",
                urgent=False,
            )
        )
    panel.todos += _deed_todos(user, today)
    panel.figures += _figures(user, today)
    return panel


def _deed_todos(user: Any, today: Any) -> list[Todo]:
    if not user.has_perm("members.add_unitdeed"):
        return []
    due = deeds_due(user, today)
    if due is None:
        return []
    late = "（已逾期）" if due.overdue else ""
    return [
        Todo(
            f"个共驻共建单位{due.year}年为社区办实事不足{settings.UNIT_DEEDS_PER_YEAR}件{late}",
            due.units,
            changelist_url("members.unitpledge", deeds="short"),
            "驻区单位每年必须向社区党总支至少做2件实事（《党组织共驻共建制度》3）",
        ),
        Todo(
            f"名报到在职党员{due.year}年为社区办实事不足{settings.MEMBER_DEEDS_PER_YEAR}件{late}",
            due.members,
            changelist_url("members.registration", deeds="short"),
            "在职党员每年至少为社区办1-2件实事（《推行双联双管 构建区域大党建新格局》）",
        ),
    ]


def _figures(user: Any, today: Any) -> list[Figure]:
    year = reminded_year(today)
    return [
        Figure(
            "在岗无职党员",
            DutyPost.objects.visible_to(user).held_on(today).count(),
            changelist_url("members.dutypost"),
        ),
        Figure(
            f"{year}年驻区单位实事",
            UnitDeed.objects.visible_to(user).filter(done_on__year=year).count(),
            changelist_url("members.unitdeed"),
        ),
        Figure(
            f"{year}年在职党员实事",
            MemberDeed.objects.visible_to(user).filter(done_on__year=year).count(),
            changelist_url("members.memberdeed"),
        ),
    ]
