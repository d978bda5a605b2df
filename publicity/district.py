"""The generated district's 发展党员 and 公示 (kit/district.py).

A few development cases per community, held by its branches, at stages spread over the 25 steps
(more of them at the notice step), each step recorded on the schedule of the demo (every time
limit met, checked here by publicity/rules.py before anything is written), the branch meeting's
votes of steps 15 and 23 with who was entitled and who came, and the member record an approved
case makes (probationary from the branch meeting, full after step 24). Every case past step 16 had
its 公示 (ended before the approval); those at step 16 have one running or just ended, a few with
residents' opinions: open, being checked, found unfounded, or proven (the case deferred).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from kit.district import District, bulk_insert
from members.demo import GIVEN, REGIONS, STREETS, SURNAMES
from members.models import Member
from members.rules import (
    Education,
    Gender,
    MemberStatus,
    age_on,
    citizen_id_check_character,
    months_after,
)
from organizations.models import Organization
from organizations.rules import COMMUNITY_KINDS
from organizations.rules import OrganizationKind as K

from . import rules
from .demo import SCHEDULE
from .models import (
    BranchVote,
    DevelopmentCase,
    DevelopmentStep,
    Notice,
    Opinion,
    OpinionStatus,
)

CASES_PER_COMMUNITY = 5
# The last step recorded, case after case: every step once, the notice step (16) five times.
LAST_STEPS = (16, 3, 21, 16, 1, 11, 24, 6, 16, 14, 2, 17, 25, 7, 16, 9, 20, 4, 22, 12, 16, 5,
              19, 15, 10, 23, 13, 8, 18)  # fmt: skip
NOTICE_STEP = rules.ACCEPTANCE_MEETING + 1  # the notice runs after the higher committee's talk
# Cases at the notice step, in turn: notice running, ended (awaiting approval), ended with an
# opinion found unfounded, running with an opinion being checked, ended with a proven one.
NOTICE_STATES = ("running", "ended", "unfounded", "checking", "proven")
OPINION_SHARE = 0.25  # of the notices of cases past the approval: an opinion, found unfounded
BIRTH_BASE = dt.date(1988, 1, 1)  # after every generated member's birth date: IDs never clash
BIRTH_DAYS = 5_000
POSITIONS = (
    ("社区网格员", "社区居委会"), ("教师", "实验小学"), ("护士", "区人民医院"),
    ("职员", "供电所"), ("会计", "农商银行支行"), ("社工", "社会工作服务站"),
    ("快递员", "快递站"), ("物业主管", "物业公司"), ("个体经营者", "沿街商铺"),
)  # fmt: skip
ASSESSMENT = "该同志入党动机端正，学习认真，工作积极，在社区志愿服务中表现突出，群众评价好。"
CONTACT = "社区党群服务中心一楼意见箱"
OPINION_TEXT = "听说该同志在小区里私搭乱建，占用公共通道，请组织上核实。"
FINDINGS = {
    OpinionStatus.UNFOUNDED: "经现场查看和走访，所反映的搭建系物业统一设置，与本人无关，反映不属实。",
    OpinionStatus.PROVEN: "经现场查看并走访邻居，反映属实，本人尚未整改。",
}


@dataclass
class Plan:
    """One case to write: the person, its steps' dates and what its notice shows."""

    case: DevelopmentCase
    dates: dict[int, dt.date]
    notice: str = ""  # "", or one of NOTICE_STATES, or "past" (ended before the approval)
    opinion: bool = False
    people: dict[int, str] = field(default_factory=dict)


def generate(district: District) -> None:
    prefix = f"{district.code}-"
    if DevelopmentCase.objects.filter(branch__code__startswith=prefix).exists():
        district.say(f"发展党员：{district.code} 已生成，跳过")
        return
    rng = district.rng("publicity")
    today = timezone.localdate()
    branches = _branches_by_community(prefix)
    plans = list(_plans(rng, branches, today, district.seed, district.first_case))
    _check(plans, today)
    _members(district, plans)
    bulk_insert(district, "发展党员", DevelopmentCase, (p.case for p in plans), len(plans))
    ids = dict(
        DevelopmentCase.objects.filter(branch__code__startswith=prefix).values_list(
            "citizen_id", "pk"
        )
    )
    for plan in plans:
        plan.case.pk = ids[plan.case.citizen_id]
    steps = [_step(plan, n, on) for plan in plans for n, on in sorted(plan.dates.items())]
    bulk_insert(district, "发展步骤", DevelopmentStep, steps, len(steps))
    _votes(district, rng, plans)
    _notices(district, rng, plans, today)


