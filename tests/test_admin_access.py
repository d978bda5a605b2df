"""Every registered admin, opened by every demo role (issue 6): the outcome of each URL against a
table of what the role may do. An admin that is registered but missing from the table fails.

For each admin and role the test opens the list, the page of an object the role can see, its
history and one of its history versions; posts to the change, delete, history and version URLs;
and opens the page and history of an object the role cannot see. History pages never write.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse

from tests.registries import app_registries

# v: list and pages open; a: the add page opens; c: may change (an object it may change); d: may
# delete.
# "" : refused (403); a user who is not staff (the member) is sent to the login page instead.
# district: the 区委组织部's officer above the demo sub-district (reads, writes nothing).
ROLES = ("superuser", "sub_district", "secretary", "branch", "unit", "member", "district")
USERNAMES = dict(
    zip(
        ROLES,
        ("admin", "jiedao", "chunhui", "chunhui_zb1", "yiyuan", "dangyuan", "quwei"),
        strict=True,
    )
)
# Each app's rows are in tests/<app>/admin_registry.py (tests/registries.py).
ACCESS: dict[str, tuple[str, ...]] = {}
for _registry in app_registries():
    ACCESS.update(getattr(_registry, "ACCESS", {}))

ADMINS = sorted(site._registry.items(), key=lambda item: item[0]._meta.label_lower)


@pytest.fixture(scope="module")
def demo(demo_db: Any, django_db_blocker: Any) -> Any:
    """The demo sub-district (a clone of its template, tests/demo_template.py) and the rows it
    lacks, added once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as mp:
        _objects_the_demo_lacks()
        for _, model_admin in ADMINS:
            # What is checked is who may open what, not the page's length: a list of 5 rows
            # renders in a fraction of a list of 40 (tests/test_admin_queries.py proves that a
            # list's queries do not grow with its rows).
            mp.setattr(model_admin, "list_per_page", 5)
        yield
        transaction.set_rollback(True)


def _objects_the_demo_lacks() -> None:
    """One row for each admin whose model the demo does not fill (yet): each app's own."""
    for registry in app_registries():
        if hasattr(registry, "objects_the_demo_lacks"):
            registry.objects_the_demo_lacks()


def test_every_registered_admin_is_in_the_table() -> None:
    assert sorted(m._meta.label_lower for m, _ in ADMINS) == sorted(ACCESS)


def _url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _request(user: Any) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _objects(model_admin: Any, user: Any) -> tuple[Any, Any, Any]:
    """An object the user sees, one they may change (if any), one they cannot see (if any)."""
    request = _request(user)
    visible = model_admin.get_queryset(request).order_by("pk")
    seen = visible.first()
    changeable = next(
        (obj for obj in visible[:50] if model_admin.has_change_permission(request, obj)), None
    )
    hidden = model_admin.model._default_manager.exclude(pk__in=visible.values("pk")).first()
    return seen, changeable, hidden


def _refused(response: Any, staff: bool) -> bool:
    if not staff:
        return response.status_code == 302 and "/login/" in response["Location"]
    return response.status_code == 403


def _has_history(model: Any) -> bool:
    try:
        _url(model, "history", 1)
    except NoReverseMatch:
        return False
    return True


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("model", "model_admin"), ADMINS, ids=[m._meta.label_lower for m, _ in ADMINS]
)
def test_admin_outcomes_match_the_table(
    demo: Any, db: None, model: Any, model_admin: Any, role: str
) -> None:
    allowed = ACCESS[model._meta.label_lower][ROLES.index(role)]
    user = get_user_model().objects.get(username=USERNAMES[role])
    client = Client()
    client.force_login(user)
    staff = user.is_staff
    seen, changeable, hidden = _objects(model_admin, user)

    listing = client.get(_url(model, "changelist"))
    assert (listing.status_code == 200) if "v" in allowed else _refused(listing, staff)
    if role == "superuser":
        assert seen is not None, f"the demo has no {model._meta.verbose_name}"
    if seen is not None:
        page = client.get(_url(model, "change", seen.pk))
        assert (page.status_code == 200) if "v" in allowed else _refused(page, staff)
        if "c" not in allowed:
            assert _refused(client.post(_url(model, "change", seen.pk), {}), staff)
        if "d" not in allowed:
            assert _refused(client.post(_url(model, "delete", seen.pk), {"post": "yes"}), staff)
            assert model._default_manager.filter(pk=seen.pk).exists()
    if changeable is not None and "c" in allowed:
        assert client.post(_url(model, "change", changeable.pk), {}).status_code in (200, 302)
    adding = client.get(_url(model, "add"))
    assert (adding.status_code == 200) if "a" in allowed else _refused(adding, staff)
    if seen is not None and _has_history(model):
        _check_history(client, model, seen, allowed, staff)
    if hidden is not None and role != "superuser" and "v" in allowed:
        assert client.get(_url(model, "change", hidden.pk)).status_code == 404
        if _has_history(model):
            assert client.get(_url(model, "history", hidden.pk)).status_code == 404


def _check_history(client: Any, model: Any, obj: Any, allowed: str, staff: bool) -> None:
    history = _url(model, "history", obj.pk)
    response = client.get(history)
    assert (response.status_code == 200) if "v" in allowed else _refused(response, staff)
    assert client.post(history, {}).status_code == 403  # for everyone: history never writes
    records = getattr(obj, "history", None)
    if records is None or not records.exists():
        return
    version = _url(model, "simple_history", obj.pk, records.latest().history_id)
    response = client.get(version)
    assert (response.status_code == 200) if "v" in allowed else _refused(response, staff)
    before = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
    assert client.post(version, {}).status_code == 403
    obj.refresh_from_db()
    assert {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields} == before
