"""The generated district's registers of daily party work and floating members (issues 23 and 24;
kit/district.py), in the proportions of the demo (members/demo_work.py, demo_floating.py,
demo_showcase.py), in bulk:

- 小区: three per community, the community's own members living in them (`Member.compound`);
- 无职党员设岗定责: six posts a community since last year, reviewed for last year but one (owed),
  one graded 未履职;
- 党员联系户: three keepers a community with two households each, visited about monthly (one not
  for two months), and a 五必谈 talk each;
- 实事: every unit pledged since last year with two 实事 a year (the first unit one this year);
  registered in-service members one or two a year, about one in six none;
- 民主评议 of last year for every member who joined before it, a few 不合格 with their handling
  (限期改正: corrected, running, or none opened yet);
- 临时党小组 of three outflowing members away together, with reports home; one 出国出境 stop of
  standing a community, every fourth restored.

Idempotent: a district whose posts exist is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from kit.district import District, bulk_insert
from organizations.models import Compound, Organization, Unit
from organizations.rules import OrganizationKind as K

from .demo_work import MEMBER_DEEDS, SITUATIONS, UNIT_DEEDS, VISIT_NOTES
from .models import (
    DutyPost,
    DutyReview,
    FloatingRecord,
    Household,
    Member,
    MemberDeed,
    Registration,
    Review,
    ReviewHandling,
    StandingSuspension,
    TemporaryGroup,
    TemporaryGroupReport,
    UnitDeed,
    UnitPledge,
    Visit,
)
from .rules import (
    DEFAULT_DUTY_POSTS,
    DutyGrade,
    FloatingDirection,
    HandlingMeasure,
    HandlingOutcome,
    ReviewGrade,
    SuspensionReason,
    VisitKind,
)

POSTS_PER_COMMUNITY = 6
HOUSEHOLD_KEEPERS = 3
COMPOUNDS_PER_COMMUNITY = 3
COMPOUND_NAMES = ("幸福", "和平", "春晖", "阳光", "锦绣", "翠苑")
NO_DEED_SHARE = 0.15  # registered in-service members with no 实事 in a year
UNQUALIFIED_EVERY = 300  # one review in this many is 不合格 (the demo: three in its ~1,000)
GROUP_EVERY = 10  # a 临时党小组 for every tenth community
EXCELLENT_EVERY = 4  # 优秀: one in four of a branch (at most a third, members.rules)
GRADES = ((0.97, ReviewGrade.QUALIFIED), (1.00, ReviewGrade.BASICALLY_QUALIFIED))


def generate(district: District) -> None:
    prefix = f"{district.code}-"
    if DutyPost.objects.filter(member__branch__code__startswith=prefix).exists():
        district.say(f"日常工作登记：{district.code} 已生成，跳过")
        return
    rng = district.rng("daily-work")
    today = timezone.localdate()
    communities = list(
        Organization.objects.filter(code__startswith=prefix, kind=K.COMMUNITY_COMMITTEE)
        .filter(parent__code=district.code)
        .order_by("code")
    )
    residents = _residents(prefix, today)
    _compounds(district, rng, communities, residents)
    _posts(district, rng, communities, residents, today)
    _households(district, rng, communities, residents, today)
    _unit_deeds(district, rng, prefix, today)
    _member_deeds(district, rng, prefix, today)
    _reviews(district, rng, prefix, today)
    _floating(district, communities, residents, today)


def _residents(prefix: str, today: dt.date) -> dict[int, list[tuple[int, str, int]]]:
    """The community branches' members who joined before last year, by community: (id, name,
    branch id)."""
    rows = (
        Member.objects.filter(branch__code__startswith=prefix, branch__kind=K.BRANCH)
        .filter(joined_on__lt=dt.date(today.year - 1, 1, 1))
        .order_by("pk")
        .values_list("pk", "name", "branch_id", "branch__parent_id")
    )
    found: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for pk, name, branch_id, community_id in rows:
        found[community_id].append((pk, name, branch_id))
    return found


def _compounds(
    district: District, rng: random.Random, communities: list[Organization], residents: Any
) -> None:
    rows = [
        Compound(community=c, name=f"{c.name.removesuffix('党委')}{name}小区",
                 address=f"{name}路{rng.randint(1, 300)}号", households=rng.randint(300, 1500))
        for c in communities
        for name in COMPOUND_NAMES[:COMPOUNDS_PER_COMMUNITY]
    ]  # fmt: skip
    bulk_insert(district, "小区", Compound, rows, len(rows))
    by_community: dict[int, list[int]] = defaultdict(list)
    for pk, community_id in Compound.objects.filter(community__in=communities).values_list(
        "pk", "community_id"
    ):
        by_community[community_id].append(pk)
    for community_id, compounds in by_community.items():  # one UPDATE a compound
        people = [pk for pk, *_ in residents.get(community_id, ())]
        for index, compound in enumerate(compounds):
            chosen = people[index :: len(compounds)]
            Member.objects.filter(pk__in=chosen).update(compound_id=compound)


def _posts(
    district: District, rng: random.Random, communities: list[Organization], residents: Any,
    today: dt.date,
) -> None:  # fmt: skip
    last_year = today.year - 1
    posts = []
    for community in communities:
        for index, (pk, *_) in enumerate(residents.get(community.pk, [])[:POSTS_PER_COMMUNITY]):
            title = DEFAULT_DUTY_POSTS[index % len(DEFAULT_DUTY_POSTS)]
            posts.append(DutyPost(
                member_id=pk, title=title, starts_on=dt.date(last_year, 1 + index, 10),
                duties=f"{title.removesuffix('岗')}：每月不少于两次上岗服务，及时向党组织报告情况。",
                certificate_number=f"{community.code}-SG-{last_year}-{index + 1:02d}",
            ))  # fmt: skip
    bulk_insert(district, "设岗定责", DutyPost, posts, len(posts))
    reviews = []
    for index, post in enumerate(posts):
        place = index % POSTS_PER_COMMUNITY
        if place == POSTS_PER_COMMUNITY - 1:
            continue  # its review of last year is still owed
        grade = DutyGrade.NOT_PERFORMED if place == 0 else rng.choice(
            (DutyGrade.EXCELLENT, DutyGrade.COMPETENT, DutyGrade.COMPETENT,
             DutyGrade.BASICALLY_COMPETENT))  # fmt: skip
        reviews.append(DutyReview(
            post_id=post.pk, year=last_year, reviewed_on=min(today, dt.date(today.year, 1, 20)),
            grade=grade, comment="全年未到岗履职，经提醒仍未改正。"
            if grade == DutyGrade.NOT_PERFORMED else "按时上岗，群众反映良好。",
        ))  # fmt: skip
    bulk_insert(district, "岗位考核", DutyReview, reviews, len(reviews))


def _households(
    district: District, rng: random.Random, communities: list[Organization], residents: Any,
    today: dt.date,
) -> None:  # fmt: skip
    since = today - dt.timedelta(days=365)
    households, talks = [], []
    for community in communities:
        people = residents.get(community.pk, [])
        if len(people) < 2 * HOUSEHOLD_KEEPERS:
            continue
        for k, (keeper, name, _) in enumerate(people[-HOUSEHOLD_KEEPERS:]):
            for h in range(2):
                contacted, contacted_name, _ = people[(k * 2 + h) % len(people)]
                households.append(Household(
                    member_id=keeper, head_name=contacted_name if h == 0 else f"{name[0]}家邻居",
                    address=f"{rng.choice(COMPOUND_NAMES)}小区{rng.randint(1, 12)}栋"
                    f"{rng.randint(1, 4)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室",
                    phone=f"139{rng.randint(10000000, 99999999)}",
                    contacted_member_id=contacted if h == 0 else None,
                    situation=rng.choice(SITUATIONS), starts_on=since,
                ))  # fmt: skip
            talk = people[k][0]
            talks.append(Visit(visited_on=today - dt.timedelta(days=40), visitor_id=keeper,
                               member_id=talk, kind=VisitKind.TALK_MOOD,
                               notes=VISIT_NOTES[VisitKind.TALK_MOOD]))  # fmt: skip
    bulk_insert(district, "党员联系户", Household, households, len(households))
    visits = [*talks, *_routine_visits(rng, households, since, today)]
    bulk_insert(district, "谈心走访", Visit, visits, len(visits))


def _routine_visits(
    rng: random.Random, households: list[Household], since: dt.date, today: dt.date
) -> Iterator[Visit]:
    for index, household in enumerate(households):
        # The second household of each community's first keeper: not visited for two months.
        stop = today - dt.timedelta(days=65) if index % (2 * HOUSEHOLD_KEEPERS) == 1 else today
        day = since + dt.timedelta(days=rng.randint(3, 20))
        while day <= stop:
            yield Visit(visited_on=day, visitor_id=household.member_id, household_id=household.pk,
                        kind=VisitKind.ROUTINE, notes=VISIT_NOTES[VisitKind.ROUTINE])  # fmt: skip
            day += dt.timedelta(days=rng.randint(24, 33))


def _unit_deeds(district: District, rng: random.Random, prefix: str, today: dt.date) -> None:
    units = list(
        Unit.objects.filter(party_organization__code__startswith=prefix)
        .order_by("community_id", "name")
        .values_list("pk", "community_id", "name")
    )
    since = dt.date(today.year - 1, 1, 1)
    pledges = [UnitPledge(community_id=c, unit_id=u, starts_on=since,
                          note=f"{name}与社区签订共驻共建协议") for u, c, name in units]  # fmt: skip
    bulk_insert(district, "共驻共建单位", UnitPledge, pledges, len(pledges))
    first = {c: u for u, c, _ in reversed(units)}  # each community's first unit
    deeds = []
    for unit, community, name in units:
        for year in (today.year - 1, today.year):
            end = min(today, dt.date(year, 12, 31))
            for n in range(1 if (year == today.year and first[community] == unit) else 2):
                deeds.append(UnitDeed(
                    community_id=community, unit_id=unit, title=rng.choice(UNIT_DEEDS),
                    done_on=max(dt.date(year, 1, 1), end - dt.timedelta(days=300 - 120 * n)),
                    content=f"{name}党组织牵头组织实施。", beneficiaries="社区居民",
                ))  # fmt: skip
    bulk_insert(district, "驻区单位实事", UnitDeed, deeds, len(deeds))


def _member_deeds(district: District, rng: random.Random, prefix: str, today: dt.date) -> None:
    registrations = (
        Registration.objects.filter(member__branch__code__startswith=prefix, ended_on__isnull=True)
        .order_by("pk")
        .values_list("member_id", "community_id", "registered_on")
    )
    deeds = []
    for member, community, registered_on in registrations:
        for year in (today.year - 1, today.year):
            first = max(dt.date(year, 1, 1), registered_on)
            last = min(today, dt.date(year, 12, 31))
            if first > last or rng.random() < NO_DEED_SHARE:
                continue
            for _ in range(rng.choice((1, 1, 2))):
                day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
                deeds.append(MemberDeed(member_id=member, community_id=community, done_on=day,
                                        title=rng.choice(MEMBER_DEEDS),
                                        beneficiaries="小区居民"))  # fmt: skip
    bulk_insert(district, "在职党员实事", MemberDeed, deeds, len(deeds))


def _reviews(district: District, rng: random.Random, prefix: str, today: dt.date) -> None:
    """Last year's 民主评议 (unless the district has one) and the handling of its 不合格."""
    year = today.year - 1
    members = Member.objects.filter(
        branch__code__startswith=prefix, joined_on__lt=dt.date(year, 1, 1)
    )
    if Review.objects.filter(member__in=members, year=year).exists():
        return
    rows = members.order_by("pk").values_list("pk", "branch_id")
    reviews = []
    seen: dict[int, int] = defaultdict(int)  # each branch's reviews so far
    for index, (pk, branch) in enumerate(rows):
        seen[branch] += 1
        draw = rng.random()
        if index % UNQUALIFIED_EVERY == 7:
            grade = ReviewGrade.UNQUALIFIED
        elif seen[branch] % EXCELLENT_EVERY == 1:  # within a branch's third (rules' cap)
            grade = ReviewGrade.EXCELLENT
        else:
            grade = next(g for limit, g in GRADES if draw <= limit)
        reviews.append(Review(member_id=pk, branch_id=branch, year=year, grade=grade,
                              note="无正当理由多次不参加组织生活"
                              if grade == ReviewGrade.UNQUALIFIED else ""))  # fmt: skip
    bulk_insert(district, "民主评议", Review, reviews, len(reviews))
    unqualified = [r for r in reviews if r.grade == ReviewGrade.UNQUALIFIED]
    opened = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=120))
    handlings = []
    for index, review in enumerate(unqualified):
        if index % 3 == 2:
            continue  # no case opened yet: the 工作台 shows it
        corrected = index % 3 == 0
        deadline = opened + dt.timedelta(days=90) if corrected else today + dt.timedelta(days=30)
        handlings.append(ReviewHandling(
            review_id=review.pk, measure=HandlingMeasure.CORRECT, opened_on=opened,
            deadline=deadline, met_member_on=opened, approved_by="街道党工委", approved_on=opened,
            outcome=HandlingOutcome.CORRECTED if corrected else "",
            outcome_on=min(deadline, today) if corrected else None,
        ))  # fmt: skip
    bulk_insert(district, "不合格处置", ReviewHandling, handlings, len(handlings))


