"""Demo members of 城南街道: about 300 members of every category, in-service members of the
eight demo units registered with the communities where they live, service posts claimed, a year of
activity records, floating members, transfers and last year's review.

It shows the member rules of issue 9: a member whose 转出 was received has left (已转出, out of
the roster); each campaign's 未报到 list holds only in-service members of the unit party
organizations (the communities' own branch members never register); last year's review of every
branch grades exactly its 优秀 quota, counted on 31 December.

Deterministic (a fixed random seed, dates counted back from today) and idempotent: a member that
already exists (by citizen ID) is left alone together with everything made for it.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kit.services import model_save
from organizations.models import Organization, Unit
from organizations.rules import COMMUNITY_KINDS, OrganizationKind

from .models import (
    ActivityKind,
    ActivityRecord,
    FloatingLifeEntry,
    FloatingRecord,
    Member,
    MemberCategory,
    MembershipTransfer,
    PostClaim,
    PostClaimStatus,
    PostKind,
    Registration,
    RegistrationCampaign,
    Review,
)
from .rules import (
    DEFAULT_POST_KINDS,
    Category,
    Education,
    FloatingDirection,
    Gender,
    MemberStatus,
    ReviewGrade,
    citizen_id_check_character,
    excellent_quota,
    review_year_end,
)
from .services.records import membership_transfer_receive

SEED = 2026
MEMBERS_PER_COMMUNITY = 75
MEMBERS_PER_UNIT = 10
REGIONS = ("330102", "330103", "330104", "330105", "330106")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文辉海燕春晓亮新宇佳欣浩然"
)
ACTIVITIES = (
    "楼院环境整治",
    "政策宣传进楼院",
    "敬老院志愿服务",
    "社区安全巡逻",
    "垃圾分类督导",
    "邻里矛盾调解",
    "关爱困难家庭走访",
    "文化广场演出",
)
STREETS = ("春晖路", "锦绣街", "和平巷", "城南大道", "文昌路")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _citizen_id(rng: random.Random, birth: dt.date, gender: str, serial: int) -> str:
    sequence = (serial % 499) * 2 + (1 if gender == Gender.MALE else 0)
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{sequence:03d}"
    return first17 + citizen_id_check_character(first17)


# Share of the community's own members in each main category, by cumulative threshold.
CATEGORY_MIX = (
    (0.45, Category.RETIRED),
    (0.65, Category.IN_SERVICE),
    (0.72, Category.UNEMPLOYED),
    (0.77, Category.STUDENT),
    (0.82, Category.FARMER),
    (0.90, Category.FLOATING),
    (1.00, Category.LOW_INCOME),
)


# A few members of the minorities living in Zhejiang (党内统计's 少数民族党员), by serial number
# (not drawn from the random sequence, which the rest of the demo follows).
MINORITIES = {3: "畲族", 11: "回族", 19: "满族"}
MINORITY_EVERY = 23


def _categories_for(rng: random.Random) -> list[str]:
    roll = rng.random()
    categories = [next(str(c) for limit, c in CATEGORY_MIX if roll < limit)]
    if Category.RETIRED in categories and rng.random() < 0.15:
        categories.append(Category.AGED_OR_ILL)
    return categories


def _member(
    rng: random.Random,
    serial: int,
    branch: Organization,
    community: Organization,
    categories: list[str],
    actor: Any,
    today: dt.date,
    unit: Unit | None,
) -> tuple[Member, bool]:
    retired = Category.RETIRED in categories
    student = Category.STUDENT in categories
    age = (
        rng.randint(62, 88) if retired else rng.randint(19, 23) if student else rng.randint(26, 58)
    )
    birth = dt.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    gender = rng.choice((Gender.MALE, Gender.FEMALE))
    citizen_id = _citizen_id(rng, birth, gender, serial)
    existing = Member.objects.filter(citizen_id=citizen_id).first()
    if existing:
        return existing, False
    joined = dt.date(
        birth.year + rng.randint(18 if student else 20, min(age, 40)), rng.randint(1, 12), 1
    )
    probationary = joined > today - dt.timedelta(days=365) or (student and rng.random() < 0.5)
    if probationary:
        joined = today - dt.timedelta(days=rng.randint(30, 300))
        joined = max(joined, dt.date(birth.year + 18, birth.month, birth.day))
    income = None
    if Category.IN_SERVICE in categories:
        income = Decimal(rng.choice((2800, 4200, 4800, 6500, 8200, 12000)))
    elif retired:
        income = Decimal(rng.choice((3200, 4600, 5200, 6800)))
    member = Member(
        name=_name(rng),
        gender=gender,
        ethnicity=MINORITIES.get(serial % MINORITY_EVERY, "汉族"),
        birth_date=birth,
        citizen_id=citizen_id,
        education=rng.choice(Education.values),
        phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        address=f"城南街道{rng.choice(STREETS)}{rng.randint(1, 120)}号{rng.randint(1, 6)}单元{rng.randint(101, 1802)}",
        status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
        joined_on=joined,
        full_member_on=None if probationary else dt.date(joined.year + 1, joined.month, 1),
        branch=branch,
        work_unit=unit.name
        if unit
        else ("" if retired else rng.choice(("个体经营", "城南商贸公司", "区建筑公司", ""))),
        residence_community=community,
        monthly_income=income,
    )
    model_save(member, actor=actor)
    member.categories.set(MemberCategory.objects.filter(code__in=categories))
    return member, True


def _campaign(community: Organization, actor: Any, today: dt.date) -> RegistrationCampaign:
    campaign = RegistrationCampaign.objects.filter(community=community).first()
    if campaign is None:
        campaign = model_save(
            RegistrationCampaign(
                community=community,
                name=f"{today.year}年在职党员到{community.name.removesuffix('党委').removesuffix('党总支')}报到",
                starts_on=dt.date(today.year, 1, 1),
                deadline=dt.date(today.year, 3, 31),
            ),
            actor=actor,
        )
    return campaign


def _dual(
    rng: random.Random,
    member: Member,
    unit: Unit,
    community: Organization,
    campaign: RegistrationCampaign,
    actor: Any,
    today: dt.date,
    posts: list[PostKind],
) -> None:
    """Register an in-service member and give them posts and a year of activity records."""
    if rng.random() < 0.12:
        return  # has not reported yet: shows in the campaign's "未报到" list
    registered = campaign.starts_on + dt.timedelta(days=rng.randint(0, 80))
    model_save(
        Registration(
            member=member,
            community=community,
            campaign=campaign,
            unit=unit,
            residence=member.address,
            speciality=rng.choice(("法律咨询", "医疗保健", "文艺特长", "电脑维修", "心理疏导", "")),
            service_offer=rng.choice(("周末志愿服务", "结对帮扶困难户", "政策宣讲", "楼道清洁")),
            registered_on=registered,
            receipt_returned_on=registered + dt.timedelta(days=7) if rng.random() < 0.8 else None,
        ),
        actor=actor,
    )
    if rng.random() < 0.55:
        kind = rng.choice(posts)
        status = PostClaimStatus.APPROVED if rng.random() < 0.8 else PostClaimStatus.PENDING
        model_save(
            PostClaim(
                member=member,
                community=community,
                kind=kind,
                status=status,
                commitment=f"认领{kind.name}，每月至少参加一次社区服务，接受居民监督。",
                claimed_on=registered,
                decided_on=registered + dt.timedelta(days=5)
                if status == PostClaimStatus.APPROVED
                else None,
                decided_by=actor if status == PostClaimStatus.APPROVED else None,
            ),
            actor=actor,
        )
    idle = rng.random() < 0.1  # nothing for more than half a year: the community contacts the unit
    records = []
    for _ in range(0 if idle else rng.randint(2, 9)):
        day = today - dt.timedelta(days=rng.randint(0, 360))
        activity = rng.choice(
            (
                ActivityKind.ACTIVITY,
                ActivityKind.ACTIVITY,
                ActivityKind.REPORT,
            )
        )
        title = "到社区报到" if activity == ActivityKind.REPORT else rng.choice(ACTIVITIES)
        records.append(
            ActivityRecord(
                member=member,
                community=community,
                kind=activity,
                date=day,
                title=title,
                hours=Decimal(rng.choice(("1.0", "2.0", "2.5", "3.0", "4.0"))),
            )
        )
    bulk_create_with_history(records, ActivityRecord, default_user=actor)


def _floating(rng: random.Random, member: Member, actor: Any, today: dt.date) -> None:
    since = today - dt.timedelta(days=rng.randint(40, 600))
    fixed = rng.random() < 0.5
    lost = rng.random() < 0.3
    record = model_save(
        FloatingRecord(
            member=member,
            direction=FloatingDirection.OUTFLOW,
            place=rng.choice(("浙江省宁波市", "广东省深圳市", "江苏省苏州市", "上海市")),
            has_fixed_place=fixed,
            since=since,
            contact=member.phone,
            certificate_number=f"LD{today.year}{member.pk:05d}",
            certificate_expires_on=since + dt.timedelta(days=730),
            last_contact_on=since
            if lost
            else max(since, today - dt.timedelta(days=rng.randint(5, 120))),
        ),
        actor=actor,
    )
    if not lost:
        _life_entries(record, actor, today)


def _life_entries(record: FloatingRecord, actor: Any, today: dt.date) -> None:
    """The 活动证's entries of a member in touch: organizational life where they are, every
    two months or so (its own stream, so the rest of the demo stays as it was)."""
    rng = random.Random(f"{SEED}-life-{record.member_id}")
    day = record.since + dt.timedelta(days=rng.randint(10, 40))
    while day <= today:
        entry = FloatingLifeEntry(
            floating_record=record,
            held_on=day,
            organization=f"{record.place}流动党员党支部",
            content=rng.choice(("主题党日", "党课", "支部党员大会")),
        )
        model_save(entry, actor=actor)
        day += dt.timedelta(days=rng.randint(45, 75))


def _reviews(actor: Any, year: int, rng: random.Random) -> None:
    """Last year's 民主评议 for every community branch, within the one-third 优秀 quota."""
    branches = Organization.objects.filter(kind=OrganizationKind.BRANCH).annotate(
        n=Count("members")
    )
    last_day = review_year_end(year)
    for branch in branches.filter(n__gt=0):
        if Review.objects.filter(branch=branch, year=year).exists():
            continue
        members = list(Member.objects.filter(branch=branch).on_roster(last_day).order_by("pk"))
        full = set(
            Member.objects.filter(branch=branch).full_on(last_day).values_list("pk", flat=True)
        )
        graded = [m for m in members if m.pk in full]
        excellent = set(rng.sample(graded, excellent_quota(len(graded)))) if graded else set()
        reviews = []
        for member in members:
            probationary = member not in graded
            grade = (
                ""
                if probationary
                else ReviewGrade.EXCELLENT
                if member in excellent
                else (
                    ReviewGrade.BASICALLY_QUALIFIED
                    if rng.random() < 0.05
                    else ReviewGrade.QUALIFIED
                )
            )
            reviews.append(
                Review(
                    member=member,
                    branch=branch,
                    year=year,
                    grade=grade,
                    was_probationary=probationary,
                )
            )
        bulk_create_with_history(reviews, Review, default_user=actor)


