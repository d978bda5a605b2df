"""The 工作台's building blocks: a panel of to-dos, figures and charts, and the link a to-do opens.
What the panels are and how they are kept is the organization-aware layer's (common/dashboard.py)."""

from __future__ import annotations

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


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | str
    url: str = ""


@dataclass(frozen=True)
class Chart:
    """A bar chart: (label, value) pairs, drawn with plain HTML (no script)."""

    title: str
    bars: Sequence[tuple[str, int]]
    unit: str = "人"

    @property
    def rows(self) -> list[tuple[str, int, int]]:
        top = max((value for _, value in self.bars), default=0) or 1
        return [(label, value, round(100 * value / top)) for label, value in self.bars]


@dataclass
class Panel:
    title: str
    order: int = 100
    todos: list[Todo] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


def changelist_url(app_model: str, **params: Any) -> str:
    """`/admin/<app>/<model>/?a=b`: the list a to-do opens, filtered to its rows."""
    from urllib.parse import urlencode

    from django.urls import reverse

    app, model = app_model.split(".")
    url = reverse(f"admin:{app}_{model}_changelist")
    return f"{url}?{urlencode(params)}" if params else url
