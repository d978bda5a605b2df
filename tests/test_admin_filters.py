"""The organization filter of the admin lists (common.admin.OrganizationFilter): one link per
organization for a secretary who sees a handful, a typed picker for a sub-district that sees
thousands, the same URL parameter and the same scope either way."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from common.admin import OrganizationFilter
from organizations.rules import OrganizationKind as K
from tests.activities.factories import MeetingFactory
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
MEETINGS = reverse("admin:activities_meeting_changelist")


def _branches(parent: Any, count: int) -> list[Any]:
    return [
        OrganizationFactory(
            name=f"{parent.name}第{i + 2}支部",
            code=f"{parent.code}-X{i}",
            kind=K.BRANCH,
            parent=parent,
        )
        for i in range(count)
    ]


def test_a_secretary_picks_a_branch_with_one_click(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    page = client.get(MEETINGS).content.decode()
    assert f"?organization={tree.branch_a.pk}" in page
    assert tree.branch_b.name not in page  # another community's branch is not offered
    assert 'name="organization"' not in page  # links, no picker


def test_above_the_limit_the_filter_is_a_picker_and_still_filters(
    client: Any, tree: Any, sub_district_officer: Any
) -> None:
    extra = _branches(tree.community_a, OrganizationFilter.PICKER_ABOVE)
    MeetingFactory(organization=tree.branch_a, topic="甲支部的会")
    MeetingFactory(organization=extra[0], topic="新支部的会")
    client.force_login(sub_district_officer)
    page = client.get(MEETINGS).content.decode()
    assert 'name="organization"' in page
    assert "admin/autocomplete/" in page
    assert "select2" in page  # the picker's script is on the page
    assert f"?organization={extra[5].pk}" not in page  # no link per organization
    assert 'id="filter-form"' in page  # applied with the filter form's button
    chosen = client.get(MEETINGS, {"organization": extra[0].pk}).content.decode()
    assert "新支部的会" in chosen
    assert "甲支部的会" not in chosen
    assert f'<option value="{extra[0].pk}" selected>{extra[0].name}</option>' in chosen


def test_the_picker_never_names_an_organization_outside_the_scope(
    client: Any, tree: Any, make_user: Any
) -> None:
    from organizations.roles import Role

    _branches(tree.community_a, OrganizationFilter.PICKER_ABOVE)
    secretary = make_user(Role.COMMUNITY_SECRETARY, tree.community_a, "many_branches")
    client.force_login(secretary)
    page = client.get(MEETINGS, {"organization": tree.branch_b.pk}).content.decode()
    assert 'name="organization"' in page
    assert tree.branch_b.name not in page


def test_the_pickers_queries_do_not_grow_with_the_organizations(
    client: Any, tree: Any, sub_district_officer: Any, django_assert_num_queries: Any
) -> None:
    _branches(tree.community_a, OrganizationFilter.PICKER_ABOVE + 1)
    client.force_login(sub_district_officer)
    client.get(MEETINGS)
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log keeps 9,000 queries; making the branches filled it
    with CaptureQueriesContext(connection) as few:
        client.get(MEETINGS)
    queries = len(few)
    _branches(tree.community_b, 200)
    client.get(MEETINGS)  # the scope is computed again once
    reset_queries()
    with django_assert_num_queries(queries):
        client.get(MEETINGS)
