"""发展党员 (development of new members) and 公示: pure rules over plain values.

The 25 steps and every time limit of 发展党员工作细则 (2014), as DOMAIN.md "Publicity" states them.
Each number is a setting (config/settings.py, "# --- Publicity"), read once into `Limits`; the
functions take a `Limits` so that tests pass their own. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models

from members import rules as member_rules
from members.rules import age_on, months_after


class Stage(models.TextChoices):
    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"


@dataclass(frozen=True)
class Step:
    number: int
    label: str
    phase: str


PHASES = (
    "申请入党",
    "入党积极分子的确定和培养教育",
    "发展对象的确定和考察",
    "预备党员的接收",
    "预备党员的教育考察和转正",
)
_STEP_LABELS = (
    (0, "递交入党申请书"), (0, "党组织派人谈话"),
    (1, "推荐和确定入党积极分子"), (1, "报上级党委备案"), (1, "指定培养联系人"), (1, "培养教育考察"),
    (2, "确定发展对象"), (2, "报上级党委备案"), (2, "确定入党介绍人"), (2, "进行政治审查"),
    (2, "开展集中培训"),
    (3, "支部委员会审查"), (3, "上级党委预审"), (3, "填写入党志愿书"), (3, "支部大会讨论"),
    (3, "上级党委派人谈话"), (3, "上级党委审批"), (3, "再上级党委组织部门备案"),
    (4, "编入党支部和党小组"), (4, "入党宣誓"), (4, "继续教育考察"), (4, "提出转正申请"),
    (4, "支部大会讨论转正"), (4, "上级党委审批转正"), (4, "材料归档"),
)  # fmt: skip
STEPS: tuple[Step, ...] = tuple(
    Step(number, label, PHASES[phase])
    for number, (phase, label) in enumerate(_STEP_LABELS, start=1)
)
LAST_STEP = len(STEPS)
STEP_CHOICES = [(s.number, f"{s.number}. {s.label}") for s in STEPS]

APPLICATION, TALK, ACTIVIST, CULTIVATORS = 1, 2, 3, 5
CANDIDATE, INTRODUCERS, TRAINING = 7, 9, 11
ACCEPTANCE_MEETING, APPROVAL = 15, 17
FULL_APPLICATION, FULL_MEETING, FULL_APPROVAL = 22, 23, 24
VOTE_STEPS = (ACCEPTANCE_MEETING, FULL_MEETING)
PRE_APPROVAL, REVIEW = 13, 10
# Recorded by a user of the approving 党委 only (上级党委 预审, 审批, 审批转正).
COMMITTEE_STEPS = (PRE_APPROVAL, APPROVAL, FULL_APPROVAL)
ASSESSMENT, FURTHER_ASSESSMENT = 6, 21
# Steps whose people are 正式党员 on the step's date: 培养联系人, 考察写实人, 入党介绍人, 政审.
MEMBER_PEOPLE_STEPS = (CULTIVATORS, ASSESSMENT, INTRODUCERS, REVIEW, FURTHER_ASSESSMENT)

# The stage a case is in once a step is recorded (the step that starts the stage).
_STAGE_FROM = ((FULL_APPROVAL, Stage.FULL), (APPROVAL, Stage.PROBATIONARY),
               (CANDIDATE, Stage.CANDIDATE), (ACTIVIST, Stage.ACTIVIST))  # fmt: skip


def step_label(number: int) -> str:
    return f"第{number}步“{STEPS[number - 1].label}”"


@dataclass(frozen=True)
class Limits:
    min_age: int = 18
    talk_within_months: int = 1
    cultivators_min: int = 1
    cultivators_max: int = 2
    activist_min_months: int = 12
    introducers: int = 2
    training_min_days: int = 3
    training_min_hours: int = 24
    approval_within_months: int = 3
    approval_extended_months: int = 6
    probation_months: int = 12
    extension_min_months: int = 6
    extension_max_months: int = 12
    full_approval_within_months: int = 3
    reviewers_min: int = 2
    notice_days: int = 7
    notice_working_days: bool = False


# The Party's own numbers that the member record checks too (members/rules.py): one source, so a
# case and the member it creates never disagree.
_MEMBER_RULES: dict[str, Any] = {
    "min_age": member_rules.MIN_JOIN_AGE,
    "probation_months": member_rules.PROBATION_MONTHS,
    "extension_min_months": member_rules.PROBATION_EXTENSION_MIN_MONTHS,
    "extension_max_months": member_rules.PROBATION_EXTENSION_MAX_MONTHS,
}


def limits() -> Limits:
    """The limits in force: the settings (each with the national default), and the member
    record's own numbers."""
    names = [n for n in Limits.__dataclass_fields__ if n not in _MEMBER_RULES]
    values: dict[str, Any] = {n: getattr(settings, f"PUBLICITY_{n.upper()}") for n in names}
    return Limits(**values, **_MEMBER_RULES)


