"""Recording the 25 steps: refusals name the rule, the vote and the notice gate the approval, an
approved case makes a member, a proven opinion defers the case."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.models import Member
from members.rules import MemberStatus, months_after
from organizations.scope import ScopeError
from publicity import rules, services
from publicity.models import BranchVote, DevelopmentStep, Notice, OpinionStatus
from tests.publicity.factories import (
    DevelopmentCaseFactory,
    OpinionFactory,
    publish_notice,
    record_steps,
    step_date,
    vote,
    voters,
)


@pytest.fixture
def case(tree: SimpleNamespace) -> Any:
    return DevelopmentCaseFactory(branch=tree.branch_a, residence_community=tree.community_a)


def record(case: Any, number: int, on: dt.date, actor: Any = None, **kwargs: Any) -> Any:
    step = DevelopmentStep(case=case, number=number, date=on, **kwargs)
    return services.development_step_record(step=step, actor=actor)


def test_a_step_out_of_order_is_refused_with_the_rule(case: Any) -> None:
    record(case, 1, dt.date(2024, 1, 5))
    with pytest.raises(ValidationError, match="下一步应为第2步"):
        record(case, 3, dt.date(2024, 2, 1))


def test_an_applicant_under_18_is_refused(tree: SimpleNamespace) -> None:
    young = DevelopmentCaseFactory(
        branch=tree.branch_a, birth_date=timezone.localdate() - dt.timedelta(days=365 * 17)
    )
    with pytest.raises(ValidationError, match="年满18周岁"):
        record(young, 1, timezone.localdate())


def test_a_late_talk_is_refused_and_the_case_shows_the_due_date(case: Any) -> None:
    record(case, 1, dt.date(2024, 1, 5))
    case.refresh_from_db()
    assert case.due_on == dt.date(2024, 2, 5)
    assert case.next_step().label == "第2步“党组织派人谈话”"
    with pytest.raises(ValidationError, match="1个月内"):
        record(case, 2, dt.date(2024, 2, 6))


def test_limits_are_settings(case: Any, settings: Any) -> None:
    settings.PUBLICITY_TALK_WITHIN_MONTHS = 2
    record(case, 1, dt.date(2024, 1, 5))
    record(case, 2, dt.date(2024, 3, 5))
    case.refresh_from_db()
    assert case.last_step == 2


def test_the_meeting_step_needs_a_passing_vote(case: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 14, start)
    meeting = step_date(start, 15)
    with pytest.raises(ValidationError, match="表决情况"):
        record(case, 15, meeting)
    vote(case, 15, meeting, yes=1)
    with pytest.raises(ValidationError, match="未获通过"):
        record(case, 15, meeting)


def test_only_full_members_of_the_branch_may_vote(case: Any, tree: SimpleNamespace) -> None:
    from tests.members.factories import MemberFactory

    probationary = MemberFactory(
        branch=tree.branch_a, status=MemberStatus.PROBATIONARY, joined_on=dt.date(2025, 1, 1)
    )
    with pytest.raises(ValidationError, match="预备党员没有表决权"):
        services.branch_vote_save(
            vote=BranchVote(case=case, step=15, held_on=timezone.localdate(), yes=1),
            actor=None,
            entitled=[probationary, *voters(tree.branch_a)],
            attended=[probationary],
        )


def test_yes_votes_of_more_than_half_of_those_entitled_are_needed(case: Any) -> None:
    people = voters(case.branch, 5)
    result = services.branch_vote_save(
        vote=BranchVote(case=case, step=15, held_on=timezone.localdate(), yes=2, no=1),
        actor=None,
        entitled=people,
        attended=people[:3],
    )
    assert result.entitled_count == 5
    assert "未超过有表决权的正式党员5人的半数" in result.failure


def test_approval_is_blocked_until_the_notice_has_run_its_course(case: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 16, start)
    approval = step_date(start, 17)
    with pytest.raises(ValidationError, match="尚未发布公示"):
        record(case, 17, approval)
    publish_notice(case, approval - dt.timedelta(days=6))  # its last day is the approval day
    with pytest.raises(ValidationError, match="公示期未满"):
        record(case, 17, approval)


def test_approval_is_blocked_while_an_opinion_is_open(case: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 16, start)
    notice = publish_notice(case, step_date(start, 15))
    opinion = OpinionFactory(notice=notice)
    with pytest.raises(ValidationError, match="1条意见尚未核实办结"):
        record(case, 17, step_date(start, 17))
    services.opinion_close(
        opinion=opinion, proven=False, finding="经走访核实，不属实。", checker="王书记", actor=None
    )
    record(case, 17, step_date(start, 17))
    case.refresh_from_db()
    assert case.stage == rules.Stage.PROBATIONARY


def test_a_proven_opinion_defers_the_case(case: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 16, start)
    notice = publish_notice(case, step_date(start, 15))
    opinion = OpinionFactory(notice=notice)
    services.opinion_close(
        opinion=opinion, proven=True, finding="存在违反计划生育情况", checker="王书记", actor=None
    )
    case.refresh_from_db()
    assert case.is_deferred
    assert "存在违反计划生育情况" in case.deferred_reason
    assert opinion.closed_on == timezone.localdate()
    with pytest.raises(ValidationError, match="暂缓发展"):
        record(case, 17, step_date(start, 17))


def test_closing_an_opinion_needs_a_checker_and_a_finding(case: Any) -> None:
    opinion = OpinionFactory(notice__case=case, notice__community=case.branch.parent)
    with pytest.raises(ValidationError, match="核实人和核实结果"):
        services.opinion_close(opinion=opinion, proven=False, finding="", checker="", actor=None)
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.OPEN


def test_approval_makes_a_probationary_member_from_the_meeting_date(case: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 17, start)
    member = Member.objects.get(citizen_id=case.citizen_id)
    assert member.status == MemberStatus.PROBATIONARY
    assert member.joined_on == step_date(start, 15)
    assert member.branch == case.branch
    assert case.member == member


def test_full_approval_makes_the_member_full_a_year_after_the_meeting(case: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 25, start)
    member = Member.objects.get(citizen_id=case.citizen_id)
    assert member.status == MemberStatus.FULL
    assert member.full_member_on == months_after(step_date(start, 15), 12)
    assert case.stage == rules.Stage.FULL
    assert case.due_on is None


def test_probation_is_extended_once_by_6_to_12_months(case: Any) -> None:
    record_steps(case, 17)
    with pytest.raises(ValidationError, match="6至12个月"):
        services.development_case_extend_probation(case=case, months=13, actor=None)
    services.development_case_extend_probation(case=case, months=6, actor=None)
    with pytest.raises(ValidationError, match="只能延长一次"):
        services.development_case_extend_probation(case=case, months=6, actor=None)


def test_a_notice_is_published_only_between_the_meeting_and_the_approval(case: Any) -> None:
    record_steps(case, 14)
    notice = services.notice_save(
        notice=Notice(case=case, community=case.branch.parent, starts_on=timezone.localdate()),
        actor=None,
    )
    with pytest.raises(ValidationError, match="支部大会讨论通过之后"):
        services.notice_publish(notice=notice, actor=None)


def test_a_published_notice_holds_only_the_public_fields(case: Any) -> None:
    record_steps(case, 15)
    notice = publish_notice(case, timezone.localdate())
    assert notice.name == case.name
    assert notice.ends_on == timezone.localdate() + dt.timedelta(days=6)
    assert notice.activist_on == case.steps.get(number=3).date
    assert notice.age == rules.age_on(case.birth_date, notice.starts_on)
    names = {f.name for f in Notice._meta.concrete_fields}
    assert not names & {"citizen_id", "phone", "address", "birth_date"}


def test_a_notice_counts_working_days_when_set(case: Any, settings: Any) -> None:
    settings.PUBLICITY_NOTICE_WORKING_DAYS = True
    settings.PUBLICITY_NOTICE_DAYS = 5
    record_steps(case, 15)
    notice = services.notice_save(
        notice=Notice(case=case, community=case.branch.parent, starts_on=dt.date(2026, 9, 28)),
        actor=None,
    )
    assert notice.ends_on == dt.date(2026, 10, 9)


def test_the_last_step_alone_may_be_taken_back(case: Any) -> None:
    record_steps(case, 3)
    first = case.steps.get(number=1)
    with pytest.raises(ValidationError, match="只能删除最后"):
        services.development_step_delete(step=first, actor=None)
    services.development_step_delete(step=case.steps.get(number=3), actor=None)
    case.refresh_from_db()
    assert case.last_step == 2
    assert case.stage == rules.Stage.APPLICANT


def test_another_communitys_secretary_cannot_record_a_step(case: Any, secretary_b: Any) -> None:
    with pytest.raises(ScopeError):
        record(case, 1, dt.date(2024, 1, 5), actor=secretary_b)


def test_the_branch_officer_records_a_step(case: Any, branch_officer_a: Any) -> None:
    record(case, 1, dt.date(2024, 1, 5), actor=branch_officer_a)
    assert case.steps.get().history.first().history_user == branch_officer_a
