"""双联双管 reads: who has not registered, who needs the unit org contacted, the supervision board."""

from __future__ import annotations

import datetime as dt

import pytest

from members.models import PostClaim, PostClaimStatus, PostKind, Registration
from members.selectors import dual as selectors
from organizations.rules import OrganizationKind as K
from tests.members.factories import ActivityRecordFactory, MemberFactory, RegistrationFactory
from tests.members.factories_work import MemberDeedFactory
from tests.organizations.factories import OrganizationFactory


def resident(tree, name: str, *, branch=None, community=None, categories=("in_service",), **kw):
    return MemberFactory(
        name=name,
        categories=list(categories),
        branch=branch or tree.unit_b.party_organization,
        residence_community=community or tree.community_a,
        **kw,
    )


def register(tree, member, on: dt.date, *, community=None, unit=None, **kw) -> Registration:
    return RegistrationFactory(
        member=member,
        community=community or tree.community_a,
        unit=unit or tree.unit_b,
        registered_on=on,
        **kw,
    )


# --- 未报到名单 ------------------------------------------------------------------------------------
@pytest.fixture
def campaign(tree):
    from members.models import RegistrationCampaign

    return RegistrationCampaign.objects.create(
        community=tree.community_a,
        name="2026年春季报到",
        starts_on=dt.date(2026, 3, 1),
        deadline=dt.date(2026, 3, 31),
    )


def test_unregistered_members_are_listed_per_unit(tree, campaign, django_assert_num_queries):
    on_time = resident(tree, "按时报到")
    register(tree, on_time, dt.date(2026, 3, 31))
    late = resident(tree, "逾期报到")
    register(tree, late, dt.date(2026, 4, 1))
    elsewhere = resident(tree, "乙社区报到")
    register(tree, elsewhere, dt.date(2026, 3, 10), community=tree.community_b)
    resident(tree, "从未报到")
    moved_out = resident(tree, "已迁出")
    register(tree, moved_out, dt.date(2025, 1, 1), ended_on=dt.date(2026, 2, 1))
    sub_branch = OrganizationFactory(
        name="乙医院外科党支部", kind=K.BRANCH, parent=tree.unit_b.party_organization
    )
    resident(tree, "外科党员", branch=sub_branch)
    resident(tree, "甲小学教师", branch=tree.unit_a.party_organization)
    resident(tree, "退休党员", categories=("retired",))
    resident(tree, "住在乙社区", community=tree.community_b)

    with django_assert_num_queries(3):
        groups = selectors.campaign_unregistered_list(campaign=campaign)

    assert [(g.label, sorted(m.name for m in g.members)) for g in groups] == [
        ("乙医院", sorted(["外科党员", "已迁出", "从未报到", "逾期报到", "乙社区报到"])),
        ("甲小学", ["甲小学教师"]),
    ]
    assert groups[0].unit == tree.unit_b


def test_members_of_the_communitys_own_branches_never_register(tree, campaign):
    """Issue 9.1: in the demo 47 of 54 names were the community's own members."""
    resident(tree, "本社区支部党员", branch=tree.branch_a, work_unit="某律师事务所")
    resident(tree, "本社区支部无单位", branch=tree.branch_a, work_unit="")
    office = OrganizationFactory(name="街道机关党支部", kind=K.BRANCH, parent=tree.sub_district)
    resident(tree, "街道机关党员", branch=office)
    loose_unit_org = OrganizationFactory(name="未登记单位的党组织", kind=K.UNIT_ORG)
    resident(tree, "无单位的单位党组织党员", branch=loose_unit_org)
    resident(tree, "乙医院党员")
    groups = selectors.campaign_unregistered_list(campaign=campaign)
    assert [m.name for g in groups for m in g.members] == ["乙医院党员"]


def test_transferred_out_members_are_not_on_the_unregistered_list(tree, campaign):
    resident(tree, "已转出", transferred_out_on=dt.date(2026, 2, 1))
    resident(tree, "在册")
    groups = selectors.campaign_unregistered_list(campaign=campaign)
    assert [m.name for g in groups for m in g.members] == ["在册"]


def test_unregistered_list_is_limited_to_what_the_user_sees(tree, campaign, reviewer_b):
    resident(tree, "乙医院党员")
    resident(tree, "甲小学教师", branch=tree.unit_a.party_organization)
    groups = selectors.campaign_unregistered_list(campaign=campaign, user=reviewer_b)
    assert [m.name for g in groups for m in g.members] == ["乙医院党员"]