def _branches_by_community(prefix: str) -> list[list[Organization]]:
    found: dict[int, list[Organization]] = {}
    branches = (
        Organization.objects.filter(
            code__startswith=prefix, kind=K.BRANCH, parent__kind__in=COMMUNITY_KINDS
        )
        .select_related("parent")
        .order_by("code")
    )
    for branch in branches:
        found.setdefault(branch.parent_id or 0, []).append(branch)
    return list(found.values())


def _plans(
    rng: random.Random,
    communities: list[list[Organization]],
    today: dt.date,
    seed: int,
    first: int = 0,
) -> Iterator[Plan]:
    """The cases, numbered from `first` (their citizen IDs and phones are made from it)."""
    serial, at_notice = first, 0
    for branches in communities:
        for k in range(CASES_PER_COMMUNITY):
            last = LAST_STEPS[serial % len(LAST_STEPS)]
            notice = ""
            if last == NOTICE_STEP:
                notice = NOTICE_STATES[at_notice % len(NOTICE_STATES)]
                at_notice += 1
            elif last > NOTICE_STEP:
                notice = "past"
            days_ago = _days_ago(rng, notice)
            case = _person(rng, serial, branches[k % len(branches)], last, seed)
            plan = Plan(case, _dates(last, today - dt.timedelta(days=days_ago)), notice)
            plan.opinion = notice in ("unfounded", "checking", "proven") or (
                notice == "past" and rng.random() < OPINION_SHARE
            )
            plan.people = _people(rng)
            _progress(plan)
            if notice == "proven":
                _defer(plan, today)
            serial += 1
            yield plan


def _days_ago(rng: random.Random, notice: str) -> int:
    """How long ago the last step was: a notice starts the day after step 16 and lasts the
    period; a running one has begun and not ended, an ended one awaits the approval."""
    period = rules.limits().notice_days
    if notice in ("running", "checking"):
        return rng.randint(1, max(1, period - 1))
    if notice in ("ended", "unfounded", "proven"):
        return rng.randint(period + 2, period + 30)
    return rng.randint(3, 150)


