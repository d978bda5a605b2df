"""两会一化's services and selectors: who may be elected to which seat, seats left by a transfer out
or a move (dated records only), by-elections, the 区域化党总支, scope and the 工作台's to-dos."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from members.dashboard_congress import congress_panel
from members.models import DelegateConference, DelegateElection, DelegateNominee, RegionalBranch
from members.models import RegionalBranchMember as RBM
from members.rules import DelegateGroup, MemberStatus, RegionalRole
from members.selectors.congress import congress_due, seat_table
from members.services import congress as services
from members.services.records import membership_transfer_receive
from organizations.models import Position
from organizations.scope import ScopeError
from tests.members import factories as mf

pytestmark = pytest.mark.django_db

START = dt.date(2025, 7, 1)
# A birth date whose factory-made 入党/转正 dates lie well before every election here (the
# factory derives them from the birth year, so a sequence-made one may still be 预备 then).
ADULT = dt.date(1970, 1, 1)
HELD = dt.date(2025, 6, 20)


@pytest.fixture
def conference(tree: SimpleNamespace, superuser: Any) -> DelegateConference:
    return services.delegate_conference_save(
        conference=DelegateConference(
            community=tree.community_a,
            name="甲社区第一届党员代表会议",
            term_starts_on=START,
            term_ends_on=dt.date(2030, 6, 30),
        ),  # fmt: skip
        actor=superuser,
    )


def _election(conference: DelegateConference, actor: Any, **kwargs: Any) -> DelegateElection:
    values = {"group": DelegateGroup.DIRECT, "held_on": HELD, "voters": 50, **kwargs}
    return services.delegate_election_save(
        election=DelegateElection(conference=conference, **values), actor=actor
    )


def _nominate(election: DelegateElection, member: Any, votes: int, actor: Any) -> DelegateNominee:
    return services.delegate_nominee_save(
        nominee=DelegateNominee(election=election, member=member, votes=votes), actor=actor
    )


def _direct(tree: SimpleNamespace, **kwargs: Any) -> Any:
    """A full member since long before the election, held by a branch of 甲社区."""
    values = {"birth_date": dt.date(1970, 3, 3), **kwargs}
    return mf.MemberFactory(branch=tree.branch_a, residence_community=tree.community_a, **values)


def test_the_conference_takes_the_seats_of_the_settings(conference: DelegateConference) -> None:
    assert conference.seats == {"direct": 20, "regional_org": 3, "in_service": 3, "floating": 1}


def test_28_seats_are_refused_on_save(tree: SimpleNamespace, superuser: Any) -> None:
    conference = DelegateConference(
        community=tree.community_a, name="超额", term_starts_on=START,
        term_ends_on=dt.date(2030, 6, 30), seats_direct=21,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="代表席位共28个，超过了27名的上限"):
        services.delegate_conference_save(conference=conference, actor=superuser)


def test_overlapping_terms_are_refused(conference: DelegateConference, superuser: Any) -> None:
    second = DelegateConference(
        community=conference.community, name="第二届", term_starts_on=dt.date(2030, 6, 30),
        term_ends_on=dt.date(2035, 6, 30),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="一个社区同一时间只有一届党员代表会议"):
        services.delegate_conference_save(conference=second, actor=superuser)
    second.term_starts_on = dt.date(2030, 7, 1)
    services.delegate_conference_save(conference=second, actor=superuser)


def test_exactly_half_is_not_elected_and_half_plus_one_is(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    election = _election(conference, superuser, voters=50)
    half, more = _direct(tree, name="半数"), _direct(tree, name="过半")
    _nominate(election, half, 25, superuser)
    _nominate(election, more, 26, superuser)
    seated = seat_table(conference, START).groups[0].seated
    assert [d.member.name for d in seated] == ["过半"]


def test_a_member_of_another_community_does_not_fit_a_direct_seat(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    election = _election(conference, superuser)
    outsider = mf.MemberFactory(birth_date=ADULT, branch=tree.branch_b)
    with pytest.raises(ValidationError, match="组织关系须在本社区的党支部"):
        _nominate(election, outsider, 40, superuser)


def test_a_probationary_member_is_refused(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    election = _election(conference, superuser)
    probationary = _direct(
        tree, status=MemberStatus.PROBATIONARY, joined_on=dt.date(2025, 1, 1), full_member_on=None
    )
    with pytest.raises(ValidationError, match="预备党员没有选举权和被选举权"):
        _nominate(election, probationary, 40, superuser)


def test_a_member_of_an_area_unit_fits_the_regional_seat(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    election = _election(conference, superuser, group=DelegateGroup.REGIONAL_ORG, voters=9)
    area = mf.MemberFactory(birth_date=ADULT, branch=tree.unit_a.party_organization)
    _nominate(election, area, 9, superuser)
    far = mf.MemberFactory(
        birth_date=ADULT, branch=tree.unit_c.party_organization
    )  # 丙公司 is in 乙社区
    with pytest.raises(ValidationError, match="驻区单位党组织"):
        _nominate(election, far, 9, superuser)


def test_an_in_service_seat_needs_a_resident(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    election = _election(conference, superuser, group=DelegateGroup.IN_SERVICE, voters=7)
    resident = mf.MemberFactory(birth_date=ADULT,
        branch=tree.unit_b.party_organization, residence_community=tree.community_a,
        categories=["in_service"],
    )  # fmt: skip
    _nominate(election, resident, 7, superuser)
    elsewhere = mf.MemberFactory(birth_date=ADULT,
        branch=tree.unit_b.party_organization, residence_community=tree.community_b,
        categories=["in_service"],
    )  # fmt: skip
    with pytest.raises(ValidationError, match="须为在职党员且居住在本社区"):
        _nominate(election, elsewhere, 7, superuser)


def test_a_floating_seat_needs_an_outflow_on_the_election_day(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    election = _election(conference, superuser, group=DelegateGroup.FLOATING, voters=7)
    ended = _direct(tree)
    mf.FloatingRecordFactory(
        member=ended, since=dt.date(2025, 1, 1), ended_on=HELD - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="外出流动登记"):
        _nominate(election, ended, 7, superuser)
    out = _direct(tree)
    mf.FloatingRecordFactory(member=out, since=HELD, last_contact_on=HELD)  # out from that day
    _nominate(election, out, 7, superuser)


def test_more_elected_than_vacant_seats_is_refused(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    election = _election(conference, superuser, group=DelegateGroup.FLOATING, voters=7)
    first, second = _direct(tree), _direct(tree)
    for member in (first, second):
        mf.FloatingRecordFactory(member=member, since=dt.date(2025, 1, 1))
    _nominate(election, first, 5, superuser)
    with pytest.raises(ValidationError, match="只有1个空缺席位，本次已有2人得票过半数"):
        _nominate(election, second, 4, superuser)
    _nominate(election, second, 3, superuser)  # not elected: 3 of 7


def _transfer_out(member: Any, received_on: dt.date, actor: Any) -> None:
    transfer: Any = mf.MembershipTransferFactory(member=member, issued_on=received_on)
    membership_transfer_receive(transfer=transfer, actor=actor, received_on=received_on)


def test_a_delegate_transferred_out_leaves_the_seat_until_a_by_election(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    conference.seats_direct = 1
    services.delegate_conference_save(
        conference=conference, actor=superuser, update_fields=["seats_direct"]
    )
    delegate = _direct(tree, name="转出代表")
    _nominate(_election(conference, superuser), delegate, 40, superuser)
    out = dt.date(2026, 3, 10)
    _transfer_out(delegate, out, superuser)
    assert seat_table(conference, out - dt.timedelta(days=1)).groups[0].vacant == 0
    on_the_day = seat_table(conference, out)
    assert on_the_day.groups[0].vacant == 1
    assert [d.left_label for d in on_the_day.groups[0].left] == ["组织关系转出"]
    too_early = _election(conference, superuser, held_on=out - dt.timedelta(days=1), voters=40)
    with pytest.raises(ValidationError, match="只有0个空缺席位"):
        _nominate(too_early, _direct(tree), 30, superuser)
    by_election = _election(conference, superuser, held_on=out, voters=40, is_by_election=True)
    _nominate(by_election, _direct(tree, name="补选代表"), 30, superuser)
    table = seat_table(conference, out)
    assert table.groups[0].vacant == 0
    assert [d.member.name for d in table.groups[0].seated] == ["补选代表"]


def test_a_delegate_with_no_transfer_record_stays_seated(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    delegate = _direct(tree)
    _nominate(_election(conference, superuser), delegate, 40, superuser)
    assert seat_table(conference, dt.date(2030, 6, 30)).seated == 1
    assert seat_table(conference, dt.date(2030, 7, 1)).seated == 0  # the term has ended


def test_an_in_service_delegate_who_moves_away_leaves_the_seat(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    election = _election(conference, superuser, group=DelegateGroup.IN_SERVICE, voters=7)
    resident = mf.MemberFactory(birth_date=ADULT,
        branch=tree.unit_b.party_organization, residence_community=tree.community_a,
        categories=["in_service"],
    )  # fmt: skip
    _nominate(election, resident, 7, superuser)
    moved = dt.date(2026, 9, 1)
    mf.RegistrationFactory(
        member=resident, community=tree.community_a, unit=tree.unit_b, ended_on=moved
    )
    assert seat_table(conference, moved - dt.timedelta(days=1)).seated == 1
    table = seat_table(conference, moved)
    assert table.seated == 0
    assert [d.left_label for d in table.groups[2].left] == ["迁出本社区"]


def test_a_delegate_is_not_elected_twice(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    delegate = _direct(tree)
    _nominate(_election(conference, superuser), delegate, 40, superuser)
    again = _election(conference, superuser, held_on=dt.date(2026, 1, 5), is_by_election=True)
    with pytest.raises(ValidationError, match="已是本届党员代表"):
        _nominate(again, delegate, 40, superuser)


def _seat(conference: DelegateConference, members: list[Any], actor: Any) -> None:
    election = _election(conference, actor, voters=len(members) * 2)
    for member in members:
        _nominate(election, member, len(members) * 2, actor)


def _branch(conference: DelegateConference, actor: Any, voters: int) -> RegionalBranch:
    return services.regional_branch_save(
        regional_branch=RegionalBranch(
            conference=conference,
            name="甲社区区域化党总支",
            elected_on=dt.date(2025, 7, 10),
            term_ends_on=dt.date(2030, 6, 30),
            voters=voters,
        ),  # fmt: skip
        actor=actor,
    )


def test_the_regional_branch_needs_more_than_half_of_the_seated_delegates(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    _seat(conference, [_direct(tree) for _ in range(10)], superuser)
    with pytest.raises(ValidationError, match="到会代表5人，未超过当日在任代表10人的半数"):
        _branch(conference, superuser, voters=5)
    with pytest.raises(ValidationError, match="超过了当日在任代表人数"):
        _branch(conference, superuser, voters=11)
    assert _branch(conference, superuser, voters=6).pk


def _add(branch: RegionalBranch, actor: Any, **kwargs: Any) -> RBM:
    values = {"role": RegionalRole.KEY_ORGANIZATION, "name": "代表", "votes": 6, **kwargs}
    return services.regional_branch_member_save(
        member=RBM(regional_branch=branch, **values), actor=actor
    )


def test_the_regional_branch_has_its_7_and_no_more(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any, settings: Any
) -> None:
    Position.objects.create(
        organization=tree.community_a, title="secretary", holder_name="王书记",
        start_date=dt.date(2020, 1, 1),
    )  # fmt: skip
    _seat(conference, [_direct(tree) for _ in range(10)], superuser)
    branch = _branch(conference, superuser, voters=10)
    with pytest.raises(ValidationError, match="未超过到会代表10人的半数"):
        _add(branch, superuser, votes=5)
    _add(branch, superuser, role=RegionalRole.SECRETARY, name="王书记", is_secretary=True)
    _add(branch, superuser, role=RegionalRole.DEPUTY_SECRETARY)
    _add(branch, superuser, role=RegionalRole.ORGANIZATION_MEMBER)
    for _ in range(3):
        _add(branch, superuser)
    with pytest.raises(ValidationError, match="重点驻区域党组织党员代表”为3人，已满"):
        _add(branch, superuser)
    _add(branch, superuser, role=RegionalRole.IN_SERVICE)
    assert branch.members.count() == settings.MEMBERS_REGIONAL_BRANCH_SIZE


def test_another_secretary_needs_a_recorded_reason(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any
) -> None:
    Position.objects.create(
        organization=tree.community_a, title="secretary", holder_name="王书记",
        start_date=dt.date(2020, 1, 1),
    )  # fmt: skip
    _seat(conference, [_direct(tree) for _ in range(4)], superuser)
    branch = _branch(conference, superuser, voters=4)
    other = {
        "role": RegionalRole.KEY_ORGANIZATION,
        "name": "李强",
        "is_secretary": True,
        "votes": 4,
    }
    with pytest.raises(ValidationError, match="不是社区党组织书记（王书记）时，须填写另选的理由"):
        _add(branch, superuser, **other)
    branch.secretary_reason = "社区书记长期病休，经代表会议选举"
    services.regional_branch_save(
        regional_branch=branch, actor=superuser, update_fields=["secretary_reason"]
    )
    assert _add(branch, superuser, **other).is_secretary


def test_another_communitys_secretary_sees_and_writes_none_of_it(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any, secretary_b: Any,
    secretary_a: Any,
) -> None:  # fmt: skip
    election = _election(conference, superuser)
    _nominate(election, _direct(tree), 40, superuser)
    for model in (DelegateConference, DelegateElection, DelegateNominee):
        assert not model.objects.visible_to(secretary_b).exists()
        assert model.objects.visible_to(secretary_a).exists()
    with pytest.raises(ScopeError):
        _election(conference, secretary_b)
    conference.name = "改名"
    with pytest.raises(ScopeError):
        services.delegate_conference_save(
            conference=conference, actor=secretary_b, update_fields=["name"]
        )


def test_the_work_panel_shows_vacant_seats_and_terms_ending(
    tree: SimpleNamespace, conference: DelegateConference, superuser: Any, secretary_a: Any,
    secretary_b: Any, django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    _seat(conference, [_direct(tree) for _ in range(3)], superuser)
    today = dt.date(2030, 4, 1)  # 90 days before the term ends on 30 June
    conferences = DelegateConference.objects.visible_to(secretary_a)
    with django_assert_max_num_queries(6):
        due = congress_due(conferences, RegionalBranch.objects.all(), today, 90)
    assert sum(t.vacant for t in due.vacant) == 27 - 3
    assert due.ending == ["甲社区第一届党员代表会议（2030-06-30）"]
    assert congress_due(conferences, RegionalBranch.objects.none(), today, 89).ending == []
    request = RequestFactory().get("/admin/")
    request.user = secretary_b
    assert congress_panel(request) is None  # another community's secretary: nothing to show


def test_a_whole_list_of_members_is_checked_by_role_and_size(settings: Any) -> None:
    key = RegionalRole.KEY_ORGANIZATION
    assert services.regional_roles_error([key] * 3) is None
    assert services.regional_roles_error([key] * 4) == (
        "区域化党总支的“重点驻区域党组织党员代表”为3人，已满。"
    )
    settings.MEMBERS_REGIONAL_BRANCH_SIZE = 2
    assert services.regional_roles_error([key] * 3) == "区域化党总支成员为2人，本页填写了3人。"
