"""不合格党员处置 (002 民主评议党员工作制度 五) and the 党员写实档案 (issue 24 point 7): the case's
deadline at its edge, the 工作台's to-dos, scope by role, and the record's printed text."""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.rules import MeetingKind
from common.printables import print_url
from members.models import ReviewHandling
from members.printables import MEMBER_RECORD
from members.rules import HandlingMeasure, HandlingOutcome, ReviewGrade
from members.services.floating import review_handling_save
from tests.activities.factories import AttendanceFactory, MeetingFactory
from tests.members.factories import (
    ActivityRecordFactory,
    MemberFactory,
    ReviewFactory,
    ReviewHandlingFactory,
    TemporaryGroupFactory,
    TemporaryGroupReportFactory,
)


def pdftotext(data: bytes) -> str:
    done = subprocess.run(  # noqa: S603 (a fixed command on our own bytes)
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode()


def _case(review: Any, **kw: Any) -> ReviewHandling:
    values = {
        "measure": HandlingMeasure.CORRECT,
        "opened_on": dt.date(2026, 2, 1),
        "deadline": dt.date(2026, 8, 1),
    }
    return ReviewHandling(review=review, **{**values, **kw})


@pytest.fixture
def unqualified(tree: Any) -> Any:
    member = MemberFactory(name="不合格者", branch=tree.branch_a)
    return ReviewFactory(member=member, year=2025, grade=ReviewGrade.UNQUALIFIED)


def test_only_an_unqualified_grade_is_handled(tree, secretary_a) -> None:
    review = ReviewFactory(member=MemberFactory(branch=tree.branch_a), year=2025)
    with pytest.raises(ValidationError, match="只有评议为不合格的党员才登记处置"):
        review_handling_save(handling=_case(review), actor=secretary_a)


def test_the_deadline_comes_after_the_opening(unqualified, secretary_a) -> None:
    with pytest.raises(ValidationError, match="期限须晚于处置开始日期"):
        review_handling_save(
            handling=_case(unqualified, deadline=dt.date(2026, 2, 1)), actor=secretary_a
        )


def test_removal_needs_the_sub_districts_approval_and_corrected_needs_correction(
    unqualified, secretary_a
) -> None:
    case = _case(
        unqualified,
        measure=HandlingMeasure.REMOVE,
        outcome=HandlingOutcome.REMOVED,
        outcome_on=dt.date(2026, 3, 1),
    )
    with pytest.raises(ValidationError, match="除名须报街道党工委审批"):
        review_handling_save(handling=case, actor=secretary_a)
    case.outcome = HandlingOutcome.CORRECTED
    with pytest.raises(ValidationError, match="只适用于限期改正"):
        review_handling_save(handling=case, actor=secretary_a)
    case.outcome, case.approved_by, case.approved_on = (
        HandlingOutcome.REMOVED,
        "测试街道党工委",
        dt.date(2026, 2, 20),
    )
    assert review_handling_save(handling=case, actor=secretary_a).pk


def test_a_case_is_overdue_the_day_after_its_deadline(unqualified) -> None:
    case = ReviewHandlingFactory(review=unqualified, deadline=dt.date(2026, 8, 1))
    overdue = ReviewHandling.objects.overdue
    assert not overdue(dt.date(2026, 8, 1)).exists()
    assert list(overdue(dt.date(2026, 8, 2))) == [case]
    case.outcome, case.outcome_on = HandlingOutcome.CORRECTED, dt.date(2026, 8, 1)
    case.save()
    assert not overdue(dt.date(2026, 8, 2)).exists()


def _todos(rf: Any, user: Any) -> dict[str, int]:
    from members.dashboard import members_panel

    request = rf.get("/admin/")
    request.user = user
    panel = members_panel(request)
    assert panel is not None
    return {todo.label: todo.count for todo in panel.todos}


def test_the_workbench_lists_unhandled_grades_and_cases_past_deadline(
    rf, tree, unqualified, secretary_a, secretary_b, django_assert_max_num_queries
) -> None:
    today = timezone.localdate()
    assert _todos(rf, secretary_a)["名评议为不合格的党员尚未登记处置"] == 1
    late = ReviewFactory(member=MemberFactory(branch=tree.branch_a), grade=ReviewGrade.UNQUALIFIED)
    ReviewHandlingFactory(review=late, deadline=today - dt.timedelta(days=1))
    on_time = ReviewFactory(
        member=MemberFactory(branch=tree.branch_a), grade=ReviewGrade.UNQUALIFIED
    )
    ReviewHandlingFactory(review=on_time, deadline=today)
    todos = _todos(rf, secretary_a)
    assert todos["件不合格党员处置已过期限未办结"] == 1
    assert todos["名评议为不合格的党员尚未登记处置"] == 1
    assert _todos(rf, secretary_b)["件不合格党员处置已过期限未办结"] == 0


def test_cases_are_scoped_by_role(client, tree, unqualified, secretary_a, secretary_b) -> None:
    case = ReviewHandlingFactory(review=unqualified)
    assert list(ReviewHandling.objects.visible_to(secretary_a)) == [case]
    assert not ReviewHandling.objects.visible_to(secretary_b).exists()
    with pytest.raises(Exception, match="无权"):
        review_handling_save(handling=case, actor=secretary_b)
    client.force_login(secretary_b)
    url = reverse("admin:members_reviewhandling_change", args=[case.pk])
    assert client.get(url).status_code == 404


def test_the_member_record_prints_the_year(client, tree, unqualified, secretary_a) -> None:
    member = unqualified.member
    meeting = MeetingFactory(
        organization=tree.branch_a,
        held_on=dt.date(2025, 4, 5),
        kind=MeetingKind.GENERAL_MEETING,
        topic="学习党章",
    )
    AttendanceFactory(meeting=meeting, member=member)
    ActivityRecordFactory(
        member=member, community=tree.community_a, date=dt.date(2025, 5, 1), title="清理楼道"
    )
    ActivityRecordFactory(member=member, community=tree.community_a, date=dt.date(2024, 5, 1))
    ReviewHandlingFactory(review=unqualified, deadline=dt.date(2026, 8, 1))
    group = TemporaryGroupFactory(branch=tree.branch_a, name="深圳临时党小组")
    report = TemporaryGroupReportFactory(group=group, life_held_on=dt.date(2025, 9, 9))
    report.attendees.set([member])
    client.force_login(secretary_a)
    response = client.get(print_url(MEMBER_RECORD, member=member.pk, period=2025))
    assert response.status_code == 200
    text = pdftotext(response.content)
    assert "党员写实档案" in text
    assert "不合格者" in text
    assert "2025年度" in text
    assert "学习党章" in text
    assert "清理楼道" in text
    assert "合计1次" in text  # the 2024 activity is another year's
    assert "临时党小组：深圳临时党小组" in text
    assert "不合格" in text
    assert "限期改正" in text
    assert "尚未办结" in text


def test_a_unit_reviewer_cannot_print_a_member_record(client, tree, reviewer_b) -> None:
    member = MemberFactory(branch=tree.branch_a)
    client.force_login(reviewer_b)
    response = client.get(print_url(MEMBER_RECORD, member=member.pk, period=2025))
    assert response.status_code in (403, 404)