def stage_of(done: int) -> Stage:
    """The stage of a case whose steps 1..done are recorded."""
    return next((stage for step, stage in _STAGE_FROM if done >= step), Stage.APPLICANT)


# --- the facts a step is checked against ---------------------------------------------------------
@dataclass(frozen=True)
class CaseFacts:
    """What a case has recorded: its steps' dates by number, and the person's birth date."""

    birth_date: dt.date | None
    dates: Mapping[int, dt.date]
    extension_months: int = 0


@dataclass(frozen=True)
class StepInput:
    """A step about to be recorded."""

    number: int
    date: dt.date
    people: int = 0  # 培养联系人 (5), 入党介绍人 (9)
    training_days: int = 0  # 集中培训 (11)
    training_hours: int = 0
    vote_passed: bool | None = None  # 支部大会 (15, 23): the vote of that meeting, if recorded
    extended_approval: bool = False  # 17: the higher committee extended its 3 months (at most 6)


def probation_end(
    joined_on: dt.date, extension_months: int = 0, lim: Limits | None = None
) -> dt.date:
    lim = lim or limits()
    return months_after(joined_on, lim.probation_months + extension_months)


def step_error(facts: CaseFacts, step: StepInput, lim: Limits | None = None) -> str | None:
    """Why `step` cannot be recorded on this case, naming the rule; None when it may."""
    lim = lim or limits()
    if error := _order_error(facts, step):
        return error
    checks = (_age_error, _talk_error, _people_error, _activist_error, _training_error,
              _vote_error, _approval_error, _full_error)  # fmt: skip
    return next((e for check in checks if (e := check(facts, step, lim))), None)


def _order_error(facts: CaseFacts, step: StepInput) -> str | None:
    expected = max(facts.dates, default=0) + 1
    if step.number != expected:
        if step.number in facts.dates:
            return f"{step_label(step.number)}已经记录，不能重复记录"
        return (
            f"步骤顺序不对：下一步应为{step_label(expected)}，不能先记录{step_label(step.number)}"
        )
    previous = facts.dates.get(step.number - 1)
    if previous is not None and step.date < previous:
        return (
            f"{step_label(step.number)}的日期{step.date:%Y-%m-%d}不能早于上一步"
            f"{step_label(step.number - 1)}的日期{previous:%Y-%m-%d}"
        )
    return None


def _age_error(facts: CaseFacts, step: StepInput, lim: Limits) -> str | None:
    if step.number != APPLICATION or facts.birth_date is None:
        return None
    if age_on(facts.birth_date, step.date) < lim.min_age:
        return f"申请入党须年满{lim.min_age}周岁：申请日期{step.date:%Y-%m-%d}时本人未满{lim.min_age}周岁"
    return None


def _talk_error(facts: CaseFacts, step: StepInput, lim: Limits) -> str | None:
    if step.number != TALK:
        return None
    latest = months_after(facts.dates[APPLICATION], lim.talk_within_months)
    if step.date > latest:
        return (
            f"党组织应在收到入党申请书后{lim.talk_within_months}个月内派人谈话"
            f"（最迟{latest:%Y-%m-%d}），{step.date:%Y-%m-%d}已超期"
        )
    return None


