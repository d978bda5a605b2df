"""The development registers (issue 24 point 3): who owes a quarter's 思想汇报 or a half year's
培养考察 and from which date, at the period's edges; the 政审 of step 10 by at least two 正式党员
on its date; 考察写实人; the 工作台's overdue to-dos in a constant number of queries; scope."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.rules import MemberStatus
from organizations.scope import ScopeError
from publicity import rules, services
from publicity.models import (
    CaseAssessment,
    CaseObserver,
    DevelopmentCase,
    DevelopmentReport,
    DevelopmentStep,
    PoliticalReview,
    PoliticalReviewer,
)
from publicity.rules import RegisterDates, RegisterLimits, ReportKind
from publicity.selectors import case_register_list, register_overdue_counts
from tests.members.factories import MemberFactory
from tests.publicity.factories import DevelopmentCaseFactory, political_review, voters

D = dt.date
LIM = RegisterLimits(report_grace_days=15, assessment_grace_days=30)


def codes(owed: list[rules.Owed]) -> list[str]:
    return [o.period.code for o in owed]


# --- rules: who owes, from which date -----------------------------------------------------------
def test_the_quarter_of_step_3_is_owed_even_from_its_last_day() -> None:
    dates = RegisterDates(activist_on=D(2025, 3, 31))
    owed = rules.reports_owed(dates, D(2025, 9, 30), LIM)
    assert codes(owed) == ["2025Q1", "2025Q2", "2025Q3"]
    assert owed[0].due_on == D(2025, 4, 15)
    assert owed[0].kind == ReportKind.THOUGHT


def test_an_activist_from_the_first_day_of_a_quarter_owes_nothing_for_the_quarter_before() -> None:
    dates = RegisterDates(activist_on=D(2025, 4, 1))
    assert codes(rules.reports_owed(dates, D(2025, 9, 30), LIM)) == ["2025Q2", "2025Q3"]


def test_a_quarter_is_owed_from_its_last_day_not_the_day_before() -> None:
    dates = RegisterDates(activist_on=D(2025, 1, 10))
    assert codes(rules.reports_owed(dates, D(2025, 3, 30), LIM)) == []
    assert codes(rules.reports_owed(dates, D(2025, 3, 31), LIM)) == ["2025Q1"]


def test_a_candidate_owes_the_written_report_from_the_quarter_of_step_7() -> None:
    dates = RegisterDates(activist_on=D(2024, 2, 1), candidate_on=D(2025, 3, 31))
    kinds = {o.period.code: o.kind for o in rules.reports_owed(dates, D(2025, 6, 30), LIM)}
    assert kinds["2024Q4"] == ReportKind.THOUGHT
    assert kinds["2025Q1"] == ReportKind.WRITTEN  # a candidate on the quarter's last day
    later = RegisterDates(activist_on=D(2024, 2, 1), candidate_on=D(2025, 4, 1))
    kinds = {o.period.code: o.kind for o in rules.reports_owed(later, D(2025, 6, 30), LIM)}
    assert (kinds["2025Q1"], kinds["2025Q2"]) == (ReportKind.THOUGHT, ReportKind.WRITTEN)


def test_a_probationary_member_owes_no_more_reports() -> None:
    on_the_last_day = RegisterDates(D(2024, 2, 1), D(2025, 2, 1), probationary_on=D(2025, 6, 30))
    assert codes(rules.reports_owed(on_the_last_day, D(2025, 12, 31), LIM))[-1] == "2025Q1"
    day_after = RegisterDates(D(2024, 2, 1), D(2025, 2, 1), probationary_on=D(2025, 7, 1))
    assert codes(rules.reports_owed(day_after, D(2025, 12, 31), LIM))[-1] == "2025Q2"


def test_a_deferred_case_owes_nothing_from_its_deferral() -> None:
    deferred = RegisterDates(activist_on=D(2025, 1, 5), deferred_on=D(2025, 6, 30))
    assert codes(rules.reports_owed(deferred, D(2025, 12, 31), LIM)) == ["2025Q1"]
    day_after = RegisterDates(activist_on=D(2025, 1, 5), deferred_on=D(2025, 7, 1))
    assert codes(rules.reports_owed(day_after, D(2025, 12, 31), LIM)) == ["2025Q1", "2025Q2"]


def test_no_register_before_step_3_and_none_before_the_registers_began() -> None:
    assert rules.reports_owed(RegisterDates(activist_on=None), D(2025, 12, 31), LIM) == []
    dates = RegisterDates(activist_on=D(2024, 1, 5))
    kept = RegisterLimits(15, 30, registers_from=D(2025, 1, 1))
    owed = rules.reports_owed(dates, D(2025, 6, 30), kept)
    in_system = [o.period.code for o in owed if not o.on_paper]
    assert in_system == ["2025Q1", "2025Q2"]
    assert [o.period.code for o in owed if o.on_paper] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]


def test_assessments_are_owed_each_half_year_from_step_3() -> None:
    dates = RegisterDates(activist_on=D(2025, 6, 30))
    owed = rules.assessments_owed(dates, D(2025, 12, 31), LIM)
    assert codes(owed) == ["2025H1", "2025H2"]
    assert owed[0].due_on == D(2025, 7, 30)
    assert codes(rules.assessments_owed(RegisterDates(D(2025, 7, 1)), D(2025, 12, 30), LIM)) == []


def test_the_settings_give_the_grace_days() -> None:
    lim = rules.register_limits()
    assert lim.report_grace_days == settings.PUBLICITY_REPORT_GRACE_DAYS
    owed = rules.reports_owed(RegisterDates(D(2025, 1, 2)), D(2025, 3, 31))
    assert owed[0].due_on == D(2025, 3, 31) + dt.timedelta(
        days=settings.PUBLICITY_REPORT_GRACE_DAYS
    )


def test_a_report_on_its_due_date_is_on_time_and_the_day_after_late() -> None:
    assert not rules.is_late(D(2025, 4, 15), D(2025, 4, 15))
    assert rules.is_late(D(2025, 4, 15), D(2025, 4, 16))


def test_period_codes() -> None:
    assert rules.parse_period("2025q1", 3) == rules.Period("2025Q1", D(2025, 1, 1), D(2025, 3, 31))
    assert rules.parse_period("2025H2", 6).ends_on == D(2025, 12, 31)
    with pytest.raises(ValueError, match="应写作2026Q3"):
        rules.parse_period("2025Q5", 3)
    with pytest.raises(ValueError, match="应写作2026H1"):
        rules.parse_period("2025Q1", 6)


def test_the_political_review_counts_full_members_and_the_recorded_others() -> None:
    lim = rules.Limits(reviewers_min=2)
    passed = rules.ReviewConclusion.PASSED
    assert "现有1名" in (rules.political_review_error(1, 0, passed, lim) or "")
    assert rules.political_review_error(2, 0, passed, lim) is None
    assert rules.political_review_error(1, 1, passed, lim) is None
    assert "现有2名" in (
        rules.political_review_error(2, 0, passed, rules.Limits(reviewers_min=3)) or ""
    )
    failed = rules.political_review_error(2, 0, rules.ReviewConclusion.FAILED, lim)
    assert failed is not None
    assert "合格" in failed


# --- services ------------------------------------------------------------------------------------
@pytest.fixture
def case(tree: SimpleNamespace) -> DevelopmentCase:
    return DevelopmentCaseFactory(branch=tree.branch_a, residence_community=tree.community_a)


def reach(case: DevelopmentCase, dates: dict[int, dt.date]) -> DevelopmentCase:
    """The case's stage dates as recorded steps (the step rules are tested elsewhere)."""
    for number, on in sorted(dates.items()):
        DevelopmentStep.objects.create(case=case, number=number, date=on)
    case.last_step = max(dates)
    case.stage = rules.stage_of(case.last_step)
    case.save()
    return case


