"""会议落实情况 at the rule's edges (DOMAIN.md "Required by default"): from the organization's
成立日期, every 党小组, a 单位党组织 holding members, a community's meetings held for its branches,
and the year-end shortfalls reminded in January."""

from __future__ import annotations

import datetime as dt

import pytest

from activities import services
from activities.models import AttendanceStatus as S
from activities.models import Meeting, Notification
from activities.rules import MeetingKind as K
from activities.rules import Status
from activities.selectors.compliance import compliance_list, compliance_rows
from organizations.models import Organization
from organizations.roles import Role
from organizations.rules import OrganizationKind
from tests.activities.factories import MeetingFactory
from tests.members.factories import MemberFactory
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def rows_of(code: str, as_of: dt.date, year: int = 2026) -> dict:
    rows = compliance_rows(compliance_list(Organization.objects.all(), year, as_of))
    return {(r.kind, r.period.label): r.status for r in rows if r.code == code}


def test_periods_before_the_branch_was_founded_owe_nothing(tree) -> None:
    """Founded on 15 October: October (the month it was founded) owes its meeting; September
    and the first three quarters owe nothing (the audit found 17 rows 逾期)."""
    branch = OrganizationFactory(
        kind=OrganizationKind.BRANCH, parent=tree.community_a, code="SD-A-9",
        established_on=dt.date(2026, 10, 15),
    )  # fmt: skip
    MemberFactory(branch=branch)
    found = rows_of("SD-A-9", dt.date(2026, 12, 31))
    months = sorted(label for kind, label in found if kind == K.THEME_DAY)
    assert months == ["2026-10", "2026-11", "2026-12"]
    assert sorted(label for kind, label in found if kind == K.GENERAL_MEETING) == ["2026Q4"]
    assert found[(K.ORGANIZATIONAL_LIFE, "2026")] == Status.IN_PROGRESS
    assert found[(K.THEME_DAY, "2026-10")] == Status.OVERDUE  # founded mid-October: owes it
    assert found[(K.THEME_DAY, "2026-12")] == Status.IN_PROGRESS
    assert not [s for s in found.values() if s == Status.DONE]
    # the same branch, a year later, owes from 1 January
    next_year = rows_of("SD-A-9", dt.date(2027, 3, 1), 2027)
    assert (K.THEME_DAY, "2027-01") in next_year


def test_a_branch_founded_on_the_first_of_a_month_owes_that_month_not_the_one_before(tree) -> None:
    branch = OrganizationFactory(
        kind=OrganizationKind.BRANCH, parent=tree.community_a, code="SD-A-8",
        established_on=dt.date(2026, 4, 1),
    )  # fmt: skip
    MemberFactory(branch=branch)
    found = rows_of("SD-A-8", dt.date(2026, 5, 10))
    assert (K.THEME_DAY, "2026-03") not in found
    assert found[(K.THEME_DAY, "2026-04")] == Status.OVERDUE
    assert (K.GENERAL_MEETING, "2026Q1") not in found
    assert found[(K.GENERAL_MEETING, "2026Q2")] == Status.IN_PROGRESS


def test_a_group_with_nobody_placed_owes_its_monthly_meeting(tree) -> None:
    MemberFactory(branch=tree.branch_a)  # held by the branch, placed in no group
    found = rows_of("SD-A-1-1", dt.date(2026, 3, 15))
    assert found[(K.GROUP_MEETING, "2026-02")] == Status.OVERDUE
    assert found[(K.GROUP_MEETING, "2026-03")] == Status.IN_PROGRESS


def test_a_unit_organization_holding_members_owes_what_a_branch_owes(tree) -> None:
    unit_org = tree.unit_a.party_organization
    MemberFactory(branch=unit_org)
    found = rows_of(unit_org.code, dt.date(2026, 4, 10))
    assert found[(K.GENERAL_MEETING, "2026Q1")] == Status.OVERDUE
    assert found[(K.THEME_DAY, "2026-03")] == Status.OVERDUE
    assert found[(K.LECTURE, "2026Q2")] == Status.IN_PROGRESS
    # a unit organization with its branches below it holds nobody directly: they owe instead
    big = tree.unit_b.party_organization
    below = OrganizationFactory(kind=OrganizationKind.BRANCH, parent=big, code="U-B-1")
    MemberFactory(branch=below)
    assert rows_of(big.code, dt.date(2026, 4, 10)) == {}
    assert rows_of("U-B-1", dt.date(2026, 4, 10))[(K.GENERAL_MEETING, "2026Q1")] == Status.OVERDUE


