"""Writes check the actor's scope and the domain rules, and leave an audit record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from organizations import services
from organizations.models import CommitteeMember, Organization, Position, Unit
from organizations.rules import OrganizationKind as K
from organizations.services import ScopeError
from tests.organizations.factories import JointCommitteeFactory, PositionFactory


def test_secretary_creates_branch_in_own_community(tree, secretary_a) -> None:
    org = Organization(
        name="甲社区第二党支部", code="SD-A-2", kind=K.BRANCH, parent=tree.community_a
    )
    services.organization_save(organization=org, actor=secretary_a)
    record = org.history.get()
    assert record.history_user == secretary_a
    assert record.history_type == "+"


def test_secretary_cannot_create_under_another_community(tree, secretary_a) -> None:
    org = Organization(
        name="乙社区第二党支部", code="SD-B-2", kind=K.BRANCH, parent=tree.community_b
    )
    with pytest.raises(ScopeError, match="不在您的管理范围内"):
        services.organization_save(organization=org, actor=secretary_a)
    assert not Organization.objects.filter(code="SD-B-2").exists()


def test_secretary_cannot_move_a_branch_out_of_scope(tree, secretary_a) -> None:
    branch = Organization.objects.get(pk=tree.branch_a.pk)
    branch.parent = tree.community_b
    with pytest.raises(ScopeError):
        services.organization_save(organization=branch, actor=secretary_a)
    assert Organization.objects.get(pk=tree.branch_a.pk).parent_id == tree.community_a.pk


def test_secretary_cannot_edit_linked_unit_org(tree, secretary_a) -> None:
    org = Organization.objects.get(code="U-B")
    org.name = "改名"
    with pytest.raises(ScopeError):
        services.organization_save(organization=org, actor=secretary_a, update_fields=["name"])


def test_wrong_parent_kind_is_refused_in_chinese(tree, superuser) -> None:
    org = Organization(name="错位的党小组", code="X-1", kind=K.GROUP, parent=tree.community_a)
    with pytest.raises(ValidationError) as info:
        services.organization_save(organization=org, actor=superuser)
    assert info.value.message_dict["parent"] == ["党小组不能设在社区党委之下，上级只能是党支部。"]


def test_update_writes_only_changed_fields(tree, secretary_a) -> None:
    stale = Organization.objects.get(pk=tree.branch_a.pk)
    Organization.objects.filter(pk=tree.branch_a.pk).update(address="新地址")
    stale.name = "甲社区第一党支部（更名）"
    services.organization_save(organization=stale, actor=secretary_a, update_fields=["name"])
    fresh = Organization.objects.get(pk=tree.branch_a.pk)
    assert (fresh.name, fresh.address) == ("甲社区第一党支部（更名）", "新地址")


def test_two_secretaries_at_once_are_refused(tree, secretary_a) -> None:
    PositionFactory(organization=tree.branch_a, holder_name="张三", start_date=dt.date(2022, 1, 1))
    second = Position(
        organization=tree.branch_a,
        title="secretary",
        holder_name="李四",
        start_date=dt.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError, match="张三在2022-01-01至现在任书记"):
        services.position_save(position=second, actor=secretary_a)


def test_secretary_succession_after_end_date_is_allowed(tree, secretary_a) -> None:
    PositionFactory(
        organization=tree.branch_a,
        holder_name="张三",
        start_date=dt.date(2022, 1, 1),
        end_date=dt.date(2023, 12, 31),
    )
    second = Position(
        organization=tree.branch_a,
        title="secretary",
        holder_name="李四",
        start_date=dt.date(2024, 1, 1),
    )
    services.position_save(position=second, actor=secretary_a)
    assert [p.holder_name for p in Position.objects.current(dt.date(2024, 6, 1))] == ["李四"]


def test_several_deputy_secretaries_may_serve_together(tree, secretary_a) -> None:
    for name in ("甲", "乙"):
        services.position_save(
            position=Position(
                organization=tree.branch_a,
                title="deputy_secretary",
                holder_name=name,
                start_date=dt.date(2024, 1, 1),
            ),
            actor=secretary_a,
        )
    assert Position.objects.filter(title="deputy_secretary").count() == 2


def test_unit_with_new_party_org_is_created_together(tree, secretary_a) -> None:
    unit = Unit(name="甲社区卫生服务站", kind="institution", community=tree.community_a)
    services.unit_save(
        unit=unit, actor=secretary_a, party_org_name="卫生服务站党支部", party_org_code="U-WS"
    )
    assert unit.party_organization.kind == K.UNIT_ORG
    from organizations.scope import scope_of

    assert unit.party_organization.pk in scope_of(secretary_a).editable


def test_unit_in_other_community_is_refused(tree, secretary_a) -> None:
    with pytest.raises(ScopeError):
        services.unit_save(
            unit=Unit(name="越界单位", kind="agency", community=tree.community_b), actor=secretary_a
        )


def _member(committee, start: dt.date, end: dt.date, name: str = "王委员") -> CommitteeMember:
    return CommitteeMember(
        committee=committee, person_name=name, role="member", term_start=start, term_end=end
    )


def test_committee_term_over_three_years_is_refused(tree, secretary_a) -> None:
    committee = JointCommitteeFactory(community=tree.community_a)
    with pytest.raises(ValidationError) as info:
        services.committee_member_save(
            member=_member(committee, dt.date(2024, 1, 1), dt.date(2027, 1, 2)), actor=secretary_a
        )
    assert "委员每届任期最长3年" in info.value.message_dict["term_end"][0]
    assert not CommitteeMember.objects.exists()


def test_fourth_consecutive_term_is_refused(tree, secretary_a) -> None:
    committee = JointCommitteeFactory(community=tree.community_a)
    for year in (2015, 2018, 2021):
        term = _member(committee, dt.date(year, 1, 1), dt.date(year + 2, 12, 31))
        services.committee_member_save(member=term, actor=secretary_a)
    with pytest.raises(ValidationError, match="连续任职最长9年"):
        services.committee_member_save(
            member=_member(committee, dt.date(2024, 1, 1), dt.date(2026, 12, 31)), actor=secretary_a
        )


@override_settings(JOINT_COMMITTEE_TERM_MAX_YEARS=2)
def test_term_limit_is_a_setting(tree, secretary_a) -> None:
    committee = JointCommitteeFactory(community=tree.community_a)
    with pytest.raises(ValidationError, match="最长2年"):
        services.committee_member_save(
            member=_member(committee, dt.date(2024, 1, 1), dt.date(2026, 6, 1)), actor=secretary_a
        )


def test_overlapping_terms_of_one_person_are_refused(tree, secretary_a) -> None:
    committee = JointCommitteeFactory(community=tree.community_a)
    services.committee_member_save(
        member=_member(committee, dt.date(2024, 1, 1), dt.date(2026, 12, 31)), actor=secretary_a
    )
    with pytest.raises(ValidationError, match="重叠"):
        services.committee_member_save(
            member=_member(committee, dt.date(2026, 1, 1), dt.date(2027, 12, 31)), actor=secretary_a
        )


def test_committee_member_unit_must_be_a_member_unit(tree, secretary_a) -> None:
    committee = JointCommitteeFactory(community=tree.community_a)
    member = _member(committee, dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    member.unit = tree.unit_a
    with pytest.raises(ValidationError, match="不是.*的成员单位"):
        services.committee_member_save(member=member, actor=secretary_a)
    committee.member_units.add(tree.unit_a)
    services.committee_member_save(member=member, actor=secretary_a)


def test_committee_in_other_community_is_refused(tree, secretary_a) -> None:
    committee = JointCommitteeFactory(community=tree.community_b)
    with pytest.raises(ScopeError):
        services.committee_member_save(
            member=_member(committee, dt.date(2024, 1, 1), dt.date(2025, 1, 1)), actor=secretary_a
        )


# --- issue 9.9: retyping, the 大党委's 书记 and the gap between terms ------------------------------
def test_retyping_a_branch_with_groups_into_a_community_is_refused(tree, superuser) -> None:
    branch = Organization.objects.get(pk=tree.branch_a.pk)
    branch.kind = K.COMMUNITY_COMMITTEE
    branch.parent = tree.sub_district
    with pytest.raises(ValidationError, match="党小组只能设在党支部之下，不能把本组织改为社区党委"):
        services.organization_save(
            organization=branch, actor=superuser, update_fields=["kind", "parent"]
        )
    assert Organization.objects.get(pk=tree.branch_a.pk).kind == K.BRANCH


def _secretary(committee, name: str, start=dt.date(2025, 1, 1), end=dt.date(2027, 12, 31)):
    return CommitteeMember(
        committee=committee, person_name=name, role="secretary", term_start=start, term_end=end
    )


@pytest.fixture
def big_committee(tree):
    PositionFactory(
        organization=tree.community_a,
        title="secretary",
        holder_name="甲书记",
        start_date=dt.date(2020, 1, 1),
    )
    return JointCommitteeFactory(community=tree.community_a, kind="big_committee")


def test_big_committee_secretary_is_the_communitys_secretary(
    tree, secretary_a, big_committee
) -> None:
    with pytest.raises(ValidationError) as info:
        services.committee_member_save(member=_secretary(big_committee, "别人"), actor=secretary_a)
    assert info.value.message_dict["person_name"] == [
        "大党委书记由社区党委书记兼任：2025-01-01甲社区党委的书记是甲书记。"
    ]
    services.committee_member_save(member=_secretary(big_committee, "甲书记"), actor=secretary_a)
    assert CommitteeMember.objects.get().person_name == "甲书记"


def test_big_committee_secretary_needs_the_communitys_secretary_on_file(tree, secretary_a) -> None:
    committee = JointCommitteeFactory(community=tree.community_a, kind="big_committee")
    with pytest.raises(ValidationError, match="请先在班子成员中登记甲社区党委2025-01-01在任的书记"):
        services.committee_member_save(member=_secretary(committee, "甲书记"), actor=secretary_a)


def test_big_committee_has_one_secretary_at_a_time(tree, secretary_a, big_committee) -> None:
    services.committee_member_save(member=_secretary(big_committee, "甲书记"), actor=secretary_a)
    Position.objects.filter(holder_name="甲书记").update(end_date=dt.date(2025, 12, 31))
    PositionFactory(
        organization=tree.community_a,
        title="secretary",
        holder_name="新书记",
        start_date=dt.date(2026, 1, 1),
    )
    second = _secretary(big_committee, "新书记", start=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="大党委只设一名书记：甲书记任书记至2027-12-31"):
        services.committee_member_save(member=second, actor=secretary_a)
    assert CommitteeMember.objects.count() == 1


def test_terms_after_a_short_gap_count_as_consecutive(tree, secretary_a) -> None:
    committee = JointCommitteeFactory(community=tree.community_a)
    for start, end in (
        (dt.date(2015, 1, 1), dt.date(2017, 12, 31)),
        (dt.date(2018, 1, 2), dt.date(2020, 12, 31)),  # one day between
        (dt.date(2021, 1, 1), dt.date(2023, 12, 1)),
    ):
        services.committee_member_save(member=_member(committee, start, end), actor=secretary_a)
    with pytest.raises(ValidationError, match="自2015-01-01起连续任职"):
        services.committee_member_save(
            member=_member(committee, dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
            actor=secretary_a,
        )


@override_settings(JOINT_COMMITTEE_TERM_GAP_DAYS=0)
def test_the_gap_is_a_setting(tree, secretary_a) -> None:
    committee = JointCommitteeFactory(community=tree.community_a)
    for start, end in (
        (dt.date(2015, 1, 1), dt.date(2017, 12, 31)),
        (dt.date(2018, 1, 2), dt.date(2020, 12, 31)),
        (dt.date(2021, 1, 1), dt.date(2023, 12, 31)),
    ):
        services.committee_member_save(member=_member(committee, start, end), actor=secretary_a)
    services.committee_member_save(
        member=_member(committee, dt.date(2024, 1, 1), dt.date(2024, 6, 30)), actor=secretary_a
    )


# --- issue "Rules, round 2" 15: the 大党委's 副书记 is the community's own 副书记 (004 三(二)) -------
def _deputy(committee, name: str, start=dt.date(2025, 1, 1), end=dt.date(2027, 12, 31)):
    return CommitteeMember(
        committee=committee,
        person_name=name,
        role="deputy_secretary",
        term_start=start,
        term_end=end,
    )


@pytest.fixture
def deputies(tree) -> None:
    for name, start, end in (
        ("甲副书记", dt.date(2020, 1, 1), None),
        ("乙副书记", dt.date(2024, 6, 1), None),
        ("旧副书记", dt.date(2018, 1, 1), dt.date(2024, 12, 31)),
    ):
        PositionFactory(
            organization=tree.community_a,
            title="deputy_secretary",
            holder_name=name,
            start_date=start,
            end_date=end,
        )


def test_big_committee_deputy_must_be_a_deputy_of_the_community(
    tree, secretary_a, big_committee, deputies
) -> None:
    for name in ("别人", "旧副书记", "甲书记"):  # not a deputy; no longer one on the term's start
        with pytest.raises(ValidationError) as info:
            services.committee_member_save(member=_deputy(big_committee, name), actor=secretary_a)
        assert info.value.message_dict["person_name"] == [
            "大党委副书记由社区党委副书记兼任：2025-01-01甲社区党委的副书记是甲副书记、乙副书记。"
        ]
    assert not CommitteeMember.objects.exists()
    services.committee_member_save(member=_deputy(big_committee, "乙副书记"), actor=secretary_a)
    assert CommitteeMember.objects.get().person_name == "乙副书记"


def test_big_committee_deputy_needs_a_deputy_on_file(tree, secretary_a, big_committee) -> None:
    with pytest.raises(
        ValidationError, match="请先在班子成员中登记甲社区党委2025-01-01在任的副书记"
    ):
        services.committee_member_save(member=_deputy(big_committee, "甲副书记"), actor=secretary_a)


def test_big_committee_has_one_deputy_at_a_time(tree, secretary_a, big_committee, deputies) -> None:
    services.committee_member_save(member=_deputy(big_committee, "甲副书记"), actor=secretary_a)
    with pytest.raises(ValidationError, match="大党委只设一名副书记：甲副书记任副书记至2027-12-31"):
        services.committee_member_save(member=_deputy(big_committee, "乙副书记"), actor=secretary_a)
    assert CommitteeMember.objects.count() == 1


def test_big_committee_deputy_sits_for_no_member_unit(
    tree, secretary_a, big_committee, deputies
) -> None:
    big_committee.member_units.add(tree.unit_a)
    member = _deputy(big_committee, "甲副书记")
    member.unit = tree.unit_a
    with pytest.raises(ValidationError, match="所在成员单位应留空"):
        services.committee_member_save(member=member, actor=secretary_a)


def test_a_joint_meeting_deputy_need_not_be_the_communitys(tree, secretary_a) -> None:
    committee = JointCommitteeFactory(community=tree.community_a, kind="joint_meeting")
    services.committee_member_save(member=_deputy(committee, "任何人"), actor=secretary_a)
    assert CommitteeMember.objects.get().person_name == "任何人"
