"""The 区委组织部 above the sub-districts (issue 25 point 1): where it sits in the tree, what its
officer sees (every sub-district below it), that the officer writes nothing, reads personal data
masked unless granted, and that its scope stays a few queries and is cached."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Assessment, Member
from members.services import records
from organizations import services
from organizations.models import Organization, OrganizationAccess, Position
from organizations.roles import Role
from organizations.rules import OrganizationKind as K
from organizations.rules import parent_kind_error
from organizations.scope import ScopeError, forget_all_scopes, narrowed, require_editable, scope_of
from organizations.selectors import supervised_sub_districts
from tests.members.factories import MemberFactory
from tests.organizations.factories import OrganizationFactory, PositionFactory


def codes(queryset: Any) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def fresh(user: Any) -> Any:
    return get_user_model().objects.get(pk=user.pk)


# --- the tree -------------------------------------------------------------------------------
def test_a_sub_district_sits_under_the_district_or_is_a_root() -> None:
    assert parent_kind_error(K.SUB_DISTRICT, K.DISTRICT) is None
    assert parent_kind_error(K.SUB_DISTRICT, None) is None
    assert parent_kind_error(K.DISTRICT, None) is None


@pytest.mark.parametrize("kind", [K.COMMUNITY_COMMITTEE, K.BRANCH, K.GROUP, K.UNIT_ORG])
def test_nothing_but_a_sub_district_sits_under_the_district(kind: str) -> None:
    assert parent_kind_error(kind, K.DISTRICT) is not None


def test_the_district_is_a_root_and_says_so() -> None:
    assert parent_kind_error(K.DISTRICT, K.SUB_DISTRICT) == (
        "区委组织部是最上级组织，不能设在街道党工委之下，请清空上级党组织。"
    )
    assert parent_kind_error(K.COMMUNITY_COMMITTEE, K.DISTRICT) == (
        "社区党委不能设在区委组织部之下，上级只能是街道党工委。"
    )


def test_a_district_with_sub_districts_cannot_become_something_else(
    tree: SimpleNamespace, district: Organization
) -> None:
    district.kind = K.SUB_DISTRICT
    with pytest.raises(ValidationError, match="街道党工委只能设在区委组织部之下"):
        district.full_clean()


# --- what the district officer sees ------------------------------------------------------------
def test_the_district_officer_sees_every_sub_district_below_it(
    tree: SimpleNamespace, district_officer: Any
) -> None:
    visible = codes(Organization.objects.visible_to(district_officer))
    assert visible == set(Organization.objects.values_list("code", flat=True))
    assert {"QW", "SD", "QW-2", "QW-2-C-1", "SD-A-1-1", "U-A", "U-B", "U-C"} <= visible


def test_the_district_officer_sees_nothing_of_another_district(
    tree: SimpleNamespace, district_officer: Any
) -> None:
    other = OrganizationFactory(name="外区街道党工委", code="XSD", kind=K.SUB_DISTRICT)
    OrganizationFactory(name="外区社区", code="XSD-1", kind=K.COMMUNITY_COMMITTEE, parent=other)
    assert codes(Organization.objects.visible_to(fresh(district_officer))).isdisjoint(
        {"XSD", "XSD-1"}
    )


def test_the_sub_district_officer_does_not_see_the_district_or_the_other_sub_district(
    tree: SimpleNamespace, district: Organization, sub_district_officer: Any
) -> None:
    visible = codes(Organization.objects.visible_to(sub_district_officer))
    assert "SD-A" in visible
    assert visible.isdisjoint({"QW", "QW-2", "QW-2-C", "QW-2-C-1"})


def test_the_district_officer_sees_the_members_of_every_sub_district_and_their_residents(
    tree: SimpleNamespace, district_officer: Any
) -> None:
    a = MemberFactory(name="甲支部党员", branch=tree.branch_a)
    c = MemberFactory(name="丙支部党员", branch=tree.branch_c)
    resident = MemberFactory(
        name="住丙社区的外单位党员",
        branch=OrganizationFactory(kind=K.UNIT_ORG, code="U-X"),
        residence_community=tree.community_c,
    )
    elsewhere = MemberFactory(name="外区党员", branch=OrganizationFactory(kind=K.UNIT_ORG))
    visible = set(Member.objects.visible_to(district_officer))
    assert {a, c, resident} <= visible
    assert elsewhere not in visible


def test_the_district_officer_writes_nothing(tree: SimpleNamespace, district_officer: Any) -> None:
    member = MemberFactory(branch=tree.branch_c)
    for model in (Organization, Position, Member, Assessment, OrganizationAccess):
        assert not model.objects.editable_by(district_officer).exists(), model
    with pytest.raises(ScopeError):
        records.assessment_save(
            assessment=Assessment(member=member, year=2025), actor=district_officer
        )
    with pytest.raises(ScopeError):
        services.position_save(
            position=Position(
                organization=tree.community_c,
                title="secretary",
                holder_name="某人",
                start_date=dt.date(2025, 1, 1),
            ),
            actor=district_officer,
        )
    community = Organization(
        name="新社区", code="QW-2-N", kind=K.COMMUNITY_COMMITTEE, parent=tree.sub_district_2
    )
    with pytest.raises(ScopeError):
        services.organization_save(organization=community, actor=district_officer)
    assert not Organization.objects.filter(code="QW-2-N").exists()
    position = PositionFactory(organization=tree.branch_c)
    with pytest.raises(ScopeError):
        require_editable(district_officer, position, "修改")


def test_the_district_officer_reads_and_prints_but_holds_no_write_permission(
    district_officer: Any,
) -> None:
    perms = district_officer.get_all_permissions()
    assert {"members.view_member", "activities.view_meeting", "finance.view_memberdues"} <= perms
    assert "common.add_document" in perms  # printing what it reads
    writes = {p for p in perms if not p.split(".")[1].startswith("view_")} - {"common.add_document"}
    assert writes == set()


def test_personal_data_stays_masked_unless_granted_and_the_grant_is_kept_in_history(
    district_officer: Any, superuser: Any, district: Organization
) -> None:
    assert not district_officer.has_perm("members.view_personal_data")
    access = services.organization_access_grant(
        user=district_officer, organization=district, role=Role.PERSONAL_DATA_GRANT, actor=superuser
    )
    officer = fresh(district_officer)
    assert officer.has_perm("members.view_personal_data")
    assert not officer.has_perm("members.change_member")  # a grant to read, not to write
    record = OrganizationAccess.history.filter(id=access.pk).latest()
    assert (record.history_type, record.history_user, record.role) == (
        "+",
        superuser,
        Role.PERSONAL_DATA_GRANT,
    )


def test_the_grant_alone_reaches_no_organization(
    make_user: Any, tree: SimpleNamespace, district: Organization
) -> None:
    granted = make_user(Role.PERSONAL_DATA_GRANT, district, "granted_only")
    assert not Organization.objects.visible_to(granted).exists()
    assert not Member.objects.visible_to(granted).exists()


# --- one sub-district at a time --------------------------------------------------------------
def test_narrowed_to_a_sub_district_the_officer_sees_only_it(
    tree: SimpleNamespace, district_officer: Any
) -> None:
    MemberFactory(name="甲支部党员", branch=tree.branch_a)
    c = MemberFactory(name="丙支部党员", branch=tree.branch_c)
    seen = narrowed(district_officer, tree.sub_district_2.pk)
    assert codes(Organization.objects.visible_to(seen)) == {"QW-2", "QW-2-C", "QW-2-C-1"}
    assert list(Member.objects.visible_to(seen)) == [c]
    # The whole scope is unchanged, and kept apart from the narrowed one.
    assert "SD-A" in codes(Organization.objects.visible_to(district_officer))
    assert "SD-A" not in codes(Organization.objects.visible_to(fresh_narrowed(seen)))


def fresh_narrowed(seen: Any) -> Any:
    return narrowed(fresh(seen), seen._scope_root)


def test_narrowing_gives_a_sub_district_officer_no_more_than_they_had(
    tree: SimpleNamespace, district: Organization, sub_district_officer: Any
) -> None:
    seen = narrowed(sub_district_officer, tree.sub_district_2.pk)
    assert not Organization.objects.visible_to(seen).exists()
    own = narrowed(sub_district_officer, tree.community_a.pk)
    assert "SD-A-1" in codes(Organization.objects.editable_by(own))
    assert "SD-B" not in codes(Organization.objects.visible_to(own))


def test_the_district_officers_sub_districts_are_those_below_it(
    tree: SimpleNamespace, district_officer: Any, sub_district_officer: Any
) -> None:
    assert [o.code for o in supervised_sub_districts(district_officer)] == ["QW-2", "SD"]
    assert supervised_sub_districts(sub_district_officer) == []


# --- the cost of the scope (issue 25: <= 5 ms for the district officer over 10 sub-districts) ---
def _real_queries(queries: Any) -> list[str]:
    """Not counting the cache's own table (the cache without Redis) nor savepoints."""
    return [
        q["sql"] for q in queries if "django_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


def test_the_district_officers_scope_is_four_queries_over_ten_sub_districts_then_cached(
    tree: SimpleNamespace, district: Organization, district_officer: Any
) -> None:
    for i in range(3, 11):
        sub_district = OrganizationFactory(kind=K.SUB_DISTRICT, code=f"QW-{i}", parent=district)
        for j in range(3):
            community = OrganizationFactory(
                kind=K.COMMUNITY_COMMITTEE, code=f"QW-{i}-{j}", parent=sub_district
            )
            OrganizationFactory(kind=K.BRANCH, code=f"QW-{i}-{j}-1", parent=community)
    assert len(supervised_sub_districts(fresh(district_officer))) == 10
    forget_all_scopes()
    officer, next_request = fresh(district_officer), fresh(district_officer)
    with CaptureQueriesContext(connection) as queries:
        scope = scope_of(officer)
    assert len(_real_queries(queries)) <= 4
    assert scope.visible == frozenset(Organization.objects.values_list("pk", flat=True))
    assert scope.editable == frozenset()
    assert scope.managed == frozenset()
    with CaptureQueriesContext(connection) as queries:
        again = scope_of(next_request)  # the next request: from the cache
    assert _real_queries(queries) == []
    assert again == scope
