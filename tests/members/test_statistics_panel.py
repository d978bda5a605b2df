"""The 党内统计 panel of the 工作台 (members/dashboard_statistics.py): this year's headline figures
of the user's people scope, linking to the chart page, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.dashboard_statistics import statistics_panel
from members.rules import Gender
from organizations.scope import scope_of
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _panel(user: Any) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return statistics_panel(request)


def _figures(panel: Any) -> dict[str, Any]:
    return {figure.label: figure.value for figure in panel.figures}


def _members(tree: SimpleNamespace, n: int) -> None:
    for i in range(n):
        MemberFactory(
            branch=tree.branch_a, gender=Gender.FEMALE if i % 2 else Gender.MALE,
            categories=["in_service"] if i % 3 else ["retired"],
        )  # fmt: skip


def test_the_panel_counts_the_scope_this_year_and_links_the_charts(
    tree: SimpleNamespace, secretary_a: Any, secretary_b: Any
) -> None:
    _members(tree, 4)
    MemberFactory(branch=tree.branch_b)
    year = timezone.localdate().year
    MemberFactory(branch=tree.branch_a, joined_on=dt.date(year, 3, 1))  # 年内发展
    panel = _panel(secretary_a)
    figures = _figures(panel)
    assert panel.title == f"党内统计（{year}年）"
    assert (figures["党员总数"], figures["女党员"], figures["年内发展党员"]) == (5, 2, 1)
    assert figures["党支部"] == 1
    url = f"{reverse('admin:members_member_statistics')}?year={year}"
    assert {figure.url for figure in panel.figures} == {url}
    assert sum(bar[1] for bar in panel.charts[0].bars) == 5
    assert _figures(_panel(secretary_b))["党员总数"] == 1


def test_the_panel_is_not_shown_to_a_user_who_sees_no_member(tree: SimpleNamespace) -> None:
    from tests.organizations.factories import UserFactory

    assert _panel(UserFactory(is_staff=True)) is None


def test_the_panel_runs_the_same_queries_at_5_and_40_members(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    def count() -> int:
        scope_of(secretary_a)  # the scope is computed once per user and kept
        _panel(secretary_a)  # and the user's permissions once
        with CaptureQueriesContext(connection) as captured:
            _panel(secretary_a)
        return len(captured)

    _members(tree, 5)
    small = count()
    _members(tree, 35)
    assert _figures(_panel(secretary_a))["党员总数"] == 40
    assert count() == small
    assert small <= 3  # members, transfers, organizations
