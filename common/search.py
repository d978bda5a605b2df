"""记录搜索: the admin's command search (Ctrl+K, or a click on the sidebar's search box) finds
members, organizations, units, meetings and development cases as well as menu entries
(UNFOLD["COMMAND"]["search_callback"]).

Each model an app declares `searchable` (kit/apps.py) is searched through its own admin, exactly
as its change list searches: the admin's rows (`visible_to` the user, so nothing outside the
user's scope is found) and its `get_search_results` (so the member list's rules hold here too:
without the personal-data permission a citizen ID or phone is matched by its last four
characters only, and each search by digits is logged). A result names a record the way its
pickers do (`autocomplete_label`: a member with their branch and masked ID), never a personal
field in full. unfold's own `search_models` is not used: it lists every match of every model,
reading each row's relations one by one. An admin may name its records here by `search_label`.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from unfold.dataclasses import SearchResult

from kit.apps import menu_groups, searchable_labels

# What one search lists of each kind: a name is typed to open a record, not to browse a list
# (the list's own search, linked as the last result of a kind that has more, browses).
RESULTS_PER_MODEL = 8


def record_search(request: HttpRequest, search_term: str) -> list[SearchResult]:
    """The records the user may open that match `search_term`, a few of each kind."""
    term = search_term.strip()
    if not term:
        return []
    icons = {label: icon for group in menu_groups() for label, icon in group.models}
    results: list[SearchResult] = []
    for label in searchable_labels():
        model_admin = admin.site._registry.get(apps.get_model(label))
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            continue
        results += _model_results(request, model_admin, term, icons.get(label) or "search")
    return results


def _model_results(
    request: HttpRequest, model_admin: Any, term: str, icon: str
) -> list[SearchResult]:
    """One query for the matches (and one for a prefetch the admin's rows declare)."""
    if not model_admin.get_search_fields(request):
        return []
    queryset = model_admin.get_queryset(request)
    related = model_admin.list_select_related
    if isinstance(related, list | tuple) and related:
        queryset = queryset.select_related(*related)
    found, may_have_duplicates = model_admin.get_search_results(request, queryset, term)
    if may_have_duplicates:
        found = found.distinct()
    rows = list(found[: RESULTS_PER_MODEL + 1])
    opts = model_admin.model._meta
    title = (
        getattr(model_admin, "search_label", None)
        or getattr(model_admin, "autocomplete_label", None)
        or str
    )
    kind = str(opts.verbose_name)
    results = [
        SearchResult(
            title=title(obj),
            description=kind,
            link=reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
            icon=icon,
        )
        for obj in rows[:RESULTS_PER_MODEL]
    ]
    if len(rows) > RESULTS_PER_MODEL:
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        results.append(
            SearchResult(
                title=f"查看全部匹配“{term}”的{opts.verbose_name_plural}",
                description=f"{kind}列表",
                link=f"{changelist}?{_query(term)}",
                icon="list",
            )
        )
    return results


def _query(term: str) -> str:
    return urlencode({"q": term})
