"""The activities app's panel on the 工作台 (common/dashboard.py): the required meetings overdue
and falling due within the reminder window, the past periods to record late (补录), and the year's
trend, read through the user's scope in a fixed number of queries. Each organization's own
status; no ranking.

The reminders (Notification) are the same shortfalls as these counts, sent to the officers: the
panel does not count them again."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from common.dashboard import kept_until_changed
from kit.dashboard import CatchUp, Chart, Panel, Todo
from organizations.models import Organization

from .rules import Period, Status
from .selectors.compliance import (
    ComplianceRow,
    ComplianceSummary,
    compliance_list,
    compliance_rows,
    compliance_summary_list,
    is_due,
    monthly_trend,
)

# How many (organization, meeting kind) groups of past shortfalls the panel lists; the rest are
# on the compliance page.
CATCH_UPS_SHOWN = 5


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


class ComplianceTotals(NamedTuple):
    """The scope's organizations and their rows counted by status (compliance_summary added up)."""

    organizations: int
    overdue: int
    in_progress: int
    done: int
    due_soon: int


def compliance_totals(user: Any, year: int, as_of: dt.date) -> ComplianceTotals:
    """compliance_summary added up, kept apart (a few numbers): a district officer's row for
    one sub-district, read without its 6,000 organizations' summary."""

    def compute() -> ComplianceTotals:
        summary = compliance_summary(user, year, as_of)
        return ComplianceTotals(
            len(summary),
            sum(s.overdue for s in summary),
            sum(s.in_progress for s in summary),
            sum(s.done for s in summary),
            sum(s.due_soon for s in summary),
        )

    return kept_until_changed(user, "compliance-totals", compute, year, as_of)


def compliance_trend(user: Any, year: int, as_of: dt.date) -> list[tuple[int, int, int | None]]:
    """The scope's monthly trend (selectors.monthly_trend), kept like compliance_summary."""
    organizations = Organization.objects.visible_to(user)
    return kept_until_changed(
        user, "compliance-trend", lambda: monthly_trend(organizations, year, as_of), year, as_of
    )


def compliance_url(**params: str) -> str:
    url = reverse("admin:activities_meeting_compliance")
    return f"{url}?{urlencode(params)}" if params else url


class WorkbenchCompliance(NamedTuple):
    overdue: int
    due_soon: int
    catch_ups: list[CatchUp]
    catch_up_groups: int  # all of them (the panel lists CATCH_UPS_SHOWN)


def workbench_compliance(user: Any, today: dt.date, can_add: bool) -> WorkbenchCompliance:
    """The counts and the 补录 groups of the user's scope, from one compliance computation, kept
    until the data changes."""

    def compute() -> WorkbenchCompliance:
        organizations = Organization.objects.visible_to(user)
        rows = compliance_rows(compliance_list(organizations, today.year, today))
        days = settings.ACTIVITIES_REMINDER_DAYS
        overdue = [row for row in rows if row.status == Status.OVERDUE]
        due = sum(1 for row in rows if is_due(row, today, days))
        groups = len({(row.organization_id, row.kind) for row in overdue})
        shown = catch_ups(overdue) if can_add else []
        return WorkbenchCompliance(len(overdue), due, shown, groups if can_add else 0)

    return kept_until_changed(user, "compliance-workbench", compute, today, can_add)


def catch_ups(overdue: list[ComplianceRow]) -> list[CatchUp]:
    """Past periods that can no longer be met on time, one line per organization and meeting
    kind (each shortfall once, its periods listed), most periods first; the button opens the
    meeting's add page prefilled with the organization, the kind and the earliest period's
    last day (a meeting held then but not recorded)."""
    groups: dict[tuple[int, str], list[ComplianceRow]] = {}
    for row in overdue:
        groups.setdefault((row.organization_id, row.kind), []).append(row)
    ordered = sorted(groups.values(), key=lambda rows: (-len(rows), rows[0].code, rows[0].kind))
    add = reverse("admin:activities_meeting_add")
    found = []
    for rows in ordered[:CATCH_UPS_SHOWN]:
        rows.sort(key=lambda row: row.period.start)
        first = rows[0]
        periods = "、".join(_runs([row.period for row in rows]))
        query = urlencode(
            {"organization": first.organization_id, "kind": first.kind,
             "held_on": f"{first.period.end:%Y-%m-%d}"}
        )  # fmt: skip
        found.append(
            CatchUp(
                f"{first.name}{first.kind.label}",
                f"{len(rows)}期未达要求：{periods}",
                f"{add}?{query}",
            )
        )
    return found


def _runs(periods: list[Period]) -> list[str]:
    """Consecutive periods said once, as a range: 2026-01至2026-11、2026Q3."""
    runs: list[list[Period]] = []
    for period in periods:
        if runs and runs[-1][-1].end + dt.timedelta(days=1) == period.start:
            runs[-1].append(period)
        else:
            runs.append([period])
    return [run[0].label if len(run) == 1 else f"{run[0].label}至{run[-1].label}" for run in runs]


def activities_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("activities.view_meeting"):
        return None
    today = timezone.localdate()
    found = workbench_compliance(user, today, user.has_perm("activities.add_meeting"))
    days = settings.ACTIVITIES_REMINDER_DAYS
    panel = Panel(title="三会一课", order=10)
    panel.todos += [
        Todo(
            "项应开会议已逾期",
            found.overdue,
            compliance_url(status="overdue"),
            "期间已结束，有效次数不足（只计达到法定人数的会议）；已召开未录入的请补录",
        ),
        Todo(
            f"项应开会议{days}天内到期",
            found.due_soon,
            compliance_url(status="due"),
            "本期尚未召开或次数不足",
            urgent=False,
        ),
    ]
    panel.catch_ups = found.catch_ups
    if found.catch_up_groups > len(found.catch_ups):
        panel.catch_up_more = compliance_url(status="overdue")
    trend = compliance_trend(user, today.year, today)
    panel.charts.append(
        Chart(f"{today.year}年每月有效会议", [(f"{m}月", held) for m, held, _ in trend], "次")
    )
    panel.charts.append(
        Chart(f"{today.year}年每月出席率", [(f"{m}月", rate or 0) for m, _, rate in trend], "%")
    )
    return panel