def _people_error(facts: CaseFacts, step: StepInput, lim: Limits) -> str | None:
    if step.number == CULTIVATORS and not lim.cultivators_min <= step.people <= lim.cultivators_max:
        return (
            f"应指定{lim.cultivators_min}至{lim.cultivators_max}名正式党员作培养联系人，"
            f"现填写{step.people}名"
        )
    if step.number == INTRODUCERS and step.people != lim.introducers:
        return f"发展对象应有{lim.introducers}名正式党员作入党介绍人，现填写{step.people}名"
    if step.number == REVIEW and step.people < lim.reviewers_min:
        return f"政治审查应由{lim.reviewers_min}名以上正式党员进行，现填写{step.people}名"
    return None


def earliest_candidate_date(activist_on: dt.date, lim: Limits | None = None) -> dt.date:
    lim = lim or limits()
    return months_after(activist_on, lim.activist_min_months)


def _activist_error(facts: CaseFacts, step: StepInput, lim: Limits) -> str | None:
    if step.number != CANDIDATE:
        return None
    earliest = earliest_candidate_date(facts.dates[ACTIVIST], lim)
    if step.date < earliest:
        return (
            f"入党积极分子须经{lim.activist_min_months}个月以上培养教育考察方可确定为发展对象"
            f"（最早{earliest:%Y-%m-%d}）"
        )
    return None


def _training_error(facts: CaseFacts, step: StepInput, lim: Limits) -> str | None:
    if step.number != TRAINING:
        return None
    if step.training_days < lim.training_min_days and step.training_hours < lim.training_min_hours:
        return (
            f"集中培训时间一般不少于{lim.training_min_days}天（或不少于{lim.training_min_hours}个学时），"
            f"现为{step.training_days}天、{step.training_hours}学时"
        )
    return None


def _vote_error(facts: CaseFacts, step: StepInput, lim: Limits) -> str | None:
    if step.number not in VOTE_STEPS:
        return None
    if step.vote_passed is None:
        return f"{step_label(step.number)}须先记录该次支部大会的表决情况"
    if not step.vote_passed:
        return f"{step_label(step.number)}的表决未获通过，不能记录"
    if step.number == FULL_MEETING:
        end = probation_end(facts.dates[ACCEPTANCE_MEETING], facts.extension_months, lim)
        if step.date < end:
            return f"预备期满（{end:%Y-%m-%d}）后方可由支部大会讨论转正"
    return None


def approval_deadline(meeting_on: dt.date, extended: bool, lim: Limits | None = None) -> dt.date:
    lim = lim or limits()
    months = lim.approval_extended_months if extended else lim.approval_within_months
    return months_after(meeting_on, months)


def _approval_error(facts: CaseFacts, step: StepInput, lim: Limits) -> str | None:
    if step.number != APPROVAL:
        return None
    deadline = approval_deadline(facts.dates[ACCEPTANCE_MEETING], step.extended_approval, lim)
    if step.date > deadline:
        months = (
            lim.approval_extended_months if step.extended_approval else lim.approval_within_months
        )
        return (
            f"上级党委应在支部大会通过后{months}个月内审批（最迟{deadline:%Y-%m-%d}），"
            f"{step.date:%Y-%m-%d}已超期"
        )
    return None


def _full_error(facts: CaseFacts, step: StepInput, lim: Limits) -> str | None:
    if step.number == FULL_APPLICATION:
        end = probation_end(facts.dates[ACCEPTANCE_MEETING], facts.extension_months, lim)
        if step.date > end:
            return f"转正申请应在预备期满（{end:%Y-%m-%d}）前提出"
    if step.number == FULL_APPROVAL:
        deadline = months_after(facts.dates[FULL_MEETING], lim.full_approval_within_months)
        if step.date > deadline:
            return (
                f"上级党委应在支部大会讨论转正后{lim.full_approval_within_months}个月内审批"
                f"（最迟{deadline:%Y-%m-%d}）"
            )
    return None


