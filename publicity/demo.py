"""Demo data of the publicity app (`python manage.py demo`, its AppConfig's demo_builders).

A dozen development cases at every stage (most in 春晖社区第一党支部, the branch officer's), with
their registers (publicity/demo_registers.py: 政审, 考察写实人, a year of 思想汇报 and 培养考察), two
notices running (one with an opinion being checked), one case deferred after a proven opinion, one
waiting for the higher committee's approval, members made probationary and full by their cases;
党务公开 items on every community's board (one expired and one draft, which the public site hides).
The 监督台 is the members demo's registrations and posts.

Deterministic (dates counted back from today) and idempotent: a case that exists (by citizen ID)
is left alone with everything made for it; a board item is found by its community and title.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.models import Member
from members.rules import Education, Gender, citizen_id_check_character, months_after
from organizations.models import Organization

from . import demo_registers, rules, services
from .models import BoardItem, BranchVote, DevelopmentCase, DevelopmentStep, Notice, Opinion

# Months after the application at which each step is recorded (every limit met).
SCHEDULE = {1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 1, 7: 13, 8: 13, 9: 13, 10: 13, 11: 14, 12: 15,
            13: 15, 14: 15, 15: 16, 16: 16, 17: 17, 18: 17, 19: 17, 20: 17, 21: 17, 22: 26,
            23: 28, 24: 29, 25: 29}  # fmt: skip


@dataclass(frozen=True)
class DemoCase:
    name: str
    gender: str
    born: tuple[int, int, int]
    branch: str
    last: int  # the last step recorded
    days_ago: int  # how long ago that step was
    position: str
    work_unit: str
    opinion: str = ""  # "", "checking", "proven", "unfounded"
    # The registers in the system from this many days ago (a case taken over from paper); by
    # default from the application: the secretary entered the case's whole history.
    registers_days: int | None = None


CASES = (
    DemoCase("林晓雨", Gender.FEMALE, (2001, 4, 12), "CN-CH-ZB1", 1, 5, "社区网格员", "春晖社区居委会"),
    DemoCase("周子豪", Gender.MALE, (1998, 9, 3), "CN-CH-ZB1", 2, 20, "职员", "城南供电所"),
    DemoCase("陈思远", Gender.MALE, (1996, 1, 20), "CN-CH-ZB1", 6, 150, "教师", "城南实验小学"),
    DemoCase("王雅婷", Gender.FEMALE, (1997, 6, 8), "CN-CH-ZB1", 6, 400, "护士", "区人民医院",
             registers_days=200),
    DemoCase("刘浩然", Gender.MALE, (1995, 11, 30), "CN-CH-ZB1", 11, 30, "社工", "春晖社区居委会"),
    DemoCase("赵欣怡", Gender.FEMALE, (1999, 2, 14), "CN-CH-ZB1", 14, 10, "会计", "农商银行城南支行"),
    DemoCase("孙建国", Gender.MALE, (1993, 7, 1), "CN-CH-ZB1", 16, 3, "志愿者队长", "春晖社区居委会"),
    DemoCase("吴佳琪", Gender.FEMALE, (1994, 3, 22), "CN-CH-ZB1", 16, 2, "医生", "区人民医院",
             opinion="checking"),
    DemoCase("郑伟", Gender.MALE, (1992, 10, 5), "CN-CH-ZB1", 16, 25, "个体经营者", "春晖路商铺",
             opinion="proven"),
    DemoCase("黄梦琪", Gender.FEMALE, (1996, 8, 18), "CN-CH-ZB1", 21, 90, "教师", "城南实验小学"),
    DemoCase("马俊杰", Gender.MALE, (1995, 5, 9), "CN-CH-ZB1", 22, 40, "民警", "城南派出所"),
    DemoCase("何静", Gender.FEMALE, (1994, 12, 1), "CN-CH-ZB1", 25, 60, "社区干部", "春晖社区居委会"),
    DemoCase("高志明", Gender.MALE, (2000, 3, 3), "CN-JX-ZB2", 3, 60, "快递员", "锦绣街快递站"),
    DemoCase("徐丽华", Gender.FEMALE, (1993, 9, 9), "CN-HP-ZB1", 16, 40, "物业主管", "安居物业",
             opinion="unfounded"),
)  # fmt: skip

BOARD_ITEMS = (
    ("社区党组织2026年度工作计划", "围绕基层党建、社区治理、为民服务三个方面，全年开展主题党日12次、党课4次……", 60, None, True),
    ("本季度主题党日活动安排", "每月第一个星期六上午9:00在社区党群服务中心开展主题党日活动，欢迎党员和居民参加。", 20, 70, True),
    ("党员志愿服务队招募", "社区党员志愿服务队面向在职党员招募楼院环境整治、政策宣传志愿者。", 10, 50, True),
    ("上年度社区党建经费使用情况", "已于期满后撤下的公开事项：公开期已结束，不再在公开栏显示。", 200, 30, True),
    ("（草稿）下季度党员发展计划", "尚未发布，居民看不到。", 0, None, False),
)  # fmt: skip


def _citizen_id(born: dt.date, gender: str, serial: int) -> str:
    sequence = serial * 2 + (1 if gender == Gender.MALE else 0)
    first17 = f"330108{born:%Y%m%d}{sequence:03d}"
    return first17 + citizen_id_check_character(first17)


def build() -> list[Any]:
    """Create what is missing of this app's demo data; the members demo must have run first.
    It adds no login (the demo command prints the logins the builders return)."""
    today = timezone.localdate()
    actor = get_user_model().objects.get(username="admin")
    planned: list[tuple[dt.date, int, int, DevelopmentCase]] = []
    opinions = []
    for serial, spec in enumerate(CASES, start=1):
        if (case := _case(spec, serial, today, actor)) is not None:
            planned += [(on, serial, number, case) for number, on in _dates(spec, today)]
            opinions.append((case, spec.opinion))
    # Every case's steps in the order of their dates: a vote counts the members full on its day,
    # members a case made included.
    for on, _, number, case in sorted(planned, key=lambda p: p[:3]):
        _step(case, number, on, actor)
    for case, outcome in opinions:
        if outcome:
            _opinion(case, outcome, actor)
    ids = [_citizen_id(dt.date(*s.born), s.gender, n) for n, s in enumerate(CASES, start=1)]
    demo_registers.build(list(DevelopmentCase.objects.filter(citizen_id__in=ids)), actor)
    _board_items(today, actor)
    _quarterly_items(today, actor)
    return []


def _dates(spec: DemoCase, today: dt.date) -> list[tuple[int, dt.date]]:
    last_on = today - dt.timedelta(days=spec.days_ago)
    start = months_after(last_on, -SCHEDULE[spec.last])
    return [(number, _on(start, number, spec, last_on)) for number in range(1, spec.last + 1)]


def _registers_from(spec: DemoCase, today: dt.date) -> dt.date:
    if spec.registers_days is not None:
        return today - dt.timedelta(days=spec.registers_days)
    return _dates(spec, today)[0][1]


def _case(spec: DemoCase, serial: int, today: dt.date, actor: Any) -> DevelopmentCase | None:
    born = dt.date(*spec.born)
    citizen_id = _citizen_id(born, spec.gender, serial)
    branch = Organization.objects.filter(code=spec.branch).first()
    if branch is None or DevelopmentCase.objects.filter(citizen_id=citizen_id).exists():
        return None
    case = services.development_case_save(
        case=DevelopmentCase(
            name=spec.name, gender=spec.gender, birth_date=born, citizen_id=citizen_id,
            registers_from=_registers_from(spec, today),
            education=Education.BACHELOR if serial % 3 else Education.COLLEGE,
            position=spec.position, work_unit=spec.work_unit, phone=f"1380571{serial:04d}",
            address=f"城南街道示范小区{serial}幢", branch=branch,
            residence_community=branch.parent,
            assessment="该同志入党动机端正，学习认真，工作积极，在社区志愿服务中表现突出，群众评价好。",
        ),
        actor=actor,
    )  # fmt: skip
    return case


def _on(start: dt.date, number: int, spec: DemoCase, last_on: dt.date) -> dt.date:
    if number == spec.last:
        return last_on
    day = months_after(start, SCHEDULE[number])
    return day + dt.timedelta(days=7) if number == rules.TALK else min(day, last_on)


def _step(case: DevelopmentCase, number: int, on: dt.date, actor: Any) -> None:
    if number in rules.VOTE_STEPS:  # the vote records the meeting's step
        _vote(case, number, on, actor)
        return
    if number == rules.ACCEPTANCE_MEETING + 1:
        _notice(case, on + dt.timedelta(days=1), actor)
    if number == rules.REVIEW:
        demo_registers.review(case, on, actor)
    extra: dict[str, Any] = {}
    if number in rules.MEMBER_PEOPLE_STEPS:  # 正式党员 of the branch on the step's date
        full = Member.objects.full_on(on).filter(branch=case.branch).order_by("joined_on", "pk")
        extra["people"] = "、".join(m.name for m in full[: 1 if number == rules.ASSESSMENT else 2])
    elif number == rules.TRAINING:
        extra = {"training_days": 3, "training_hours": 24, "people": "街道党校"}
    elif number == rules.TALK:
        extra["people"] = "支部组织委员"
    step = DevelopmentStep(case=case, number=number, date=on, note="演示数据", **extra)
    services.development_step_record(step=step, actor=actor)


def _vote(case: DevelopmentCase, number: int, on: dt.date, actor: Any) -> None:
    """Every full member of the branch on the day is entitled (none left out); all but one come
    (the last has leave), and all but one of those present vote yes: more than half of those
    entitled."""
    entitled = list(Member.objects.full_on(on).filter(branch=case.branch).order_by("pk"))
    attended = entitled[:-1] if len(entitled) >= 3 else entitled
    yes = len(attended) - 1 if len(attended) >= 4 else len(attended)
    vote = BranchVote(
        case=case, step=number, held_on=on, yes=yes, abstain=len(attended) - yes,
        written_opinions="",
    )  # fmt: skip
    services.branch_vote_save(vote=vote, actor=actor, attended=attended)


def _notice(case: DevelopmentCase, on: dt.date, actor: Any) -> None:
    notice = services.notice_save(
        notice=Notice(
            case=case, community=case.residence_community, starts_on=on,
            contact="社区党群服务中心一楼意见箱，电话0571-8800 1234",
        ),
        actor=actor,
    )  # fmt: skip
    published = timezone.make_aware(dt.datetime.combine(on - dt.timedelta(days=1), dt.time(16)))
    services.notice_publish(notice=notice, actor=actor, now=min(published, timezone.now()))


def _opinion(case: DevelopmentCase, outcome: str, actor: Any) -> None:
    notice = case.notices.get()
    opinion = services.opinion_save(
        opinion=Opinion(
            notice=notice, source=Opinion.Source.WEB, sender_name="一位居民",
            received_at=timezone.make_aware(dt.datetime.combine(notice.starts_on, dt.time(19, 30))),
            text="听说该同志在小区里私搭乱建，占用公共通道，请组织上核实。",
            status="checking", checker="支部纪检委员 赵卫东" if outcome == "checking" else "",
        ),
        actor=actor,
    )  # fmt: skip
    if outcome in ("proven", "unfounded"):
        finding = (
            "经现场查看并走访邻居，反映属实，本人尚未整改。"
            if outcome == "proven"
            else "经现场查看和走访，所反映的搭建系物业统一设置，与本人无关，反映不属实。"
        )
        services.opinion_close(
            opinion=opinion, proven=outcome == "proven", finding=finding,
            checker="支部纪检委员 赵卫东", actor=actor,
        )  # fmt: skip


# 和平社区, this year's 示范小区 applicant (members/demo_showcase.py), also opens each quarter's
# 党务公开 (党费收缴, 发展党员, 党建经费), on the 15th of the quarter's first month.
QUARTERLY_COMMUNITY = "CN-HP"


def _quarterly_items(today: dt.date, actor: Any) -> None:
    community = Organization.objects.get(code=QUARTERLY_COMMUNITY)
    for quarter in range(1, 5):
        publish_on = dt.date(today.year, 3 * quarter - 2, 15)
        title = f"{today.year}年第{quarter}季度党务公开"
        if (
            publish_on > today
            or BoardItem.objects.filter(community=community, title=title).exists()
        ):
            continue
        item = BoardItem(
            community=community, title=title, publish_on=publish_on,
            body="本季度党费收缴情况、发展党员工作进展和党建经费使用情况。",
            end_on=publish_on + dt.timedelta(days=30), published=True,
        )  # fmt: skip
        services.board_item_save(item=item, actor=actor)


def _board_items(today: dt.date, actor: Any) -> None:
    communities = Organization.objects.communities().filter(code__startswith="CN-").order_by("code")
    for community in communities:
        for title, body, days_ago, lasts, published in BOARD_ITEMS:
            if BoardItem.objects.filter(community=community, title=title).exists():
                continue
            publish_on = today - dt.timedelta(days=days_ago)
            item = BoardItem(
                community=community, title=title, body=body, publish_on=publish_on,
                end_on=publish_on + dt.timedelta(days=lasts) if lasts else None,
                published=published,
            )  # fmt: skip
            services.board_item_save(item=item, actor=actor)
