"""The publicity app's panel on the 工作台: notices ending soon, opinions to check, cases whose next
step is due, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from kit.dashboard import Figure, Panel, Todo, changelist_url

from .models import DevelopmentCase, Notice, Opinion
from .rules import Stage
from .selectors import register_overdue_totals

# The notice is about to come down: time to check that every opinion is closed.
NOTICE_ENDING_DAYS = 2


def publicity_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("publicity.view_developmentcase"):
        return None
    today = timezone.localdate()
    panel = Panel(title="发展党员与公示", order=40)
    panel.todos += [_opinion_todo(user), _notice_todo(user, today), *_case_todos(user, today)]
    panel.todos += _register_todos(user, today)
    panel.figures += _stage_figures(user)
    return panel


def _opinion_todo(user: object) -> Todo:
    count = Opinion.objects.visible_to(user).open().count()
    url = changelist_url("publicity.opinion", status__in="open,checking")
    return Todo("公示意见待核实办结", count, url, hint="办结前不能审批该发展对象")


def _notice_todo(user: object, today: dt.date) -> Todo:
    last = today + dt.timedelta(days=NOTICE_ENDING_DAYS)
    running = Notice.objects.visible_to(user).running_on(today).filter(ends_on__lte=last)
    url = changelist_url(
        "publicity.notice",
        published_at__isnull="False",
        ends_on__gte=f"{today:%Y-%m-%d}",
        ends_on__lte=f"{last:%Y-%m-%d}",
    )
    return Todo(f"{NOTICE_ENDING_DAYS}天内结束的公示", running.count(), url, urgent=False)


def _case_todos(user: object, today: dt.date) -> list[Todo]:
    soon = today + dt.timedelta(days=settings.PUBLICITY_DUE_SOON_DAYS)
    counts = (
        DevelopmentCase.objects.visible_to(user)
        .in_progress()
        .aggregate(
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=soon)),
        )
    )
    return [
        Todo("发展党员步骤已超期", counts["overdue"], changelist_url(
            "publicity.developmentcase", due="overdue"), hint="谈话、审批、转正申请等时限已过"),
        Todo(f"{settings.PUBLICITY_DUE_SOON_DAYS}天内到期的发展步骤", counts["soon"],
             changelist_url("publicity.developmentcase", due="soon"), urgent=False),
    ]  # fmt: skip


def _register_todos(user: object, today: dt.date) -> list[Todo]:
    """The quarter's 思想汇报 and the half year's 培养考察 not recorded by their due date."""
    reports, assessments = register_overdue_totals(DevelopmentCase.objects.visible_to(user), today)
    url = changelist_url("publicity.developmentcase", register="overdue")
    return [
        Todo("思想汇报逾期未交", reports, url, hint="积极分子、发展对象每季度一篇"),
        Todo("培养考察逾期未做", assessments, url, hint="积极分子每半年考察一次"),
    ]


def _stage_figures(user: object) -> list[Figure]:
    counts = DevelopmentCase.objects.visible_to(user).aggregate(
        **{stage.value: Count("pk", filter=Q(stage=stage)) for stage in Stage}
    )
    url = changelist_url("publicity.developmentcase")
    return [
        Figure(str(stage.label), counts[stage.value], f"{url}?stage__exact={stage.value}")
        for stage in Stage
        if stage != Stage.FULL
    ]
