"""The 两会一化 panel of the 工作台: the 党员代表会议's vacant seats (to fill by a by-election) and
the terms (the conference's, the 区域化党总支's) ending within MEMBERS_CONGRESS_TERM_REMINDER_DAYS,
read through the user's scope in a fixed number of queries."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from kit.dashboard import Figure, Panel, Todo, changelist_url

from .models import DelegateConference, RegionalBranch
from .selectors.congress import congress_due


def congress_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("members.view_delegateconference"):
        return None
    conferences = DelegateConference.objects.visible_to(user)
    if not conferences.exists():
        return None
    today = timezone.localdate()
    days = settings.MEMBERS_CONGRESS_TERM_REMINDER_DAYS
    due = congress_due(conferences, RegionalBranch.objects.visible_to(user), today, days)
    vacant = sum(table.vacant for table in due.vacant)
    where = "；".join(
        f"{t.conference.name}：" + "、".join(f"{g.label}{g.vacant}个" for g in t.groups if g.vacant)
        for t in due.vacant
    )
    panel = Panel(title="两会一化", order=35)
    panel.todos += [
        Todo(
            "个党员代表席位空缺，待补选",
            vacant,
            changelist_url("members.delegateconference"),
            where
            or "代表组织关系转出、迁出本社区、调离、去世或辞去即离任（在“党员代表”中登记离任），"
            "席位空缺至补选产生新代表",
        ),
        Todo(
            f"届任期将在{days}天内届满，请筹备换届选举",
            len(due.ending),
            changelist_url("members.delegateconference"),
            "、".join(due.ending),
        ),
    ]
    panel.figures.append(Figure("空缺席位", vacant, changelist_url("members.delegateconference")))
    return panel
