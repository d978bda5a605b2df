"""The finance models under the scope rules of tests/test_scope_consistency.py, on the rows that
tests/finance/admin_registry.py's populate_scope adds (until the central test calls it)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps

from organizations.roles import Role
from organizations.scope import ScopeError, require_editable, scoped_queryset_class
from tests.finance.admin_registry import populate_scope
from tests.test_scope_consistency import _people

MODELS = sorted(
    (m for m in apps.get_app_config("finance").get_models() if scoped_queryset_class(m)),
    key=lambda m: m._meta.label,
)
ROLES = [
    "secretary_a",
    "secretary_b",
    "sub_district_officer",
    "branch_officer_a",
    "reviewer_b",
    "superuser",
]


@pytest.fixture
def rows(tree: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    people = _people(tree)
    populate_scope(tree, people)
    return people


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_finance_rows_follow_the_scope(
    rows: SimpleNamespace, request: pytest.FixtureRequest, model: Any
) -> None:
    manager = model._default_manager
    secretary = request.getfixturevalue("secretary_a")
    assert 0 < manager.visible_to(secretary).count() < manager.count()
    for role in ROLES:
        user = request.getfixturevalue(role)
        editable = set(manager.editable_by(user).values_list("pk", flat=True))
        assert editable <= set(manager.visible_to(user).values_list("pk", flat=True)), role
        for row in manager.all():
            try:
                require_editable(user, row, "修改")
                allowed = True
            except ScopeError:
                allowed = False
            assert allowed == (row.pk in editable), f"{role} {row}"


def test_a_member_user_sees_no_finance_rows_of_others(
    rows: SimpleNamespace, make_user: Any, tree: SimpleNamespace
) -> None:
    from finance.models import DuesPayment

    member_user = make_user(Role.MEMBER, tree.branch_a, "member_a")
    assert not DuesPayment.objects.editable_by(member_user).exists()
