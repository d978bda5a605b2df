"""The demo's daily-work registers (issue 24 points 4 and 5), a year of each with realistic gaps:

- 无职党员设岗定责: six members without office in each community hold posts since last year, each
  reviewed for last year, but one (its review is still owed: a 工作台 to-do); one was graded
  未履职 (a single year's grade proves six months and more, so it shows in the 处置提示);
- 党员联系户: two households for three members of each community, visited about monthly, one not
  visited for the last two months (a to-do);
- 五必谈五必访: a few talks and visits on the seeds' occasions;
- 实事: each community's 驻区单位 pledged since last year, one pledged this June; two 实事 each
  this year but one unit with a single one (short at year end); most registered in-service members
  one or two, some none (short).

Deterministic (a fixed seed, dates counted back from today) and idempotent: a community that has
posts already is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from kit.services import model_save
from organizations.models import Organization, Unit
from organizations.rules import COMMUNITY_KINDS, OrganizationKind

from .models import (
    DutyPost,
    DutyReview,
    Household,
    Member,
    MemberDeed,
    Registration,
    UnitDeed,
    UnitPledge,
    Visit,
)
from .rules import DEFAULT_DUTY_POSTS, DutyGrade, VisitKind
from .selectors.work import office_held

SEED = 2424
POSTS_PER_COMMUNITY = 6
HOUSEHOLD_KEEPERS = 3
UNIT_DEEDS = ("捐赠社区图书角书籍", "组织职工到社区义诊", "开放单位停车场供居民夜间停车",
              "资助困难家庭学生", "为社区修缮健身器材", "开展法律进社区宣讲")  # fmt: skip
MEMBER_DEEDS = ("为老旧楼道更换声控灯", "为独居老人上门理发", "为居民义务维修家电",
                "为社区儿童辅导功课", "协调解决小区积水问题")  # fmt: skip
VISIT_NOTES: dict[str, str] = {
    VisitKind.ROUTINE: "了解生活、身体情况，送去政策学习材料，听取对社区工作的意见。",
    VisitKind.TALK_MOOD: "就其对小区停车改造的意见谈心，讲明政策，情绪已平复。",
    VisitKind.VISIT_ILLNESS: "家属住院，上门慰问，协调邻居帮助照看老人。",
}
SITUATIONS = ("离退休老党员，行动不便", "因病致困，家中两位老人", "独居老人，子女在外地",
              "残疾党员户，需定期送学上门")  # fmt: skip


def build() -> list[Any]:
    actor = get_user_model().objects.get(username="admin")
    today = timezone.localdate()
    communities = Organization.objects.filter(kind__in=COMMUNITY_KINDS, code__startswith="CN-")
    for community in communities.order_by("code"):
        branches = community.children.filter(kind=OrganizationKind.BRANCH)
        members = list(
            Member.objects.current()
            .filter(branch__in=branches, joined_on__lt=dt.date(today.year - 1, 1, 1))
            .order_by("pk")
        )
        if not members or DutyPost.objects.filter(member__in=members).exists():
            continue
        rng = random.Random(f"{SEED}-{community.code}")  # noqa: S311 (demo data)
        _posts(rng, community, members, actor, today)
        _households(rng, members, actor, today)
        _units(rng, community, actor, today)
        _member_deeds(rng, community, actor, today)
    return []


def _posts(
    rng: random.Random, community: Organization, members: list[Member], actor: Any, today: dt.date
) -> None:
    last_year = today.year - 1
    chosen = [m for m in members if office_held(m, dt.date(last_year, 1, 1)) is None]
    for index, member in enumerate(chosen[:POSTS_PER_COMMUNITY]):
        title = DEFAULT_DUTY_POSTS[index % len(DEFAULT_DUTY_POSTS)]
        post = model_save(
            DutyPost(
                member=member,
                title=title,
                duties=f"{title.removesuffix('岗')}：每月不少于两次上岗服务，及时向党组织报告情况。",
                starts_on=dt.date(last_year, 1 + index, 10),
                certificate_number=f"{community.code}-SG-{last_year}-{index + 1:02d}",
            ),
            actor=actor,
        )
        if index == POSTS_PER_COMMUNITY - 1:
            continue  # its review of last year is still owed
        grade = DutyGrade.NOT_PERFORMED if index == 0 else rng.choice(
            (DutyGrade.EXCELLENT, DutyGrade.COMPETENT, DutyGrade.COMPETENT,
             DutyGrade.BASICALLY_COMPETENT)
        )  # fmt: skip
        comment = "全年未到岗履职，经提醒仍未改正。" if grade == DutyGrade.NOT_PERFORMED else (
            "按时上岗，群众反映良好。"
        )  # fmt: skip
        model_save(
            DutyReview(
                post=post,
                year=last_year,
                reviewed_on=dt.date(today.year, 1, 20),
                grade=grade,
                comment=comment,
            ),
            actor=actor,
        )


def _households(rng: random.Random, members: list[Member], actor: Any, today: dt.date) -> None:
    keepers = members[-HOUSEHOLD_KEEPERS:]
    since = today - dt.timedelta(days=365)
    for k, keeper in enumerate(keepers):
        for h in range(2):
            contacted = members[(k * 2 + h) % len(members)]
            household = model_save(
                Household(
                    member=keeper,
                    head_name=contacted.name if h == 0 else f"{keeper.name[0]}家邻居",
                    address=f"{rng.choice(('幸福', '和平', '春晖'))}小区{rng.randint(1, 12)}栋"
                    f"{rng.randint(1, 4)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室",
                    phone=f"139{rng.randint(10000000, 99999999)}",
                    contacted_member=contacted if h == 0 else None,
                    situation=rng.choice(SITUATIONS),
                    starts_on=since,
                ),
                actor=actor,
            )
            stop = today - dt.timedelta(days=65) if (k, h) == (0, 1) else today
            day = since + dt.timedelta(days=rng.randint(3, 20))
            while day <= stop:
                _visit(keeper, household, None, VisitKind.ROUTINE, day, actor)
                day += dt.timedelta(days=rng.randint(24, 33))
        talk = rng.choice([m for m in members if m.pk != keeper.pk])
        _visit(keeper, None, talk, VisitKind.TALK_MOOD, today - dt.timedelta(days=40), actor)
    first = keepers[0].households.order_by("pk").first()
    _visit(keepers[0], first, None, VisitKind.VISIT_ILLNESS, today - dt.timedelta(days=12), actor)


def _visit(
    visitor: Member,
    household: Household | None,
    member: Member | None,
    kind: str,
    day: dt.date,
    actor: Any,
) -> None:
    visit = Visit(
        visited_on=day, visitor=visitor, household=household, member=member, kind=kind,
        notes=VISIT_NOTES[kind],
    )  # fmt: skip
    model_save(visit, actor=actor)


def _units(rng: random.Random, community: Organization, actor: Any, today: dt.date) -> None:
    units = list(Unit.objects.filter(community=community).order_by("name"))
    for index, unit in enumerate(units):
        mid_year = index == len(units) - 1 and len(units) > 1
        starts_on = dt.date(today.year, 6, 15) if mid_year else dt.date(today.year - 1, 1, 1)
        model_save(
            UnitPledge(
                community=community,
                unit=unit,
                starts_on=starts_on,
                note=f"{unit.name}与社区签订共驻共建协议",
            ),
            actor=actor,
        )
        years = [today.year] if mid_year else [today.year - 1, today.year]
        for year in years:
            count = 1 if (index == 0 and year == today.year) else 2
            for n in range(count):
                end = today if year == today.year else dt.date(year, 12, 31)
                day = max(dt.date(year, 1, 1), starts_on, end - dt.timedelta(days=300 - 120 * n))
                model_save(
                    UnitDeed(
                        community=community,
                        unit=unit,
                        done_on=day,
                        title=rng.choice(UNIT_DEEDS),
                        content=f"{unit.name}党组织牵头组织实施。",
                        beneficiaries="社区居民",
                    ),
                    actor=actor,
                )


def _member_deeds(rng: random.Random, community: Organization, actor: Any, today: dt.date) -> None:
    registrations = (
        Registration.objects.filter(community=community, ended_on__isnull=True)
        .select_related("member")
        .order_by("pk")
    )
    for registration in registrations:
        if rng.random() < 0.2:
            continue  # none this year: short of the minimum
        for _ in range(rng.choice((1, 1, 2))):
            first = max(dt.date(today.year, 1, 1), registration.registered_on)
            span = max((today - first).days, 0)
            model_save(
                MemberDeed(
                    member=registration.member,
                    community=community,
                    done_on=first + dt.timedelta(days=rng.randint(0, span)),
                    title=rng.choice(MEMBER_DEEDS),
                    beneficiaries=rng.choice(("独居老人", "本楼栋居民", "困难家庭", "社区儿童")),
                ),
                actor=actor,
            )