def _person(
    rng: random.Random, serial: int, branch: Organization, last: int, seed: int
) -> DevelopmentCase:
    gender = Gender.MALE if serial % 2 else Gender.FEMALE
    birth = BIRTH_BASE + dt.timedelta(days=serial % BIRTH_DAYS)
    sequence = (serial // BIRTH_DAYS) * 2 + (1 if gender == Gender.MALE else 0)
    first17 = f"{REGIONS[serial % len(REGIONS)]}{birth:%Y%m%d}{sequence:03d}"
    position, unit = POSITIONS[serial % len(POSITIONS)]
    return DevelopmentCase(
        name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
        gender=gender, birth_date=birth, citizen_id=first17 + citizen_id_check_character(first17),
        education=rng.choice((Education.BACHELOR, Education.BACHELOR, Education.COLLEGE,
                              Education.POSTGRADUATE, Education.HIGH_SCHOOL)),
        position=position, work_unit=f"{branch.parent.name if branch.parent else ''}{unit}",
        phone=f"139{seed % 100:02d}{serial:06d}", address=f"{rng.choice(STREETS)}{serial % 200 + 1}号",
        residence_community_id=branch.parent_id, branch=branch, assessment=ASSESSMENT,
        stage=rules.stage_of(last), last_step=last,
    )  # fmt: skip


def _dates(last: int, last_on: dt.date) -> dict[int, dt.date]:
    """Steps 1..last on the demo's schedule, counted back from the last one."""
    start = months_after(last_on, -SCHEDULE[last])
    dates = {}
    for number in range(1, last + 1):
        day = months_after(start, SCHEDULE[number])
        if number == rules.TALK:
            day += dt.timedelta(days=7)
        dates[number] = last_on if number == last else min(day, last_on)
    return dates


def _people(rng: random.Random) -> dict[int, str]:
    def names(count: int) -> str:
        return "、".join(rng.choice(SURNAMES) + rng.choice(GIVEN) for _ in range(count))

    return {
        rules.TALK: "支部组织委员",
        rules.CULTIVATORS: names(rng.choice((1, 2))),
        rules.INTRODUCERS: names(rules.limits().introducers),
        rules.REVIEW: names(rules.limits().reviewers_min),
        rules.TRAINING: "街道党校",
    }


def _progress(plan: Plan) -> None:
    """The case's next step and its due date (as the step service stores them)."""
    facts = rules.CaseFacts(birth_date=plan.case.birth_date, dates=plan.dates)
    following = rules.next_step(facts)
    plan.case.due_on = following.due_on if following else None


def _defer(plan: Plan, today: dt.date) -> None:
    """暂缓发展: the opinion on the notice was proven (closed three days after the notice)."""
    _, ends_on = _notice_period(plan)
    plan.case.deferred_on = min(ends_on + dt.timedelta(days=3), today)
    plan.case.deferred_reason = f"公示期间群众反映问题经核实属实：{FINDINGS[OpinionStatus.PROVEN]}"
    plan.case.due_on = None


def _notice_period(plan: Plan) -> tuple[dt.date, dt.date]:
    starts_on = plan.dates[NOTICE_STEP] + dt.timedelta(days=1)
    return starts_on, rules.notice_end(starts_on)


def _check(plans: list[Plan], today: dt.date) -> None:
    """Every step by the rules the step service applies (the vote's outcome aside, recorded
    below), and the approval only after a notice that ran its period: refuse bad data here."""
    for plan in plans:
        dates: dict[int, dt.date] = {}
        for number, on in sorted(plan.dates.items()):
            facts = rules.CaseFacts(birth_date=plan.case.birth_date, dates=dict(dates))
            people = len(plan.people.get(number, "").split("、")) if number in plan.people else 0
            entry = rules.StepInput(
                number=number, date=on, people=people, training_days=3, training_hours=24,
                vote_passed=True,
            )  # fmt: skip
            error = rules.step_error(facts, entry) or ("未来日期" if on > today else None)
            if number == rules.APPROVAL and not error:
                starts_on, ends_on = _notice_period(plan)
                run = rules.NoticeRun(
                    published_on=starts_on, starts_on=starts_on, ends_on=ends_on,
                    meeting_on=plan.dates[rules.ACCEPTANCE_MEETING],
                )  # fmt: skip
                error = rules.approval_block([run], 0, False, on)
            if error:
                raise ValueError(f"生成的发展党员数据不合规则：{plan.case.name} {error}")
            dates[number] = on


def _members(district: District, plans: list[Plan]) -> None:
    """The member record an approved case makes: 预备党员 from the branch meeting's date, 正式党员
    from the end of the probation once the higher committee approved it (step 24)."""
    approved = [p for p in plans if p.case.last_step >= rules.APPROVAL]
    rows = []
    for plan in approved:
        case = plan.case
        joined_on = plan.dates[rules.ACCEPTANCE_MEETING]
        is_full = case.last_step >= rules.FULL_APPROVAL
        rows.append(Member(
            name=case.name, gender=case.gender, ethnicity=case.ethnicity,
            birth_date=case.birth_date, citizen_id=case.citizen_id, education=case.education,
            phone=case.phone, address=case.address, work_unit=case.work_unit,
            branch=case.branch, residence_community_id=case.residence_community_id,
            status=MemberStatus.FULL if is_full else MemberStatus.PROBATIONARY,
            joined_on=joined_on,
            full_member_on=rules.probation_end(joined_on) if is_full else None,
        ))  # fmt: skip
    bulk_insert(district, "新党员档案", Member, rows, len(rows))
    ids = dict(
        Member.objects.filter(citizen_id__in=[p.case.citizen_id for p in approved]).values_list(
            "citizen_id", "pk"
        )
    )
    for plan in approved:
        plan.case.member_id = ids[plan.case.citizen_id]


def _step(plan: Plan, number: int, on: dt.date) -> DevelopmentStep:
    training = number == rules.TRAINING
    return DevelopmentStep(
        case_id=plan.case.pk, number=number, date=on, people=plan.people.get(number, ""),
        training_days=3 if training else 0, training_hours=24 if training else 0,
        note="生成数据",
    )  # fmt: skip


def _votes(district: District, rng: random.Random, plans: list[Plan]) -> None:
    """The 支部大会 of steps 15 and 23: every full member of the branch that day entitled, most
    of them present, the candidate passed by more than half of those entitled."""
    meetings = [
        (plan, number, plan.dates[number])
        for plan in plans
        for number in rules.VOTE_STEPS
        if number in plan.dates
    ]
    votes, voters = [], []
    for plan, number, held_on in meetings:
        entitled = list(
            Member.objects.full_on(held_on)
            .filter(branch_id=plan.case.branch_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not entitled:
            continue
        absent = rng.randint(0, max(0, (len(entitled) - 1) // 5))
        attended = entitled[: len(entitled) - absent]
        abstain = rng.randint(0, max(0, len(attended) - len(entitled) // 2 - 1))
        yes = len(attended) - abstain
        vote = BranchVote(
            case_id=plan.case.pk, step=number, held_on=held_on, yes=yes, abstain=abstain,
            entitled_count=len(entitled), attended_count=len(attended),
        )  # fmt: skip
        votes.append(vote)
        voters.append((entitled, attended))
    bulk_insert(district, "支部大会表决", BranchVote, votes, len(votes))
    ids = {
        (case, step): pk
        for case, step, pk in BranchVote.objects.filter(
            case_id__in=[p.case.pk for p in plans]
        ).values_list("case_id", "step", "pk")
    }
    rows = [(ids[(v.case_id, v.step)], e, a) for v, (e, a) in zip(votes, voters, strict=True)]
    _voters(district, rows)


def _voters(district: District, rows: list[tuple[int, list[int], list[int]]]) -> None:
    entitled_model = BranchVote.entitled.through
    attended_model = BranchVote.attended.through
    entitled = [entitled_model(branchvote_id=v, member_id=m) for v, e, _ in rows for m in e]
    attended = [attended_model(branchvote_id=v, member_id=m) for v, _, a in rows for m in a]
    bulk_insert(district, "有表决权党员", entitled_model, entitled, len(entitled))
    bulk_insert(district, "到会党员", attended_model, attended, len(attended))


def _notices(district: District, rng: random.Random, plans: list[Plan], today: dt.date) -> None:
    noticed = [p for p in plans if p.notice]
    notices = [_notice(plan) for plan in noticed]
    bulk_insert(district, "公示", Notice, notices, len(notices))
    ids = dict(
        Notice.objects.filter(case_id__in=[p.case.pk for p in noticed]).values_list("case_id", "pk")
    )
    opinions = [_opinion(rng, plan, ids[plan.case.pk], today) for plan in noticed if plan.opinion]
    bulk_insert(district, "公示意见", Opinion, opinions, len(opinions))


def _notice(plan: Plan) -> Notice:
    """Published on its first day, with the fields residents may read copied (notice_publish)."""
    case = plan.case
    starts_on, ends_on = _notice_period(plan)
    published = timezone.make_aware(dt.datetime.combine(starts_on, dt.time(9)))
    return Notice(
        case_id=case.pk, community=case.branch.parent, starts_on=starts_on,
        ends_on=ends_on, published_at=min(published, timezone.now()), name=case.name,
        gender=case.get_gender_display(), age=age_on(case.birth_date, starts_on),
        ethnicity=case.ethnicity, education=case.get_education_display() if case.education else "",
        position=case.position, work_unit=case.work_unit, activist_on=plan.dates[rules.ACTIVIST],
        assessment=case.assessment, branch_name=case.branch.name, contact=CONTACT,
    )  # fmt: skip


def _opinion(rng: random.Random, plan: Plan, notice_id: int, today: dt.date) -> Opinion:
    """An opinion in the notice's period; a closed one closed before the approval."""
    starts_on, ends_on = _notice_period(plan)
    last_day = min(ends_on, today)
    received_on = starts_on + dt.timedelta(days=rng.randint(0, (last_day - starts_on).days))
    received = min(timezone.make_aware(dt.datetime.combine(received_on, dt.time(19, 30))),
                   timezone.now())  # fmt: skip
    status = {
        "checking": OpinionStatus.CHECKING, "proven": OpinionStatus.PROVEN,
    }.get(plan.notice, OpinionStatus.UNFOUNDED)  # fmt: skip
    closed = status in (OpinionStatus.UNFOUNDED, OpinionStatus.PROVEN)
    closed_on = min(ends_on + dt.timedelta(days=3), today)
    if approval := plan.dates.get(rules.APPROVAL):
        closed_on = min(closed_on, approval)
    return Opinion(
        notice_id=notice_id, source=rng.choice(Opinion.Source.values), text=OPINION_TEXT,
        sender_name="一位居民", received_at=received, status=status,
        checker="支部纪检委员" if status != OpinionStatus.OPEN else "",
        finding=FINDINGS.get(status, ""), closed_on=closed_on if closed else None,
    )  # fmt: skip
