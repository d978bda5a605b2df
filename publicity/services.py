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

from common.services import model_save
from members import rules as member_rules
from members.models import Member
from members.rules import MemberStatus
from members.services.member import member_save
from organizations.scope import require_editable

from . import rules
from .models import (
    BoardItem,
    BranchVote,
    DevelopmentCase,
    DevelopmentStep,
    Notice,
    Opinion,
    OpinionStatus,
)


# --- cases -------------------------------------------------------------------------------------
def development_case_errors(case: DevelopmentCase) -> dict[str, str]:
    """The person's data checked as members' are: a valid citizen ID matching birth date and sex."""
    case.citizen_id = member_rules.normalize_citizen_id(case.citizen_id)
    if error := member_rules.citizen_id_error(case.citizen_id):
        return {"citizen_id": error}
    errors = {}
    if case.birth_date and case.birth_date != member_rules.birth_date_from_citizen_id(
        case.citizen_id
    ):
        errors["birth_date"] = "出生日期与公民身份号码不符"
    if case.gender and case.gender != member_rules.gender_from_citizen_id(case.citizen_id):
        errors["gender"] = "性别与公民身份号码不符"
    return errors


@transaction.atomic
def development_case_save(
    *, case: DevelopmentCase, actor: Any, update_fields: list[str] | None = None
) -> DevelopmentCase:
    require_editable(actor, case, "登记或修改该党支部的发展党员")
    if errors := development_case_errors(case):
        raise ValidationError(errors)
    return model_save(case, actor=actor, update_fields=update_fields)


@transaction.atomic
def development_case_defer(
    *, case: DevelopmentCase, reason: str, on: dt.date, actor: Any
) -> DevelopmentCase:
    """暂缓发展 with its reason (a proven problem raised on the notice, or the branch's decision)."""
    require_editable(actor, case, "决定暂缓发展")
    if case.stage == rules.Stage.FULL or case.last_step >= rules.APPROVAL:
        raise ValidationError("上级党委已审批，不能再暂缓发展")
    case.deferred_on, case.deferred_reason = on, reason.strip() or "经核实存在问题"
    case.due_on = None
    return model_save(case, actor=actor, update_fields=["deferred_on", "deferred_reason", "due_on"])


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
    if case.stage != rules.Stage.PROBATIONARY:
        raise ValidationError("只有预备党员才能延长预备期")
    if error := rules.extension_error(months, case.extension_months > 0):
        raise ValidationError(error)
    case.extension_months = months
    case.due_on = _due_on(case)
    return model_save(case, actor=actor, update_fields=["extension_months", "due_on"])


# --- steps -------------------------------------------------------------------------------------
def _recorded(case: DevelopmentCase) -> list[DevelopmentStep]:
    """The case's steps as stored now (never a list prefetched before this write)."""
    return list(DevelopmentStep.objects.filter(case_id=case.pk).order_by("number"))


def _vote_passed(case: DevelopmentCase, number: int, on: dt.date) -> bool | None:
    if number not in rules.VOTE_STEPS:
        return None
    vote = case.votes.filter(step=number, held_on=on).first()
    return None if vote is None else vote.passed


def _approval_block(case: DevelopmentCase, on: dt.date) -> str | None:
    notices = [
        (starts_on, ends_on)
        for starts_on, ends_on in case.notices.published().values_list("starts_on", "ends_on")
        if ends_on is not None
    ]
    open_opinions = Opinion.objects.filter(notice__case=case).open().count()
    return rules.approval_block(notices, open_opinions, case.is_deferred, on)


def development_step_error(step: DevelopmentStep, *, legacy: bool = False) -> str | None:
    """Why this new step cannot be recorded: order, time limits, the vote, the notice. A case
    begun before the system (`legacy`, the import) has its vote and 公示 on paper: the time
    limits and the order are checked all the same."""
    case = step.case
    if case.is_deferred:
        return f"该发展对象已于{case.deferred_on:%Y-%m-%d}暂缓发展（{case.deferred_reason}）"
    if step.date and step.date > timezone.localdate():
        return "步骤日期不能晚于今天"
    facts = case.facts([s for s in _recorded(case) if s.pk != step.pk])
    entry = rules.StepInput(
        number=step.number,
        date=step.date,
        people=len(step.people_names),
        training_days=step.training_days,
        training_hours=step.training_hours,
        vote_passed=True if legacy else _vote_passed(case, step.number, step.date),
        extended_approval=step.extended_approval,
    )
    if error := rules.step_error(facts, entry):
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
    if step.pk is not None:
        if update_fields and {"number", "date", "case"} & set(update_fields):
            raise ValidationError(
                "已记录步骤的步骤和日期不能修改；如有误，请删除最后一步后重新记录"
            )
        return model_save(step, actor=actor, update_fields=update_fields)
    if error := development_step_error(step, legacy=legacy):
        raise ValidationError(error)
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
    case = step.case
    if error := development_step_delete_error(step):
        raise ValidationError(error)
    step.delete()
    case.last_step = step.number - 1
    case.stage = rules.stage_of(case.last_step)
    case.due_on = _due_on(case)
    model_save(case, actor=actor, update_fields=["last_step", "stage", "due_on"])