# --- the next step and its due date ---------------------------------------------------------------
@dataclass(frozen=True)
class NextStep:
    number: int
    label: str
    due_on: dt.date | None = None  # the latest day the step may be recorded
    not_before: dt.date | None = None  # the earliest day


def next_step(facts: CaseFacts, lim: Limits | None = None) -> NextStep | None:
    """What the case does next, and by when; None once the 25 steps are done."""
    lim = lim or limits()
    done = max(facts.dates, default=0)
    if done >= LAST_STEP:
        return None
    number = done + 1
    label = step_label(number)
    dates = facts.dates
    if number == TALK:
        return NextStep(
            number, label, due_on=months_after(dates[APPLICATION], lim.talk_within_months)
        )
    if number == CANDIDATE:
        return NextStep(number, label, not_before=earliest_candidate_date(dates[ACTIVIST], lim))
    if number == APPROVAL:
        return NextStep(
            number, label, due_on=approval_deadline(dates[ACCEPTANCE_MEETING], False, lim)
        )
    if number in (FULL_APPLICATION, FULL_MEETING):
        end = probation_end(dates[ACCEPTANCE_MEETING], facts.extension_months, lim)
        return NextStep(
            number,
            label,
            **({"due_on": end} if number == FULL_APPLICATION else {"not_before": end}),
        )
    if number == FULL_APPROVAL:
        return NextStep(
            number, label, due_on=months_after(dates[FULL_MEETING], lim.full_approval_within_months)
        )
    return NextStep(number, label)


# --- probation extension ------------------------------------------------------------------------
def extension_error(months: int, already_extended: bool, lim: Limits | None = None) -> str | None:
    """延长预备期: once only, by 6 to 12 months."""
    lim = lim or limits()
    if already_extended:
        return "预备期只能延长一次"
    if not lim.extension_min_months <= months <= lim.extension_max_months:
        return (
            f"延长预备期的时间应为{lim.extension_min_months}至{lim.extension_max_months}个月，"
            f"现为{months}个月"
        )
    return None


# --- the branch meeting's vote ---------------------------------------------------------------------
class VoteExclusionReason(models.TextChoices):
    """The only reasons a full member is left out of those entitled to vote (DOMAIN.md)."""

    PROBATION_IN_PARTY = "probation", "受留党察看处分"
    ILLNESS = "illness", "因病不能表达本人意志"
    ABROAD = "abroad", "自费出国半年以上"
    DETAINED = "detained", "被剥夺人身自由"
    AWAY = "away", "外出工作、学习半年以上且不能参加会议"


@dataclass(frozen=True)
class VoteCount:
    entitled: int  # 有表决权的正式党员
    present: int  # 到会的有表决权的党员
    written: int  # 因故不能到会、会前提交书面意见的
    yes: int
    no: int
    abstain: int


def vote_count_error(count: VoteCount) -> str | None:
    """Counts that cannot be (more present than entitled, more votes than voters)."""
    if min(count.entitled, count.present, count.written, count.yes, count.no, count.abstain) < 0:
        return "人数和票数不能为负数"
    if count.present + count.written > count.entitled:
        return "到会人数与书面意见人数之和不能超过有表决权的正式党员人数"
    if count.yes + count.no + count.abstain > count.present + count.written:
        return "赞成、反对、弃权票数之和不能超过到会人数与书面意见人数之和"
    return None


def vote_failure(count: VoteCount) -> str | None:
    """Why the meeting did not pass the candidate; None when it did. It needs more than half of
    the entitled present, and yes votes from more than half of the entitled (not of those
    present); absentees' written opinions count as votes (细则 第二十六条)."""
    if error := vote_count_error(count):
        return error
    if count.present * 2 <= count.entitled:
        return (
            f"到会有表决权的正式党员{count.present}人，未超过应到{count.entitled}人的半数，会议无效"
        )
    if count.yes * 2 <= count.entitled:
        return f"赞成票{count.yes}票，未超过有表决权的正式党员{count.entitled}人的半数，未获通过"
    return None


