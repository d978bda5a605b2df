"""工作台: what a user needs to act on, on their first screen.

Each app declares its panel providers on its AppConfig (`dashboard_panels`, kit/apps.py): a
function of the request that returns a Panel (or None when the app has nothing for this user). A provider reads through the
user's scope (`visible_to`) and computes its numbers in a fixed number of queries, whatever the
size of the district. A to-do links to the list filtered to exactly its rows.

The 2023 guidance against "formalism at the fingertips": a panel shows the user's own
organizations' status and what is due, never a ranking of organizations.

A sub-district's panels aggregate over its whole district (100,000 members: seconds of queries),
so the visitor never computes them: a worker does (`workbench_refresh`), and the page shows the
figures it last computed and when (`workbench`). They are computed under a data version that any
save or delete of a domain row moves on (`data_changed`) and the date ("this quarter" turns over at
midnight); figures of an older version or day, or older than DASHBOARD_CACHE_SECONDS (a bulk write
sends no signal), are shown as such while the worker computes them afresh: queued by the visit
(once a minute at most per user), and, after a change, for the users who opened the 工作台 in the
last day (debounced: one task for all changes within DASHBOARD_REFRESH_DELAY seconds).
DASHBOARD_CACHE_SECONDS=0 computes them in the request (no worker needed).

A district officer (区委组织部) has one panel per sub-district below it instead: that
sub-district's members, its to-dos panel by panel (三会一课, 党费与经费, ...), and links to its
compliance page, each computed by the same providers through the officer's scope narrowed to the
sub-district (organizations.scope.narrowed) and kept like any user's panels.
"""

from __future__ import annotations

import copy
import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
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
SEEN_KEY = "common:workbench:seen"
KEPT_FOR = 7 * 24 * 3600  # shown, marked as overtaken, until computed afresh
QUEUED_FOR = 60

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


@dataclass(frozen=True)
class Workbench:
    """What the 工作台 shows: the panels as last computed, when, and whether a change (or the day,
    or their age) has overtaken them since; `computed_at` None: not computed yet."""

    panels: list[Panel]
    computed_at: datetime.datetime | None
    is_current: bool


def workbench(request: HttpRequest) -> Workbench:
    """The last computed panels of the user's scope, from the cache (one read); when missing or
    overtaken, a worker is asked to compute them (an eager Celery, with no worker, does it here)."""
    if not settings.DASHBOARD_CACHE_SECONDS:
        return Workbench(_computed_panels(request), timezone.now(), is_current=True)
    user = request.user
    key, stamp = _last_key(user), _stamp()
    entry = cache.get(key)
    if not _is_current(entry, stamp):
        _refresh_soon(user)
        entry = cache.get(key) or entry  # computed meanwhile (an eager task, another worker)
    if entry is None:
        return Workbench([], None, is_current=False)
    return Workbench(entry["panels"], entry["computed_at"], _is_current(entry, stamp))


def panel_list(request: HttpRequest) -> list[Panel]:
    return workbench(request).panels


def workbench_compute(user: Any) -> None:
    """Compute `user`'s panels and keep them with the data version and day read before: a change
    committed meanwhile leaves them overtaken, and computed again."""
    stamp = _stamp()
    request = HttpRequest()
    request.method = "GET"
    request.path = "/admin/"
    request.user = user
    panels = _computed_panels(request)
    entry = {"panels": panels, "computed_at": timezone.now(), "stamp": stamp}
    cache.set(_last_key(user), entry, KEPT_FOR)
    cache.delete(_last_key(user) + ":queued")


def workbench_users_seen() -> list[int]:
    """The users who opened the 工作台 within the last day (and found it overtaken): whose
    panels a worker computes again after a change."""
    seen = cache.get(SEEN_KEY) or {}
    since = timezone.now() - datetime.timedelta(days=1)
    return [pk for pk, at in seen.items() if at >= since]


def _is_current(entry: dict[str, Any] | None, stamp: tuple[object, str]) -> bool:
    if entry is None or entry["stamp"] != stamp:
        return False
    age = timezone.now() - entry["computed_at"]
    return age.total_seconds() < settings.DASHBOARD_CACHE_SECONDS


def _refresh_soon(user: Any) -> None:
    """Queue the user's computation unless it was queued within the minute (a worker's task may
    be lost: then the next visit after the minute queues it again)."""
    from .tasks import workbench_refresh

    if not cache.add(_last_key(user) + ":queued", 1, QUEUED_FOR):
        return
    seen = cache.get(SEEN_KEY) or {}
    seen[user.pk] = timezone.now()
    cache.set(SEEN_KEY, seen, None)
    workbench_refresh.delay([user.pk])


def _last_key(user: Any) -> str:
    from organizations.scope import _user_key

    return f"common:workbench:{_user_key(user)}"


def _stamp() -> tuple[object, str]:
    return cache.get_or_set(VERSION_KEY, 1, None), timezone.localdate().isoformat()


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
    _refresh_seen_later()


def _refresh_seen_later() -> None:
    """One task for every change within DASHBOARD_REFRESH_DELAY seconds: the seen users' panels
    computed again. Not with an eager Celery (tests, no worker): there the next visit does it."""
    from celery import current_app

    from .tasks import workbench_refresh_seen

    delay = settings.DASHBOARD_REFRESH_DELAY
    if current_app.conf.task_always_eager or not settings.DASHBOARD_CACHE_SECONDS:
        return
    if cache.add("common:workbench:refresh_queued", 1, delay):
        workbench_refresh_seen.apply_async(countdown=delay)


def todo_count(request: HttpRequest) -> int:
    return sum(t.count for p in panel_list(request) for t in p.todos if t.urgent)
