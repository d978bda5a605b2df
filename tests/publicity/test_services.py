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
from tests.members.factories import MemberFactory
from tests.publicity.factories import (
    DevelopmentCaseFactory,
    OpinionFactory,
    political_review,
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


def _at_the_meeting(case: Any, number: int = 15) -> dt.date:
    """The case recorded up to the step before the meeting; the meeting's date."""
    start = months_after(timezone.localdate(), -36)
    record_steps(case, number - 1, start)
    return step_date(start, number)


def test_those_entitled_are_every_full_member_of_the_branch_not_those_ticked(case: Any) -> None:
    """The audit's case: 2 yes votes in a branch of 9 full members never pass."""
    people = voters(case.branch, 9)
    meeting = _at_the_meeting(case)
    MemberFactory(branch=case.branch, status=MemberStatus.PROBATIONARY, joined_on=meeting,
                  full_member_on=None)  # fmt: skip
    gone = MemberFactory(branch=case.branch, joined_on=dt.date(1990, 7, 1))
    gone.transferred_out_on = meeting - dt.timedelta(days=1)
    gone.save()
    result = services.branch_vote_save(
        vote=BranchVote(case=case, step=15, held_on=meeting, yes=2, no=1),
        actor=None,
        attended=people[:5],
    )
    assert (result.entitled_count, result.attended_count) == (9, 5)
    assert set(result.entitled.all()) == set(people)
    assert result.failure == "赞成票2票，未超过有表决权的正式党员9人的半数，未获通过"
    case.refresh_from_db()
    assert case.last_step == 14


def test_a_probationary_member_is_not_counted_present(case: Any) -> None:
    people = voters(case.branch, 3)
    meeting = _at_the_meeting(case)
    probationary = MemberFactory(
        branch=case.branch, status=MemberStatus.PROBATIONARY, joined_on=meeting,
        full_member_on=None,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="预备党员和已排除的党员不计"):
        services.branch_vote_save(
            vote=BranchVote(case=case, step=15, held_on=meeting, yes=3),
            actor=None,
            attended=[probationary, *people],
        )
    assert not BranchVote.objects.exists()


def test_a_member_is_left_out_only_with_a_reason_from_the_list(case: Any) -> None:
    people = voters(case.branch, 9)
    meeting = _at_the_meeting(case)
    abroad = (people[8], rules.VoteExclusionReason.ABROAD)
    with pytest.raises(ValidationError, match="事由不在规定范围内"):
        services.branch_vote_save(
            vote=BranchVote(case=case, step=15, held_on=meeting, yes=5),
            actor=None,
            attended=people[:5],
            exclusions=[(people[8], "busy")],
        )
    result = services.branch_vote_save(
        vote=BranchVote(case=case, step=15, held_on=meeting, yes=5),
        actor=None,
        attended=people[:5],
        exclusions=[abroad],
    )
    assert result.entitled_count == 8
    assert result.passed
    assert result.exclusions.get().get_reason_display() == "自费出国半年以上"


def test_a_passing_vote_records_the_meeting_step_once(case: Any) -> None:
    meeting = _at_the_meeting(case)
    vote(case, 15, meeting)
    case.refresh_from_db()
    assert (case.last_step, case.stage) == (15, rules.Stage.CANDIDATE)
    assert case.steps.get(number=15).date == meeting
    with pytest.raises(ValidationError, match="已经记录"):
        record(case, 15, meeting)
    with pytest.raises(ValidationError, match="表决已经记录"):
        vote(case, 15, meeting)


def test_a_vote_before_the_case_reached_the_meeting_is_refused(case: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 13, start)
    with pytest.raises(ValidationError, match="下一步应为第14步"):
        vote(case, 15, step_date(start, 15))
    assert not BranchVote.objects.exists()


def test_the_vote_takes_the_attendance_of_the_recorded_meeting(case: Any) -> None:
    from activities.models import Attendance, AttendanceStatus, Meeting
    from activities.rules import MeetingKind

    people = voters(case.branch, 9)
    meeting_on = _at_the_meeting(case)
    meeting = Meeting.objects.create(
        organization=case.branch, kind=MeetingKind.GENERAL_MEETING, held_on=meeting_on,
        topic="讨论接收预备党员",
    )  # fmt: skip
    for i, member in enumerate(people):
        status = AttendanceStatus.PRESENT if i < 6 else AttendanceStatus.LEAVE
        Attendance.objects.create(meeting=meeting, member=member, name=member.name, status=status)
    result = services.branch_vote_save(
        vote=BranchVote(case=case, step=15, held_on=meeting_on, yes=5, no=1),
        actor=None,
        attended=people,  # what the form sent is not what the meeting recorded
    )
    assert (result.entitled_count, result.attended_count) == (9, 6)
    assert set(result.attended.all()) == set(people[:6])
    assert result.passed


def test_approval_is_blocked_until_the_notice_has_run_its_course(case: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 16, start)
    approval = step_date(start, 17)
    with pytest.raises(ValidationError, match="尚未发布公示"):
        record(case, 17, approval)
    publish_notice(case, approval - dt.timedelta(days=6))  # its last day is the approval day
    with pytest.raises(ValidationError, match="公示期未满"):
        record(case, 17, approval)


def test_a_notice_cannot_start_before_the_day_it_is_published(case: Any) -> None:
    """The audit's case: a notice whose period had ended when it was published let the
    approval through the same day."""
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 16, start)
    approval = step_date(start, 17)
    with pytest.raises(ValidationError, match="公示不能补发"):
        publish_notice(case, approval - dt.timedelta(days=10), published_on=approval)
    with pytest.raises(ValidationError, match="尚未发布公示"):
        record(case, 17, approval)
    assert not case.notices.published().exists()


