"""The member page's tabs from the apps above members (issue 22 point 10): 会议出席 (the latest
meetings with the status, the year's rate), 党费 (核定, arrears, a link to the 党费 page) and
发展党员 (the case's steps and dates), read only, within the user's scope, with no personal field
of the case, and in a number of queries that does not grow with the records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.rules import AttendanceStatus, MeetingKind
from finance.services import dues as dues_services
from members.models import Member
from publicity.models import DevelopmentStep
from tests.activities.factories import AttendanceFactory, MeetingFactory
from tests.finance.factories import DuesAssessmentFactory
from tests.members.factories import MemberFactory
from tests.publicity.factories import DevelopmentCaseFactory


def _change(member: Member) -> str:
    return reverse("admin:members_member_change", args=[member.pk])


@pytest.fixture
def member(tree: SimpleNamespace) -> Member:
    return MemberFactory(
        name="孙记录", branch=tree.branch_a, categories=["in_service"], monthly_income=D("4000"),
        phone="13811112222", joined_on=dt.date(2015, 7, 1),
    )  # fmt: skip


def _meetings(member: Member, count: int, start: int = 0) -> None:
    year = timezone.localdate().year
    for i in range(start, start + count):
        status = AttendanceStatus.LEAVE if i % 3 == 0 else AttendanceStatus.PRESENT
        meeting = MeetingFactory(
            organization=member.branch, held_on=dt.date(year, 1, 1) + dt.timedelta(days=i),
            kind=MeetingKind.GENERAL_MEETING, topic=f"学习会{i}",
        )  # fmt: skip
        reason = "出差" if status == AttendanceStatus.LEAVE else ""
        AttendanceFactory(meeting=meeting, member=member, status=status, reason=reason)


def _case(member: Member, tree: SimpleNamespace) -> Any:
    case = DevelopmentCaseFactory(
        name=member.name, branch=tree.branch_a, member=member, citizen_id="11010519491231002X",
        phone="13955556666",
    )  # fmt: skip
    DevelopmentStep.objects.create(case=case, number=1, date=dt.date(2013, 3, 1))
    DevelopmentStep.objects.create(
        case=case, number=5, date=dt.date(2013, 9, 1), people="王培养、李联系"
    )
    return case


def _tabs(response: Any) -> dict[str, Any]:
    return {tab.title: tab for tab in response.context["record_tabs"]}


def test_the_page_shows_attendance_dues_and_the_development_record(
    client: Any, tree: SimpleNamespace, secretary_a: Any, member: Member
) -> None:
    _meetings(member, 3)  # 学习会0 on leave, 1 and 2 present
    DuesAssessmentFactory(member=member, year=timezone.localdate().year)
    _case(member, tree)
    client.force_login(secretary_a)
    response = client.get(_change(member))
    html = response.content.decode()
    tabs = _tabs(response)
    assert list(tabs)[:3] == ["会议出席", "党费", "发展党员"]
    year = timezone.localdate().year
    assert tabs["会议出席"].summary == (f"{year}年应到3次，出席2次，请假1次，缺席0次，出席率66%。")
    assert "请假：出差" in html
    assert "学习会2" in html
    assert f"{year}年度核定每月40.00元（在职（工资收入），1%）" in tabs["党费"].summary
    assert reverse("admin:finance_memberdues_change", args=[member.pk]) in html
    assert "打开党费页（核定、逐月交纳情况、登记交纳）" in html
    assert "5. 指定培养联系人" in html
    assert "2013-09-01" in html
    assert "王培养、李联系" in html
    assert "已完成2/25步" in tabs["发展党员"].summary


def test_the_tabs_show_no_personal_field_of_the_case(
    client: Any, tree: SimpleNamespace, branch_officer_a: Any, member: Member
) -> None:
    """A branch officer sees the member's phone masked; the case's tab must not show it (nor
    the case's ID) in full either."""
    _case(member, tree)
    client.force_login(branch_officer_a)
    html = client.get(_change(member)).content.decode()
    assert "发展党员" in html
    for secret in ("13955556666", "11010519491231002X", "13811112222"):
        assert secret not in html


def test_another_communitys_records_stay_out_of_the_tabs(
    client: Any, tree: SimpleNamespace, sub_district_officer: Any, secretary_a: Any, member: Member
) -> None:
    """A meeting of community B's branch the member attended as a guest: not community A's to
    see."""
    _meetings(member, 1)
    elsewhere = MeetingFactory(organization=tree.branch_b, topic="乙社区的会", held_on=dt.date(
        timezone.localdate().year, 2, 1))  # fmt: skip
    AttendanceFactory(meeting=elsewhere, member=member, is_guest=True)
    client.force_login(secretary_a)
    assert "乙社区的会" not in client.get(_change(member)).content.decode()
    client.force_login(sub_district_officer)
    assert "乙社区的会" in client.get(_change(member)).content.decode()


def test_a_user_without_the_apps_permissions_sees_none_of_their_tabs(
    client: Any, tree: SimpleNamespace, reviewer_b: Any
) -> None:
    member = MemberFactory(branch=tree.unit_b.party_organization, categories=["in_service"])
    _meetings(member, 1)
    client.force_login(reviewer_b)
    response = client.get(_change(member))
    assert response.status_code == 200
    assert not {"党费", "发展党员"} & set(_tabs(response))


def test_the_member_page_queries_do_not_grow_with_the_records(
    client: Any,
    tree: SimpleNamespace,
    secretary_a: Any,
    member: Member,
    django_assert_max_num_queries: Any,
) -> None:
    year = timezone.localdate().year
    DuesAssessmentFactory(member=member, year=year)
    case = _case(member, tree)
    _meetings(member, 2)
    dues_services.dues_payments_record(
        member=member, periods=[dt.date(year, 1, 1)], paid_on=dt.date(year, 1, 5),
        method="in_person", actor=secretary_a,
    )  # fmt: skip
    client.force_login(secretary_a)
    client.get(_change(member))  # the session and the user's scope
    with django_assert_max_num_queries(200) as few:
        client.get(_change(member))
    _meetings(member, 25, start=2)
    for number in (2, 3, 4):
        DevelopmentStep.objects.create(case=case, number=number, date=dt.date(2013, 4, number))
    dues_services.dues_payments_record(
        member=member, periods=[dt.date(year, m, 1) for m in (2, 3, 4, 5)],
        paid_on=dt.date(year, 5, 5), method="in_person", actor=secretary_a,
    )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_change(member))
    assert len(_tabs(response)["会议出席"].rows) == 20
