"""Admins declare, they do not override: every write goes through the services an admin names
(`model_services = Services(...)`), so no admin of the project has a save_model of its own
(kit.admin.ScopedAdmin's reads the declaration), and read-only admins say so with
kit.admin.ReadOnlyAdminMixin rather than each writing `return False` three times."""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any

import pytest
from django.contrib.admin.sites import site

from kit.admin import ScopedAdmin

PROJECT_APPS = (
    "activities",
    "common",
    "config",
    "finance",
    "members",
    "organizations",
    "publicity",
)
ADMINS = sorted(
    (
        (model, model_admin)
        for model, model_admin in site._registry.items()
        if type(model_admin).__module__.split(".")[0] in PROJECT_APPS
    ),
    key=lambda item: item[0]._meta.label_lower,
)


def _defined_in(model_admin: Any, name: str) -> str:
    return next(k.__module__ for k in type(model_admin).__mro__ if name in vars(k))


@pytest.mark.parametrize(
    ("model", "model_admin"), ADMINS, ids=[m._meta.label_lower for m, _ in ADMINS]
)
def test_no_admin_of_the_project_overrides_save_model(model: Any, model_admin: Any) -> None:
    where = _defined_in(model_admin, "save_model")
    assert where == "kit.admin" or where.split(".")[0] not in PROJECT_APPS


def _refuses_by_hand(model_admin: Any, name: str) -> bool:
    """Whether the admin's own method `name` only says `return False`."""
    method = getattr(type(model_admin), name)
    if method.__module__.split(".")[0] not in PROJECT_APPS:
        return False  # the kit's mixin, Django's or the theme's
    source = ast.parse(textwrap.dedent(inspect.getsource(method)))
    body = [s for s in source.body[0].body if not isinstance(s, ast.Expr)]  # type: ignore[attr-defined]
    return len(body) == 1 and ast.unparse(body[0]) == "return False"


@pytest.mark.parametrize(
    ("model", "model_admin"), ADMINS, ids=[m._meta.label_lower for m, _ in ADMINS]
)
def test_no_admin_writes_its_read_only_permissions_by_hand(model: Any, model_admin: Any) -> None:
    """Refusing both adding and changing by hand is ReadOnlyAdminMixin's job (a single refusal
    is a rule of its own: a payment is never deleted, a feedback card never added by hand)."""
    refused = [n for n in ("has_add_permission", "has_change_permission")
               if _refuses_by_hand(model_admin, n)]  # fmt: skip
    assert len(refused) < 2, type(model_admin).__name__


def test_scoped_admins_save_through_their_declared_services() -> None:
    """The declaration is read: an admin with services has ScopedAdmin's save_model."""
    declared = [a for _, a in ADMINS if isinstance(a, ScopedAdmin) and a.model_services]
    assert len(declared) > 20