def _floating(
    district: District, communities: list[Organization], residents: Any, today: dt.date
) -> None:
    """A 临时党小组 of three (away together 300 days) for every tenth community; one stop of
    standing a community (every fourth restored two years on)."""
    since = today - dt.timedelta(days=300)
    groups: list[tuple[TemporaryGroup, list[int]]] = []
    records: list[FloatingRecord] = []
    suspensions: list[StandingSuspension] = []
    for index, community in enumerate(communities):
        people = [p for p, *_ in residents.get(community.pk, [])]
        branch_of = {p: b for p, _, b in residents.get(community.pk, [])}
        if len(people) < 8:
            continue
        taken = {*people[:POSTS_PER_COMMUNITY], *people[-HOUSEHOLD_KEEPERS:], people[-8]}
        branch = branch_of[people[-5]]  # three of one branch, none with another role here
        away = [p for p in people if branch_of[p] == branch and p not in taken][-3:]
        if index % GROUP_EVERY == 0 and len(away) == 3:
            records += [FloatingRecord(member_id=pk, direction=FloatingDirection.OUTFLOW,
                                       place="江苏省苏州市", has_fixed_place=False, since=since,
                                       last_contact_on=today - dt.timedelta(days=12),
                                       certificate_number=f"LD{since.year}{community.code[-3:]}{n}",
                                       certificate_expires_on=since + dt.timedelta(days=730))
                        for n, pk in enumerate(away)]  # fmt: skip
            group = TemporaryGroup(branch_id=branch_of[away[0]],
                                   name=f"{community.name}驻苏州临时党小组", place="江苏省苏州市",
                                   formed_on=since - dt.timedelta(days=3), leader_id=away[0],
                                   introduced_to="苏州工业园区流动党员党支部")  # fmt: skip
            groups.append((group, away))
        suspensions.append(_suspension(people[-8], index, today))
    bulk_insert(district, "流动党员", FloatingRecord, records, len(records))
    bulk_insert(district, "临时党小组", TemporaryGroup, [g for g, _ in groups], len(groups))
    _group_links(district, groups, records, today)
    bulk_insert(district, "出国出境", StandingSuspension, suspensions, len(suspensions))


