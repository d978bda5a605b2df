"""Who sees and who may change which organizations."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from organizations import services
from organizations.models import (
    CommitteeMember,
    JointCommittee,
    Organization,
    OrganizationAccess,
    Position,
    Unit,
)
from organizations.roles import Role
from organizations.rules import OrganizationKind as K
from organizations.scope import forget_all_scopes, forget_scope, scope_of
from tests.organizations.factories import (
    CommitteeMemberFactory,
    OrganizationFactory,
    PositionFactory,
)


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_community_secretary_sees_own_community_tree_and_its_units(tree, secretary_a) -> None:
    visible = codes(Organization.objects.visible_to(secretary_a))
    assert {"SD-A", "SD-A-1", "SD-A-1-1", "U-A"} <= visible
    assert visible.isdisjoint({"SD", "SD-B", "SD-B-1", "SD-B-1-1", "U-C"})


def test_linked_unit_org_is_visible_but_not_editable(tree, secretary_a) -> None:
    assert "U-B" in codes(Organization.objects.visible_to(secretary_a))
    assert "U-B" not in codes(Organization.objects.editable_by(secretary_a))


def test_located_unit_org_is_editable_by_its_community(tree, secretary_a) -> None:
    assert "U-A" in codes(Organization.objects.editable_by(secretary_a))


def test_other_community_secretary_sees_none_of_community_a(tree, secretary_b) -> None:
    visible = codes(Organization.objects.visible_to(secretary_b))
    assert visible == {"SD-B", "SD-B-1", "SD-B-1-1", "U-B", "U-C"}


def test_sub_district_officer_sees_all_its_communities(tree, sub_district_officer) -> None:
    visible = codes(Organization.objects.visible_to(sub_district_officer))
    assert visible == {
        "SD",
        "SD-A",
        "SD-A-1",
        "SD-A-1-1",
        "SD-B",
        "SD-B-1",
        "SD-B-1-1",
        "U-A",
        "U-B",
        "U-C",
    }


def test_superuser_sees_everything(tree, superuser) -> None:
    assert Organization.objects.visible_to(superuser).count() == Organization.objects.count()


def test_branch_officer_sees_only_own_branch_and_groups(tree, branch_officer_a) -> None:
    assert codes(Organization.objects.visible_to(branch_officer_a)) == {"SD-A-1", "SD-A-1-1"}


def test_unit_reviewer_sees_only_own_unit_org_and_changes_nothing(tree, reviewer_b) -> None:
    assert codes(Organization.objects.visible_to(reviewer_b)) == {"U-B"}
    assert not Organization.objects.editable_by(reviewer_b).exists()
    assert list(Unit.objects.visible_to(reviewer_b)) == [tree.unit_b]


def test_member_sees_only_own_organization(tree, make_user) -> None:
    member = make_user(Role.MEMBER, tree.branch_a)
    assert codes(Organization.objects.visible_to(member)) == {"SD-A-1"}
    assert not member.is_staff


def test_anonymous_and_inactive_users_see_nothing(tree, secretary_a) -> None:
    assert not Organization.objects.visible_to(AnonymousUser()).exists()
    secretary_a.is_active = False
    assert not Organization.objects.visible_to(secretary_a).exists()


def test_user_without_access_sees_nothing(tree) -> None:
    from tests.organizations.factories import UserFactory

    assert not Organization.objects.visible_to(UserFactory(is_staff=True)).exists()


def test_units_scope_follows_location_and_links(tree, secretary_a, secretary_b) -> None:
    assert set(Unit.objects.visible_to(secretary_a)) == {tree.unit_a, tree.unit_b}
    assert set(Unit.objects.editable_by(secretary_a)) == {tree.unit_a}
    assert set(Unit.objects.visible_to(secretary_b)) == {tree.unit_b, tree.unit_c}


def test_positions_and_committees_follow_their_organization(tree, secretary_a) -> None:
    mine = PositionFactory(organization=tree.branch_a)
    PositionFactory(organization=tree.branch_b)
    assert list(Position.objects.visible_to(secretary_a)) == [mine]
    member_b = CommitteeMemberFactory(committee__community=tree.community_b)
    assert not JointCommittee.objects.visible_to(secretary_a).exists()
    assert member_b not in CommitteeMember.objects.visible_to(secretary_a)


def test_scope_is_computed_once_per_user_object(
    tree, secretary_a, django_assert_num_queries
) -> None:
    list(Organization.objects.visible_to(secretary_a))
    with django_assert_num_queries(1):
        list(Organization.objects.visible_to(secretary_a))
        Organization.objects.editable_by(secretary_a)


@pytest.mark.parametrize(
    "role", [Role.COMMUNITY_SECRETARY, Role.COMMUNITY_OFFICER, Role.SUB_DISTRICT_OFFICER]
)
def test_managing_roles_can_change_organizations(tree, make_user, role) -> None:
    user = make_user(role, tree.community_a)
    assert user.has_perm("organizations.change_organization")
    assert user.is_staff


def test_unit_reviewer_has_no_change_permission(tree, reviewer_b) -> None:
    assert reviewer_b.has_perm("organizations.view_organization")
    assert not reviewer_b.has_perm("organizations.change_organization")


# --- The cached scope: cheap on every request, new as soon as the tree or an access changes -------
def fresh(user):
    """The user as the next request loads it: nothing kept on the object."""
    return type(user).objects.get(pk=user.pk)


def test_a_later_request_reads_the_scope_from_the_cache(tree, secretary_a) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    expected = scope_of(secretary_a)
    user = fresh(secretary_a)
    with CaptureQueriesContext(connection) as queries:
        assert scope_of(user) == expected
    # Without Redis the cache is a database table (config/settings.py): reading it is no
    # recomputation.
    assert [q["sql"] for q in queries if "django_cache" not in q["sql"]] == []


def test_each_user_has_their_own_cached_scope(tree, secretary_a, secretary_b) -> None:
    assert scope_of(secretary_a) != scope_of(fresh(secretary_b))
    assert scope_of(fresh(secretary_a)).managed == scope_of(secretary_a).managed


def test_a_new_branch_is_in_scope_at_once(tree, secretary_a) -> None:
    assert "SD-A-9" not in codes(Organization.objects.visible_to(secretary_a))
    OrganizationFactory(code="SD-A-9", kind=K.BRANCH, parent=tree.community_a)
    assert "SD-A-9" in codes(Organization.objects.visible_to(secretary_a))
    assert "SD-A-9" in codes(Organization.objects.editable_by(fresh(secretary_a)))


def test_a_moved_branch_leaves_the_scope_at_once(tree, secretary_a, superuser) -> None:
    assert "SD-A-1" in codes(Organization.objects.visible_to(secretary_a))
    branch = Organization.objects.get(pk=tree.branch_a.pk)
    branch.parent = tree.community_b
    services.organization_save(organization=branch, actor=superuser, update_fields=["parent"])
    for user in (secretary_a, fresh(secretary_a)):
        assert codes(Organization.objects.visible_to(user)).isdisjoint({"SD-A-1", "SD-A-1-1"})


def test_a_granted_access_widens_the_scope_at_once(tree, secretary_a, superuser) -> None:
    assert "SD-B" not in codes(Organization.objects.visible_to(secretary_a))
    services.organization_access_grant(
        user=fresh(secretary_a),
        organization=tree.community_b,
        role=Role.COMMUNITY_OFFICER,
        actor=superuser,
    )
    for user in (secretary_a, fresh(secretary_a)):
        assert "SD-B-1" in codes(Organization.objects.editable_by(user))


def test_a_removed_access_narrows_the_scope_at_once(tree, secretary_a) -> None:
    assert Organization.objects.visible_to(secretary_a).exists()
    OrganizationAccess.objects.filter(user=secretary_a).delete()
    for user in (secretary_a, fresh(secretary_a)):
        assert not Organization.objects.visible_to(user).exists()


def test_linking_a_unit_shows_its_party_org_at_once(tree, secretary_b) -> None:
    assert "U-A" not in codes(Organization.objects.visible_to(secretary_b))
    tree.unit_a.linked_communities.add(tree.community_b)
    assert "U-A" in codes(Organization.objects.visible_to(fresh(secretary_b)))
    tree.unit_a.linked_communities.clear()
    assert "U-A" not in codes(Organization.objects.visible_to(secretary_b))


def test_a_unit_moved_to_another_community_moves_its_party_org(tree, secretary_a) -> None:
    assert "U-A" in codes(Organization.objects.editable_by(secretary_a))
    unit = Unit.objects.get(pk=tree.unit_a.pk)
    unit.community = tree.community_b
    unit.save()
    assert "U-A" not in codes(Organization.objects.visible_to(fresh(secretary_a)))


def test_forget_scope_after_a_write_that_sends_no_signal(tree, secretary_a) -> None:
    """A queryset update() sends no signal: the writer calls forget_scope (one user) or
    forget_all_scopes (everyone)."""
    assert "SD-A-1" in codes(Organization.objects.visible_to(secretary_a))
    Organization.objects.filter(pk=tree.branch_a.pk).update(parent=tree.community_b)
    forget_scope(secretary_a)
    assert "SD-A-1" not in codes(Organization.objects.visible_to(secretary_a))
    Organization.objects.filter(pk=tree.branch_a.pk).update(parent=tree.community_a)
    forget_all_scopes()
    assert "SD-A-1" in codes(Organization.objects.visible_to(fresh(secretary_a)))


def test_scope_is_computed_in_a_few_queries_whatever_the_tree(tree, sub_district_officer) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    forget_all_scopes()
    user = fresh(sub_district_officer)
    with CaptureQueriesContext(connection) as queries:
        scope = scope_of(user)
    # Not counting the cache's own table (the cache without Redis, config/settings.py).
    assert (
        len([q for q in queries if "django_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]])
        <= 4
    )
    assert len(scope.visible) == Organization.objects.count()
