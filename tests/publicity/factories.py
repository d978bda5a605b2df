"""Factories of the publicity app, and a helper that walks a case through its steps in time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from members.rules import Gender, months_after
from publicity import rules, services
from publicity.models import (
    BoardItem,
    BranchVote,
    DevelopmentCase,
    DevelopmentStep,
    Notice,
    Opinion,
    PoliticalReview,
    PoliticalReviewer,
)
from tests.members.factories import MemberFactory, make_citizen_id


class DevelopmentCaseFactory(DjangoModelFactory):
    class Meta:
        model = DevelopmentCase

    name = factory.Sequence(lambda n: f"申请人{n}")
    gender = Gender.FEMALE
    birth_date = factory.Sequence(lambda n: dt.date(1990 + n % 10, 1 + n % 12, 1 + n % 28))
    citizen_id = factory.LazyAttributeSequence(
        lambda o, n: make_citizen_id(o.birth_date, o.gender, 300 + n, region="330106")
    )
    ethnicity = "汉族"
    education = "bachelor"
    position = "教师"
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    address = factory.Sequence(lambda n: f"幸福小区{n}幢101室")
    work_unit = "甲小学"
    assessment = "该同志政治立场坚定，工作积极，群众基础好。"


class NoticeFactory(DjangoModelFactory):
    class Meta:
        model = Notice

    case = factory.SubFactory(DevelopmentCaseFactory)
    community = factory.LazyAttribute(lambda o: o.case.residence_community)
    starts_on = factory.LazyFunction(timezone.localdate)


class OpinionFactory(DjangoModelFactory):
    class Meta:
        model = Opinion

    notice = factory.SubFactory(NoticeFactory)
    text = factory.Sequence(lambda n: f"反映情况{n}：请组织核实。")


class BoardItemFactory(DjangoModelFactory):
    class Meta:
        model = BoardItem

    title = factory.Sequence(lambda n: f"党务公开事项{n}")
    body = "内容"
    publish_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    published = True


# Months after the application at which each step is recorded: every limit is met.
SCHEDULE = {1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 1, 7: 13, 8: 13, 9: 13, 10: 13, 11: 14, 12: 15,
            13: 15, 14: 15, 15: 16, 16: 16, 17: 17, 18: 17, 19: 17, 20: 17, 21: 17, 22: 26,
            23: 28, 24: 29, 25: 29}  # fmt: skip


def step_date(start: dt.date, number: int) -> dt.date:
    day = months_after(start, SCHEDULE[number])
    return day + dt.timedelta(days=10) if number == 2 else day


def voters(branch: Any, count: int = 3) -> list[Any]:
    existing = list(
        branch.members.filter(status="full", joined_on__lt=dt.date(2000, 1, 1)).order_by("pk")[
            :count
        ]
    )
    return existing + [
        MemberFactory(branch=branch, joined_on=dt.date(1990, 7, 1))
        for _ in range(count - len(existing))
    ]


def vote(
    case: DevelopmentCase, number: int, on: dt.date, yes: int = 3, actor: Any = None
) -> BranchVote:
    """The branch's 3 full members all present; a passing vote records the meeting's step."""
    people = voters(case.branch)
    return services.branch_vote_save(
        vote=BranchVote(case=case, step=number, held_on=on, yes=min(yes, 3), no=3 - min(yes, 3)),
        actor=actor,
        attended=people,
    )


def publish_notice(
    case: DevelopmentCase,
    on: dt.date,
    actor: Any = None,
    published_on: dt.date | None = None,
) -> Notice:
    """Publish a notice starting `on`, as if published on `published_on` (by default that day:
    a notice in the past is one published then)."""
    notice = services.notice_save(
        notice=Notice(case=case, community=case.residence_community, starts_on=on), actor=actor
    )
    day = published_on or on
    now = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    return services.notice_publish(notice=notice, actor=actor, now=now)


def record_steps(
    case: DevelopmentCase, until: int, start: dt.date | None = None, actor: Any = None
) -> DevelopmentCase:
    """Record the case's steps up to `until`, from an application `start` (by default 3 years
    ago), with the votes and the notice the steps need."""
    start = start or months_after(timezone.localdate(), -36)
    for number in range(case.last_step + 1, until + 1):
        on = step_date(start, number)
        if number in rules.VOTE_STEPS:
            vote(case, number, on, actor=actor)  # records the step
            continue
        if number == rules.APPROVAL and not case.notices.published().exists():
            publish_notice(case, step_date(start, rules.ACCEPTANCE_MEETING), actor=actor)
        if number == rules.REVIEW:
            political_review(case, on, voters(case.branch, 2), actor=actor)
        extra: dict[str, Any] = {}
        if number in (rules.CULTIVATORS, rules.INTRODUCERS, rules.REVIEW):
            extra["people"] = "、".join(m.name for m in voters(case.branch, 2))
        elif number == rules.TRAINING:
            extra["training_days"] = 3
        step = DevelopmentStep(case=case, number=number, date=on, **extra)
        services.development_step_record(step=step, actor=actor)
    case.refresh_from_db()
    return case


def political_review(
    case: DevelopmentCase, on: dt.date, members: list[Any], outside: int = 0, actor: Any = None
) -> PoliticalReview:
    """A 合格 政审 on `on` by `members` (and `outside` members of another organization)."""
    review = services.political_review_save(
        review=PoliticalReview(
            case=case, reviewed_on=on, conclusion=rules.ReviewConclusion.PASSED,
            findings="本人及直系亲属政治历史清白。",
        ),
        actor=actor,
    )  # fmt: skip
    for member in members:
        services.political_reviewer_save(
            reviewer=PoliticalReviewer(review=review, member=member), actor=actor
        )
    for index in range(outside):
        services.political_reviewer_save(
            reviewer=PoliticalReviewer(
                review=review,
                outside_name=f"外单位党员{index}",
                outside_organization="区教育局机关党委",
            ),
            actor=actor,
        )
    return review
