"""Demo data of the development registers (called by publicity/demo.py): each demo case's 政审,
考察写实人, a year of 思想汇报 and 培养考察 with realistic gaps: one report handed in after its due
date, the latest one not yet read, and one activist's last quarter missing (the 工作台's overdue
to-do). Idempotent: a period recorded is left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from members.models import Member

from . import rules, services
from .models import (
    CaseAssessment,
    CaseObserver,
    DevelopmentCase,
    DevelopmentReport,
    PoliticalReview,
    PoliticalReviewer,
)
from .selectors import case_register_list

COMMENTS = (
    "认识较深刻，联系工作实际谈了体会，希望今后在理论学习上更加系统。",
    "汇报内容实在，能主动查找不足，继续保持。",
    "对党的基本知识掌握较好，建议多参加社区志愿服务。",
)
FINDINGS = "能按时参加支部组织的学习和活动，思想汇报按季度交，群众反映较好。"


def review(case: DevelopmentCase, on: dt.date, actor: Any) -> None:
    """The 政审 before step 10: two 正式党员 of the branch on the day, concluded 合格."""
    if PoliticalReview.objects.filter(case=case).exists():
        return
    full = Member.objects.full_on(on).filter(branch=case.branch).order_by("joined_on", "pk")[:2]
    record = services.political_review_save(
        review=PoliticalReview(
            case=case, reviewed_on=on, conclusion=rules.ReviewConclusion.PASSED,
            findings="经到本人居住小区和工作单位座谈了解，本人及配偶、直系亲属政治历史清白，"
                     "无违法违纪情况。",
        ),
        actor=actor,
    )  # fmt: skip
    for member in full:
        services.political_reviewer_save(
            reviewer=PoliticalReviewer(review=record, member=member), actor=actor
        )


def build(cases: list[DevelopmentCase], actor: Any) -> None:
    today = timezone.localdate()
    ids = [case.pk for case in cases]
    registers = case_register_list(DevelopmentCase.objects.filter(pk__in=ids), today)
    gap = _gap(registers, today)
    for index, register in enumerate(registers):
        _observers(register.case, actor)
        for number, line in enumerate(register.reports):
            if line.owed is gap or line.owed.on_paper:  # on paper: shown as such
                continue
            late = index == 1 and number == 0
            unread = number == len(register.reports) - 1
            _report(register.case, line.owed, late, unread, index + number, today, actor)
        for line in register.assessments:
            if not line.owed.on_paper:
                _assessment(register.case, line.owed, today, actor)


def _gap(registers: list[Any], today: dt.date) -> rules.Owed | None:
    """The first activist's last quarter already past its due date stays missing: the overdue
    to-do of the 工作台."""
    for register in registers:
        if register.case.stage == rules.Stage.ACTIVIST and not register.case.is_deferred:
            past = [
                line.owed
                for line in register.reports
                if line.owed.due_on < today and not line.owed.on_paper
            ]
            if past:
                return past[-1]
    return None


def _observers(case: DevelopmentCase, actor: Any) -> None:
    if CaseObserver.objects.filter(case=case).exists():
        return
    on = case.steps.get(number=rules.ACTIVIST).date
    full = Member.objects.full_on(on).filter(branch=case.branch).order_by("-joined_on", "pk")[:2]
    for member in full:
        services.case_observer_save(
            observer=CaseObserver(case=case, member=member, appointed_on=on), actor=actor
        )


def _report(
    case: DevelopmentCase, owed: rules.Owed, late: bool, unread: bool, serial: int,
    today: dt.date, actor: Any,
) -> None:  # fmt: skip
    if DevelopmentReport.objects.filter(case=case, period=owed.period.code).exists():
        return
    activist_on = case.steps.get(number=rules.ACTIVIST).date
    received = owed.due_on + dt.timedelta(days=3) if late else owed.period.ends_on - dt.timedelta(5)
    received = min(max(received, activist_on, owed.period.starts_on), today)
    reader = None if unread else _reader(case, received)
    read_on = min(received + dt.timedelta(days=4), today) if reader else None
    services.development_report_save(
        report=DevelopmentReport(
            case=case, period=owed.period.code, received_on=received,
            title=f"{owed.period.code}思想汇报：学习党的基本理论的体会", read_by=reader,
            read_on=read_on, comment=COMMENTS[serial % len(COMMENTS)] if reader else "",
        ),
        actor=actor,
    )  # fmt: skip


def _reader(case: DevelopmentCase, on: dt.date) -> Member | None:
    return Member.objects.full_on(on).filter(branch=case.branch).order_by("joined_on", "pk").first()


def _assessment(case: DevelopmentCase, owed: rules.Owed, today: dt.date, actor: Any) -> None:
    if CaseAssessment.objects.filter(case=case, period=owed.period.code).exists():
        return
    on = min(owed.period.ends_on + dt.timedelta(days=10), today)
    observer = case.observers.select_related("member").first()
    services.case_assessment_save(
        assessment=CaseAssessment(
            case=case, period=owed.period.code, assessed_on=on,
            assessor=str(observer) if observer else case.branch.name,
            conclusion=rules.AssessmentConclusion.GOOD, findings=FINDINGS,
        ),
        actor=actor,
    )  # fmt: skip