def test_the_approval_needs_a_notice_of_the_full_period(case: Any, settings: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 16, start)
    approval = step_date(start, 17)
    settings.PUBLICITY_NOTICE_DAYS = 5
    publish_notice(case, approval - dt.timedelta(days=6))  # 5 days, ended the day before
    settings.PUBLICITY_NOTICE_DAYS = 7  # the period in force when approving is 7
    with pytest.raises(ValidationError, match="尚未发布公示"):
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


# --- who approves ------------------------------------------------------------------------------
def test_the_branch_records_no_committee_step(case: Any, branch_officer_a: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 12, start)
    with pytest.raises(ValidationError, match="应由审批的上级党委（甲社区党委）"):
        record(case, 13, step_date(start, 13), actor=branch_officer_a)


def test_the_community_committee_records_its_approval(
    case: Any, secretary_a: Any, branch_officer_a: Any
) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 16, start)
    with pytest.raises(ValidationError, match="公示由审批的上级党委"):
        publish_notice(case, step_date(start, 15), actor=branch_officer_a)
    publish_notice(case, step_date(start, 15), actor=secretary_a)
    record(case, 17, step_date(start, 17), actor=secretary_a)
    case.refresh_from_db()
    assert case.member.status == MemberStatus.PROBATIONARY


def test_a_general_branch_has_no_power_to_admit(
    tree: SimpleNamespace, secretary_b: Any, sub_district_officer: Any
) -> None:
    """乙社区 is a 党总支: its branch's candidates are approved by the sub-district."""
    case_b = DevelopmentCaseFactory(branch=tree.branch_b, residence_community=tree.community_b)
    start = months_after(timezone.localdate(), -36)
    record_steps(case_b, 12, start)
    with pytest.raises(ValidationError, match="测试街道党工委"):
        record(case_b, 13, step_date(start, 13), actor=secretary_b)
    record(case_b, 13, step_date(start, 13), actor=sub_district_officer)
    assert case_b.steps.filter(number=13).exists()


# --- the people a step names ------------------------------------------------------------------
def test_a_probationary_member_or_a_made_up_name_is_no_cultivator(case: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 4, start)
    on = step_date(start, 5)
    MemberFactory(
        name="预备甲", branch=case.branch, status=MemberStatus.PROBATIONARY,
        joined_on=on - dt.timedelta(days=30), full_member_on=None,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="“预备甲”在.*不是正式党员"):
        record(case, 5, on, people="预备甲")
    with pytest.raises(ValidationError, match="“张虚构”不是登记的党员"):
        record(case, 5, on, people="张虚构")
    full = voters(case.branch, 1)[0]
    record(case, 5, on, people=f"{full.name}、李外单位（市税务局机关党委）")
    assert case.steps.get(number=5).people_names == [full.name, "李外单位（市税务局机关党委）"]


def test_a_member_full_only_after_the_steps_date_is_no_introducer(case: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 8, start)
    on = step_date(start, 9)
    late = MemberFactory(name="后转正", branch=case.branch, joined_on=on - dt.timedelta(days=200))
    late.full_member_on = on + dt.timedelta(days=165)
    late.save()
    with pytest.raises(ValidationError, match="“后转正”在.*不是正式党员"):
        record(case, 9, on, people=f"{voters(case.branch, 1)[0].name}、后转正")


