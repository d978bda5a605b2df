"""Issue 25: the organization tree's materialized path, and a scope that goes into a query as a
few subtrees by that path (organizations.scope.InTree) rather than as every id it holds."""

from __future__ import annotations

import pickle
import random
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection

from members.models import Member
from organizations import services
from organizations.models import Organization, tree_paths_refresh
from organizations.rules import OrganizationKind as K
from organizations.scope import (
    Both,
    Either,
    OrgIds,
    Reach,
    compute_scope,
    forget_all_scopes,
    scope_of,
)


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


# --- The kept scope: runs of ids, not a set of ints (issue 25: the scope per request) ----------
def _scattered_ids() -> set[int]:
    """Runs (a tree made branch after branch), single ids, neighbours one apart, and ids beyond
    a 32-bit integer."""
    rng = random.Random(25)  # noqa: S311 (test data)
    ids = set(range(1000, 5000)) | set(range(5001, 5003)) | {7, 9, 11, 2**31 - 1, 2**31, 2**40}
    return ids | set(rng.sample(range(6000, 60000), 2000))


def test_org_ids_answer_as_the_set_of_their_ids() -> None:
    ids = _scattered_ids()
    form = Reach(plus=frozenset({1}))
    kept = OrgIds(ids, form)
    plain = frozenset(ids)
    assert len(kept) == len(plain)
    assert set(kept) == plain
    assert list(kept) == sorted(plain)
    for value in [*range(0, 61000), 2**31 - 2, 2**31 - 1, 2**31, 2**31 + 1, 2**40, 2**40 + 1]:
        assert (value in kept) is (value in plain), value
    assert None not in kept
    assert "1000" not in kept
    assert kept == plain
    assert plain == kept
    assert hash(kept) == hash(plain)
    assert kept != plain - {1000}
    loaded = pickle.loads(pickle.dumps(kept, pickle.HIGHEST_PROTOCOL))  # noqa: S301
    assert loaded == plain
    assert loaded.form == form
    assert 4999 in loaded
    assert 5000 not in loaded


def test_org_ids_combine_as_the_sets_do_and_keep_their_form() -> None:
    ids, other = _scattered_ids(), set(range(3000, 9000))
    kept, more = OrgIds(ids, Reach(plus=frozenset({1}))), OrgIds(other, Reach(plus=frozenset({2})))
    assert (kept | more) == ids | other
    assert (kept | more).form == Either(kept.form, more.form)
    assert (kept & more) == ids & other
    assert (kept & more).form == Both(kept.form, more.form)
    assert (frozenset() | kept) is kept
    assert (kept | {1000, 1001}) is kept
    assert (kept | {3}) == ids | {3}
    assert 3 in (kept | {3}).form.right.plus
    assert (frozenset({7, 8}) & kept) == {7}
    assert (kept & {7, 8}) == {7}
    assert (kept - {7}) == ids - {7}


def test_a_big_scope_is_kept_in_a_few_bytes(tree: SimpleNamespace, sub_district_officer) -> None:
    """The scope a request loads from the cache (pickled): 150 and then 450 organizations more
    in the sub-district add a few bytes, not a few bytes per organization (a set of ints, the
    kept value before, grew by about 5 bytes per id and set)."""
    _grow(tree.community_a, 150, 0)
    small = len(pickle.dumps(scope_of(fresh(sub_district_officer)), pickle.HIGHEST_PROTOCOL))
    _grow(tree.community_b, 300, 150)
    scope = scope_of(fresh(sub_district_officer))
    assert len(scope.visible or ()) > 450
    assert len(pickle.dumps(scope, pickle.HIGHEST_PROTOCOL)) < small + 200


def test_the_kept_scope_holds_what_was_computed(
    tree: SimpleNamespace, sub_district_officer, district_officer
) -> None:
    """Read back from the cache, every set of a big scope holds the ids computed, and the
    `in` checks of the services agree with them on every organization."""
    _grow(tree.community_a, 150, 0)
    every = list(Organization.objects.values_list("pk", flat=True)) + [0, 10**9]
    for user in (sub_district_officer, district_officer):
        computed = compute_scope(fresh(user))
        scope_of(fresh(user))  # computed and kept
        kept = scope_of(fresh(user))
        assert isinstance(kept.people, OrgIds)
        for name in ("visible", "editable", "people", "managed", "supervised"):
            plain = frozenset(getattr(computed, name) or ())
            assert getattr(kept, name) == plain, name
            assert [pk in getattr(kept, name) for pk in every] == [pk in plain for pk in every]
