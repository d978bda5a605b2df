"""Every registered admin's change list runs exactly as many queries at 40 rows as at 10, for the
superuser and for a community secretary (a query per row would add 30 at 40 rows; 40 rows cost a
tenth of the 500 this test used to make, and prove the same). An admin registered without a row
maker in its app's registry fails.

Each app's makers are in tests/<app>/admin_registry.py (`MAKERS`, tests/registries.py). Each adds
row number `i` of its model inside community A of the shared test tree (so that the secretary sees
it), with whatever related rows it needs.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from tests.registries import app_registries

Maker = Callable[[SimpleNamespace, int], Any]
MAKERS: dict[str, Maker] = {}
for _registry in app_registries():
    MAKERS.update(getattr(_registry, "MAKERS", {}))

ADMINS = sorted(site._registry.items(), key=lambda item: item[0]._meta.label_lower)
SMALL, LARGE = 10, 40


def test_every_registered_admin_has_a_row_maker() -> None:
    assert sorted(m._meta.label_lower for m, _ in ADMINS) == sorted(MAKERS)


def _grow(t: SimpleNamespace, label: str, start: int, stop: int) -> None:
    for i in range(start, stop):
        MAKERS[label](t, i)


def _queries(client: Any, user: Any, url: str, assert_max_queries: Any) -> tuple[Any, int]:
    """The page and its queries, once the first visit has filled what is cached (the scope, the
    dashboard's version), which the rows made in between may have renewed."""
    client.force_login(user)
    client.get(url)
    with assert_max_queries(60) as queries:
        page = client.get(url)
    return page, len(queries)


@pytest.mark.parametrize(
    ("model", "model_admin"), ADMINS, ids=[m._meta.label_lower for m, _ in ADMINS]
)
def test_changelist_queries_do_not_grow_with_rows(
    client: Any, request: Any, tree: SimpleNamespace, django_assert_max_num_queries: Any,
    model: Any, model_admin: Any, monkeypatch: Any,
) -> None:  # fmt: skip
    label = model._meta.label_lower
    # ?all= draws every row: the 40 made here and those of the tree.
    monkeypatch.setattr(site._registry[model], "list_max_show_all", 2 * LARGE)
    t = SimpleNamespace(**vars(tree), secretary=request.getfixturevalue("secretary_a"))
    users = {"superuser": request.getfixturevalue("superuser"), "secretary_a": t.secretary}
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") + "?all="
    _grow(t, label, 0, SMALL)
    small: dict[str, int] = {}
    for who, user in users.items():
        page, count = _queries(client, user, url, django_assert_max_num_queries)
        if page.status_code == 403:  # the secretary may not open it (tests/test_admin_access)
            continue
        assert page.status_code == 200, who
        small[who] = count
    _grow(t, label, SMALL, LARGE)  # the rows made once, for both users
    for who, count in small.items():
        page, large = _queries(client, users[who], url, django_assert_max_num_queries)
        assert page.status_code == 200
        assert large == count, f"{who}: {count} queries at {SMALL} rows, {large} at {LARGE}"
        if who == "superuser":
            assert len(page.context["cl"].result_list) >= LARGE