# --- branch votes -------------------------------------------------------------------------------
def branch_vote_errors(
    vote: BranchVote, entitled: Iterable[Member], attended: Iterable[Member]
) -> dict[str, str]:
    """Who may vote (full members held by the case's branch on the meeting's date), who came, and
    whether the counts add up."""
    entitled_ids, attended_ids = {m.pk for m in entitled}, {m.pk for m in attended}
    full = set(
        Member.objects.full_on(vote.held_on)
        .filter(branch_id=vote.case.branch_id, pk__in=entitled_ids)
        .values_list("pk", flat=True)
    )
    if entitled_ids - full:
        return {"entitled": "有表决权的只能是本支部会议当日的正式党员（预备党员没有表决权）"}
    if attended_ids - entitled_ids:
        return {"attended": "到会党员应在有表决权的正式党员之中"}
    vote.entitled_count, vote.attended_count = len(entitled_ids), len(attended_ids)
    if error := rules.vote_count_error(vote.count()):
        return {"yes": error}
    return {}


@transaction.atomic
def branch_vote_save(
    *,
    vote: BranchVote,
    actor: Any,
    entitled: Iterable[Member] | None = None,
    attended: Iterable[Member] | None = None,
    update_fields: list[str] | None = None,
) -> BranchVote:
    require_editable(actor, vote, "记录该党支部的支部大会表决")
    entitled = list(vote.entitled.all() if entitled is None and vote.pk else entitled or [])
    attended = list(vote.attended.all() if attended is None and vote.pk else attended or [])
    if errors := branch_vote_errors(vote, entitled, attended):
        raise ValidationError(errors)
    model_save(vote, actor=actor)
    vote.entitled.set(entitled)
    vote.attended.set(attended)
    return vote


# --- 公示 ----------------------------------------------------------------------------------------
@transaction.atomic
def notice_save(*, notice: Notice, actor: Any, update_fields: list[str] | None = None) -> Notice:
    """A notice prepared for a candidate; its end follows from its start and the period."""
    require_editable(actor, notice, "为该党支部的发展对象发布公示")
    if notice.is_published:
        if update_fields and {"starts_on", "case", "community"} & set(update_fields):
            raise ValidationError("已发布的公示不能修改公示对象、社区和开始日期")
    elif notice.starts_on:
        notice.ends_on = rules.notice_end(notice.starts_on)
        if update_fields is not None:
            update_fields = [*update_fields, "ends_on"]
    return model_save(notice, actor=actor, update_fields=update_fields)


def notice_publish_error(notice: Notice) -> str | None:
    case = notice.case
    if notice.is_published:
        return "该公示已经发布"
    if case.is_deferred:
        return "该发展对象已暂缓发展，不能公示"
    if case.last_step < rules.ACCEPTANCE_MEETING or case.last_step >= rules.APPROVAL:
        return "公示应在支部大会讨论通过之后、上级党委审批之前进行（000 第八条）"
    return None


@transaction.atomic
def notice_publish(*, notice: Notice, actor: Any, today: dt.date | None = None) -> Notice:
    """Publish: copy the fields residents may read, fix the period, put it on the board."""
    require_editable(actor, notice, "发布该公示")
    if error := notice_publish_error(notice):
        raise ValidationError(error)
    case = notice.case
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
    notice.published_at = timezone.now()
    return model_save(notice, actor=actor)


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


def opinion_errors(opinion: Opinion) -> dict[str, str]:
    """A closed opinion names who checked it and what they found (the record book's columns)."""
    if opinion.is_closed and (not opinion.finding.strip() or not opinion.checker.strip()):
        return {"finding": "办结意见须填写核实人和核实结果"}
    return {}


@transaction.atomic
def opinion_save(
    *, opinion: Opinion, actor: Any, update_fields: list[str] | None = None
) -> Opinion:
    """An opinion taken from the box or a visit, or the progress of its checking. Closing one
    goes through opinion_close (a proven problem defers the case)."""
    require_editable(actor, opinion, "处理该公示的意见")
    if errors := opinion_errors(opinion):
        raise ValidationError(errors)
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
