"""工作台: what a user needs to act on, on their first screen.

Each app declares its panel providers on its AppConfig (`dashboard_panels`, kit/apps.py): a
function of the request that returns a Panel (or None when the app has nothing for this user). A provider reads through the
user's scope (`visible_to`) and computes its numbers in a fixed number of queries, whatever the
size of the district. A to-do links to the list filtered to exactly its rows.

The 2023 guidance against "formalism at the fingertips": a panel shows the user's own
organizations' status and what is due, never a ranking of organizations.

A sub-district's panels aggregate over its whole district (100,000 members: about a second of
queries), so a user's panels are kept in the cache for DASHBOARD_CACHE_SECONDS, under a data
version that any save or delete of a domain row moves on (`data_changed`): a count is never stale
after a change made through the system; only a bulk write (which sends no signal) waits for the
timeout, and the date is part of the key, so "this quarter" turns over at midnight.

A district officer (区委组织部) has one panel per sub-district below it instead: that
sub-district's members, its to-dos panel by panel (三会一课, 党费与经费, ...), and links to its
compliance page, each computed by the same providers through the officer's scope narrowed to the
sub-district (organizations.scope.narrowed) and kept like any user's panels.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from kit.apps import declared_paths, party_app_labels, resolve
from kit.dashboard import Figure, Panel, Todo

T = TypeVar("T")
VERSION_KEY = "common:dashboard:version"

Provider = Callable[[HttpRequest], Panel | None]


@functools.cache
def providers() -> tuple[Provider, ...]:
    """Every app's declared panel providers, in INSTALLED_APPS order."""
    return tuple(resolve(path) for path in declared_paths("dashboard_panels"))


@functools.cache
def counted_apps() -> frozenset[str]:
    """The apps whose rows the panels count: the project's own (kit/apps.py). A save in another
    (sessions, login attempts, beat's schedule) changes none."""
    return party_app_labels()


def panel_list(request: HttpRequest) -> list[Panel]:
    return kept_until_changed(request.user, "dashboard", lambda: _computed_panels(request))


def kept_until_changed(user: Any, name: str, compute: Callable[[], T], *parts: object) -> T:
    """`compute()` for `user` (their scope), kept in the cache under the data version and the
    date for DASHBOARD_CACHE_SECONDS (0: computed every time). For what aggregates a whole
    district: the 工作台's panels, the compliance page's summary."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return compute()
    key = ":".join([_kept_key(user, name), *map(str, parts)])
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found


def _computed_panels(request: HttpRequest) -> list[Panel]:
    """The panels with something overdue or late first, each group in the apps' declared order
    (三会一课, 党费与经费, 党员管理, ...); a district officer's, one per sub-district."""
    from organizations.selectors import supervised_sub_districts

    sub_districts = supervised_sub_districts(request.user)
    if sub_districts:
        return [_sub_district_panel(request, sub_district) for sub_district in sub_districts]
    return _own_panels(request)


def _own_panels(request: HttpRequest) -> list[Panel]:
    panels = [panel for provider in providers() if (panel := provider(request)) is not None]
    return sorted(panels, key=lambda panel: (not panel.is_urgent, panel.order))


# The figures of the sub-district's own panels that its row on a district's 工作台 repeats.
SUB_DISTRICT_FIGURES = ("党员", "正式党员", "流动党员")


def _sub_district_panel(request: HttpRequest, sub_district: Any) -> Panel:
    """One sub-district on a district officer's 工作台: what its own 工作台 would show the officer
    (their scope narrowed to it), summed up panel by panel."""
    from django.urls import reverse

    from organizations.scope import narrowed

    seen = copy.copy(request)
    seen.user = narrowed(request.user, sub_district.pk)
    panels = kept_until_changed(seen.user, "dashboard", lambda: _own_panels(seen))
    page = reverse("admin:activities_meeting_compliance")
    compliance = f"{page}?sub_district={sub_district.pk}"
    summary = Panel(title=sub_district.name, order=0)
    for panel in panels:
        due = [todo for todo in panel.todos if todo.is_due]
        url = due[0].url if due else ""
        if url.startswith(page):  # the compliance page opens on this sub-district
            url = f"{url}{'&' if '?' in url else '?'}sub_district={sub_district.pk}"
        summary.todos.append(Todo(f"项待办：{panel.title}", sum(t.count for t in due), url))
        summary.figures += [f for f in panel.figures if f.label in SUB_DISTRICT_FIGURES]
    summary.figures.append(Figure("三会一课落实情况", "查看", compliance))
    return summary


def _kept_key(user: Any, name: str) -> str:
    from organizations.scope import _user_key

    version = cache.get_or_set(VERSION_KEY, 1, None)
    return f"common:{name}:{_user_key(user)}:{version}:{timezone.localdate().isoformat()}"


def data_changed(sender: Any, **kwargs: Any) -> None:
    """A domain row was saved or deleted: every kept figure is out of date once the change is
    committed. The version moves on commit: moved before, a request
    between the move and the commit would keep figures of the old data under the new version
    (and, with the database cache, the version's row stayed locked for the whole transaction,
    holding up every page). Not for the historical models of a migration."""
    if sender._meta.app_label not in counted_apps() or sender.__module__ == "__fake__":
        return
    transaction.on_commit(_move_version)  # at once outside a transaction


def _move_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): the next page sets it
        cache.set(VERSION_KEY, 1, None)


def todo_count(request: HttpRequest) -> int:
    return sum(t.count for p in panel_list(request) for t in p.todos if t.urgent)