# --- 公示 -------------------------------------------------------------------------------------------
def is_working_day(day: dt.date) -> bool:
    """A working day of the Chinese holiday calendar (调休 included); outside the years the
    chinesecalendar package knows, Monday to Friday."""
    try:
        import chinese_calendar

        return bool(chinese_calendar.is_workday(day))
    except (ImportError, NotImplementedError):
        return day.weekday() < 5


def notice_end(starts_on: dt.date, lim: Limits | None = None) -> dt.date:
    """The last day of a notice that starts on `starts_on`: the period counts the first day, in
    calendar days by default, or in working days (a notice starting on a holiday starts counting
    on the next working day)."""
    lim = lim or limits()
    if not lim.notice_working_days:
        return starts_on + dt.timedelta(days=lim.notice_days - 1)
    day, counted = starts_on, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == lim.notice_days:
                return day
        day += dt.timedelta(days=1)


def notice_days_left(ends_on: dt.date, today: dt.date) -> int:
    """Days a running notice still shows, today included (1 on its last day)."""
    return max(0, (ends_on - today).days + 1)


@dataclass(frozen=True)
class NoticeRun:
    """A published notice as the approval block reads it."""

    published_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    meeting_on: dt.date  # the 支部大会 (step 15)

    def counts(self, lim: Limits | None = None) -> bool:
        """Published before it started, after the meeting, for its full period."""
        return (
            self.published_on <= self.starts_on
            and self.starts_on >= self.meeting_on
            and self.ends_on >= notice_end(self.starts_on, lim)
        )


def notice_start_error(
    starts_on: dt.date, *, published_on: dt.date, meeting_on: dt.date
) -> str | None:
    """A notice starts no earlier than the day it is published, and after the 支部大会: a
    back-dated notice never counts."""
    if starts_on < published_on:
        return (
            f"公示开始日期{starts_on:%Y-%m-%d}早于发布当天{published_on:%Y-%m-%d}："
            "公示不能补发，开始日期最早为发布当天"
        )
    if starts_on < meeting_on:
        return f"公示应在支部大会（{meeting_on:%Y-%m-%d}）讨论通过之后开始"
    return None


def approval_block(
    notices: list[NoticeRun], open_opinions: int, deferred: bool, on: dt.date
) -> str | None:
    """Why the higher committee may not approve (step 17) on `on`: no notice of the candidate,
    published before it started and after the branch meeting, has run its full period before
    `on`; an opinion is not closed yet; or the case is deferred (暂缓发展)."""
    if deferred:
        return "该发展对象已暂缓发展，不能审批"
    valid = [n for n in notices if n.counts()]
    if not any(n.ends_on < on for n in valid):
        if not valid:
            return "审批前须对发展对象进行公示：尚未发布公示，或已发布的公示无效（须在支部大会后发布、发布当天或之后开始，并公示满期）"
        last = max(n.ends_on for n in valid)
        return f"公示期未满（公示至{last:%Y-%m-%d}），公示期满后方可审批"
    if open_opinions:
        return f"公示中反映的{open_opinions}条意见尚未核实办结，办结后方可审批"
    return None


# --- the choices of the models' fields (the models import them from here) --------------------
class OpinionStatus(models.TextChoices):
    OPEN = "open", "待核实"
    CHECKING = "checking", "核实中"
    UNFOUNDED = "unfounded", "经核实不属实"
    PROVEN = "proven", "经核实属实（暂缓发展）"


