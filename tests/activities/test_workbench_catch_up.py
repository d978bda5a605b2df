"""The 三会一课 panel's 补录 (issue 22, point 6): past periods that can no longer be met are listed
once per organization and meeting kind, their periods as ranges, each with a button to the
meeting's add page prefilled; the reminders of the same shortfalls are not counted again."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.urls import reverse
from django.utils import timezone

from activities.dashboard import CATCH_UPS_SHOWN, catch_ups
from activities.rules import MONTHLY, QUARTERLY, MeetingKind, Status, periods_of
from activities.selectors.compliance import ComplianceRow
from tests.activities.factories import NotificationFactory


def _row(org: int, code: str, kind: MeetingKind, period: Any) -> ComplianceRow:
    return ComplianceRow(org, code, f"组织{code}", kind, period, 1, 0, Status.OVERDUE)


def test_each_shortfall_is_listed_once_with_its_periods_as_ranges() -> None:
    months = periods_of(2026, MONTHLY)
    quarters = periods_of(2026, QUARTERLY)
    rows = [
        *[_row(1, "A", MeetingKind.GROUP_MEETING, m) for m in months[0:3] + months[4:6]],
        _row(1, "A", MeetingKind.GENERAL_MEETING, quarters[1]),
        _row(2, "B", MeetingKind.GROUP_MEETING, months[8]),
    ]
    found = catch_ups(list(reversed(rows)))  # in any order
    assert [c.label for c in found] == ["组织A党小组会", "组织A支部党员大会", "组织B党小组会"]
    assert found[0].detail == "5期未达要求：2026-01至2026-03、2026-05至2026-06"
    assert found[1].detail == "1期未达要求：2026Q2"
    url = urlparse(found[0].url)
    assert url.path == reverse("admin:activities_meeting_add")
    assert parse_qs(url.query) == {
        "organization": ["1"],
        "kind": ["group_meeting"],
        "held_on": ["2026-01-31"],  # the earliest period's last day
    }


def test_only_the_groups_with_most_periods_are_listed() -> None:
    months = periods_of(2026, MONTHLY)
    rows = [
        _row(org, f"O{org}", MeetingKind.GROUP_MEETING, month)
        for org in range(1, CATCH_UPS_SHOWN + 3)
        for month in months[: org % 4 + 1]
    ]
    found = catch_ups(rows)
    assert len(found) == CATCH_UPS_SHOWN
    periods = [int(c.detail.split("期")[0]) for c in found]
    assert periods == sorted(periods, reverse=True)


def test_the_secretary_gets_a_button_that_opens_the_add_page_prefilled(
    client: Any, tree: SimpleNamespace, secretary_a: Any
) -> None:
    """The fixture's 党小组 has held no 党小组会 this year: every month gone by is overdue."""
    client.force_login(secretary_a)
    index = client.get(reverse("admin:index"))
    [panel] = [p for p in index.context["panels"] if p.title == "三会一课"]
    [overdue] = [t for t in panel.todos if t.label == "项应开会议已逾期"]
    labels = [c.label for c in panel.catch_ups]
    assert f"{tree.group_a.name}党小组会" in labels
    assert overdue.count >= 1
    html = index.content.decode()
    assert ">补录</a>" in html
    assert "未读提醒" not in html
    [item] = [c for c in panel.catch_ups if c.label == f"{tree.group_a.name}党小组会"]
    add = client.get(item.url)
    assert add.status_code == 200
    initial = add.context["adminform"].form.initial
    assert str(initial["organization"]) == str(tree.group_a.pk)
    assert initial["kind"] == MeetingKind.GROUP_MEETING
    held_on = dt.date.fromisoformat(parse_qs(urlparse(item.url).query)["held_on"][0])
    assert str(initial["held_on"]) == f"{held_on:%Y-%m-%d}"
    assert held_on < timezone.localdate()  # a past period


def test_reminders_of_the_same_shortfalls_are_not_counted_again(
    client: Any, tree: SimpleNamespace, secretary_a: Any
) -> None:
    NotificationFactory(recipient=secretary_a, title="第一党小组2026-03党小组会已逾期")
    client.force_login(secretary_a)
    index = client.get(reverse("admin:index"))
    labels = [t.label for p in index.context["panels"] for t in p.todos]
    assert not any("提醒" in label for label in labels)
