"""Sessions of the 党员代表会议 and meetings of the 区域化党总支 (两会一化): who is expected (the
delegates seated that day), the quorum (more than half of them), the meetings refused without
the body, and the compliance view's requirements only where the community has it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from activities.models import Meeting
from activities.printables import congress_session_context
from activities.rules import MeetingKind as K
from activities.rules import Status
from activities.selectors.compliance import compliance_list, compliance_rows
from activities.services import meeting_save
from kit.printables import Job, PrintError
from members.rules import DelegateGroup
from members.services.records import membership_transfer_receive
from organizations.models import Organization
from tests.members import factories as mf

pytestmark = pytest.mark.django_db

START = dt.date(2026, 1, 1)
HELD = dt.date(2025, 12, 20)


@pytest.fixture
def delegates(tree: SimpleNamespace) -> list[Any]:
    """Four delegates of 甲社区's conference (term 2026-2030), one transferred out in March."""
    conference = mf.DelegateConferenceFactory(
        community=tree.community_a, term_starts_on=START, term_ends_on=dt.date(2030, 12, 31)
    )
    election = mf.DelegateElectionFactory(conference=conference, held_on=HELD, voters=10)
    members = [
        mf.MemberFactory(branch=tree.branch_a, birth_date=dt.date(1970, 1, 1), name=f"代表{i}")
        for i in range(4)
    ]
    for member in members:
        mf.DelegateNomineeFactory(election=election, member=member, votes=8)
    return members


def _session(tree: SimpleNamespace, actor: Any, day: dt.date, present: int, **kw: Any) -> Meeting:
    def mark(rows: list[Any]) -> None:
        for row in rows[:present]:
            row.status = "present"

    meeting = Meeting(
        organization=tree.community_a, kind=K.CONGRESS_SESSION, held_on=day, topic="代表会议", **kw
    )
    return meeting_save(meeting=meeting, actor=actor, mark=mark)


def test_the_seated_delegates_are_expected(
    tree: SimpleNamespace, delegates: list[Any], superuser: Any
) -> None:
    meeting = _session(tree, superuser, dt.date(2026, 2, 1), present=3)
    assert sorted(meeting.attendances.values_list("name", flat=True)) == [
        "代表0", "代表1", "代表2", "代表3"
    ]  # fmt: skip
    assert (meeting.expected_count, meeting.present_count, meeting.is_quorate) == (4, 3, True)


def test_exactly_half_of_the_delegates_is_no_quorum(
    tree: SimpleNamespace, delegates: list[Any], superuser: Any
) -> None:
    half = _session(tree, superuser, dt.date(2026, 2, 1), present=2)
    assert half.is_quorate is False
    with pytest.raises(ValidationError, match="未达到法定人数"):
        _session(tree, superuser, dt.date(2026, 2, 2), present=2, decisions="通过年度计划")


def test_a_delegate_transferred_out_is_no_longer_expected(
    tree: SimpleNamespace, delegates: list[Any], superuser: Any
) -> None:
    out = dt.date(2026, 3, 10)
    transfer: Any = mf.MembershipTransferFactory(member=delegates[0], issued_on=out)
    membership_transfer_receive(transfer=transfer, actor=superuser, received_on=out)
    before = _session(tree, superuser, out - dt.timedelta(days=1), present=0)
    on_the_day = _session(tree, superuser, out, present=2)
    assert before.expected_count == 4
    assert on_the_day.expected_count == 3
    assert on_the_day.is_quorate  # 2 of the 3 seated


def test_a_session_needs_the_conference_in_its_term(tree: SimpleNamespace, superuser: Any) -> None:
    with pytest.raises(ValidationError, match="没有任期内的党员代表会议"):
        _session(tree, superuser, dt.date(2026, 2, 1), present=0)


def test_a_regional_branch_meeting_needs_the_regional_branch(
    tree: SimpleNamespace, delegates: list[Any], superuser: Any
) -> None:
    meeting = Meeting(
        organization=tree.community_a, kind=K.REGIONAL_BRANCH_MEETING, held_on=dt.date(2026, 2, 1),
        topic="区域化党总支会议",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="没有任期内的区域化党总支"):
        meeting_save(meeting=meeting, actor=superuser)
    conference = delegates[0].delegate_nominations.get().election.conference
    branch = mf.RegionalBranchFactory(
        conference=conference, elected_on=START, term_ends_on=dt.date(2030, 12, 31), voters=4
    )
    for i in range(3):
        mf.RegionalBranchMemberFactory(regional_branch=branch, name=f"成员{i}", votes=3)
    meeting_save(meeting=meeting, actor=superuser)
    assert meeting.expected_count == 3