# --- the development registers (002: 教育培养入党积极分子制度, 发展党员制度) --------------------------
# Who owes, and from which date: a case owes a period's report (a quarter) and assessment (a half
# year) when, on the period's last day, it has been an 入党积极分子 since 确定入党积极分子 (step 3,
# that day included) and is not yet a 预备党员 (step 17 recorded on or before that day) nor
# deferred (暂缓发展 on or before that day). Its report is a 发展对象's written report once step 7
# (确定发展对象) is on or before the period's last day, else an activist's 思想汇报. A period is
# due `*_grace_days` after its last day. A case's registers are kept in the system from its
# `registers_from` (the day it was created here, earlier where the secretary says so; never before
# the site's floor PUBLICITY_REGISTERS_FROM): a period that ended before that day is kept on paper
# (`Owed.on_paper`, shown “系统启用前（纸质台账）”), neither done nor overdue: the absence of its
# record here says nothing. The database's twin of these counts is
# publicity/models/development.py's `DevelopmentCaseQuerySet.with_register_overdue`, proved equal
# to `_owed` by tests/publicity/test_register_counts.py.
class ReportKind(models.TextChoices):
    THOUGHT = "thought", "入党积极分子思想汇报"
    WRITTEN = "written", "发展对象书面汇报"


class AssessmentConclusion(models.TextChoices):
    GOOD = "good", "好"
    FAIR = "fair", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


class ReviewConclusion(models.TextChoices):
    PASSED = "passed", "政治审查合格"
    FAILED = "failed", "政治审查不合格"


QUARTER_MONTHS, HALF_YEAR_MONTHS = 3, 6


@dataclass(frozen=True)
class RegisterLimits:
    report_grace_days: int = 15
    assessment_grace_days: int = 30
    registers_from: dt.date | None = None


def register_limits() -> RegisterLimits:
    return RegisterLimits(
        report_grace_days=settings.PUBLICITY_REPORT_GRACE_DAYS,
        assessment_grace_days=settings.PUBLICITY_ASSESSMENT_GRACE_DAYS,
        registers_from=settings.PUBLICITY_REGISTERS_FROM,
    )


@dataclass(frozen=True)
class Period:
    """A quarter (2026Q3) or a half year (2026H1)."""

    code: str
    starts_on: dt.date
    ends_on: dt.date


def period_of(day: dt.date, months: int) -> Period:
    index = (day.month - 1) // months
    starts_on = dt.date(day.year, index * months + 1, 1)
    ends_on = months_after(starts_on, months) - dt.timedelta(days=1)
    letter = "Q" if months == QUARTER_MONTHS else "H"
    return Period(f"{day.year}{letter}{index + 1}", starts_on, ends_on)


def parse_period(code: str, months: int) -> Period:
    """2026Q3 (months 3) or 2026H1 (months 6); raises ValueError with the message."""
    letter, count = ("Q", 4) if months == QUARTER_MONTHS else ("H", 2)
    text = code.strip().upper()
    year, _, index = text.partition(letter)
    if not (year.isdigit() and len(year) == 4 and index.isdigit() and 1 <= int(index) <= count):
        example = "2026Q3" if letter == "Q" else "2026H1"
        raise ValueError(f"期间“{code}”格式不对，应写作{example}")
    return period_of(dt.date(int(year), (int(index) - 1) * months + 1, 1), months)


@dataclass(frozen=True)
class RegisterDates:
    """The dates of a case that decide what it owes."""

    activist_on: dt.date | None  # step 3
    candidate_on: dt.date | None = None  # step 7
    probationary_on: dt.date | None = None  # step 17
    deferred_on: dt.date | None = None
    registers_from: dt.date | None = None  # the case's: kept in the system from this day


@dataclass(frozen=True)
class Owed:
    period: Period
    due_on: dt.date
    kind: str = ""  # a ReportKind for reports, "" for assessments
    on_paper: bool = False  # ended before the registers were kept in the system


ON_PAPER = "系统启用前（纸质台账）"


def kept_from(dates: RegisterDates, floor: dt.date | None) -> dt.date | None:
    """The day from which the case's registers are kept in the system: its own day, never before
    the site's floor."""
    days = [day for day in (dates.registers_from, floor) if day is not None]
    return max(days) if days else None


