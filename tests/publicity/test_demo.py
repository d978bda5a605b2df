"""The publicity demo: cases at every stage, two notices running (one with an opinion being
checked), one deferred case, a populated 党务公开 board and 监督台; a second run changes nothing."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from members.models import Member
from members.selectors.dual import supervision_board_list
from organizations.models import Organization
from publicity import demo as publicity_demo
from publicity import rules, services
from publicity.models import (
    BoardItem,
    BranchVote,
    CaseAssessment,
    CaseObserver,
    DevelopmentCase,
    DevelopmentReport,
    Notice,
    Opinion,
    PoliticalReview,
)
from publicity.rules import Stage
from publicity.selectors import register_overdue_counts


def _counts() -> list[int]:
    return [m.objects.count() for m in (DevelopmentCase, Notice, Opinion, BoardItem)]


def test_the_demo_shows_every_stage_and_running_it_again_changes_nothing(
    demo_db: Any, db: None
) -> None:
    today = timezone.localdate()
    assert DevelopmentCase.objects.count() >= 12
    assert set(DevelopmentCase.objects.values_list("stage", flat=True)) == set(Stage.values)
    running = Notice.objects.running_on(today)
    assert running.count() == 2
    assert Opinion.objects.filter(notice__in=running, status="checking").count() == 1
    assert DevelopmentCase.objects.filter(deferred_on__isnull=False).count() == 1
    assert DevelopmentCase.objects.filter(member__isnull=False).count() == 3
    chunhui = Organization.objects.get(code="CN-CH")
    assert BoardItem.objects.filter(community=chunhui).showing_on(today).count() == 3
    assert supervision_board_list(chunhui)
    for vote in BranchVote.objects.select_related("case"):
        full = (  # the candidate for 转正 was still probationary at the meeting
            Member.objects.full_on(vote.held_on)
            .filter(branch_id=vote.case.branch_id)
            .exclude(pk=vote.case.member_id)
        )
        assert vote.entitled_count == full.count() - vote.exclusions.count()
        assert vote.passed, vote.failure
        assert vote.case.steps.filter(number=vote.step, date=vote.held_on).exists()
    for notice in Notice.objects.published():
        assert timezone.localdate(notice.published_at) <= notice.starts_on
        assert notice.community_id == notice.case.residence_community_id
    assert not Notice.objects.running_on(today).filter(case__deferred_on__isnull=False).exists()
    # A second run changes nothing (the first built the template: tests/demo_template.py).
    before = _counts()
    publicity_demo.build()
    assert _counts() == before


def test_the_demo_keeps_a_year_of_registers_with_one_report_overdue(demo_db: Any, db: None) -> None:
    """Every case past step 10 has its 政审 by two 正式党员; the activists and candidates have
    their 考察写实人, reports and assessments, one report came in late, and one is overdue."""
    today = timezone.localdate()
    reviewed = DevelopmentCase.objects.filter(last_step__gte=rules.REVIEW)
    for case in reviewed.filter(citizen_id__startswith="330108"):  # the demo's own cases
        review = PoliticalReview.objects.get(case=case)
        assert review.reviewers.count() >= 2
        assert services.review_step_error(case, today) is None
    assert DevelopmentReport.objects.count() >= 12
    assert DevelopmentReport.objects.filter(read_by__isnull=True).exists()
    assert any(report.is_late for report in DevelopmentReport.objects.all())
    assert CaseAssessment.objects.exists()
    assert CaseObserver.objects.exists()
    reports, _, owing = register_overdue_counts(DevelopmentCase.objects.all(), today)
    assert reports == 1
    assert len(owing) == 1
    before = [m.objects.count() for m in (DevelopmentReport, CaseAssessment, PoliticalReview)]
    publicity_demo.build()
    assert [m.objects.count() for m in (DevelopmentReport, CaseAssessment, PoliticalReview)] == (
        before
    )
