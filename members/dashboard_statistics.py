"""The 党内统计 panel of the 工作台: this year's headline figures of the members the user's people
scope holds (as `manage.py party_statistics` counts them, as of 31 December), each linking to
the chart page. Computed by the database: a fixed number of queries whatever the roster."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from kit.dashboard import Chart, Figure, Panel

from .rules import AGE_BANDS
from .selectors.statistics import party_statistics_get

HEADLINES = (
    "党员总数",
    "正式党员",
    "预备党员",
    "女党员",
    "年内发展党员",
    "年内转入",
    "年内转出",
    "党支部",
)


def statistics_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("members.view_member"):
        return None
    year = timezone.localdate().year
    statistics = party_statistics_get(year=year, reader=user)
    url = f"{reverse('admin:members_member_statistics')}?{urlencode({'year': year})}"
    panel = Panel(title=f"党内统计（{year}年）", order=38)
    panel.figures += [Figure(label, statistics[label], url) for label in HEADLINES]
    panel.figures.append(Figure("统计图表", "查看", url))
    panel.charts.append(
        Chart(
            "年龄结构",
            [(label, statistics[label]) for label, _, _ in AGE_BANDS],
            note=f"按{year}年12月31日的周岁计算；转出的党员不计",
        )
    )
    return panel
