"""工作台: what a user needs to act on, on their first screen.

Each app registers a panel provider in its AppConfig.ready(): a function of the request that
returns a Panel (or None when the app has nothing for this user). A provider reads through the
user's scope (`visible_to`) and computes its numbers in a fixed number of queries, whatever the
size of the district. A to-do links to the list filtered to exactly its rows.

The 2023 guidance against "formalism at the fingertips": a panel shows the user's own
organizations' status and what is due, never a ranking of organizations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


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


Provider = Callable[[HttpRequest], Panel | None]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def panel_list(request: HttpRequest) -> list[Panel]:
    panels = [panel for provider in _PROVIDERS if (panel := provider(request)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


def todo_count(request: HttpRequest) -> int:
    return sum(t.count for p in panel_list(request) for t in p.todos if t.urgent)


def changelist_url(app_model: str, **params: Any) -> str:
    """`/admin/<app>/<model>/?a=b`: the list a to-do opens, filtered to its rows."""
    from urllib.parse import urlencode

    from django.urls import reverse

    app, model = app_model.split(".")
    url = reverse(f"admin:{app}_{model}_changelist")
    return f"{url}?{urlencode(params)}" if params else url