def _transfers(actor: Any, today: dt.date, members: list[Member]) -> None:
    """Four letters: the first 转出 is received, so that member has left (已转出); a 转入 is
    received; one of each is still open."""
    for index, member in enumerate(members[:4]):
        outgoing = index % 2 == 0
        issued = today - dt.timedelta(days=30 * (index + 1))
        transfer = model_save(
            MembershipTransfer(
                member=member,
                direction="out" if outgoing else "in",
                branch=member.branch,
                other_organization="杭州市西湖区北山街道党工委"
                if outgoing
                else "宁波市海曙区月湖街道党工委",
                letter_number=f"{today.year}-ZZ-{index + 1:03d}",
                issued_on=issued,
                valid_until=issued + dt.timedelta(days=90),
            ),
            actor=actor,
        )
        if index < 2:
            membership_transfer_receive(
                transfer=transfer, actor=actor, received_on=issued + dt.timedelta(days=10)
            )


def build() -> list[Any]:
    """Create what is missing of the demo members; the organizations demo must have run first."""
    today = timezone.localdate()
    actor = get_user_model().objects.get(username="admin")
    posts = list(PostKind.objects.filter(community__isnull=True, name__in=DEFAULT_POST_KINDS))
    communities = list(
        Organization.objects.filter(kind__in=COMMUNITY_KINDS, code__startswith="CN-").order_by(
            "code"
        )
    )
    serial, created_members = 0, []
    for community in communities:
        branches = list(community.children.filter(kind=OrganizationKind.BRANCH).order_by("code"))
        for _ in range(MEMBERS_PER_COMMUNITY):
            serial += 1
            rng = random.Random(f"{SEED}-{serial}")  # one stream per member: re-runs make the same
            categories = _categories_for(rng)
            member, created = _member(
                rng, serial, rng.choice(branches), community, categories, actor, today, None
            )
            if created:
                created_members.append(member)
                if Category.FLOATING in categories:
                    _floating(rng, member, actor, today)
    for unit in Unit.objects.select_related("party_organization", "community").order_by("name"):
        homes = [unit.community, *unit.linked_communities.all()]
        for _ in range(MEMBERS_PER_UNIT):
            serial += 1
            rng = random.Random(f"{SEED}-{serial}")
            community = rng.choice(homes)
            member, created = _member(
                rng,
                serial,
                unit.party_organization,  # type: ignore[arg-type]
                community,
                [Category.IN_SERVICE],
                actor,
                today,
                unit,
            )
            if created:
                _dual(
                    rng,
                    member,
                    unit,
                    community,
                    _campaign(community, actor, today),
                    actor,
                    today,
                    posts,
                )
    if created_members:
        _transfers(actor, today, [m for m in created_members if m.status == MemberStatus.FULL])
    _reviews(actor, today.year - 1, random.Random(SEED))
    _link_member_login()
    return []


def _link_member_login() -> None:
    """The demo login `dangyuan` is an in-service member held by 区人民医院党委 who registered with
    春晖社区: their own page (/portal/me/) then has a registration, posts, activities and cards."""
    user = get_user_model().objects.filter(username="dangyuan").first()
    member = (
        Member.objects.current()
        .filter(branch__code="U-RMYY", registrations__community__code="CN-CH")
        .order_by("pk")
        .first()
    )
    if user and member and member.user_id is None and not Member.objects.filter(user=user).exists():
        member.user = user
        model_save(member, actor=None, update_fields=["user"])
