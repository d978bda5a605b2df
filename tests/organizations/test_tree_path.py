"""Issue 25: the organization tree's materialized path, and a scope that goes into a query as a
few subtrees by that path (organizations.scope.InTree) rather than as every id it holds."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection

from members.models import Member
from organizations import services
from organizations.models import Organization, tree_paths_refresh
from organizations.rules import OrganizationKind as K
from organizations.scope import OrgIds, forget_all_scopes, scope_of


def fresh(user: Any) -> Any:
    return get_user_model().objects.get(pk=user.pk)


def path_of(organization: Organization) -> str:
    return Organization.objects.get(pk=organization.pk).tree_path


def all_paths() -> dict[int, str]:
    return dict(Organization.objects.values_list("pk", "tree_path"))


def test_a_node_is_saved_with_the_ids_above_it(tree: SimpleNamespace) -> None:
    assert path_of(tree.sub_district) == "/"
    assert (
        path_of(tree.group_a)
        == f"/{tree.sub_district.pk}/{tree.community_a.pk}/{tree.branch_a.pk}/"
    )
    assert path_of(tree.unit_a.party_organization) == "/"  # a unit organization is a root


def test_a_move_rewrites_the_paths_of_the_moved_subtree(tree: SimpleNamespace, superuser) -> None:
    branch = Organization.objects.get(pk=tree.branch_a.pk)
    branch.parent = tree.community_b
    services.organization_save(organization=branch, actor=superuser, update_fields=["parent"])
    assert (
        path_of(tree.group_a)
        == f"/{tree.sub_district.pk}/{tree.community_b.pk}/{tree.branch_a.pk}/"
    )
    paths = all_paths()
    tree_paths_refresh(connection)
    assert all_paths() == paths  # nothing left to put right


def test_the_refresh_puts_right_what_a_bulk_write_left(tree: SimpleNamespace) -> None:
    Organization.objects.filter(pk=tree.branch_a.pk).update(parent=tree.community_b)
    Organization.objects.filter(pk=tree.group_b.pk).update(tree_path="")
    tree_paths_refresh(connection)
    assert (
        path_of(tree.group_a)
        == f"/{tree.sub_district.pk}/{tree.community_b.pk}/{tree.branch_a.pk}/"
    )
    assert (
        path_of(tree.group_b)
        == f"/{tree.sub_district.pk}/{tree.community_b.pk}/{tree.branch_b.pk}/"
    )


def _grow(under: Organization, count: int, start: int) -> None:
    Organization.objects.bulk_create(
        Organization(name=f"支部{n}", code=f"GROW-{under.pk}-{n}", kind=K.BRANCH, parent=under)
        for n in range(start, start + count)
    )
    tree_paths_refresh(connection)
    forget_all_scopes()  # bulk_create sends no signal


def _member_list_sql(user: Any) -> tuple[str, tuple[Any, ...]]:
    return Member.objects.visible_to(fresh(user)).query.sql_with_params()


def test_a_big_scope_does_not_send_its_ids(tree: SimpleNamespace, sub_district_officer) -> None:
    """The member list's query for a sub-district officer, with 150 and then 450 organizations
    more in the sub-district: the same SQL and parameters, none of them a list of ids (before,
    every id went into one array parameter that grew with the tree)."""
    _grow(tree.community_a, 150, 0)
    scope = scope_of(fresh(sub_district_officer))
    assert isinstance(scope.people, OrgIds)
    assert len(scope.people) > 150
    sql, params = _member_list_sql(sub_district_officer)
    assert all(isinstance(p, int | str) and len(str(p)) < 40 for p in params), params
    _grow(tree.community_b, 300, 150)
    assert len(scope_of(fresh(sub_district_officer)).people) > 450
    assert _member_list_sql(sub_district_officer) == (sql, params)