def report(case: DevelopmentCase, period: str, on: dt.date, **kwargs: Any) -> DevelopmentReport:
    entry = DevelopmentReport(case=case, period=period, received_on=on, **kwargs)
    return services.development_report_save(report=entry, actor=None)


def test_a_report_is_filed_with_its_kind_and_due_date(case: DevelopmentCase) -> None:
    reach(case, {1: D(2024, 12, 1), 2: D(2024, 12, 5), 3: D(2025, 3, 31)})
    on_time = report(case, "2025q1", D(2025, 4, 15))
    assert (on_time.period, on_time.kind, on_time.due_on) == ("2025Q1", "thought", D(2025, 4, 15))
    assert not on_time.is_late
    late = report(case, "2025Q2", D(2025, 7, 16))
    assert late.is_late


def test_a_report_for_the_quarter_before_step_3_is_refused(case: DevelopmentCase) -> None:
    reach(case, {1: D(2024, 12, 1), 2: D(2024, 12, 5), 3: D(2025, 4, 1)})
    with pytest.raises(ValidationError, match="2025Q1期末该同志尚未确定为入党积极分子"):
        report(case, "2025Q1", D(2025, 4, 2))
    with pytest.raises(ValidationError, match="早于2025Q3的开始"):
        report(case, "2025Q3", D(2025, 6, 30))