def _rows(as_of: dt.date) -> list[Any]:
    return compliance_rows(compliance_list(Organization.objects.all(), 2026, as_of))


def test_the_community_owes_its_sessions_only_with_the_bodies(
    tree: SimpleNamespace, delegates: list[Any], superuser: Any, settings: Any
) -> None:
    assert settings.ACTIVITIES_COMMUNITY_REQUIREMENTS["regional_branch_meeting"] == "1/quarter"
    rows = _rows(dt.date(2026, 4, 1))
    # The community's own meetings (总支委员会 and the rest) are owed too; here, the two bodies'.
    bodies = {K.CONGRESS_SESSION, K.REGIONAL_BRANCH_MEETING}
    mine = {
        (r.kind, r.period.label): r.status for r in rows if r.code == "SD-A" and r.kind in bodies
    }
    assert mine == {(K.CONGRESS_SESSION, "2026"): Status.IN_PROGRESS}  # no 区域化党总支 yet
    assert not [r for r in rows if r.code == "SD-B" and r.kind in bodies]  # 乙社区 has neither
    conference = delegates[0].delegate_nominations.get().election.conference
    mf.RegionalBranchFactory(
        conference=conference, elected_on=START, term_ends_on=dt.date(2030, 12, 31), voters=4
    )
    _session(tree, superuser, dt.date(2026, 2, 1), present=3)
    rows = _rows(dt.date(2026, 4, 1))
    mine = {
        (r.kind, r.period.label): r.status for r in rows if r.code == "SD-A" and r.kind in bodies
    }
    assert mine[(K.CONGRESS_SESSION, "2026")] == Status.DONE
    assert mine[(K.REGIONAL_BRANCH_MEETING, "2026Q1")] == Status.OVERDUE
    assert mine[(K.REGIONAL_BRANCH_MEETING, "2026Q2")] == Status.IN_PROGRESS


def test_the_session_record_prints_the_seated_delegates(
    tree: SimpleNamespace, delegates: list[Any], superuser: Any
) -> None:
    meeting = _session(tree, superuser, dt.date(2026, 2, 1), present=3, decisions="通过年度计划")
    job = Job(values={"meeting": meeting}, reader=superuser)
    context = congress_session_context(job)
    assert context["table"].seated == 4
    assert context["table"].groups[0].group == DelegateGroup.DIRECT
    assert context["title"] == "党员代表会议记录"
    other = Meeting.objects.create(
        organization=tree.branch_a, kind=K.THEME_DAY, held_on=dt.date(2026, 2, 1), topic="主题党日"
    )
    with pytest.raises(PrintError, match="请选择一次党员代表会议"):
        congress_session_context(Job(values={"meeting": other}, reader=superuser))


def test_the_report_center_offers_the_year_s_session_records_through_the_scope(
    tree: SimpleNamespace, delegates: list[Any], superuser: Any, secretary_a: Any,
    secretary_b: Any,
) -> None:  # fmt: skip
    from activities.printables import congress_session_records_context
    from common.reportcenter import offered_kinds

    assert "congress_session_records" in {kind.name for kind in offered_kinds(secretary_a)}
    _session(tree, superuser, dt.date(2026, 3, 1), present=3)
    _session(tree, superuser, dt.date(2026, 9, 1), present=4)
    _session(tree, superuser, dt.date(2027, 3, 1), present=4)  # another year

    def records(reader: Any, organization: Any) -> list[Any]:
        job = Job(values={"organization": organization, "period": "2026"}, reader=reader)
        return [r["meeting"].held_on for r in congress_session_records_context(job)["records"]]

    assert records(secretary_a, tree.community_a) == [dt.date(2026, 3, 1), dt.date(2026, 9, 1)]
    assert records(superuser, tree.sub_district) == [dt.date(2026, 3, 1), dt.date(2026, 9, 1)]
    assert records(secretary_b, tree.sub_district) == []  # 甲社区's sessions are not 乙's to read
    job = Job(values={"organization": tree.community_a, "period": "2026"}, reader=secretary_a)
    first = congress_session_records_context(job)["records"][0]
    assert (first["table"].seated, first["present"]) == (4, ["代表0", "代表1", "代表2"])
