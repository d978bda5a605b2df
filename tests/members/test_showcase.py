"""社区党建示范小区 (003): the rules at their edges, each pre-filled standard from the records (met,
not met, and no data: never judged from the absence of records), the hand score kept, the
inspection recorded by the sub-district only, and the scope by role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import ShowcaseApplication, ShowcaseRound, ShowcaseScore
from members.rules import (
    SHOWCASE_GROUPS,
    SHOWCASE_STANDARDS,
    ShowcaseResult,
    age_at_most,
    education_at_least,
    share_met,
    standard_result,
)
from members.selectors.showcase import prefill_list
from members.services.showcase import (
    showcase_application_save,
    showcase_evaluation_prefill,
    showcase_round_save,
    showcase_score_save,
)
from organizations.models import JointCommittee
from organizations.scope import ScopeError
from tests.activities.factories import AttendanceFactory, MeetingFactory
from tests.finance.factories import DuesPaymentFactory
from tests.members.factories import MemberFactory, ShowcaseRoundFactory, showcase_application
from tests.organizations.factories import CompoundFactory, PositionFactory
from tests.publicity.factories import BoardItemFactory

EVALUATED = dt.date(2025, 12, 31)
YEAR = 2025


# --- the rules -------------------------------------------------------------------------------------
def test_the_18_standards_are_in_five_groups_in_order() -> None:
    assert [title[:3] for title, _ in SHOWCASE_GROUPS] == [
        "（一）",
        "（二）",
        "（三）",
        "（四）",
        "（五）",
    ]
    assert list(SHOWCASE_STANDARDS) == list(range(1, 19))
    assert "一般应由45周岁以下干部担任" in SHOWCASE_STANDARDS[2]
    assert SHOWCASE_STANDARDS[16].endswith("出勤率在50%以上。")


@pytest.mark.parametrize(
    ("education", "met"),
    [("postgraduate", True), ("bachelor", True), ("college", True),
     ("secondary_vocational", False), ("high_school", False), ("", None)],
)  # fmt: skip
def test_secretary_education_is_college_or_higher(education: str, met: bool | None) -> None:
    assert education_at_least(education, "college") is met


@pytest.mark.parametrize(
    ("day", "met"),
    [(dt.date(2025, 6, 14), True),  # the day before the 46th birthday: 45
     (dt.date(2025, 6, 15), False),  # the 46th birthday
     (dt.date(2025, 6, 16), False)],
)  # fmt: skip
def test_secretary_age_45_passes_46_does_not(day: dt.date, met: bool) -> None:
    assert age_at_most(dt.date(1979, 6, 15), day, 45) is met
    assert age_at_most(None, day, 45) is None


@pytest.mark.parametrize(
    ("count", "of", "target", "met"),
    [(4, 5, 80, True), (79, 100, 80, False), (80, 100, 80, True),
     (1, 2, 50, True), (49, 100, 50, False), (0, 0, 80, None),
     (4, 4, None, True), (3, 4, None, False), (0, 0, None, None)],
)  # fmt: skip
def test_a_share_is_met_exactly_at_its_target(
    count: int, of: int, target: int | None, met: bool | None
) -> None:
    assert share_met(count, of, target) is met


def test_a_standard_fails_on_a_failed_check_and_has_no_data_on_a_missing_one() -> None:
    assert standard_result([True, True]) == ShowcaseResult.MET
    assert standard_result([True, None]) == ShowcaseResult.NO_DATA
    assert standard_result([None, False]) == ShowcaseResult.NOT_MET
    assert standard_result([]) == ShowcaseResult.BY_HAND


# --- the records -----------------------------------------------------------------------------------
@pytest.fixture
def showcase(tree: SimpleNamespace, settings: Any) -> SimpleNamespace:
    # One branch requirement keeps the meetings of a full year few: a general meeting a quarter.
    settings.ACTIVITIES_BRANCH_REQUIREMENTS = {"general_meeting": "1/quarter"}
    settings.ACTIVITIES_GROUP_REQUIREMENTS = {}
    showcase_round = ShowcaseRoundFactory(sub_district=tree.sub_district)
    compound_a = CompoundFactory(community=tree.community_a, name="甲小区")
    compound_b = CompoundFactory(community=tree.community_b, name="乙小区")
    return SimpleNamespace(
        round=showcase_round,
        a=showcase_application(compound_a, showcase_round, evaluated_on=EVALUATED),
        b=showcase_application(compound_b, showcase_round, evaluated_on=EVALUATED),
    )


def _standard(application: ShowcaseApplication, number: int) -> Any:
    return prefill_list([application])[application.pk][number]


def _secretary(tree: SimpleNamespace, **kwargs: Any) -> Any:
    member = MemberFactory(name="王书记", branch=tree.branch_a, **kwargs)
    PositionFactory(organization=tree.community_a, holder_name="王书记")
    return member


def test_an_application_has_the_18_standards_to_score(showcase: SimpleNamespace) -> None:
    assert showcase.a.scores.count() == 18
    assert set(showcase.a.scores.values_list("prefill", flat=True)) == {ShowcaseResult.BY_HAND}


@pytest.mark.parametrize(
    ("birth_date", "education", "result"),
    [(dt.date(1980, 12, 31), "college", ShowcaseResult.MET),  # 45 on the evaluation day
     (dt.date(1979, 12, 31), "college", ShowcaseResult.NOT_MET),  # 46 that day
     (dt.date(1980, 12, 31), "secondary_vocational", ShowcaseResult.NOT_MET),  # 中专
     (dt.date(1980, 12, 31), "", ShowcaseResult.NO_DATA)],  # education not recorded
)  # fmt: skip
def test_the_secretary_standard_reads_the_secretarys_member_record(
    tree: SimpleNamespace, showcase: SimpleNamespace, birth_date: dt.date, education: str,
    result: ShowcaseResult,
) -> None:  # fmt: skip
    member = _secretary(tree, birth_date=birth_date, education=education)
    standard = _standard(showcase.a, 2)
    assert standard.result == result
    assert standard.url == f"/admin/members/member/{member.pk}/change/"


def test_without_a_secretary_position_or_record_the_standard_has_no_data(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    assert _standard(showcase.a, 2).result == ShowcaseResult.NO_DATA
    PositionFactory(organization=tree.community_a, holder_name="无档案")
    standard = _standard(showcase.a, 2)
    assert standard.result == ShowcaseResult.NO_DATA
    assert "没有同名党员档案" in standard.evidence


def test_a_transferred_out_secretary_record_is_not_read(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    _secretary(tree, birth_date=dt.date(1985, 1, 1), transferred_out_on=dt.date(2025, 6, 1))
    assert _standard(showcase.a, 2).result == ShowcaseResult.NO_DATA


def _general_meetings(
    branch: Any, quarters: list[int], expected: int = 5, present: int = 4
) -> None:
    for quarter in quarters:
        MeetingFactory(
            organization=branch,
            held_on=dt.date(YEAR, 3 * quarter - 1, 10),
            expected_count=expected,
            present_count=present,
        )


def test_meetings_held_and_attendance_at_80_percent_meet_standard_7(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    MemberFactory(branch=tree.branch_a)
    _general_meetings(tree.branch_a, [1, 2, 3, 4], expected=5, present=4)  # 80% exactly
    standard = _standard(showcase.a, 7)
    assert standard.result == ShowcaseResult.MET, standard.evidence
    assert "应召开4次（已到期），按要求召开4次" in standard.evidence
    assert "/admin/activities/meeting/compliance/?year=2025" in standard.url


def test_a_missed_quarter_or_attendance_below_80_fails_standard_7(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    MemberFactory(branch=tree.branch_a)
    _general_meetings(tree.branch_a, [1, 2, 4], expected=5, present=4)
    assert _standard(showcase.a, 7).result == ShowcaseResult.NOT_MET
    MemberFactory(branch=tree.branch_b)
    _general_meetings(tree.branch_b, [1, 2, 3, 4], expected=100, present=79)
    standard = _standard(showcase.b, 7)
    assert standard.result == ShowcaseResult.NOT_MET
    assert "79%（要求80%以上）" in standard.evidence


def test_without_meetings_recorded_standard_7_has_no_data(showcase: SimpleNamespace) -> None:
    standard = _standard(showcase.a, 7)
    assert standard.result == ShowcaseResult.NO_DATA
    assert "本年度没有会议落实情况" in standard.evidence


def test_a_meeting_after_the_evaluation_day_is_not_counted(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    MemberFactory(branch=tree.branch_a)
    MeetingFactory(organization=tree.branch_a, held_on=dt.date(2026, 1, 5), expected_count=5)
    assert _standard(showcase.a, 7).result == ShowcaseResult.NO_DATA


def _attend(meeting: Any, member: Any, status: str) -> None:
    AttendanceFactory(meeting=meeting, member=member, status=status)


@pytest.mark.parametrize(
    ("present", "absent", "result"),
    [(1, 1, ShowcaseResult.MET), (1, 2, ShowcaseResult.NOT_MET)],  # 50% exactly; 33%
)
def test_in_service_attendance_of_50_percent_meets_standard_16(
    tree: SimpleNamespace, showcase: SimpleNamespace, present: int, absent: int,
    result: ShowcaseResult,
) -> None:  # fmt: skip
    meeting = MeetingFactory(organization=tree.branch_a, held_on=dt.date(YEAR, 5, 10))
    for status, count in (("present", present), ("absent", absent)):
        for _ in range(count):
            _attend(meeting, MemberFactory(branch=tree.branch_a, categories=["in_service"]), status)
    _attend(meeting, MemberFactory(branch=tree.branch_a), "absent")  # not in service: not counted
    assert _standard(showcase.a, 16).result == result


def test_without_in_service_attendance_standard_16_has_no_data(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    meeting = MeetingFactory(organization=tree.branch_a, held_on=dt.date(YEAR, 5, 10))
    _attend(meeting, MemberFactory(branch=tree.branch_a), "absent")
    assert _standard(showcase.a, 16).result == ShowcaseResult.NO_DATA


def _joint(community: Any, quarters: list[int]) -> None:
    JointCommittee.objects.create(community=community, kind="joint_meeting", name="联席会")
    for quarter in quarters:
        MeetingFactory(
            organization=community, kind="joint_meeting", held_on=dt.date(YEAR, 3 * quarter, 5)
        )


def test_a_joint_committee_meeting_every_quarter_meets_standard_15(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    _joint(tree.community_a, [1, 2, 3, 4])
    _joint(tree.community_b, [1, 2, 4])
    assert _standard(showcase.a, 15).result == ShowcaseResult.MET
    standard = _standard(showcase.b, 15)
    assert standard.result == ShowcaseResult.NOT_MET
    assert "2025Q3" in standard.evidence


def test_without_a_joint_committee_standard_15_has_no_data(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    _general_meetings(tree.branch_a, [1])
    assert _standard(showcase.a, 15).result == ShowcaseResult.NO_DATA


def _paid(member: Any, months: range) -> None:
    for month in months:
        DuesPaymentFactory(member=member, period=dt.date(YEAR, month, 1), amount=Decimal("5"))


def test_dues_paid_every_month_meet_standard_6_and_a_missing_month_fails_it(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    income = Decimal("3000")
    _paid(MemberFactory(branch=tree.branch_a, monthly_income=income), range(1, 13))
    _paid(MemberFactory(branch=tree.branch_b, monthly_income=income), range(1, 12))
    assert _standard(showcase.a, 6).result == ShowcaseResult.MET, _standard(showcase.a, 6).evidence
    assert _standard(showcase.b, 6).result == ShowcaseResult.NOT_MET


def test_without_dues_records_standard_6_has_no_data(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    MemberFactory(branch=tree.branch_a)
    assert _standard(showcase.a, 6).result == ShowcaseResult.NO_DATA


def test_openness_every_quarter_meets_standard_3_and_a_silent_quarter_fails_it(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    for month in (2, 5, 8, 11):
        BoardItemFactory(community=tree.community_a, publish_on=dt.date(YEAR, month, 1))
    for month in (2, 5, 11):
        BoardItemFactory(community=tree.community_b, publish_on=dt.date(YEAR, month, 1))
    assert _standard(showcase.a, 3).result == ShowcaseResult.MET
    assert _standard(showcase.b, 3).result == ShowcaseResult.NOT_MET


def test_without_any_board_item_standard_3_has_no_data(showcase: SimpleNamespace) -> None:
    assert _standard(showcase.a, 3).result == ShowcaseResult.NO_DATA


def test_the_prefill_asks_in_a_fixed_number_of_queries(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    with CaptureQueriesContext(connection) as one:
        prefill_list([showcase.a])
    _general_meetings(tree.branch_b, [1, 2])
    for month in (2, 5):
        BoardItemFactory(community=tree.community_b, publish_on=dt.date(YEAR, month, 1))
    with CaptureQueriesContext(connection) as two:
        prefill_list([showcase.a, showcase.b])
    assert len(two) <= len(one) + 1


# --- the services ----------------------------------------------------------------------------------
def test_the_prefill_sets_an_unscored_standard_and_keeps_a_hand_score(
    tree: SimpleNamespace, showcase: SimpleNamespace, secretary_a: Any
) -> None:
    _joint(tree.community_a, [1, 2, 4])
    score = showcase.a.scores.get(number=15)
    score.result, score.note = ShowcaseResult.MET, "第三季度因疫情改为书面通报"
    showcase_score_save(score=score, actor=secretary_a, update_fields=["result", "note"])
    result = showcase_evaluation_prefill(applications=[showcase.a], actor=secretary_a)
    score.refresh_from_db()
    assert (score.prefill, score.result) == (ShowcaseResult.NOT_MET, ShowcaseResult.MET)
    assert any("标准15已评为达标" in note for note in result.notes)
    no_data = showcase.a.scores.get(number=6)
    assert (no_data.prefill, no_data.result) == (ShowcaseResult.NO_DATA, "")
    by_hand = showcase.a.scores.get(number=12)
    assert (by_hand.prefill, by_hand.result, by_hand.evidence) == (ShowcaseResult.BY_HAND, "", "")


def test_a_prefill_without_an_evaluation_day_takes_today_within_the_year(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    showcase_round = ShowcaseRoundFactory(sub_district=tree.sub_district, year=2020)
    application = showcase_application(
        CompoundFactory(community=tree.community_a), showcase_round, applied_on=dt.date(2020, 1, 5)
    )
    showcase_evaluation_prefill(applications=[application], actor=secretary_a)
    application.refresh_from_db()
    assert application.evaluated_on == dt.date(2020, 12, 31)


@pytest.mark.parametrize(
    ("applied_on", "refused"),
    [(dt.date(2025, 3, 30), False), (dt.date(2025, 3, 31), False), (dt.date(2025, 4, 1), True)],
)
def test_a_compound_is_applied_by_the_deadline(
    tree: SimpleNamespace, applied_on: dt.date, refused: bool
) -> None:
    showcase_round = ShowcaseRoundFactory(sub_district=tree.sub_district)
    compound = CompoundFactory(community=tree.community_a)
    if refused:
        with pytest.raises(ValidationError, match="2025年03月31日截止"):
            showcase_application(compound, showcase_round, applied_on=applied_on)
    else:
        showcase_application(compound, showcase_round, applied_on=applied_on)


def test_a_round_without_a_deadline_takes_the_setting(
    tree: SimpleNamespace, sub_district_officer: Any, settings: Any
) -> None:
    settings.SHOWCASE_APPLICATION_DEADLINE = "02-28"
    showcase_round = ShowcaseRound(sub_district=tree.sub_district, year=2027, planned=1)
    showcase_round_save(showcase_round=showcase_round, actor=sub_district_officer)
    assert showcase_round.application_deadline == dt.date(2027, 2, 28)


@pytest.mark.parametrize(("planned", "refused"), [(0, True), (1, False), (2, False), (3, True)])
def test_a_sub_district_creates_one_or_two_a_year(
    tree: SimpleNamespace, sub_district_officer: Any, planned: int, refused: bool
) -> None:
    showcase_round = ShowcaseRound(sub_district=tree.sub_district, year=2027, planned=planned)
    if refused:
        with pytest.raises(ValidationError, match="创建1至2个"):
            showcase_round_save(showcase_round=showcase_round, actor=sub_district_officer)
    else:
        showcase_round_save(showcase_round=showcase_round, actor=sub_district_officer)


def test_the_inspection_and_naming_are_recorded_by_the_sub_district_only(
    showcase: SimpleNamespace, secretary_a: Any, sub_district_officer: Any
) -> None:
    application = showcase.a
    application.inspected_on, application.inspectors = dt.date(2025, 12, 20), "区委组织部张三"
    fields = ["inspected_on", "inspectors"]
    with pytest.raises(ValidationError, match="登记检查验收和命名"):
        showcase_application_save(application=application, actor=secretary_a, update_fields=fields)
    showcase_application_save(
        application=application, actor=sub_district_officer, update_fields=fields
    )
    application.naming, application.named_on = "named", dt.date(2025, 12, 28)
    showcase_application_save(
        application=application, actor=sub_district_officer, update_fields=["naming", "named_on"]
    )
    assert ShowcaseApplication.objects.get(pk=application.pk).naming == "named"


def test_a_naming_needs_the_inspection_first(showcase: SimpleNamespace) -> None:
    showcase.a.naming, showcase.a.named_on = "named", dt.date(2025, 12, 28)
    with pytest.raises(ValidationError, match="检查验收"):
        showcase.a.full_clean()


def test_a_compound_of_another_sub_district_cannot_apply(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    from tests.organizations.factories import OrganizationFactory

    other = OrganizationFactory(kind="sub_district", code="SD2", name="另一街道")
    other_round = ShowcaseRoundFactory(sub_district=other)
    with pytest.raises(ValidationError, match="不属于另一街道"):
        showcase_application(showcase.a.compound, other_round)


# --- scope by role ---------------------------------------------------------------------------------
def test_each_role_sees_its_own_rounds_and_applications(
    showcase: SimpleNamespace, secretary_a: Any, secretary_b: Any, sub_district_officer: Any,
    branch_officer_a: Any, reviewer_b: Any,
) -> None:  # fmt: skip
    def seen(user: Any) -> tuple[int, set[int]]:
        rounds = ShowcaseRound.objects.visible_to(user).count()
        return rounds, set(
            ShowcaseApplication.objects.visible_to(user).values_list("pk", flat=True)
        )

    a, b = showcase.a.pk, showcase.b.pk
    assert seen(sub_district_officer) == (1, {a, b})
    assert seen(secretary_a) == (1, {a})  # the round of its sub-district, to apply to
    assert seen(secretary_b) == (1, {b})
    assert seen(branch_officer_a) == (0, set())
    assert seen(reviewer_b) == (0, set())
    assert set(
        ShowcaseScore.objects.visible_to(secretary_b).values_list("application", flat=True)
    ) == {b}


def test_a_community_cannot_open_a_round_or_score_another_community(
    tree: SimpleNamespace, showcase: SimpleNamespace, secretary_a: Any, secretary_b: Any
) -> None:
    with pytest.raises(ScopeError):
        showcase_round_save(
            showcase_round=ShowcaseRound(sub_district=tree.sub_district, year=2027),
            actor=secretary_a,
        )
    score = showcase.a.scores.get(number=1)
    score.result = ShowcaseResult.MET
    with pytest.raises(ScopeError):
        showcase_score_save(score=score, actor=secretary_b, update_fields=["result"])


# --- the pages, the sheet and the 工作台 ------------------------------------------------------------
def test_the_evaluation_page_shows_each_standard_with_its_evidence(
    client: Any, tree: SimpleNamespace, showcase: SimpleNamespace, secretary_a: Any
) -> None:
    _joint(tree.community_a, [1, 2, 4])
    client.force_login(secretary_a)
    url = "/admin/members/showcaseapplication/"
    response = client.post(
        url, {"action": "prefill", "_selected_action": [showcase.a.pk]}, follow=True
    )
    assert "已按系统记录预填" in response.content.decode()
    page = client.get(f"{url}{showcase.a.pk}/change/").content.decode()
    assert "无数据，请人工评分" in page
    assert "2025Q3" in page
    assert "查看记录" in page
    assert client.get(f"{url}{showcase.b.pk}/change/").status_code == 404


def test_the_evaluation_prints_the_18_standards_in_their_groups(
    client: Any, showcase: SimpleNamespace, sub_district_officer: Any, monkeypatch: Any
) -> None:
    from common.printables import print_url
    from members.printables import SHOWCASE_EVALUATION

    printed: list[str] = []
    monkeypatch.setattr("kit.pdf.html_to_pdf", lambda html: printed.append(html) or b"%PDF stub")
    showcase_evaluation_prefill(applications=[showcase.a], actor=sub_district_officer)
    client.force_login(sub_district_officer)
    response = client.get(print_url(SHOWCASE_EVALUATION, application=showcase.a.pk))
    assert response.status_code == 200
    html = printed[0]
    for title, standards in SHOWCASE_GROUPS:
        assert title in html
        assert all(text in html for _, text in standards)
    assert "无数据，请人工评分" in html
    assert "尚未检查验收" in html


def _todos(rf: Any, user: Any, day: dt.date, monkeypatch: Any) -> dict[str, int]:
    from members.dashboard_showcase import showcase_panel

    monkeypatch.setattr("members.dashboard_showcase.timezone.localdate", lambda: day)
    request = rf.get("/admin/")
    request.user = user
    panel = showcase_panel(request)
    assert panel is not None
    return {todo.label.split("年度")[-1]: todo.count for todo in panel.todos}


@pytest.mark.parametrize(
    ("day", "missing"),
    [(dt.date(2027, 1, 30), 0), (dt.date(2027, 1, 31), 1), (dt.date(2027, 2, 1), 1)],
)
def test_a_year_without_a_round_is_a_to_do_of_the_sub_district_from_its_due_day(
    rf: Any, tree: SimpleNamespace, sub_district_officer: Any, monkeypatch: Any,
    day: dt.date, missing: int,
) -> None:  # fmt: skip
    todos = _todos(rf, sub_district_officer, day, monkeypatch)
    assert todos["尚未组织示范小区创建"] == missing


@pytest.mark.parametrize(("day", "due"), [(dt.date(2025, 11, 30), 0), (dt.date(2025, 12, 1), 1)])
def test_the_evaluation_is_a_to_do_from_december(
    rf: Any, showcase: SimpleNamespace, secretary_a: Any, sub_district_officer: Any,
    monkeypatch: Any, day: dt.date, due: int,
) -> None:  # fmt: skip
    assert _todos(rf, secretary_a, day, monkeypatch)["个示范小区待年末评审"] == due
    assert _todos(rf, sub_district_officer, day, monkeypatch)["个示范小区待年末评审"] == 2 * due


@pytest.mark.parametrize(
    ("day", "open_rounds"), [(dt.date(2025, 3, 31), 1), (dt.date(2025, 4, 1), 0)]
)
def test_a_round_open_to_apply_is_shown_until_its_deadline(
    rf: Any, tree: SimpleNamespace, secretary_a: Any, monkeypatch: Any, day: dt.date,
    open_rounds: int,
) -> None:  # fmt: skip
    ShowcaseRoundFactory(sub_district=tree.sub_district)
    assert _todos(rf, secretary_a, day, monkeypatch)["个示范小区创建正在申报"] == open_rounds


def test_a_members_compound_lies_in_their_residence_community(tree: SimpleNamespace) -> None:
    compound = CompoundFactory(community=tree.community_b)
    member = MemberFactory.build(
        branch=tree.branch_a, residence_community=tree.community_a, compound=compound
    )
    with pytest.raises(ValidationError, match="不在居住社区内"):
        member.full_clean()


def test_the_party_members_living_in_a_compound_are_the_current_ones_naming_it(
    tree: SimpleNamespace, showcase: SimpleNamespace
) -> None:
    from members.selectors.showcase import applications_counted

    compound = showcase.a.compound
    for gone in (None, dt.date(2025, 6, 1)):
        MemberFactory(
            branch=tree.branch_a, residence_community=tree.community_a, compound=compound,
            transferred_out_on=gone,
        )  # fmt: skip
    MemberFactory(branch=tree.branch_a, residence_community=tree.community_a)
    counted = applications_counted(ShowcaseApplication.objects.filter(pk=showcase.a.pk)).get()
    assert counted.residents == 1