def _suspension(member: int, index: int, today: dt.date) -> StandingSuspension:
    if index % 4 == 3:
        year = today.year - 2
        return StandingSuspension(
            member_id=member, reason=SuspensionReason.OVERSTAY, destination="新加坡",
            left_on=dt.date(year - 2, 1, 5), leave_ends_on=dt.date(year - 2, 7, 5),
            decided_on=dt.date(year, 1, 10), approved_by="区委组织部",
            approved_on=dt.date(year, 2, 1), returned_on=dt.date(year, 9, 1),
            restore_applied_on=dt.date(year, 9, 10), restored_on=dt.date(year, 11, 1),
            restore_approved_by="区委组织部", file_kept_by="区委组织部",
        )  # fmt: skip
    approved = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=60))
    return StandingSuspension(
        member_id=member, reason=SuspensionReason.SETTLED, destination="加拿大",
        left_on=approved - dt.timedelta(days=400), decided_on=approved - dt.timedelta(days=15),
        approved_by="区委组织部", approved_on=approved, file_kept_by="区委组织部",
    )  # fmt: skip


def _group_links(
    district: District, groups: list[tuple[TemporaryGroup, list[int]]],
    records: list[FloatingRecord], today: dt.date,
) -> None:  # fmt: skip
    """The groups' floating records, and a report home every two months or so."""
    record_of = {r.member_id: r.pk for r in records}
    links = [
        TemporaryGroup.records.through(temporarygroup_id=g.pk, floatingrecord_id=record_of[pk])
        for g, away in groups
        for pk in away
    ]
    bulk_insert(district, "小组成员", TemporaryGroup.records.through, links, len(links))
    reports = [
        TemporaryGroupReport(
            group_id=g.pk,
            reported_on=today - dt.timedelta(days=days),
            life_held_on=today - dt.timedelta(days=days + 5),
            content=f"第{n + 1}次汇报：集中学习党章和上级文件，成员工作和思想情况稳定。",
        )  # fmt: skip
        for g, _ in groups
        for n, days in enumerate((240, 180, 60, 15))
    ]
    bulk_insert(district, "小组汇报", TemporaryGroupReport, reports, len(reports))
    through = TemporaryGroupReport.attendees.through
    attendees = [through(temporarygroupreport_id=r.pk, member_id=pk)
                 for r, (_, away) in zip(reports, [x for x in groups for _ in range(4)], strict=True)
                 for pk in away]  # fmt: skip
    bulk_insert(district, "汇报出席", through, attendees, len(attendees))
