"""The 社区党建示范小区 panel of the 工作台 (common/dashboard.py): the sub-district's yearly round
when the year has none by SHOWCASE_ROUND_DUE, the communities' application until the deadline,
the evaluation due from SHOWCASE_EVALUATION_FROM to the year's end, and the inspection and naming
left to record; each read through the user's scope, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from kit.dashboard import Panel, Todo, changelist_url
from organizations.models import Organization
from organizations.rules import OrganizationKind

from .models import ShowcaseApplication, ShowcaseRound
from .rules import parse_month_day


def showcase_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("members.view_showcaseapplication"):
        return None
    today = timezone.localdate()
    panel = Panel(title="社区党建示范小区", order=60)
    if user.has_perm("members.add_showcaseround"):
        panel.todos.append(_round_todo(user, today))
    if user.has_perm("members.add_showcaseapplication"):
        panel.todos.append(_application_todo(user, today))
    panel.todos.append(_evaluation_todo(user, today))
    if user.has_perm("members.add_showcaseround"):
        panel.todos.append(_inspection_todo(user, today))
    return panel


def _round_todo(user: Any, today: dt.date) -> Todo:
    due = parse_month_day(settings.SHOWCASE_ROUND_DUE, today.year)
    missing = 0
    if today >= due:
        has_round = ShowcaseRound.objects.filter(sub_district=OuterRef("pk"), year=today.year)
        missing = (
            Organization.objects.editable_by(user)
            .filter(kind=OrganizationKind.SUB_DISTRICT, is_active=True)
            .filter(~Exists(has_round))
            .count()
        )
    return Todo(
        f"个街道{today.year}年度尚未组织示范小区创建",
        missing,
        reverse("admin:members_showcaseround_add"),
        f"每个街道每年至少要创建1-2个示范小区（《党建示范小区意见》），应于{due:%m月%d日}前组织",
    )


def _application_todo(user: Any, today: dt.date) -> Todo:
    """Rounds of this year still open to apply to (not urgent: a community applies where it has
    a compound ready). The service fills a round's deadline from the setting when left empty."""
    open_rounds = (
        ShowcaseRound.objects.visible_to(user)
        .filter(year=today.year, application_deadline__gte=today)
        .count()
    )
    return Todo(
        "个示范小区创建正在申报",
        open_rounds,
        changelist_url(
            "members.showcaseround",
            year=today.year,
            application_deadline__gte=f"{today:%Y-%m-%d}",
        ),
        "各社区年初申报创建小区（《党建示范小区意见》），截止日期见创建年度",
        urgent=False,
    )


def _evaluation_todo(user: Any, today: dt.date) -> Todo:
    start = parse_month_day(settings.SHOWCASE_EVALUATION_FROM, today.year)
    unscored = 0
    if today >= start:
        unscored = (
            ShowcaseApplication.objects.visible_to(user)
            .filter(round__year=today.year)
            .unscored()
            .count()
        )
    return Todo(
        "个示范小区待年末评审",
        unscored,
        changelist_url("members.showcaseapplication", round__year=today.year, scoring="open"),
        "示范小区每年年末评选一次：按系统记录预填后逐条评分（《党建示范小区意见》）",
    )


def _inspection_todo(user: Any, today: dt.date) -> Todo:
    start = parse_month_day(settings.SHOWCASE_EVALUATION_FROM, today.year)
    waiting = 0
    if today >= start:
        waiting = (
            ShowcaseApplication.objects.visible_to(user)
            .filter(round__year=today.year)
            .awaiting_naming()
            .count()
        )
    return Todo(
        "个示范小区待检查验收和命名",
        waiting,
        changelist_url(
            "members.showcaseapplication", round__year=today.year, naming_state="waiting"
        ),
        "年底经过区委组织部检查验收后予以命名（《党建示范小区意见》）",
        urgent=False,
    )
