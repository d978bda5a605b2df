"""Every registered admin's change list runs no more queries at 500 rows than at 10, for the
superuser and for a community secretary. An admin registered without a row maker fails.

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
SMALL, LARGE = 10, 500


def test_every_registered_admin_has_a_row_maker() -> None:
    assert sorted(m._meta.label_lower for m, _ in ADMINS) == sorted(MAKERS)


def _grow(t: SimpleNamespace, label: str, start: int, stop: int) -> None:
    for i in range(start, stop):
        MAKERS[label](t, i)


@pytest.mark.parametrize(
    ("model", "model_admin"), ADMINS, ids=[m._meta.label_lower for m, _ in ADMINS]
)
def test_changelist_queries_do_not_grow_with_rows(
    client: Any, request: Any, tree: SimpleNamespace, django_assert_max_num_queries: Any,
    model: Any, model_admin: Any, monkeypatch: Any,
) -> None:  # fmt: skip
    label = model._meta.label_lower
    # ?all= draws every row: the 500 made here and those of the tree.
    monkeypatch.setattr(site._registry[model], "list_max_show_all", 2 * LARGE)
    t = SimpleNamespace(**vars(tree), secretary=request.getfixturevalue("secretary_a"))
    users = {"superuser": request.getfixturevalue("superuser"), "secretary_a": t.secretary}
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") + "?all="
    _grow(t, label, 0, SMALL)
    small: dict[str, int] = {}
    for who, user in users.items():
        client.force_login(user)
        with django_assert_max_num_queries(60) as queries:
            first = client.get(url)
        if first.status_code == 403:  # the secretary may not open it (tests/test_admin_access)
            continue
        assert first.status_code == 200, who
        small[who] = len(queries)
    _grow(t, label, SMALL, LARGE)  # the rows made once, for both users
    for who, count in small.items():
        client.force_login(users[who])
        with django_assert_max_num_queries(count, info=who):
            page = client.get(url)
        assert page.status_code == 200
        if who == "superuser":
            assert len(page.context["cl"].result_list) >= LARGE