def test_the_political_review_needs_two_full_members(case: Any) -> None:
    """Step 10 reads its 政审 record (tests/publicity/test_registers.py has the edges)."""
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 9, start)
    political_review(case, step_date(start, 10), voters(case.branch, 1))
    with pytest.raises(ValidationError, match="政治审查应由2名以上正式党员进行，现有1名"):
        record(case, 10, step_date(start, 10), people=voters(case.branch, 1)[0].name)


# --- the extension on the member's record -----------------------------------------------------
def test_an_extended_probation_leaves_the_to_do_list_until_it_ends(case: Any) -> None:
    start = months_after(timezone.localdate(), -30)  # the meeting was 14 months ago
    record_steps(case, 21, start)
    member = Member.objects.get(citizen_id=case.citizen_id)
    today = timezone.localdate()
    assert Member.objects.probation_overdue(today).filter(pk=member.pk).exists()
    assert "请办理转正" in member.notes(today)[0]
    services.development_case_extend_probation(case=case, months=6, actor=None)
    member.refresh_from_db()
    assert member.probation_extension_months == 6
    assert member.notes(today) == []
    assert not Member.objects.probation_overdue(today).filter(pk=member.pk).exists()
    later = months_after(step_date(start, 15), 18) + dt.timedelta(days=1)
    assert Member.objects.probation_overdue(later).filter(pk=member.pk).exists()
    assert "经延长6个月" in member.notes(later)[0]


# --- the notice's board -----------------------------------------------------------------------
def test_a_notice_goes_on_the_residence_communitys_board_only(
    case: Any, tree: SimpleNamespace
) -> None:
    record_steps(case, 15)
    with pytest.raises(ValidationError, match="只能在发展对象的居住社区（甲社区党委）"):
        services.notice_save(
            notice=Notice(case=case, community=tree.community_b, starts_on=timezone.localdate()),
            actor=None,
        )


def test_a_deferred_cases_notice_is_withdrawn_at_once(case: Any) -> None:
    record_steps(case, 15)
    notice = publish_notice(case, timezone.localdate())
    services.development_case_defer(
        case=case, reason="群众反映问题经核实属实", on=timezone.localdate(), actor=None
    )
    notice.refresh_from_db()
    assert notice.is_withdrawn
    assert "暂缓发展" in notice.withdrawn_reason
    assert not Notice.objects.running_on(timezone.localdate()).exists()


def test_a_notice_is_withdrawn_once_and_with_a_reason(case: Any) -> None:
    record_steps(case, 15)
    notice = publish_notice(case, timezone.localdate())
    with pytest.raises(ValidationError, match="须填写原因"):
        services.notice_withdraw(notice=notice, reason=" ", actor=None)
    services.notice_withdraw(notice=notice, reason="信息有误", actor=None)
    with pytest.raises(ValidationError, match="已于.*撤回"):
        services.notice_withdraw(notice=notice, reason="信息有误", actor=None)


def test_notice_messages_name_the_document_not_its_code(case: Any) -> None:
    record_steps(case, 14)
    notice = services.notice_save(
        notice=Notice(
            case=case, community=case.residence_community, starts_on=timezone.localdate()
        ),
        actor=None,
    )
    with pytest.raises(ValidationError) as refused:
        services.notice_publish(notice=notice, actor=None)
    assert "《社区党建公示栏具体有哪些内容》" in refused.value.messages[0]
    assert "000" not in refused.value.messages[0]


def test_the_full_membership_vote_counts_the_full_members_not_the_candidate(case: Any) -> None:
    start = months_after(timezone.localdate(), -36)
    record_steps(case, 22, start)
    people = voters(case.branch, 3)
    result = vote(case, 23, step_date(start, 23))
    assert case.member_id not in {m.pk for m in result.entitled.all()}
    assert set(result.entitled.all()) == set(people)
    case.refresh_from_db()
    assert case.last_step == 23


def test_the_branch_cannot_withdraw_the_committees_notice(case: Any, branch_officer_a: Any) -> None:
    record_steps(case, 15)
    notice = publish_notice(case, timezone.localdate())
    with pytest.raises(ValidationError, match="只能由其撤回"):
        services.notice_withdraw(notice=notice, reason="想撤", actor=branch_officer_a)
    notice.refresh_from_db()
    assert not notice.is_withdrawn