def test_a_deferred_case_files_no_report_for_the_quarter_of_its_deferral(
    case: DevelopmentCase,
) -> None:
    reach(case, {1: D(2024, 12, 1), 2: D(2024, 12, 5), 3: D(2025, 1, 5)})
    case.deferred_on, case.deferred_reason = D(2025, 6, 30), "支部决定"
    case.save()
    report(case, "2025Q1", D(2025, 3, 20))
    with pytest.raises(ValidationError, match="已不是入党积极分子或发展对象"):
        report(case, "2025Q2", D(2025, 6, 20))


def test_a_reader_is_named_with_the_comment(case: DevelopmentCase) -> None:
    reach(case, {1: D(2024, 12, 1), 2: D(2024, 12, 5), 3: D(2025, 1, 5)})
    with pytest.raises(ValidationError, match="请选择阅读人"):
        report(case, "2025Q1", D(2025, 3, 20), comment="很好")


def test_an_assessment_is_for_a_half_year_the_activist_owes(case: DevelopmentCase) -> None:
    reach(case, {1: D(2024, 12, 1), 2: D(2024, 12, 5), 3: D(2025, 7, 1)})
    entry = CaseAssessment(
        case=case, period="2025H1", assessed_on=D(2025, 7, 10), assessor="张三",
        conclusion=rules.AssessmentConclusion.GOOD,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="2025H1期末该同志尚未确定为入党积极分子"):
        services.case_assessment_save(assessment=entry, actor=None)
    entry.period, entry.assessed_on = "2025H2", D(2026, 1, 31)
    saved = services.case_assessment_save(assessment=entry, actor=None)
    assert saved.due_on == D(2026, 1, 30)
    assert saved.is_late


# --- 政审 and step 10 ---------------------------------------------------------------------------
def candidate(case: DevelopmentCase) -> DevelopmentCase:
    dates = {n: D(2024, 1, 10) for n in (1, 2)} | {n: D(2024, 2, 10) for n in range(3, 7)}
    return reach(case, dates | {7: D(2025, 3, 1), 8: D(2025, 3, 1), 9: D(2025, 3, 1)})


STEP_10_ON = D(2025, 3, 20)


def step_10(case: DevelopmentCase, on: dt.date = STEP_10_ON) -> DevelopmentStep:
    step = DevelopmentStep(case=case, number=rules.REVIEW, date=on)
    return services.development_step_record(step=step, actor=None)


