"""The 工作台's building blocks: a panel of to-dos, figures and charts, and the link a to-do opens.
What the panels are and how they are kept is the organization-aware layer's (common/dashboard.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str
    hint: str = ""
    urgent: bool = True  # shown in red while count > 0

    @property
    def is_due(self) -> bool:
        return bool(self.count and self.urgent)


@dataclass(frozen=True)
class CatchUp:
    """A past period that can no longer be met on time (补录): what was short, and a button to
    the add page prefilled, for a meeting that was held but not recorded."""

    label: str
    detail: str
    url: str


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | str
    url: str = ""


@dataclass(frozen=True)
class Chart:
    """A bar chart of (label, value) pairs, drawn by Chart.js (unfold's chart component, served
    by the site itself) on a true scale: the value axis starts at 0, and a bar's length is
    proportional to its value (a percentage's axis ends at 100)."""

    title: str
    bars: Sequence[tuple[str, int]]
    unit: str = "人"
    note: str = ""  # said under the chart (what it leaves out)

    @property
    def data_json(self) -> str:
        dataset = {
            "label": self.title,
            "data": [value for _, value in self.bars],
            "backgroundColor": "var(--color-primary-600)",
            "borderRadius": 3,
            "maxBarThickness": 28,
        }
        return json.dumps({"labels": [label for label, _ in self.bars], "datasets": [dataset]})

    @property
    def options_json(self) -> str:
        value_axis: dict[str, Any] = {
            "beginAtZero": True,
            "ticks": {"precision": 0},
            "title": {"display": True, "text": self.unit},
        }
        if self.unit == "%":
            value_axis["max"] = 100
        options = {
            "animation": False,
            "responsive": True,
            "maintainAspectRatio": False,
            "plugins": {"legend": {"display": False}},
            "scales": {"x": {"grid": {"display": False}}, "y": value_axis},
        }
        return json.dumps(options)


@dataclass
class Panel:
    title: str
    order: int = 100
    todos: list[Todo] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    catch_ups: list[CatchUp] = field(default_factory=list)
    catch_up_more: str = ""  # the link to all of them, when more than are shown

    @property
    def is_urgent(self) -> bool:
        """Something is overdue or late: the panel comes before those with nothing urgent."""
        return any(todo.is_due for todo in self.todos)

    @property
    def todos_by_urgency(self) -> list[Todo]:
        """What to act on first, then what is due later, then what is clear (in their order)."""
        return sorted(self.todos, key=lambda t: (not t.is_due, not t.count))


def changelist_url(app_model: str, **params: Any) -> str:
    """`/admin/<app>/<model>/?a=b`: the list a to-do opens, filtered to its rows."""
    from urllib.parse import urlencode

    from django.urls import reverse

    app, model = app_model.split(".")
    url = reverse(f"admin:{app}_{model}_changelist")
    return f"{url}?{urlencode(params)}" if params else url