def owes_on(dates: RegisterDates, day: dt.date) -> bool:
    """Whether the case owes the register on `day` (a period's last day)."""
    return (
        dates.activist_on is not None
        and dates.activist_on <= day
        and not (dates.probationary_on and dates.probationary_on <= day)
        and not (dates.deferred_on and dates.deferred_on <= day)
    )


def report_kind(dates: RegisterDates, day: dt.date) -> str:
    is_candidate = dates.candidate_on is not None and dates.candidate_on <= day
    return ReportKind.WRITTEN if is_candidate else ReportKind.THOUGHT


def _owed(
    dates: RegisterDates, until: dt.date, months: int, grace: int, registers_from: dt.date | None
) -> list[Owed]:
    if dates.activist_on is None:
        return []
    owed, period = [], period_of(dates.activist_on, months)
    kept = kept_from(dates, registers_from)
    while period.ends_on <= until:
        if owes_on(dates, period.ends_on):
            kind = report_kind(dates, period.ends_on) if months == QUARTER_MONTHS else ""
            on_paper = kept is not None and period.ends_on < kept
            due_on = period.ends_on + dt.timedelta(days=grace)
            owed.append(Owed(period, due_on, kind, on_paper))
        period = period_of(period.ends_on + dt.timedelta(days=1), months)
    return owed


def overdue_count(owed: list[Owed], recorded: set[str], today: dt.date) -> int:
    """The periods kept in the system whose entry is not recorded and whose due date has passed
    (the due date itself is still on time)."""
    return sum(not o.on_paper and o.period.code not in recorded and o.due_on < today for o in owed)


def reports_owed(
    dates: RegisterDates, until: dt.date, lim: RegisterLimits | None = None
) -> list[Owed]:
    """The quarters that have ended by `until` (their last day on or before it) for which the
    case owes a 思想汇报 or a written report, each with its due date."""
    lim = lim or register_limits()
    return _owed(dates, until, QUARTER_MONTHS, lim.report_grace_days, lim.registers_from)


def assessments_owed(
    dates: RegisterDates, until: dt.date, lim: RegisterLimits | None = None
) -> list[Owed]:
    """The half years that have ended by `until` for which the activist is owed an assessment
    (培养考察) by the 培养联系人 or the branch, each with its due date."""
    lim = lim or register_limits()
    return _owed(dates, until, HALF_YEAR_MONTHS, lim.assessment_grace_days, lim.registers_from)


def register_entry_error(
    dates: RegisterDates, period: Period, on: dt.date, what: str
) -> str | None:
    """A report received (or an assessment made) on `on` for `period`: the case owes that
    period, and the paper is not dated before the period began."""
    if not owes_on(dates, period.ends_on):
        if dates.activist_on is None or dates.activist_on > period.ends_on:
            return f"{period.code}期末该同志尚未确定为入党积极分子，无需{what}"
        return f"{period.code}期末该同志已不是入党积极分子或发展对象（已接收为预备党员或暂缓发展），无需{what}"
    if on < period.starts_on:
        return f"{what}日期{on:%Y-%m-%d}早于{period.code}的开始（{period.starts_on:%Y-%m-%d}）"
    return None


def is_late(due_on: dt.date, received_on: dt.date) -> bool:
    """Received after its due date (the day after is late; the due date itself is on time)."""
    return received_on > due_on


def political_review_error(
    full_members: int, outside_members: int, conclusion: str | None, lim: Limits | None = None
) -> str | None:
    """The 政审 that step 10 records: done by at least `reviewers_min` 正式党员 on its date (the
    system's members checked, members of another organization recorded with it), with a
    conclusion of 合格 (002: 总支至少派两名正式党员)."""
    lim = lim or limits()
    count = full_members + outside_members
    if count < lim.reviewers_min:
        return (
            f"政治审查应由{lim.reviewers_min}名以上正式党员进行，现有{count}名"
            "（须是政审日期时的正式党员）"
        )
    if conclusion != ReviewConclusion.PASSED:
        return "政治审查结论为合格后方可记录第10步“进行政治审查”"
    return None