def test_step_10_is_refused_without_a_political_review(case: DevelopmentCase) -> None:
    candidate(case)
    with pytest.raises(ValidationError, match="须先登记政治审查"):
        step_10(case)


def test_step_10_is_refused_with_one_reviewer(case: DevelopmentCase) -> None:
    candidate(case)
    political_review(case, D(2025, 3, 15), voters(case.branch, 1))
    with pytest.raises(ValidationError, match="政治审查应由2名以上正式党员进行，现有1名"):
        step_10(case)


def test_two_full_members_make_step_10_with_their_names(case: DevelopmentCase) -> None:
    candidate(case)
    two = voters(case.branch, 2)
    political_review(case, D(2025, 3, 15), two)
    step = step_10(case)
    assert step.people_names == [m.name for m in two]
    review = PoliticalReview.objects.get(case=case)
    with pytest.raises(ValidationError, match="政审记录和政审人不能再修改"):
        services.political_reviewer_delete(reviewer=review.reviewers.first(), actor=None)
    with pytest.raises(ValidationError, match="政审记录和政审人不能再修改"):
        services.political_review_save(review=review, actor=None, update_fields=["findings"])


def test_a_member_of_another_organization_counts_recorded_with_it(case: DevelopmentCase) -> None:
    candidate(case)
    political_review(case, D(2025, 3, 15), voters(case.branch, 1), outside=1)
    assert "外单位党员0（区教育局机关党委）" in step_10(case).people


def test_a_member_probationary_on_the_review_date_is_no_reviewer(case: DevelopmentCase) -> None:
    candidate(case)
    probationary = MemberFactory(
        branch=case.branch, status=MemberStatus.FULL, joined_on=D(2024, 3, 16),
        full_member_on=D(2025, 3, 16),
    )  # fmt: skip
    review = political_review(case, D(2025, 3, 15), voters(case.branch, 1))
    with pytest.raises(ValidationError, match="在2025-03-15不是正式党员"):
        services.political_reviewer_save(
            reviewer=PoliticalReviewer(review=review, member=probationary), actor=None
        )
    review.reviewed_on = D(2025, 3, 16)  # the day of their full membership
    services.political_review_save(review=review, actor=None, update_fields=["reviewed_on"])
    services.political_reviewer_save(
        reviewer=PoliticalReviewer(review=review, member=probationary), actor=None
    )
    assert step_10(case).number == rules.REVIEW


def test_a_failed_or_later_review_does_not_make_step_10(case: DevelopmentCase) -> None:
    candidate(case)
    review = political_review(case, D(2025, 3, 25), voters(case.branch, 2))
    with pytest.raises(ValidationError, match="晚于第10步的日期"):
        step_10(case, D(2025, 3, 20))
    review.reviewed_on, review.conclusion = D(2025, 3, 15), rules.ReviewConclusion.FAILED
    review.save()
    with pytest.raises(ValidationError, match="结论为合格后方可记录"):
        step_10(case, D(2025, 3, 20))


def test_a_reviewer_is_a_member_or_named_with_their_organization(case: DevelopmentCase) -> None:
    candidate(case)
    review = political_review(case, D(2025, 3, 15), [])
    with pytest.raises(ValidationError, match="姓名和所在党组织"):
        services.political_reviewer_save(
            reviewer=PoliticalReviewer(review=review, outside_name="李四"), actor=None
        )