def test_unregistered_query_count_does_not_grow(tree, campaign, django_assert_num_queries):
    for i in range(30):
        unit_org = tree.unit_b.party_organization
        resident(tree, f"党员{i}", branch=OrganizationFactory(kind=K.BRANCH, parent=unit_org))
    with django_assert_num_queries(3):
        groups = selectors.campaign_unregistered_list(campaign=campaign)
    assert sum(len(g.members) for g in groups) == 30


# --- 需联系单位党组织 -------------------------------------------------------------------------------
TODAY = dt.date(2026, 7, 15)  # six months before: 2026-01-15


def flagged(tree, today=TODAY) -> tuple[set[str], set[str]]:
    queryset = Registration.objects.all()
    inactive = {r.member.name for r in selectors.registrations_inactive(queryset, today=today)}
    not_reported = {
        r.member.name for r in selectors.registrations_not_reported(queryset, today=today)
    }
    return inactive, not_reported


def flags_of(name: str, today=TODAY) -> list[str]:
    queryset = selectors.registrations_with_last_dates(Registration.objects.all(), today=today)
    return selectors.registration_flags(queryset.get(member__name=name), today=today)


def test_activity_exactly_six_months_ago_is_inactive_one_day_later_is_not(tree):
    for name, day in (("六个月整", dt.date(2026, 1, 15)), ("差一天", dt.date(2026, 1, 16))):
        member = resident(tree, name)
        register(tree, member, dt.date(2025, 1, 1))
        ActivityRecordFactory(member=member, community=tree.community_a, date=day)
    inactive, _ = flagged(tree)
    assert inactive == {"六个月整"}
    assert flags_of("六个月整") == ["6个月未参加活动", "本季度未报到"]
    assert flags_of("差一天") == ["本季度未报到"]


def test_registration_counts_as_the_start_of_the_period(tree):
    register(tree, resident(tree, "刚满半年"), dt.date(2026, 1, 15))
    register(tree, resident(tree, "未满半年"), dt.date(2026, 1, 16))
    inactive, _ = flagged(tree)
    assert inactive == {"刚满半年"}


def test_records_elsewhere_or_in_the_future_do_not_count(tree):
    member = resident(tree, "别处活动")
    register(tree, member, dt.date(2025, 1, 1))
    ActivityRecordFactory(member=member, community=tree.community_b, date=dt.date(2026, 7, 1))
    ActivityRecordFactory(member=member, community=tree.community_a, date=dt.date(2026, 8, 1))
    inactive, not_reported = flagged(tree)
    assert inactive == {"别处活动"}
    assert not_reported == {"别处活动"}


def test_ended_registrations_are_never_flagged(tree):
    register(tree, resident(tree, "已迁出"), dt.date(2025, 1, 1), ended_on=dt.date(2025, 6, 1))
    assert flagged(tree) == (set(), set())
    assert flags_of("已迁出") == []


def test_transferred_out_members_are_never_flagged(tree):
    left = resident(tree, "已转出", transferred_out_on=dt.date(2026, 5, 1))
    register(tree, left, dt.date(2025, 1, 1))
    assert flagged(tree) == (set(), set())
    assert flags_of("已转出") == []


def test_inactive_period_is_the_setting(tree, settings):
    settings.IN_SERVICE_INACTIVE_MONTHS = 3
    member = resident(tree, "四个月前")
    register(tree, member, dt.date(2025, 1, 1))
    ActivityRecordFactory(member=member, community=tree.community_a, date=dt.date(2026, 3, 20))
    inactive, _ = flagged(tree)
    assert inactive == {"四个月前"}
    assert flags_of("四个月前")[0] == "3个月未参加活动"


@pytest.mark.parametrize(
    ("report_on", "today", "is_flagged"),
    [
        (dt.date(2026, 6, 30), dt.date(2026, 7, 1), True),  # last quarter's last day
        (dt.date(2026, 7, 1), dt.date(2026, 7, 1), False),  # this quarter's first day
        (dt.date(2026, 9, 30), dt.date(2026, 9, 30), False),
        (dt.date(2026, 9, 30), dt.date(2026, 10, 1), True),
        (dt.date(2025, 12, 31), dt.date(2026, 1, 1), True),  # across the year
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31), False),
    ],
)
def test_not_reported_follows_quarter_boundaries(tree, report_on, today, is_flagged):
    member = resident(tree, "季度报到")
    register(tree, member, dt.date(2025, 1, 1))
    ActivityRecordFactory(member=member, community=tree.community_a, date=report_on, kind="report")
    _, not_reported = flagged(tree, today)
    assert (not_reported == {"季度报到"}) is is_flagged
    assert ("本季度未报到" in flags_of("季度报到", today)) is is_flagged


