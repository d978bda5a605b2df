"""The generated district's development registers (issue 24 point 3; kit/district.py), as the demo
keeps them (publicity/demo_registers.py), in bulk: each case's two 考察写实人 from its branch's full
members, its 思想汇报 / 书面汇报 and half-yearly 培养考察 of every period ended by today (about one
in twelve reports missing, a few handed in late, the latest unread), and the 政审 by two full
members for every case past step 10.

Idempotent: a district whose cases have observers is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from kit.district import District, bulk_insert
from members.models import Member

from . import rules
from .demo_registers import COMMENTS, FINDINGS
from .models import (
    CaseAssessment,
    CaseObserver,
    DevelopmentCase,
    DevelopmentReport,
    DevelopmentStep,
    PoliticalReview,
    PoliticalReviewer,
)
from .selectors import case_register_list

MISSING = 1 / 12
LATE = 0.1


def generate(district: District) -> None:
    prefix = f"{district.code}-"
    cases = DevelopmentCase.objects.filter(branch__code__startswith=prefix)
    if CaseObserver.objects.filter(case__in=cases).exists():
        district.say(f"发展党员台账：{district.code} 已生成，跳过")
        return
    rng = district.rng("development-registers")
    today = timezone.localdate()
    full = _full_members(prefix)
    registers = case_register_list(cases, today)
    activist_on = dict(
        DevelopmentStep.objects.filter(case__in=cases, number=rules.ACTIVIST).values_list(
            "case_id", "date"
        )
    )
    observers, reports, assessments = [], [], []
    for register in registers:
        case = register.case
        since = activist_on[case.pk]
        people = [pk for pk, full_on in full.get(case.branch_id, []) if full_on <= since][:2]
        observers += [CaseObserver(case=case, member_id=pk, appointed_on=since)
                      for pk in people]  # fmt: skip
        for number, line in enumerate(register.reports):
            if rng.random() < MISSING:
                continue
            owed = line.owed
            late = rng.random() < LATE
            received = owed.due_on + dt.timedelta(days=3) if late else (
                owed.period.ends_on - dt.timedelta(days=5))  # fmt: skip
            received = min(max(received, owed.period.starts_on, since), today)
            unread = number == len(register.reports) - 1 or not people
            reports.append(DevelopmentReport(
                case=case, period=owed.period.code, kind=owed.kind, due_on=owed.due_on,
                received_on=received, title=f"{owed.period.code}汇报：学习党的基本理论的体会",
                read_by_id=None if unread else people[0],
                read_on=None if unread else min(received + dt.timedelta(days=4), today),
                comment="" if unread else COMMENTS[number % len(COMMENTS)],
            ))  # fmt: skip
        assessments += [
            CaseAssessment(
                case=case,
                period=line.owed.period.code,
                due_on=line.owed.due_on,
                assessed_on=min(
                    max(line.owed.period.ends_on + dt.timedelta(days=10), since), today
                ),
                assessor=case.branch.name,
                conclusion=rules.AssessmentConclusion.GOOD,
                findings=FINDINGS,
            )  # fmt: skip
            for line in register.assessments
        ]
    bulk_insert(district, "考察写实人", CaseObserver, observers, len(observers))
    bulk_insert(district, "思想汇报", DevelopmentReport, reports, len(reports))
    bulk_insert(district, "培养考察", CaseAssessment, assessments, len(assessments))
    _political_reviews(district, prefix, full)


def _full_members(prefix: str) -> dict[int, list[tuple[int, dt.date]]]:
    """Each branch's full members (id, full since), the longest-standing first."""
    found: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    rows = (
        Member.objects.filter(branch__code__startswith=prefix, full_member_on__isnull=False)
        .order_by("joined_on", "pk")
        .values_list("branch_id", "pk", "full_member_on")
    )
    for branch, pk, full_on in rows:
        if full_on is not None:  # (the filter's; said to the type checker)
            found[branch].append((pk, full_on))
    return found


def _political_reviews(
    district: District, prefix: str, full: dict[int, list[tuple[int, dt.date]]]
) -> None:
    steps = DevelopmentStep.objects.filter(
        case__branch__code__startswith=prefix, number=rules.REVIEW
    ).values_list("case_id", "case__branch_id", "date")
    reviews, people = [], []
    for case_id, branch, on in steps.order_by("case_id"):
        reviewers = [pk for pk, full_on in full.get(branch, []) if full_on <= on][:2]
        reviews.append(PoliticalReview(
            case_id=case_id, reviewed_on=on, conclusion=rules.ReviewConclusion.PASSED,
            findings="经到本人居住小区和工作单位座谈了解，本人及配偶、直系亲属政治历史清白，"
                     "无违法违纪情况。",
        ))  # fmt: skip
        people.append(reviewers)
    bulk_insert(district, "政审", PoliticalReview, reviews, len(reviews))
    rows = [PoliticalReviewer(review_id=r.pk, member_id=pk)
            for r, chosen in zip(reviews, people, strict=True) for pk in chosen]  # fmt: skip
    bulk_insert(district, "政审人", PoliticalReviewer, rows, len(rows))
