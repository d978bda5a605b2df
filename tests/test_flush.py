"""The flush that empties the tables after a transactional test (tests/conftest.py,
`_flush_by_delete`): on PostgreSQL by DELETE instead of Django's TRUNCATE, so it must leave every
table as empty as TRUNCATE would, rows that reference each other included."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from organizations.roles import Role
from tests.conftest import grant_user


def _models_with_rows() -> list[str]:
    return sorted(
        model._meta.label
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._default_manager.exists()
    )


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_no_row_in_any_table(tree: Any, superuser: Any) -> None:
    # Organizations reference each other (parent, unit links) and users' roles reference both:
    # DELETE must empty them all in one transaction, whatever the order of the tables.
    grant_user(Role.COMMUNITY_SECRETARY, tree.community_a, "flushed", superuser)
    assert {"organizations.Organization", "auth.User"} <= set(_models_with_rows())
    statements = connection.ops.sql_flush(no_style(), ["organizations_organization"])
    if connection.vendor == "postgresql":
        assert statements[-1].startswith('DELETE FROM "organizations_organization"')
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    assert _models_with_rows() == []
