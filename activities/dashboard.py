"""The activities app's panel on the 工作台 (common/dashboard.py): the required meetings overdue
and falling due within the reminder window, unread reminders, and the year's trend, read through
the user's scope in a fixed number of queries. Each organization's own status; no ranking."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from common.dashboard import Chart, Panel, Todo, changelist_url
from organizations.models import Organization

from .models import Notification
from .selectors.compliance import compliance_list, due_rows, monthly_trend


def compliance_url(**params: str) -> str:
    from urllib.parse import urlencode

    url = reverse("admin:activities_meeting_compliance")
    return f"{url}?{urlencode(params)}" if params else url


def activities_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("activities.view_meeting"):
        return None
    today = timezone.localdate()
    organizations = Organization.objects.visible_to(user)
    entries = compliance_list(organizations, today.year, today)
    days = settings.ACTIVITIES_REMINDER_DAYS
    due, overdue = due_rows(entries, today, days)
    panel = Panel(title="三会一课", order=20)
    panel.todos += [
        Todo(
            "项应开会议已逾期",
            len(overdue),
            compliance_url(status="overdue"),
            "本期已结束，有效次数不足（只计达到法定人数的会议）",
        ),
        Todo(
            f"项应开会议{days}天内到期",
            len(due),
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
    trend = monthly_trend(organizations, today.year, today)
    panel.charts.append(
        Chart(f"{today.year}年每月有效会议", [(f"{m}月", held) for m, held, _ in trend], "次")
    )
    panel.charts.append(
        Chart(f"{today.year}年每月出席率", [(f"{m}月", rate or 0) for m, _, rate in trend], "%")
    )
    return panel
