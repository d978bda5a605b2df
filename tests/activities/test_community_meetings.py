"""A 社区党委/党总支's own meetings (issue 24 points 1-2): their requirements in the compliance
view and export (from the later of 1 January and the 成立日期), 总支党员大会 monthly or quarterly by
the presence of a 党小组, 党课 quarterly and 4 a year, the half-year and year-end periods, who is
expected at each and its quorum, and the 会议台账 import of the new kinds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command

from activities import rules, services
from activities.models import AttendanceStatus as S
from activities.models import Meeting
from activities.resources import LEDGER_HEADERS
from activities.rules import MeetingKind as K
from activities.rules import Status
from activities.selectors.compliance import compliance_list, compliance_rows
from kit.imports import read_spreadsheet
from members.rules import MemberStatus
from organizations.models import Organization
from organizations.rules import OrganizationKind
from tests.activities.factories import MeetingFactory
from tests.members.factories import MemberFactory, RegistrationFactory
from tests.organizations.factories import (
    CommitteeMemberFactory,
    JointCommitteeFactory,
    OrganizationFactory,
    PositionFactory,
)

pytestmark = pytest.mark.django_db
OWN = settings.ACTIVITIES_COMMUNITY_OWN_REQUIREMENTS


def _rows(as_of: dt.date, year: int = 2026):
    return compliance_rows(compliance_list(Organization.objects.all(), year, as_of))


def _row(rows, code, kind, period):
    found = [r for r in rows if r.code == code and r.kind == kind and r.period.label == period]
    return found[0] if found else None


def _periods(rows, code, kind) -> list[str]:
    return [r.period.label for r in rows if r.code == code and r.kind == kind]


# --- rules ---------------------------------------------------------------------------------------
def test_half_year_and_year_end_periods() -> None:
    assert [(p.label, p.start, p.end) for p in rules.periods_of(2026, rules.HALF_YEARLY)] == [
        ("2026H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        ("2026H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31)),
    ]
    (year_end,) = rules.periods_of(2026, rules.YEAR_END)
    assert (year_end.label, year_end.start, year_end.end) == (
        "2026",
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert rules.period_of(dt.date(2026, 6, 30), rules.HALF_YEARLY) == "2026H1"
    assert rules.period_of(dt.date(2026, 7, 1), rules.HALF_YEARLY) == "2026H2"


def test_a_lecture_requirement_is_quarterly_and_four_a_year() -> None:
    assert rules.parse_requirements("lecture", OWN["lecture"]) == [
        rules.Requirement(K.LECTURE, rules.QUARTERLY, 1),
        rules.Requirement(K.LECTURE, rules.YEARLY, 4),
    ]


# --- compliance ----------------------------------------------------------------------------------
def test_every_community_owes_its_own_meetings(tree) -> None:
    rows = _rows(dt.date(2026, 12, 31))
    for code in ("SD-A", "SD-B"):
        kinds = {r.kind for r in rows if r.code == code}
        assert {
            K.COMMUNITY_GENERAL_MEETING, K.COMMUNITY_COMMITTEE_MEETING, K.LECTURE,
            K.DEMOCRATIC_LIFE, K.ENLARGED_MEETING, K.COUNCIL_MEETING, K.YOUTH_LEAGUE_MEETING,
            K.RESIDENTS_FORUM, K.IN_SERVICE_ASSEMBLY, K.VOLUNTEER_SERVICE, K.SCREENING,
        } <= kinds  # fmt: skip
    assert _periods(rows, "SD-A", K.ENLARGED_MEETING) == ["2026H1", "2026H2"]
    assert len(_periods(rows, "SD-A", K.COMMUNITY_COMMITTEE_MEETING)) == 12
    assert len(_periods(rows, "SD-A", K.SCREENING)) == 12
    assert _periods(rows, "SD-A", K.COUNCIL_MEETING) == [f"2026Q{q}" for q in range(1, 5)]
    assert _periods(rows, "SD-A", K.DEMOCRATIC_LIFE) == ["2026"]


def test_a_community_founded_mid_period_owes_from_that_period(tree) -> None:
    tree.community_b.established_on = dt.date(2026, 5, 10)
    tree.community_b.save()
    rows = _rows(dt.date(2026, 12, 31))
    assert _periods(rows, "SD-B", K.COUNCIL_MEETING) == ["2026Q2", "2026Q3", "2026Q4"]
    assert _periods(rows, "SD-B", K.ENLARGED_MEETING) == ["2026H1", "2026H2"]
    months = _periods(rows, "SD-B", K.COMMUNITY_COMMITTEE_MEETING)
    assert months[0] == "2026-05"
    assert len(months) == 8
    # the day after a half year ends: founded on 1 July, it owes nothing of the first half
    tree.community_b.established_on = dt.date(2026, 7, 1)
    tree.community_b.save()
    assert _periods(_rows(dt.date(2026, 12, 31)), "SD-B", K.ENLARGED_MEETING) == ["2026H2"]


def test_the_half_year_row_is_overdue_the_day_after_it_ends(tree) -> None:
    assert _row(_rows(dt.date(2026, 6, 30)), "SD-A", K.ENLARGED_MEETING, "2026H1").status == (
        Status.IN_PROGRESS
    )
    assert not _row(_rows(dt.date(2026, 6, 30)), "SD-A", K.ENLARGED_MEETING, "2026H2")
    rows = _rows(dt.date(2026, 7, 1))
    assert _row(rows, "SD-A", K.ENLARGED_MEETING, "2026H1").status == Status.OVERDUE
    assert _row(rows, "SD-A", K.ENLARGED_MEETING, "2026H2").status == Status.IN_PROGRESS


def test_the_in_service_assembly_is_owed_at_the_year_end(tree) -> None:
    """001: 年底召开一次在职党员大会: owed in the fourth quarter; one held before does not count."""
    assert not _row(_rows(dt.date(2026, 9, 30)), "SD-A", K.IN_SERVICE_ASSEMBLY, "2026")
    MeetingFactory(
        organization=tree.community_a, kind=K.IN_SERVICE_ASSEMBLY, held_on=dt.date(2026, 9, 30)
    )
    row = _row(_rows(dt.date(2026, 10, 1)), "SD-A", K.IN_SERVICE_ASSEMBLY, "2026")
    assert (row.held, row.status) == (0, Status.IN_PROGRESS)
    MeetingFactory(
        organization=tree.community_a, kind=K.IN_SERVICE_ASSEMBLY, held_on=dt.date(2026, 10, 1)
    )
    row = _row(_rows(dt.date(2026, 10, 1)), "SD-A", K.IN_SERVICE_ASSEMBLY, "2026")
    assert (row.held, row.status) == (1, Status.DONE)
    empty = _row(_rows(dt.date(2027, 1, 1)), "SD-B", K.IN_SERVICE_ASSEMBLY, "2026")
    assert empty.status == Status.OVERDUE


def test_the_general_meeting_is_quarterly_with_groups_monthly_without(tree) -> None:
    rows = _rows(dt.date(2026, 4, 15))
    assert _periods(rows, "SD-A", K.COMMUNITY_GENERAL_MEETING) == ["2026Q1", "2026Q2"]
    tree.group_b.delete()
    rows = _rows(dt.date(2026, 4, 15))
    assert _periods(rows, "SD-B", K.COMMUNITY_GENERAL_MEETING) == [
        "2026-01", "2026-02", "2026-03", "2026-04",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("founded", "january_owed"),
    [(dt.date(2026, 1, 30), False), (dt.date(2026, 1, 31), False), (dt.date(2026, 2, 1), True)],
)
def test_a_group_founded_mid_quarter_decides_each_period_on_its_last_day(
    tree, founded, january_owed
) -> None:
    """A period is judged on its last day: a group founded on 31 January makes January a month
    with a 党小组 (no monthly meeting owed); one founded on 1 February leaves January owing."""
    tree.group_b.established_on = founded
    tree.group_b.save()
    periods = _periods(_rows(dt.date(2026, 3, 31)), "SD-B", K.COMMUNITY_GENERAL_MEETING)
    assert ("2026-01" in periods) is january_owed
    assert "2026-02" not in periods
    assert "2026Q1" in periods


def test_a_group_founded_after_the_as_of_date_does_not_count_yet(tree) -> None:
    tree.group_b.established_on = dt.date(2026, 3, 20)
    tree.group_b.save()
    periods = _periods(_rows(dt.date(2026, 3, 19)), "SD-B", K.COMMUNITY_GENERAL_MEETING)
    assert periods == ["2026-01", "2026-02", "2026-03"]
    periods = _periods(_rows(dt.date(2026, 3, 20)), "SD-B", K.COMMUNITY_GENERAL_MEETING)
    assert sorted(periods) == ["2026-01", "2026-02", "2026Q1"]


def test_an_inactive_group_is_no_group(tree) -> None:
    tree.group_b.is_active = False
    tree.group_b.save()
    periods = _periods(_rows(dt.date(2026, 1, 31)), "SD-B", K.COMMUNITY_GENERAL_MEETING)
    assert periods == ["2026-01"]


@pytest.mark.parametrize(("held", "status"), [(3, Status.OVERDUE), (4, Status.DONE)])
def test_lectures_must_be_four_a_year_as_well_as_one_a_quarter(tree, held, status) -> None:
    days = [dt.date(2026, 2, 1), dt.date(2026, 2, 2), dt.date(2026, 5, 1), dt.date(2026, 8, 1)]
    for day in days[:held]:
        MeetingFactory(organization=tree.community_a, kind=K.LECTURE, held_on=day)
    rows = _rows(dt.date(2027, 1, 1))
    year = _row(rows, "SD-A", K.LECTURE, "2026")
    assert (year.required, year.held, year.status) == (4, held, status)
    assert _row(rows, "SD-A", K.LECTURE, "2026Q4").status == Status.OVERDUE  # both must hold
    assert _row(rows, "SD-A", K.LECTURE, "2026Q1").status == Status.DONE


def test_a_community_lecture_counts_for_itself_and_its_branches(tree) -> None:
    MemberFactory(branch=tree.branch_a)
    meeting = Meeting(
        organization=tree.community_a, kind=K.LECTURE, held_on=dt.date(2026, 2, 20), topic="党课"
    )
    services.meeting_save(meeting=meeting, actor=None, present_names=())
    meeting.is_quorate = True
    meeting.save()
    rows = _rows(dt.date(2026, 3, 1))
    assert _row(rows, "SD-A", K.LECTURE, "2026Q1").held == 1
    assert _row(rows, "SD-A-1", K.LECTURE, "2026Q1").held == 1


def _write(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(list(LEDGER_HEADERS))
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_the_export_lists_a_communitys_own_rows(tree, tmp_path) -> None:
    MeetingFactory(
        organization=tree.community_b, kind=K.COUNCIL_MEETING, held_on=dt.date(2026, 2, 10)
    )
    path = tmp_path / "c.xlsx"
    call_command("compliance", "2026", str(path), "--as-of", "2026-07-01")
    rows = {tuple(r) for r in read_spreadsheet(path)}
    assert ("SD-B", "乙社区党总支", "议事会", "2026Q1", 1, 1, "已完成") in rows
    assert ("SD-B", "乙社区党总支", "议事会", "2026Q2", 1, 0, "逾期") in rows
    assert ("SD-B", "乙社区党总支", "扩大会议", "2026H1", 1, 0, "逾期") in rows
    assert ("SD-B", "乙社区党总支", "党课", "2026", 4, 0, "进行中") in rows
    assert ("SD-B", "乙社区党总支", "总支委员会", "2026-07", 1, 0, "进行中") in rows
    assert ("SD-B", "乙社区党总支", "电化教育", "2026-06", 1, 0, "逾期") in rows
    assert ("SD-B", "乙社区党总支", "党员集体为民服务", "2026Q3", 1, 0, "进行中") in rows


def test_the_ledger_imports_a_communitys_own_kinds_with_their_quorum(tree, tmp_path) -> None:
    ledger = [
        ["SD-A", "议事会", "2026-01-15", "一季度议事会", 5, 3, 1],
        ["SD-A", "总支委员会", "2026-01-05", "1月总支委员会", 6, 3, 0],  # exactly half: not held
        ["SD-A", "居民群众座谈会", "2026-03-05", "听取居民意见", 0, 0, 0],
        ["SD-A", "在职党员大会", "2026-12-20", "年终总结表彰", 40, 12, 3],
    ]
    call_command("import_meetings", str(_write(tmp_path / "l.xlsx", ledger)))
    held = dict(Meeting.objects.values_list("kind", "is_quorate"))
    assert held == {
        K.COUNCIL_MEETING: True,
        K.COMMUNITY_COMMITTEE_MEETING: False,
        K.RESIDENTS_FORUM: True,
        K.IN_SERVICE_ASSEMBLY: True,
    }
    call_command("import_meetings", str(_write(tmp_path / "l.xlsx", ledger)))
    assert Meeting.objects.count() == 4


def test_the_ledger_refuses_a_community_kind_for_a_branch(tree, tmp_path, capsys) -> None:
    ledger = [["SD-A-1", "议事会", "2026-01-15", "议事会", 5, 3, 1]]
    with pytest.raises(Exception):  # noqa: B017,PT011 (the command fails with the row's reason)
        call_command("import_meetings", str(_write(tmp_path / "l.xlsx", ledger)))
    assert not Meeting.objects.exists()


# --- who is expected, and the quorum -------------------------------------------------------------
DAY = dt.date(2026, 3, 10)


def _record(org, kind, day=DAY) -> Meeting:
    meeting = Meeting(organization=org, kind=kind, held_on=day, topic="会议")
    return services.meeting_save(meeting=meeting, actor=None)


def test_a_community_committee_meeting_expects_the_positions_held_on_the_day(tree) -> None:
    community = tree.community_a
    PositionFactory(organization=community, title="secretary", holder_name="甲书记")
    PositionFactory(organization=community, title="deputy_secretary", holder_name="甲副书记")
    PositionFactory(
        organization=community, title="organization_member", holder_name="离任委员",
        end_date=DAY - dt.timedelta(days=1),
    )  # fmt: skip
    PositionFactory(
        organization=community, title="publicity_member", holder_name="当天离任",
        end_date=DAY,
    )  # fmt: skip
    PositionFactory(
        organization=community, title="discipline_member", holder_name="次日上任",
        start_date=DAY + dt.timedelta(days=1),
    )  # fmt: skip
    held_by_branch = MemberFactory(branch=tree.branch_a, name="甲书记")
    meeting = _record(community, K.COMMUNITY_COMMITTEE_MEETING)
    names = {a.name: a.member_id for a in meeting.attendances.all()}
    assert names == {"甲书记": held_by_branch.pk, "甲副书记": None, "当天离任": None}
    assert (meeting.expected_count, meeting.is_quorate) == (3, False)
    marked = services.attendance_mark(
        meeting=meeting,
        statuses={a.pk: S.PRESENT for a in meeting.attendances.all()[:2]},
        reasons={},
        actor=None,
    )
    assert (marked.present_count, marked.is_quorate) == (2, True)  # 2 of 3: more than half


def test_the_general_meeting_expects_all_members_of_the_branches_and_only_full_ones_vote(
    tree,
) -> None:
    full = [MemberFactory(branch=tree.branch_a) for _ in range(2)]
    MemberFactory(branch=tree.branch_a, status=MemberStatus.PROBATIONARY, joined_on=DAY)
    MemberFactory(branch=tree.branch_b)  # another community's
    MemberFactory(branch=tree.branch_a, joined_on=DAY + dt.timedelta(days=1))  # not yet
    gone = MemberFactory(branch=tree.branch_a, transferred_out_on=DAY - dt.timedelta(days=1))
    meeting = _record(tree.community_a, K.COMMUNITY_GENERAL_MEETING)
    listed = {a.member_id: a.has_vote for a in meeting.attendances.all()}
    assert len(listed) == 3
    assert gone.pk not in listed
    assert sum(listed.values()) == 2
    rows = {a.member_id: a.pk for a in meeting.attendances.all()}
    marked = services.attendance_mark(
        meeting=meeting, statuses={rows[full[0].pk]: S.PRESENT}, reasons={}, actor=None
    )
    assert marked.is_quorate is False  # 1 of 2 voters: not more than half
    marked = services.attendance_mark(
        meeting=meeting, statuses={rows[full[1].pk]: S.PRESENT}, reasons={}, actor=None
    )
    assert marked.is_quorate is True


def test_the_enlarged_meeting_expects_the_committee_and_the_units_representatives(tree) -> None:
    PositionFactory(organization=tree.community_a, title="secretary", holder_name="甲书记")
    committee = JointCommitteeFactory(community=tree.community_a, kind="joint_meeting")
    CommitteeMemberFactory(committee=committee, person_name="甲书记")  # the community's own
    CommitteeMemberFactory(committee=committee, person_name="小学书记", unit=tree.unit_a)
    CommitteeMemberFactory(
        committee=committee, person_name="任期已满", unit=tree.unit_a,
        term_end=DAY - dt.timedelta(days=1),
    )  # fmt: skip
    meeting = _record(tree.community_a, K.ENLARGED_MEETING)
    assert [a.name for a in meeting.attendances.all()] == ["甲书记", "小学书记"]
    assert meeting.expected_count == 2


def test_the_in_service_assembly_expects_those_registered_on_the_day(tree) -> None:
    day = dt.date(2026, 12, 20)
    here = RegistrationFactory(community=tree.community_a, unit=tree.unit_a)
    RegistrationFactory(community=tree.community_b, unit=tree.unit_b)  # another community
    RegistrationFactory(
        community=tree.community_a, unit=tree.unit_a, registered_on=day + dt.timedelta(days=1)
    )
    RegistrationFactory(community=tree.community_a, unit=tree.unit_a, ended_on=day)
    stays = RegistrationFactory(
        community=tree.community_a, unit=tree.unit_a, ended_on=day + dt.timedelta(days=1)
    )
    meeting = _record(tree.community_a, K.IN_SERVICE_ASSEMBLY, day)
    listed = {a.member_id for a in meeting.attendances.all()}
    assert listed == {here.member_id, stays.member_id}
    assert meeting.expected_count == 2
    assert meeting.is_quorate is False  # nobody present yet: not held
    rows = [a.pk for a in meeting.attendances.all()]
    marked = services.attendance_mark(
        meeting=meeting, statuses={rows[0]: S.PRESENT}, reasons={}, actor=None
    )
    assert marked.is_quorate is True  # no quorum: held once someone came


def test_a_residents_forum_expects_nobody(tree) -> None:
    meeting = _record(tree.community_a, K.RESIDENTS_FORUM)
    assert (meeting.expected_count, meeting.is_quorate) == (0, True)
    assert not meeting.attendances.exists()


def test_a_branch_cannot_hold_a_communitys_meeting(tree) -> None:
    with pytest.raises(Exception, match="议事会由社区党委、社区党总支召开"):  # noqa: PT011
        _record(tree.branch_a, K.COUNCIL_MEETING)


def test_a_new_community_without_members_still_owes(tree) -> None:
    sub = Organization.objects.get(code="SD")
    OrganizationFactory(
        kind=OrganizationKind.COMMUNITY_GENERAL_BRANCH, parent=sub, code="SD-C",
        established_on=dt.date(2026, 11, 2),
    )  # fmt: skip
    rows = _rows(dt.date(2026, 12, 31))
    assert _periods(rows, "SD-C", K.COMMUNITY_COMMITTEE_MEETING) == ["2026-11", "2026-12"]
    assert _periods(rows, "SD-C", K.COMMUNITY_GENERAL_MEETING) == ["2026-11", "2026-12"]


# --- reminders -----------------------------------------------------------------------------------
def test_the_community_secretary_is_reminded_of_its_own_meetings(tree, make_user) -> None:
    from activities.models import Notification
    from organizations.roles import Role

    officer = make_user(Role.COMMUNITY_SECRETARY, tree.community_b, "sec-b")
    services.meeting_reminders_send(today=dt.date(2026, 6, 25))
    titles = set(Notification.objects.filter(recipient=officer).values_list("title", flat=True))
    assert "乙社区党总支2026H1扩大会议将于06月30日到期" in titles
    assert "乙社区党总支2026Q2议事会将于06月30日到期" in titles
    assert "乙社区党总支2026-05总支委员会已逾期" in titles
    assert not [t for t in titles if "在职党员大会" in t]  # not owed before the fourth quarter


def test_the_compliance_page_shows_a_community_its_own_rows_only(client, tree, secretary_a):
    from django.urls import reverse

    client.force_login(secretary_a)
    url = reverse("admin:activities_meeting_compliance")
    page = client.get(url, {"year": 2026, "as_of": "2026-07-01"}).content.decode()
    assert "甲社区党委" in page
    for label in ("总支委员会", "议事会", "扩大会议", "2026H1", "电化教育", "党员集体为民服务"):
        assert label in page, label
    assert "乙社区党总支" not in page