def _community_meeting(community, day, held_for=None) -> Meeting:
    meeting = Meeting(organization=community, kind=K.LECTURE, held_on=day, topic="联合党课")

    def everyone_present(rows) -> None:
        for row in rows:
            row.status = S.PRESENT

    meeting = services.meeting_save(meeting=meeting, actor=None, mark=everyone_present)
    if held_for is not None:
        meeting.held_for.set(held_for)
    return meeting


def test_a_communitys_joint_lecture_counts_for_each_branch_it_was_held_for(tree) -> None:
    second = OrganizationFactory(
        kind=OrganizationKind.BRANCH, parent=tree.community_a, code="SD-A-2"
    )
    MemberFactory(branch=tree.branch_a)
    MemberFactory(branch=second)
    meeting = _community_meeting(tree.community_a, dt.date(2026, 2, 20))
    assert meeting.is_quorate
    assert set(meeting.held_for.all()) == {tree.branch_a, second}  # default: all below
    as_of = dt.date(2026, 4, 10)
    assert rows_of("SD-A-1", as_of)[(K.LECTURE, "2026Q1")] == Status.DONE
    assert rows_of("SD-A-2", as_of)[(K.LECTURE, "2026Q1")] == Status.DONE

    _community_meeting(tree.community_a, dt.date(2026, 5, 20), held_for=[second])
    as_of = dt.date(2026, 7, 10)
    assert rows_of("SD-A-1", as_of)[(K.LECTURE, "2026Q2")] == Status.OVERDUE
    assert rows_of("SD-A-2", as_of)[(K.LECTURE, "2026Q2")] == Status.DONE


def test_a_joint_meeting_without_its_quorum_counts_for_no_branch(tree) -> None:
    MemberFactory(branch=tree.branch_a)
    meeting = MeetingFactory(
        organization=tree.community_a, kind=K.LECTURE, held_on=dt.date(2026, 2, 20),
        is_quorate=False,
    )  # fmt: skip
    meeting.held_for.set([tree.branch_a])
    assert rows_of("SD-A-1", dt.date(2026, 4, 10))[(K.LECTURE, "2026Q1")] == Status.OVERDUE


def test_december_q4_and_year_shortfalls_are_reminded_in_january(tree, make_user) -> None:
    officer = make_user(Role.BRANCH_OFFICER, tree.branch_a, "zb")
    MemberFactory(branch=tree.branch_a, group=tree.group_a)
    services.meeting_reminders_send(today=dt.date(2027, 1, 4))
    titles = set(Notification.objects.filter(recipient=officer).values_list("title", flat=True))
    assert "甲社区第一党支部2026-12主题党日已逾期" in titles
    assert "甲社区第一党支部2026Q4支部党员大会已逾期" in titles
    assert "甲社区第一党支部2026组织生活会已逾期" in titles
    assert "甲社区第一党支部2026-11主题党日已逾期" not in titles  # reminded in December
    # not in February: January is when they are reminded
    Notification.objects.all().delete()
    services.meeting_reminders_send(today=dt.date(2027, 2, 4))
    titles = set(Notification.objects.values_list("title", flat=True))
    assert not any("2026" in title for title in titles)


def test_a_joint_meeting_names_only_branches_below_its_community(tree) -> None:
    meeting = Meeting(organization=tree.community_a, kind=K.LECTURE, held_on=dt.date(2026, 2, 20))
    assert services.held_for_error(meeting, [tree.branch_a]) is None
    assert services.held_for_error(meeting, [tree.branch_b]) == (
        "乙社区第一党支部不是甲社区党委下属的党支部。"
    )
    own = Meeting(organization=tree.branch_a, kind=K.LECTURE, held_on=dt.date(2026, 2, 20))
    assert "请清空" in (services.held_for_error(own, [tree.branch_a]) or "")
