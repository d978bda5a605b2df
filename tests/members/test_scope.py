"""Whose personal records each user may see."""

from __future__ import annotations

import pytest

from members.models import Member
from members.services.member import member_branch_ids
from organizations.roles import Role
from tests.members.factories import MemberFactory


@pytest.fixture
def people(tree):
    return {
        "a_branch": MemberFactory(name="甲支部党员", branch=tree.branch_a),
        "a_group_branch": MemberFactory(name="甲社区直属党员", branch=tree.community_a),
        "b_branch": MemberFactory(name="乙支部党员", branch=tree.branch_b),
        "unit_b_lives_in_a": MemberFactory(
            name="乙医院党员住甲社区",
            branch=tree.unit_b.party_organization,
            residence_community=tree.community_a,
            categories=["in_service"],
        ),
        "unit_b_lives_in_b": MemberFactory(
            name="乙医院党员住乙社区",
            branch=tree.unit_b.party_organization,
            residence_community=tree.community_b,
            categories=["in_service"],
        ),
        "unit_a": MemberFactory(
            name="甲小学党员", branch=tree.unit_a.party_organization, categories=["in_service"]
        ),
    }


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_secretary_sees_own_members_and_in_service_residents(people, secretary_a) -> None:
    assert names(Member.objects.visible_to(secretary_a)) == {
        "甲支部党员",
        "甲社区直属党员",
        "乙医院党员住甲社区",
    }


def test_linked_unit_members_living_elsewhere_stay_hidden(people, secretary_a) -> None:
    assert not Member.objects.visible_to(secretary_a).filter(name="乙医院党员住乙社区").exists()


def test_located_unit_members_are_not_the_communitys_business(people, secretary_a) -> None:
    assert not Member.objects.visible_to(secretary_a).filter(name="甲小学党员").exists()


def test_unit_reviewer_sees_only_its_own_members(people, reviewer_b) -> None:
    assert names(Member.objects.visible_to(reviewer_b)) == {
        "乙医院党员住甲社区",
        "乙医院党员住乙社区",
    }


def test_sub_district_officer_sees_members_of_all_its_communities(
    people, sub_district_officer
) -> None:
    visible = names(Member.objects.visible_to(sub_district_officer))
    assert {"甲支部党员", "乙支部党员", "乙医院党员住甲社区", "乙医院党员住乙社区"} <= visible


def test_branch_officer_sees_own_branch_only(people, branch_officer_a) -> None:
    assert names(Member.objects.visible_to(branch_officer_a)) == {"甲支部党员"}


def test_member_user_sees_own_record_only(people, tree, make_user) -> None:
    user = make_user(Role.MEMBER, tree.branch_a, "self_member")
    Member.objects.filter(pk=people["a_branch"].pk).update(user=user)
    assert names(Member.objects.visible_to(user)) == {"甲支部党员"}


def test_residents_are_visible_but_not_editable(people, secretary_a) -> None:
    assert not Member.objects.editable_by(secretary_a).filter(name="乙医院党员住甲社区").exists()
    assert Member.objects.editable_by(secretary_a).filter(name="甲支部党员").exists()


def test_superuser_sees_everyone(people, superuser) -> None:
    assert Member.objects.visible_to(superuser).count() == len(people)


def test_unit_reviewer_reads_its_members_and_writes_none(people, reviewer_b) -> None:
    assert Member.objects.visible_to(reviewer_b).exists()
    assert not Member.objects.editable_by(reviewer_b).exists()


def test_located_unit_members_are_written_by_nobody_in_the_community(
    people, secretary_a, sub_district_officer
) -> None:
    for user in (secretary_a, sub_district_officer):
        assert not Member.objects.editable_by(user).filter(name="甲小学党员").exists()


def test_members_are_held_only_in_the_managed_tree(tree, secretary_a, reviewer_b) -> None:
    assert member_branch_ids(secretary_a) == {
        tree.community_a.pk,
        tree.branch_a.pk,
        tree.group_a.pk,
    }
    assert member_branch_ids(reviewer_b) == set()
    assert member_branch_ids(None) is None
