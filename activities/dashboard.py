"""The activities app's panel on the 工作台 (common/dashboard.py): the required meetings overdue
and falling due within the reminder window, unread reminders, and the year's trend, read through
the user's scope in a fixed number of queries. Each organization's own status; no ranking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from common.dashboard import kept_until_changed
from kit.dashboard import Chart, Panel, Todo, changelist_url
from organizations.models import Organization

from .models import Notification
from .selectors.compliance import ComplianceSummary, compliance_summary_list, monthly_trend


def compliance_summary(user: Any, year: int, as_of: dt.date) -> list[ComplianceSummary]:
    """Each organization's counts in the user's scope, kept until the data changes: the 工作台
    and the compliance page share them (a sub-district's take a second or two to count)."""
    organizations = Organization.objects.visible_to(user)
    days = settings.ACTIVITIES_REMINDER_DAYS
    return kept_until_changed(
        user,
        "compliance",
        lambda: compliance_summary_list(organizations, year, as_of, days),
        year,
        as_of,
    )


def compliance_trend(user: Any, year: int, as_of: dt.date) -> list[tuple[int, int, int | None]]:
    """The scope's monthly trend (selectors.monthly_trend), kept like compliance_summary."""
    organizations = Organization.objects.visible_to(user)
    return kept_until_changed(
        user, "compliance-trend", lambda: monthly_trend(organizations, year, as_of), year, as_of
    )


def compliance_url(**params: str) -> str:
    from urllib.parse import urlencode

    url = reverse("admin:activities_meeting_compliance")
    return f"{url}?{urlencode(params)}" if params else url


def activities_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("activities.view_meeting"):
        return None
    today = timezone.localdate()
    summary = compliance_summary(user, today.year, today)
    overdue = sum(s.overdue for s in summary)
    due = sum(s.due_soon for s in summary)
    days = settings.ACTIVITIES_REMINDER_DAYS
    panel = Panel(title="三会一课", order=20)
    panel.todos += [
        Todo(
            "项应开会议已逾期",
            overdue,
            compliance_url(status="overdue"),
            "本期已结束，有效次数不足（只计达到法定人数的会议）",
        ),
        Todo(
            f"项应开会议{days}天内到期",
            due,
            compliance_url(status="due"),
            "本期尚未召开或次数不足",
            urgent=False,
        ),
        Todo(
            "条未读提醒",
            Notification.objects.visible_to(user).unread().count(),
            changelist_url("activities.notification", read_at__isnull="True"),
            urgent=False,
        ),
    ]
    trend = compliance_trend(user, today.year, today)
    panel.charts.append(
        Chart(f"{today.year}年每月有效会议", [(f"{m}月", held) for m, held, _ in trend], "次")
    )
    panel.charts.append(
        Chart(f"{today.year}年每月出席率", [(f"{m}月", rate or 0) for m, _, rate in trend], "%")
    )
    return panel