def test_an_observer_is_a_full_member_on_the_day_appointed(case: DevelopmentCase) -> None:
    reach(case, {1: D(2024, 12, 1), 2: D(2024, 12, 5), 3: D(2025, 1, 5)})
    full = voters(case.branch, 1)[0]
    late = MemberFactory(branch=case.branch, joined_on=D(2024, 3, 1), full_member_on=D(2025, 3, 1))
    with pytest.raises(ValidationError, match="不是正式党员"):
        services.case_observer_save(
            observer=CaseObserver(case=case, member=late, appointed_on=D(2025, 2, 28)), actor=None
        )
    with pytest.raises(ValidationError, match="第3步"):
        services.case_observer_save(
            observer=CaseObserver(case=case, member=full, appointed_on=D(2025, 1, 4)), actor=None
        )
    services.case_observer_save(
        observer=CaseObserver(case=case, member=late, appointed_on=D(2025, 3, 1)), actor=None
    )
    assert CaseObserver.objects.filter(case=case).count() == 1


# --- the 工作台's to-dos, and scope ------------------------------------------------------------------
def activist_since(tree: SimpleNamespace, on: dt.date, branch: Any = None) -> DevelopmentCase:
    """An activist since `on` whose registers the secretary keeps in the system from the start."""
    new = DevelopmentCaseFactory(
        branch=branch or tree.branch_a, residence_community=tree.community_a,
        registers_from=on - dt.timedelta(days=40),
    )  # fmt: skip
    return reach(new, {1: on - dt.timedelta(days=40), 2: on - dt.timedelta(days=35), 3: on})


def test_overdue_reports_are_counted_in_one_query(
    tree: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    today = timezone.localdate()
    first = activist_since(tree, today - dt.timedelta(days=400))
    lines = case_register_list(DevelopmentCase.objects.filter(pk=first.pk), today)[0].reports
    report(first, lines[0].owed.period.code, lines[0].owed.period.ends_on)
    with django_assert_num_queries(1):
        one = register_overdue_counts(DevelopmentCase.objects.all(), today)
    assert one[0] == len(lines) - 1
    assert one[2] == [first.pk]
    deferred = activist_since(tree, today - dt.timedelta(days=400))
    deferred.deferred_on, deferred.deferred_reason = today, "暂缓"
    deferred.save()
    activist_since(tree, today - dt.timedelta(days=400))
    with django_assert_num_queries(1):
        three = register_overdue_counts(DevelopmentCase.objects.all(), today)
    assert three[0] == one[0] + len(lines)  # the deferred case is chased no more


def test_a_report_due_today_is_not_overdue(tree: SimpleNamespace) -> None:
    today = timezone.localdate()
    period = rules.period_of(
        today - dt.timedelta(days=settings.PUBLICITY_REPORT_GRACE_DAYS + 100), 3
    )
    first = activist_since(tree, period.starts_on)
    owed = rules.reports_owed(services.register_dates(first), today)
    due_today = owed[0].due_on
    assert register_overdue_counts(DevelopmentCase.objects.all(), due_today)[0] == 0
    next_day = due_today + dt.timedelta(days=1)
    assert register_overdue_counts(DevelopmentCase.objects.all(), next_day)[0] == 1


def test_registers_are_scoped_by_role(
    tree: SimpleNamespace, branch_officer_a: Any, secretary_b: Any
) -> None:
    first = activist_since(tree, D(2025, 1, 5))
    saved = services.development_report_save(
        report=DevelopmentReport(case=first, period="2025Q1", received_on=D(2025, 3, 1)),
        actor=branch_officer_a,
    )
    assert DevelopmentReport.objects.visible_to(branch_officer_a).filter(pk=saved.pk).exists()
    assert not DevelopmentReport.objects.visible_to(secretary_b).filter(pk=saved.pk).exists()
    with pytest.raises(ScopeError):
        services.development_report_save(
            report=DevelopmentReport(case=first, period="2025Q2", received_on=D(2025, 6, 1)),
            actor=secretary_b,
        )
    review = PoliticalReview(case=first, reviewed_on=D(2025, 3, 1), conclusion="passed")
    with pytest.raises(ScopeError):
        services.political_review_save(review=review, actor=secretary_b)
    assert (
        register_overdue_counts(DevelopmentCase.objects.visible_to(secretary_b), D(2025, 12, 1))[0]
        == 0
    )
