"""Writes of the publicity app: cases and their steps, branch votes, 公示 and its opinions, the
党务公开 board. Every check is a rule of publicity/rules.py; a refusal is a Chinese ValidationError
naming the rule. Cases, steps and votes are written where their branch is managed (the scope
declared on their QuerySets); a resident's opinion is the one write without an actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activities.selectors.votes import general_meeting_present_ids
from kit.services import model_save
from members import rules as member_rules
from members.models import Member
from members.rules import MemberStatus
from members.services.member import member_save
from organizations.scope import require_editable
from organizations.selectors import approving_committee, is_approving_committee_user

from . import rules
from .models import (
    BoardItem,
    BranchVote,
    CaseAssessment,
    CaseObserver,
    DevelopmentCase,
    DevelopmentReport,
    DevelopmentStep,
    Notice,
    Opinion,
    OpinionStatus,
    PoliticalReview,
    PoliticalReviewer,
    VoteExclusion,
)
from .selectors import step_people_error

# The document every notice message cites (000 item 八).
NOTICE_RULE = "《社区党建公示栏具体有哪些内容》中的发展党员公示制度"


# --- cases -------------------------------------------------------------------------------------
@transaction.atomic
def development_case_save(
    *, case: DevelopmentCase, actor: Any, update_fields: list[str] | None = None
) -> DevelopmentCase:
    require_editable(actor, case, "登记或修改该党支部的发展党员")
    return model_save(case, actor=actor, update_fields=update_fields)


@transaction.atomic
def development_case_defer(
    *, case: DevelopmentCase, reason: str, on: dt.date, actor: Any
) -> DevelopmentCase:
    """暂缓发展 with its reason (a proven problem raised on the notice, or the branch's decision)."""
    require_editable(actor, case, "决定暂缓发展")
    case = _locked_case(case)
    if case.is_deferred:
        raise ValidationError(f"该发展对象已于{case.deferred_on:%Y-%m-%d}暂缓发展")
    if case.stage == rules.Stage.FULL or case.last_step >= rules.APPROVAL:
        raise ValidationError("上级党委已审批，不能再暂缓发展")
    case.deferred_on, case.deferred_reason = on, reason.strip() or "经核实存在问题"
    case.due_on = None
    model_save(case, actor=actor, update_fields=["deferred_on", "deferred_reason", "due_on"])
    for notice in Notice.objects.select_for_update().filter(case=case).published():
        _withdraw(notice, f"暂缓发展：{case.deferred_reason}", actor)
    return case


def _locked_case(case: DevelopmentCase) -> DevelopmentCase:
    """The case's row, locked until the transaction ends and read afresh: two writes that change
    its state one after the other each see what the other did (call inside transaction.atomic)."""
    return DevelopmentCase.objects.select_for_update().get(pk=case.pk)


def _due_on(case: DevelopmentCase) -> dt.date | None:
    """The stored due date of the next step (the lists and the 工作台 filter on it)."""
    step = rules.next_step(case.facts(_recorded(case)))
    return None if step is None or case.is_deferred else step.due_on


@transaction.atomic
def development_case_extend_probation(
    *, case: DevelopmentCase, months: int, actor: Any
) -> DevelopmentCase:
    """延长预备期 (decided at the meeting on full membership instead of 转正): once, 6 to 12 months."""
    require_editable(actor, case, "延长预备期")
    case = _locked_case(case)
    if case.stage != rules.Stage.PROBATIONARY:
        raise ValidationError("只有预备党员才能延长预备期")
    if error := rules.extension_error(months, case.extension_months > 0):
        raise ValidationError(error)
    case.extension_months = months
    case.due_on = _due_on(case)
    model_save(case, actor=actor, update_fields=["extension_months", "due_on"])
    if case.member is not None:  # the member record carries it: 转正 is due a year plus this
        case.member.probation_extension_months = months
        member_save(member=case.member, actor=actor, update_fields=["probation_extension_months"])
    return case


# --- steps -------------------------------------------------------------------------------------
def committee_step_error(case: DevelopmentCase, number: int, actor: Any) -> str | None:
    """Steps 13, 17 and 24 (上级党委 预审/审批) are recorded by a user of the approving 党委 (the
    nearest 社区党委 or 街道党工委 above the branch), never by the branch or a 党总支."""
    if number not in rules.COMMITTEE_STEPS or is_approving_committee_user(actor, case.branch):
        return None
    committee = approving_committee(case.branch)
    name = committee.name if committee else "上级党委"
    return (
        f"{rules.step_label(number)}应由审批的上级党委（{name}）的工作人员记录；"
        "党支部和社区党总支无权审批发展党员"
    )


def _recorded(case: DevelopmentCase) -> list[DevelopmentStep]:
    """The case's steps as stored now (never a list prefetched before this write)."""
    return list(DevelopmentStep.objects.filter(case_id=case.pk).order_by("number"))


def _vote_passed(case: DevelopmentCase, number: int, on: dt.date) -> bool | None:
    if number not in rules.VOTE_STEPS:
        return None
    vote = case.votes.filter(step=number, held_on=on).first()
    return None if vote is None else vote.passed


def _approval_block(case: DevelopmentCase, on: dt.date) -> str | None:
    meeting = DevelopmentStep.objects.get(case_id=case.pk, number=rules.ACCEPTANCE_MEETING).date
    notices = [
        rules.NoticeRun(
            published_on=timezone.localdate(published_at),
            starts_on=starts_on,
            ends_on=ends_on,
            meeting_on=meeting,
        )
        for published_at, starts_on, ends_on in case.notices.published().values_list(
            "published_at", "starts_on", "ends_on"
        )
        if ends_on is not None
    ]
    open_opinions = Opinion.objects.filter(notice__case=case).open().count()
    return rules.approval_block(notices, open_opinions, case.is_deferred, on)


def _review_step_error(
    case: DevelopmentCase, step: DevelopmentStep, facts: rules.CaseFacts
) -> str | None:
    """Step 10 in its order first (the order's message is the clearer one), then its 政审."""
    if max(facts.dates, default=0) + 1 != rules.REVIEW:
        return None
    return review_step_error(case, step.date)


def development_step_error(
    step: DevelopmentStep, *, actor: Any = None, legacy: bool = False
) -> str | None:
    """Why this new step cannot be recorded: who records it, order, time limits, the people it
    names, the vote, the notice. A case begun before the system (`legacy`, the import) has its
    vote and 公示 on paper: the time limits and the order are checked all the same."""
    case = step.case
    if error := committee_step_error(case, step.number, actor):
        return error
    if case.is_deferred:
        return f"该发展对象已于{case.deferred_on:%Y-%m-%d}暂缓发展（{case.deferred_reason}）"
    if step.date and step.date > timezone.localdate():
        return "步骤日期不能晚于今天"
    facts = case.facts([s for s in _recorded(case) if s.pk != step.pk])
    is_review = step.number == rules.REVIEW
    if is_review and not legacy and (error := _review_step_error(case, step, facts)):
        return error
    entry = rules.StepInput(
        number=step.number,
        date=step.date,
        # An imported case's 政审 is on paper, with no column for its people; a recorded one's
        # people are its 政审 record's, checked there.
        people=rules.limits().reviewers_min
        if is_review and not legacy
        else len(step.people_names) or (rules.limits().reviewers_min if is_review else 0),
        training_days=step.training_days,
        training_hours=step.training_hours,
        vote_passed=True if legacy else _vote_passed(case, step.number, step.date),
        extended_approval=step.extended_approval,
    )
    if error := rules.step_error(facts, entry):
        return error
    if is_review and not legacy:
        return None  # the 政审 record's people were checked on their date
    if error := step_people_error(case, step.number, step.date, step.people_names):
        return error
    if step.number == rules.APPROVAL and not legacy:
        return _approval_block(case, step.date)
    return None


@transaction.atomic
def development_step_record(
    *,
    step: DevelopmentStep,
    actor: Any,
    update_fields: list[str] | None = None,
    legacy: bool = False,
) -> DevelopmentStep:
    """Record a step (or change the people, document or note of a recorded one)."""
    require_editable(actor, step, "记录该党支部的发展步骤")
    step.case = _locked_case(step.case)
    if step.pk is not None:
        if update_fields and {"number", "date", "case"} & set(update_fields):
            raise ValidationError(
                "已记录步骤的步骤和日期不能修改；如有误，请删除最后一步后重新记录"
            )
        return model_save(step, actor=actor, update_fields=update_fields)
    if error := development_step_error(step, actor=actor, legacy=legacy):
        raise ValidationError(error)
    if step.number == rules.REVIEW and not legacy and not step.people.strip():
        step.people = review_people(step.case)[:200]
    model_save(step, actor=actor)
    _after_step(step, actor)
    return step


def _after_step(step: DevelopmentStep, actor: Any) -> None:
    case = step.case
    case.last_step = step.number
    case.stage = rules.stage_of(step.number)
    case.due_on = _due_on(case)
    model_save(case, actor=actor, update_fields=["last_step", "stage", "due_on"])
    if step.number == rules.APPROVAL:
        _make_probationary(case, actor)
    elif step.number == rules.FULL_APPROVAL:
        _make_full(case, actor)


def _make_probationary(case: DevelopmentCase, actor: Any) -> Member:
    """The higher committee approved: the person is a 预备党员 from the branch meeting's date (and
    owes dues from then: finance reads 入党日期)."""
    joined_on = DevelopmentStep.objects.get(case=case, number=rules.ACCEPTANCE_MEETING).date
    member = case.member or Member.objects.filter(citizen_id=case.citizen_id).first() or Member()
    for name in ("name", "gender", "ethnicity", "birth_date", "citizen_id", "education", "phone",
                 "address", "work_unit", "branch_id", "residence_community_id"):  # fmt: skip
        setattr(member, name, getattr(case, name))
    member.status, member.joined_on, member.full_member_on = (
        MemberStatus.PROBATIONARY,
        joined_on,
        None,
    )
    member.probation_extension_months = case.extension_months
    member_save(member=member, actor=actor)
    case.member = member
    model_save(case, actor=actor, update_fields=["member"])
    return member


def _make_full(case: DevelopmentCase, actor: Any) -> None:
    joined_on = DevelopmentStep.objects.get(case=case, number=rules.ACCEPTANCE_MEETING).date
    member = case.member
    if member is None:
        raise ValidationError("该发展对象尚无党员档案，不能审批转正")
    member.status = MemberStatus.FULL
    member.full_member_on = rules.probation_end(joined_on, case.extension_months)
    member_save(member=member, actor=actor, update_fields=["status", "full_member_on"])


def development_step_delete_error(step: DevelopmentStep) -> str | None:
    last = DevelopmentStep.objects.filter(case_id=step.case_id).order_by("-number").first()
    if last is None or step.pk != last.pk:
        return "只能删除最后记录的一步"
    if step.number in (rules.APPROVAL, rules.FULL_APPROVAL):
        return "该步骤已生成或更新党员档案，不能删除"
    return None


@transaction.atomic
def development_step_delete(*, step: DevelopmentStep, actor: Any) -> None:
    """Only the last step may be taken back, and not once it made a member record."""
    require_editable(actor, step, "删除该党支部的发展步骤")
    case = _locked_case(step.case)
    if error := development_step_delete_error(step):
        raise ValidationError(error)
    step.delete()
    case.last_step = step.number - 1
    case.stage = rules.stage_of(case.last_step)
    case.due_on = _due_on(case)
    model_save(case, actor=actor, update_fields=["last_step", "stage", "due_on"])


# --- branch votes -------------------------------------------------------------------------------
Exclusion = tuple[Member, str]  # a full member left out of those entitled, and the reason's value


def _vote_people(
    vote: BranchVote, exclusions: list[Exclusion], attended: Iterable[Member]
) -> tuple[set[int], set[int]] | dict[str, str]:
    """Those entitled (the branch's full members on the meeting's date, less the exclusions) and
    those present (the meeting record's attendance where there is one), or the errors."""
    case = vote.case
    full = set(
        Member.objects.full_on(vote.held_on)
        .filter(branch_id=case.branch_id)
        .values_list("pk", flat=True)
    )
    reasons = set(rules.VoteExclusionReason.values)
    for member, reason in exclusions:
        if member.pk not in full:
            return {"__all__": f"{member.name}不是会议当日本支部的正式党员，无需排除"}
        if reason not in reasons:
            return {"__all__": f"{member.name}不计入表决人数的事由不在规定范围内"}
    entitled = full - {member.pk for member, _ in exclusions}
    present = general_meeting_present_ids(case.branch_id, vote.held_on)
    if present is None:  # no meeting record: the attendance given here
        present = {m.pk for m in attended}
        if present - entitled:
            return {"attended": "到会党员应在有表决权的正式党员之中（预备党员和已排除的党员不计）"}
    return entitled, present & entitled


def branch_vote_errors(
    vote: BranchVote,
    attended: Iterable[Member] = (),
    exclusions: Iterable[Exclusion] = (),
    *,
    actor: Any = None,
) -> dict[str, str]:
    """Whether the meeting may be recorded (the case has reached it), who was entitled and
    present, and whether the counts add up. Fills the vote's counts."""
    if vote.pk is None and BranchVote.objects.filter(case=vote.case, step=vote.step).exists():
        return {"step": f"{rules.step_label(vote.step)}的表决已经记录，不能重复记录"}
    if error := _vote_step_error(vote, actor):
        return {"held_on": error}
    people = _vote_people(vote, list(exclusions), attended)
    if isinstance(people, dict):
        return people
    entitled, present = people
    vote.entitled_count, vote.attended_count = len(entitled), len(present)
    vote._entitled_ids, vote._present_ids = entitled, present  # type: ignore[attr-defined]
    if error := rules.vote_count_error(vote.count()):
        return {"yes": error}
    return {}


def _vote_step_error(vote: BranchVote, actor: Any) -> str | None:
    """The step the meeting is: next in order and within its time limits."""
    if vote.pk is not None:
        return None
    case = vote.case
    if case.is_deferred:
        return f"该发展对象已于{case.deferred_on:%Y-%m-%d}暂缓发展（{case.deferred_reason}）"
    if vote.held_on > timezone.localdate():
        return "会议日期不能晚于今天"
    facts = case.facts(_recorded(case))
    entry = rules.StepInput(number=vote.step, date=vote.held_on, vote_passed=True)
    return rules.step_error(facts, entry)


@transaction.atomic
def branch_vote_save(
    *,
    vote: BranchVote,
    actor: Any,
    attended: Iterable[Member] | None = None,
    exclusions: Iterable[Exclusion] | None = None,
    update_fields: list[str] | None = None,
) -> BranchVote:
    """Record the 支部大会's vote on one candidate. Those entitled are computed, never picked;
    a vote that passes records the meeting's step (15 or 23) with its date."""
    require_editable(actor, vote, "记录该党支部的支部大会表决")
    vote.case = _locked_case(vote.case)
    if vote.pk is not None:
        raise ValidationError("已记录的支部大会表决不能修改")
    attended = list(attended or [])
    exclusions = list(exclusions or [])
    if errors := branch_vote_errors(vote, attended, exclusions, actor=actor):
        raise ValidationError(errors)
    model_save(vote, actor=actor)
    vote.entitled.set(vote._entitled_ids)  # type: ignore[attr-defined]
    vote.attended.set(vote._present_ids)  # type: ignore[attr-defined]
    for member, reason in exclusions:
        model_save(VoteExclusion(vote=vote, member=member, reason=reason), actor=actor)
    if vote.passed:
        step = DevelopmentStep(case=vote.case, number=vote.step, date=vote.held_on)
        step.note = "支部大会表决通过（由表决记录生成）"
        development_step_record(step=step, actor=actor)
    return vote


# --- 公示 ----------------------------------------------------------------------------------------
def notice_errors(notice: Notice) -> dict[str, str]:
    """A notice goes on the board of the candidate's residence community, no other."""
    case = notice.case
    if case.residence_community_id is None:
        return {"case": "请先在发展党员档案中填写发展对象的居住社区，公示只在居住社区张贴"}
    if notice.community_id != case.residence_community_id:
        return {
            "community": (
                f"公示只能在发展对象的居住社区（{case.residence_community}）的公示栏发布；"
                "工作单位的张贴请填写工作单位张贴地点和日期"
            )
        }
    return {}


@transaction.atomic
def notice_save(
    *,
    notice: Notice,
    actor: Any,
    update_fields: list[str] | None = None,
    withdraw_reason: str | None = None,
) -> Notice:
    """A notice prepared for a candidate; its end follows from its start and the period. With a
    `withdraw_reason` (the form's 撤回公示), a saved notice is withdrawn instead."""
    reason = (withdraw_reason or "").strip()
    if notice.pk is not None and reason:
        return notice_withdraw(notice=notice, reason=reason, actor=actor)
    require_editable(actor, notice, "为该党支部的发展对象发布公示")
    if notice.is_published:
        if update_fields and {"starts_on", "case", "community"} & set(update_fields):
            raise ValidationError("已发布的公示不能修改公示对象、社区和开始日期")
    else:
        if errors := notice_errors(notice):
            raise ValidationError(errors)
        if notice.starts_on:
            notice.ends_on = rules.notice_end(notice.starts_on)
            if update_fields is not None:
                update_fields = [*update_fields, "ends_on"]
    return model_save(notice, actor=actor, update_fields=update_fields)


def notice_publish_error(
    notice: Notice, actor: Any = None, today: dt.date | None = None
) -> str | None:
    """Why the notice may not be published today by `actor`."""
    case = notice.case
    today = today or timezone.localdate()
    if notice.is_withdrawn:
        return "该公示已撤回，不能再发布；如需公示请新建"
    if notice.is_published:
        return "该公示已经发布"
    if not is_approving_committee_user(actor, case.branch):
        committee = approving_committee(case.branch)
        return (
            f"公示由审批的上级党委（{committee.name if committee else '上级党委'}）发布"
            f"（{NOTICE_RULE}：由上级党委组织实施）"
        )
    if case.is_deferred:
        return "该发展对象已暂缓发展，不能公示"
    if case.last_step < rules.ACCEPTANCE_MEETING or case.last_step >= rules.APPROVAL:
        return f"公示应在支部大会讨论通过之后、上级党委审批之前进行（{NOTICE_RULE}）"
    if error := notice_errors(notice):
        return next(iter(error.values()))
    meeting = case.steps.get(number=rules.ACCEPTANCE_MEETING).date
    return rules.notice_start_error(notice.starts_on, published_on=today, meeting_on=meeting)


@transaction.atomic
def notice_publish(*, notice: Notice, actor: Any, now: dt.datetime | None = None) -> Notice:
    """Publish: copy the fields residents may read, fix the period, put it on the board. `now`
    is the clock (the demo builds a past)."""
    require_editable(actor, notice, "发布该公示")
    now = now or timezone.now()
    case = _locked_case(notice.case)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    notice.case = case
    if error := notice_publish_error(notice, actor, timezone.localdate(now)):
        raise ValidationError(error)
    activist = case.steps.filter(number=rules.ACTIVIST).first()
    notice.name, notice.gender, notice.ethnicity = (
        case.name,
        case.get_gender_display(),
        case.ethnicity,
    )
    notice.age = member_rules.age_on(case.birth_date, notice.starts_on)
    notice.education = case.get_education_display() if case.education else ""
    notice.position, notice.work_unit = case.position, case.work_unit
    notice.activist_on = activist.date if activist else None
    notice.assessment, notice.branch_name = case.assessment, case.branch.name
    notice.ends_on = rules.notice_end(notice.starts_on)
    notice.published_at = now
    return model_save(notice, actor=actor)


def _withdraw(notice: Notice, reason: str, actor: Any) -> Notice:
    notice.withdrawn_at, notice.withdrawn_reason = timezone.now(), reason
    return model_save(notice, actor=actor, update_fields=["withdrawn_at", "withdrawn_reason"])


@transaction.atomic
def notice_withdraw(*, notice: Notice, reason: str, actor: Any) -> Notice:
    """Take a published notice off the board, with the reason (kept in the record book)."""
    require_editable(actor, notice, "撤回该公示")
    notice = (
        Notice.objects.select_for_update(of=("self",))
        .select_related("case__branch")
        .get(pk=notice.pk)
    )
    if not is_approving_committee_user(actor, notice.case.branch):
        raise ValidationError("公示由审批的上级党委发布，也只能由其撤回")
    if not notice.is_published:
        raise ValidationError("该公示尚未发布，无需撤回")
    if notice.is_withdrawn:
        raise ValidationError(f"该公示已于{timezone.localtime(notice.withdrawn_at):%Y-%m-%d}撤回")
    if not reason.strip():
        raise ValidationError("撤回公示须填写原因")
    return _withdraw(notice, reason.strip(), actor)


# --- opinions (the record book) ---------------------------------------------------------------
@transaction.atomic
def opinion_submit(
    *, notice: Notice, text: str, sender_name: str = "", sender_phone: str = ""
) -> Opinion:
    """A resident's opinion from the public site (no login) on a notice that is running."""
    today = timezone.localdate()
    if not Notice.objects.running_on(today).filter(pk=notice.pk).exists():
        raise ValidationError("该公示不在公示期内，不能留言")
    opinion = Opinion(
        notice=notice,
        source=Opinion.Source.WEB,
        text=text.strip(),
        sender_name=sender_name.strip(),
        sender_phone=sender_phone.strip(),
    )
    return model_save(opinion, actor=None)


@transaction.atomic
def opinion_save(
    *, opinion: Opinion, actor: Any, update_fields: list[str] | None = None
) -> Opinion:
    """An opinion taken from the box or a visit, or the progress of its checking. Closing one
    goes through opinion_close (a proven problem defers the case)."""
    require_editable(actor, opinion, "处理该公示的意见")
    if opinion.is_closed:
        opinion.closed_on = opinion.closed_on or timezone.localdate()
        if update_fields is not None:
            update_fields = [*update_fields, "closed_on"]
    model_save(opinion, actor=actor, update_fields=update_fields)
    if opinion.status == OpinionStatus.PROVEN and not opinion.notice.case.is_deferred:
        development_case_defer(
            case=opinion.notice.case,
            reason=f"公示期间群众反映问题经核实属实：{opinion.finding}",
            on=opinion.closed_on or timezone.localdate(),
            actor=actor,
        )
    return opinion


@transaction.atomic
def opinion_close(
    *, opinion: Opinion, proven: bool, finding: str, checker: str, actor: Any
) -> Opinion:
    opinion.status = OpinionStatus.PROVEN if proven else OpinionStatus.UNFOUNDED
    opinion.finding, opinion.checker = finding, checker
    return opinion_save(
        opinion=opinion, actor=actor, update_fields=["status", "finding", "checker"]
    )


# --- 党务公开 -------------------------------------------------------------------------------------
@transaction.atomic
def board_item_save(
    *, item: BoardItem, actor: Any, update_fields: list[str] | None = None
) -> BoardItem:
    require_editable(actor, item, "发布该社区的党务公开事项")
    return model_save(item, actor=actor, update_fields=update_fields)


# --- the development registers ---------------------------------------------------------------------
REGISTER_STEPS = (rules.ACTIVIST, rules.CANDIDATE, rules.APPROVAL)


def register_dates(case: DevelopmentCase) -> rules.RegisterDates:
    """The dates that decide what the case owes (steps 3, 7 and 17, and its deferral)."""
    found = dict(
        DevelopmentStep.objects.filter(case_id=case.pk, number__in=REGISTER_STEPS).values_list(
            "number", "date"
        )
    )
    return rules.RegisterDates(
        activist_on=found.get(rules.ACTIVIST),
        candidate_on=found.get(rules.CANDIDATE),
        probationary_on=found.get(rules.APPROVAL),
        deferred_on=case.deferred_on,
        registers_from=case.registers_from,
    )


def _register_entry_errors(
    entry: DevelopmentReport | CaseAssessment, on: dt.date, months: int, what: str
) -> tuple[dict[str, str], rules.Period | None]:
    try:
        period = rules.parse_period(entry.period, months)
    except ValueError as problem:
        return {"period": str(problem)}, None
    if on > timezone.localdate():
        return {"period": f"{what}日期不能晚于今天"}, None
    if error := rules.register_entry_error(register_dates(entry.case), period, on, what):
        return {"period": error}, None
    return {}, period


def development_report_errors(report: DevelopmentReport) -> dict[str, str]:
    """The quarter is one the case owes a report for (an activist or a candidate on its last
    day), the report is not dated before the quarter began nor after today. Fills the quarter's
    code, the report's kind and its due date."""
    if not report.case_id or not report.received_on:
        return {}
    errors, period = _register_entry_errors(
        report, report.received_on, rules.QUARTER_MONTHS, "提交思想汇报"
    )
    if period is not None:
        dates = register_dates(report.case)
        report.period, report.kind = period.code, rules.report_kind(dates, period.ends_on)
        report.due_on = period.ends_on + dt.timedelta(
            days=rules.register_limits().report_grace_days
        )
    if report.read_on and report.read_on > timezone.localdate():
        errors.setdefault("read_on", "阅读日期不能晚于今天")
    return errors


@transaction.atomic
def development_report_save(
    *, report: DevelopmentReport, actor: Any, update_fields: list[str] | None = None
) -> DevelopmentReport:
    require_editable(actor, report, "登记该党支部发展党员的思想汇报")
    if errors := development_report_errors(report):
        raise ValidationError(errors)
    if update_fields is not None:
        update_fields = [*update_fields, "period", "kind", "due_on"]
    return model_save(report, actor=actor, update_fields=update_fields)


def case_assessment_errors(assessment: CaseAssessment) -> dict[str, str]:
    """The half year is one the activist is owed an assessment for; fills its due date."""
    if not assessment.case_id or not assessment.assessed_on:
        return {}
    errors, period = _register_entry_errors(
        assessment, assessment.assessed_on, rules.HALF_YEAR_MONTHS, "培养考察"
    )
    if period is not None:
        grace = rules.register_limits().assessment_grace_days
        assessment.period, assessment.due_on = period.code, period.ends_on + dt.timedelta(grace)
    return errors


@transaction.atomic
def case_assessment_save(
    *, assessment: CaseAssessment, actor: Any, update_fields: list[str] | None = None
) -> CaseAssessment:
    require_editable(actor, assessment, "登记该党支部入党积极分子的培养考察")
    if errors := case_assessment_errors(assessment):
        raise ValidationError(errors)
    if update_fields is not None:
        update_fields = [*update_fields, "period", "due_on"]
    return model_save(assessment, actor=actor, update_fields=update_fields)


def _full_member_error(member: Member | None, day: dt.date, what: str) -> str | None:
    """A member of the system named for a duty is a 正式党员 on `day` (a probationary member, or
    one transferred out by then, is not)."""
    if member is None or Member.objects.full_on(day).filter(pk=member.pk).exists():
        return None
    return f"{member.name}在{day:%Y-%m-%d}不是正式党员：{what}须由正式党员担任"


def case_observer_errors(observer: CaseObserver) -> dict[str, str]:
    """考察写实人: a 正式党员 on the day appointed, for a case already an activist then."""
    if not observer.case_id or not observer.appointed_on:
        return {}
    if observer.appointed_on > timezone.localdate():
        return {"appointed_on": "确定日期不能晚于今天"}
    activist_on = register_dates(observer.case).activist_on
    if activist_on is None or observer.appointed_on < activist_on:
        return {"appointed_on": "考察写实人在确定为入党积极分子（第3步）之后确定"}
    if error := _full_member_error(observer.member, observer.appointed_on, "考察写实人"):
        return {"member": error}
    return {}


@transaction.atomic
def case_observer_save(
    *, observer: CaseObserver, actor: Any, update_fields: list[str] | None = None
) -> CaseObserver:
    require_editable(actor, observer, "确定该党支部入党积极分子的考察写实人")
    if errors := case_observer_errors(observer):
        raise ValidationError(errors)
    return model_save(observer, actor=actor, update_fields=update_fields)


REVIEW_DONE = "第10步“进行政治审查”已记录，政审记录和政审人不能再修改"


def _review_step_recorded(case_id: int | None) -> bool:
    return DevelopmentStep.objects.filter(case_id=case_id, number=rules.REVIEW).exists()


def political_review_errors(review: PoliticalReview) -> dict[str, str]:
    if review.reviewed_on and review.reviewed_on > timezone.localdate():
        return {"reviewed_on": "政审日期不能晚于今天"}
    if review.pk and review.case_id and _review_step_recorded(review.case_id):
        return {"reviewed_on": REVIEW_DONE}
    return {}


@transaction.atomic
def political_review_save(
    *, review: PoliticalReview, actor: Any, update_fields: list[str] | None = None
) -> PoliticalReview:
    require_editable(actor, review, "登记该党支部发展对象的政治审查")
    if errors := political_review_errors(review):
        raise ValidationError(errors)
    return model_save(review, actor=actor, update_fields=update_fields)


def political_reviewer_errors(reviewer: PoliticalReviewer) -> dict[str, str]:
    review = reviewer.review
    if _review_step_recorded(review.case_id):
        return {"__all__": REVIEW_DONE}
    if error := _full_member_error(reviewer.member, review.reviewed_on, "政审人"):
        return {"member": error}
    return {}


@transaction.atomic
def political_reviewer_save(
    *, reviewer: PoliticalReviewer, actor: Any, update_fields: list[str] | None = None
) -> PoliticalReviewer:
    require_editable(actor, reviewer, "登记该党支部发展对象的政审人")
    if errors := political_reviewer_errors(reviewer):
        raise ValidationError(errors)
    return model_save(reviewer, actor=actor, update_fields=update_fields)


@transaction.atomic
def political_reviewer_delete(*, reviewer: PoliticalReviewer, actor: Any) -> None:
    require_editable(actor, reviewer, "删除该党支部发展对象的政审人")
    if _review_step_recorded(reviewer.review.case_id):
        raise ValidationError(REVIEW_DONE)
    reviewer.delete()


def review_step_error(case: DevelopmentCase, on: dt.date) -> str | None:
    """Step 10 is recorded only on a 政审 done by it: at least PUBLICITY_REVIEWERS_MIN 正式党员 on
    the 政审's date (members of another organization count as recorded), concluded 合格."""
    review = PoliticalReview.objects.filter(case_id=case.pk).first()
    if review is None:
        return "记录第10步前须先登记政治审查（政审人、政审情况和结论）"
    if review.reviewed_on > on:
        return f"政审日期{review.reviewed_on:%Y-%m-%d}晚于第10步的日期{on:%Y-%m-%d}"
    reviewers = review.reviewers.all()
    full = Member.objects.full_on(review.reviewed_on)
    members = reviewers.filter(member__in=full).count()
    outside = reviewers.filter(member__isnull=True).count()
    return rules.political_review_error(members, outside, review.conclusion)


def review_people(case: DevelopmentCase) -> str:
    """The 政审's people as step 10 records them: names, and 姓名（所在党组织） for the others."""
    review = PoliticalReview.objects.filter(case_id=case.pk).first()
    if review is None:
        return ""
    return "、".join(str(r) for r in review.reviewers.select_related("member").order_by("pk"))