def test_other_kinds_of_record_are_not_a_report(tree):
    member = resident(tree, "只参加活动")
    register(tree, member, dt.date(2025, 1, 1))
    ActivityRecordFactory(member=member, community=tree.community_a, date=TODAY, kind="activity")
    MemberDeedFactory(member=member, community=tree.community_a, done_on=TODAY)
    inactive, not_reported = flagged(tree)
    assert inactive == set()
    assert not_reported == {"只参加活动"}


def test_registering_this_quarter_counts_as_reporting(tree):
    register(tree, resident(tree, "本季度报到"), dt.date(2026, 7, 1))
    register(tree, resident(tree, "上季度报到"), dt.date(2026, 6, 30))
    _, not_reported = flagged(tree, dt.date(2026, 7, 1))
    assert not_reported == {"上季度报到"}


def test_flag_filters_run_one_query(tree, django_assert_num_queries):
    for i in range(20):
        member = resident(tree, f"党员{i}")
        register(tree, member, dt.date(2025, 1, 1))
        ActivityRecordFactory(
            member=member, community=tree.community_a, date=dt.date(2026, 2, i + 1)
        )
    with django_assert_num_queries(1):
        inactive = list(selectors.registrations_inactive(Registration.objects.all(), today=TODAY))
    assert inactive == []


# --- 在职党员监督台 -------------------------------------------------------------------------------
def claim(tree, member, kind_name: str, status: str, community=None) -> PostClaim:
    return PostClaim.objects.create(
        member=member,
        community=community or tree.community_a,
        kind=PostKind.objects.get(name=kind_name, community=None),
        commitment=f"{member.name}承诺做好{kind_name}",
        claimed_on=dt.date(2026, 4, 1),
        status=status,
    )


def test_supervision_board_shows_every_registered_in_service_member(
    tree, django_assert_num_queries
):
    """Issue 9.6: 001 在职党员全部在监督台予以标注, with their post where they have one."""
    wang = resident(tree, "王医生", work_unit="旧单位", photo="members/photos/wang.jpg")
    register(tree, wang, dt.date(2026, 3, 1))
    claim(tree, wang, "政策宣传岗", PostClaimStatus.APPROVED)
    claim(tree, wang, "党建联络岗", PostClaimStatus.APPROVED)
    claim(tree, wang, "环境维护岗", PostClaimStatus.PENDING)
    li = resident(tree, "李老师", branch=tree.unit_a.party_organization, work_unit="甲小学")
    register(tree, li, dt.date(2026, 3, 2), unit=tree.unit_a)
    zhao = resident(tree, "赵未批")
    register(tree, zhao, dt.date(2026, 3, 3))
    claim(tree, zhao, "治安防范岗", PostClaimStatus.REJECTED)
    unregistered = resident(tree, "周未报到")
    claim(tree, unregistered, "文化传播岗", PostClaimStatus.APPROVED)
    moved = resident(tree, "吴已迁出")
    register(tree, moved, dt.date(2025, 3, 1), ended_on=dt.date(2026, 1, 1))
    left = resident(tree, "郑已转出", transferred_out_on=dt.date(2026, 5, 1))
    register(tree, left, dt.date(2026, 3, 1))
    other = resident(tree, "孙乙社区", community=tree.community_b)
    register(tree, other, dt.date(2026, 3, 1), community=tree.community_b)

    with django_assert_num_queries(2):
        board = selectors.supervision_board_list(tree.community_a)

    assert [entry.name for entry in board] == ["李老师", "王医生", "赵未批"]
    li_entry, wang_entry, zhao_entry = board
    assert (li_entry.work_unit, li_entry.photo_url, li_entry.posts) == ("甲小学", "", [])
    assert wang_entry.work_unit == "乙医院"  # from the registration, not the free text
    assert wang_entry.photo_url.endswith("members/photos/wang.jpg")
    assert [(p.name, p.commitment) for p in wang_entry.posts] == [
        ("党建联络岗", "王医生承诺做好党建联络岗"),
        ("政策宣传岗", "王医生承诺做好政策宣传岗"),
    ]
    assert zhao_entry.posts == []


def test_supervision_board_query_count_does_not_grow(tree, django_assert_num_queries):
    for i in range(15):
        member = resident(tree, f"党员{i}")
        register(tree, member, dt.date(2026, 3, 1))
        claim(tree, member, "政策宣传岗", PostClaimStatus.APPROVED)
    with django_assert_num_queries(2):
        assert len(selectors.supervision_board_list(tree.community_a)) == 15


def test_supervision_board_of_empty_community_is_empty(tree):
    assert selectors.supervision_board_list(tree.community_b) == []
