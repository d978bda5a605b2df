"""The 25 steps' order and every time limit, at their edges (publicity/rules.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from publicity import rules
from publicity.rules import CaseFacts, Limits, StepInput, VoteCount

D = dt.date
LIM = Limits()
BIRTH = D(2000, 5, 10)
DAY = D(2020, 1, 1)


def facts(*dates: dt.date, birth: dt.date = BIRTH, extension: int = 0) -> CaseFacts:
    return CaseFacts(
        birth_date=birth, dates=dict(enumerate(dates, start=1)), extension_months=extension
    )


def through(number: int, day: dt.date = DAY) -> CaseFacts:
    return facts(*[day] * number)


def check(case: CaseFacts, number: int, day: dt.date, **kwargs: object) -> str | None:
    return rules.step_error(case, StepInput(number=number, date=day, **kwargs), LIM)  # type: ignore[arg-type]


def test_the_procedure_has_25_steps_in_5_phases() -> None:
    assert len(rules.STEPS) == 25
    assert [s.number for s in rules.STEPS] == list(range(1, 26))
    assert len({s.phase for s in rules.STEPS}) == 5
    assert rules.STEPS[14].label == "支部大会讨论"


def test_the_settings_feed_the_limits(settings: object) -> None:
    settings.PUBLICITY_NOTICE_DAYS = 5  # type: ignore[attr-defined]
    assert rules.limits().notice_days == 5
    assert rules.limits().min_age == 18


# --- order -------------------------------------------------------------------------------------
def test_the_first_step_is_the_application() -> None:
    assert check(facts(), 1, D(2020, 1, 1)) is None
    assert "下一步应为第1步" in check(facts(), 2, D(2020, 1, 1))


def test_a_step_out_of_order_is_refused_naming_the_next() -> None:
    error = check(through(2), 5, D(2020, 1, 2))
    assert error is not None
    assert "第3步“推荐和确定入党积极分子”" in error


def test_a_step_recorded_twice_is_refused() -> None:
    assert "已经记录" in check(through(2), 2, D(2020, 1, 2))


def test_a_step_may_share_the_date_of_the_one_before_but_not_precede_it() -> None:
    assert check(through(3, D(2020, 3, 1)), 4, D(2020, 3, 1)) is None
    assert "不能早于上一步" in check(through(3, D(2020, 3, 1)), 4, D(2020, 2, 29))


# --- 18 on the application date --------------------------------------------------------------
def test_an_applicant_18_on_the_day_of_the_application_may_apply() -> None:
    assert check(facts(birth=D(2002, 6, 1)), 1, D(2020, 6, 1)) is None


def test_an_applicant_one_day_short_of_18_is_refused() -> None:
    error = check(facts(birth=D(2002, 6, 1)), 1, D(2020, 5, 31))
    assert error is not None
    assert "年满18周岁" in error


def test_born_on_29_february_turns_18_on_1_march() -> None:
    assert check(facts(birth=D(2004, 2, 29)), 1, D(2022, 2, 28)) is not None
    assert check(facts(birth=D(2004, 2, 29)), 1, D(2022, 3, 1)) is None


# --- the talk within one month ----------------------------------------------------------------
def test_the_talk_exactly_one_month_after_the_application_is_in_time() -> None:
    assert check(facts(D(2020, 1, 15)), 2, D(2020, 2, 15)) is None


def test_the_talk_a_day_after_one_month_is_refused() -> None:
    error = check(facts(D(2020, 1, 15)), 2, D(2020, 2, 16))
    assert error is not None
    assert "1个月内" in error
    assert "2020-02-15" in error


def test_one_month_after_31_january_is_the_end_of_february() -> None:
    assert check(facts(D(2021, 1, 31)), 2, D(2021, 2, 28)) is None
    assert check(facts(D(2021, 1, 31)), 2, D(2021, 3, 1)) is not None


# --- cultivators and introducers ----------------------------------------------------------------
@pytest.mark.parametrize(("people", "ok"), [(0, False), (1, True), (2, True), (3, False)])
def test_one_or_two_cultivators(people: int, ok: bool) -> None:
    assert (check(through(4), 5, D(2020, 1, 1), people=people) is None) == ok


@pytest.mark.parametrize(("people", "ok"), [(1, False), (2, True), (3, False)])
def test_exactly_two_introducers(people: int, ok: bool) -> None:
    case = facts(*[D(2020, 1, 1)] * 8)
    assert (check(case, 9, D(2020, 1, 1), people=people) is None) == ok


# --- one year as an activist ------------------------------------------------------------------
def test_a_candidate_exactly_one_year_after_becoming_an_activist() -> None:
    case = facts(D(2019, 1, 1), D(2019, 1, 5), D(2019, 3, 1), *[D(2019, 3, 1)] * 3)
    assert check(case, 7, D(2020, 3, 1)) is None


def test_a_candidate_one_day_short_of_a_year_is_refused() -> None:
    case = facts(D(2019, 1, 1), D(2019, 1, 5), D(2019, 3, 1), *[D(2019, 3, 1)] * 3)
    error = check(case, 7, D(2020, 2, 29))
    assert error is not None
    assert "2020-03-01" in error


# --- training ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("days", "hours", "ok"), [(3, 0, True), (2, 23, False), (0, 24, True), (2, 24, True)]
)
def test_training_of_three_days_or_24_hours(days: int, hours: int, ok: bool) -> None:
    case = through(10)
    result = check(case, 11, D(2020, 1, 1), training_days=days, training_hours=hours)
    assert (result is None) == ok


# --- the branch meeting's vote -----------------------------------------------------------------
def test_the_meeting_step_needs_its_vote() -> None:
    assert "表决情况" in check(through(14), 15, D(2020, 1, 1))
    assert "未获通过" in check(through(14), 15, D(2020, 1, 1), vote_passed=False)
    assert check(through(14), 15, D(2020, 1, 1), vote_passed=True) is None


def test_more_than_half_of_the_entitled_must_be_present() -> None:
    assert "会议无效" in rules.vote_failure(VoteCount(10, 5, 0, 5, 0, 0))
    assert rules.vote_failure(VoteCount(10, 6, 0, 6, 0, 0)) is None


def test_yes_votes_must_exceed_half_of_the_entitled_not_of_those_present() -> None:
    # 7 of 10 present, 5 yes: a majority of those present, but not of the 10 entitled.
    assert "未超过有表决权的正式党员10人的半数" in rules.vote_failure(VoteCount(10, 7, 0, 5, 2, 0))
    assert rules.vote_failure(VoteCount(10, 7, 0, 6, 1, 0)) is None


def test_written_opinions_of_absentees_count_as_votes() -> None:
    assert rules.vote_failure(VoteCount(10, 6, 2, 6, 0, 2)) is None
    assert rules.vote_failure(VoteCount(9, 5, 0, 5, 0, 0)) is None  # 5 of 9 is more than half


def test_counts_that_cannot_be_are_refused() -> None:
    assert "超过有表决权" in rules.vote_count_error(VoteCount(10, 9, 2, 9, 0, 0))
    assert "票数之和" in rules.vote_count_error(VoteCount(10, 6, 0, 6, 1, 0))


# --- approval within three months ------------------------------------------------------------
def meeting_on(day: dt.date) -> CaseFacts:
    return facts(*[D(2019, 1, 1)] * 14, day, day)


def test_approval_exactly_three_months_after_the_meeting_is_in_time() -> None:
    assert check(meeting_on(D(2020, 3, 10)), 17, D(2020, 6, 10)) is None


def test_approval_a_day_after_three_months_is_refused() -> None:
    error = check(meeting_on(D(2020, 3, 10)), 17, D(2020, 6, 11))
    assert error is not None
    assert "3个月内审批" in error


def test_an_extended_approval_may_take_six_months_and_no_more() -> None:
    case = meeting_on(D(2020, 3, 10))
    assert check(case, 17, D(2020, 9, 10), extended_approval=True) is None
    assert "6个月内" in check(case, 17, D(2020, 9, 11), extended_approval=True)


# --- probation -----------------------------------------------------------------------------------
def probation(meeting: dt.date, extension: int = 0, until: int = 21) -> CaseFacts:
    dates = [D(2019, 1, 1)] * 14 + [meeting] * (until - 14)
    return facts(*dates, extension=extension)


def test_the_application_for_full_membership_comes_before_probation_ends() -> None:
    case = probation(D(2020, 7, 1))
    assert check(case, 22, D(2021, 7, 1)) is None
    assert "预备期满" in check(case, 22, D(2021, 7, 2))


def test_the_full_membership_meeting_comes_once_the_year_is_over() -> None:
    case = probation(D(2020, 7, 1), until=22)
    assert "预备期满（2021-07-01）后" in check(case, 23, D(2021, 6, 30), vote_passed=True)
    assert check(case, 23, D(2021, 7, 1), vote_passed=True) is None


def test_an_extension_moves_the_end_of_probation() -> None:
    case = probation(D(2020, 7, 1), extension=6, until=22)
    assert check(case, 23, D(2021, 12, 31), vote_passed=True) is not None
    assert check(case, 23, D(2022, 1, 1), vote_passed=True) is None


def test_full_approval_within_three_months_of_its_meeting() -> None:
    case = facts(*[D(2019, 1, 1)] * 14, *[D(2020, 7, 1)] * 8, D(2021, 7, 5))
    assert check(case, 24, D(2021, 10, 5)) is None
    assert check(case, 24, D(2021, 10, 6)) is not None


@pytest.mark.parametrize(("months", "ok"), [(5, False), (6, True), (12, True), (13, False)])
def test_probation_is_extended_by_6_to_12_months(months: int, ok: bool) -> None:
    assert (rules.extension_error(months, False, LIM) is None) == ok


def test_probation_is_extended_once_only() -> None:
    assert rules.extension_error(6, True, LIM) == "预备期只能延长一次"


# --- stage and next step -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("done", "stage"),
    [(0, "applicant"), (2, "applicant"), (3, "activist"), (6, "activist"), (7, "candidate"),
     (16, "candidate"), (17, "probationary"), (23, "probationary"), (24, "full"), (25, "full")],
)  # fmt: skip
def test_the_stage_follows_the_steps(done: int, stage: str) -> None:
    assert rules.stage_of(done) == stage


def test_the_next_step_of_an_application_is_the_talk_within_a_month() -> None:
    step = rules.next_step(facts(D(2020, 1, 15)), LIM)
    assert step is not None
    assert step.number == 2
    assert step.due_on == D(2020, 2, 15)


def test_the_next_step_of_an_activist_may_come_after_a_year() -> None:
    step = rules.next_step(through(6, D(2020, 3, 1)), LIM)
    assert step is not None
    assert step.number == 7
    assert step.not_before == D(2021, 3, 1)


def test_approval_is_due_three_months_after_the_meeting() -> None:
    step = rules.next_step(meeting_on(D(2020, 3, 10)), LIM)
    assert step is not None
    assert step.number == 17
    assert step.due_on == D(2020, 6, 10)


def test_probation_one_year_from_the_meeting() -> None:
    step = rules.next_step(probation(D(2020, 7, 1)), LIM)
    assert step is not None
    assert step.number == 22
    assert step.due_on == D(2021, 7, 1)


def test_a_finished_case_has_no_next_step() -> None:
    assert rules.next_step(through(25), LIM) is None


# --- 公示 ---------------------------------------------------------------------------------------------
def test_a_notice_of_7_calendar_days_counts_its_first_day() -> None:
    assert rules.notice_end(D(2026, 9, 28), LIM) == D(2026, 10, 4)


def test_a_notice_in_working_days_skips_the_national_holiday() -> None:
    lim = Limits(notice_days=5, notice_working_days=True)
    # 2026-09-28 (Mon) .. 09-30 are working days, 10-01..10-07 the holiday; 10-08 and 10-09 work.
    assert rules.notice_end(D(2026, 9, 28), lim) == D(2026, 10, 9)


def test_working_days_beyond_the_holiday_calendar_are_monday_to_friday() -> None:
    assert rules.is_working_day(D(2040, 1, 6)) is True  # a Friday
    assert rules.is_working_day(D(2040, 1, 7)) is False


def test_the_countdown_is_1_on_the_last_day_and_0_after() -> None:
    assert rules.notice_days_left(D(2026, 10, 4), D(2026, 9, 28)) == 7
    assert rules.notice_days_left(D(2026, 10, 4), D(2026, 10, 4)) == 1
    assert rules.notice_days_left(D(2026, 10, 4), D(2026, 10, 5)) == 0


MEETING = D(2026, 9, 20)


def run(starts: D, ends: D, published: D | None = None, meeting: D = MEETING) -> Any:
    return rules.NoticeRun(
        published_on=published or starts, starts_on=starts, ends_on=ends, meeting_on=meeting
    )


def test_approval_is_blocked_until_the_notice_has_run_its_full_period() -> None:
    notices = [run(D(2026, 9, 28), D(2026, 10, 4))]
    assert "公示期未满" in rules.approval_block(notices, 0, False, D(2026, 10, 4))
    assert rules.approval_block(notices, 0, False, D(2026, 10, 5)) is None


def test_a_back_dated_notice_never_satisfies_the_block() -> None:
    published_after_it_started = run(D(2026, 9, 28), D(2026, 10, 4), published=D(2026, 9, 29))
    before_the_meeting = run(D(2026, 9, 18), D(2026, 9, 24), meeting=D(2026, 9, 20))
    short = run(D(2026, 9, 28), D(2026, 10, 3))  # 6 days, the period is 7
    for notice in (published_after_it_started, before_the_meeting, short):
        assert "尚未发布公示" in rules.approval_block([notice], 0, False, D(2026, 11, 1))
    on_time = run(D(2026, 9, 28), D(2026, 10, 4), published=D(2026, 9, 27))
    assert rules.approval_block([on_time], 0, False, D(2026, 10, 5)) is None


def test_a_notice_starts_no_earlier_than_its_publication_and_the_meeting() -> None:
    assert "公示不能补发" in rules.notice_start_error(
        D(2026, 9, 27), published_on=D(2026, 9, 28), meeting_on=D(2026, 9, 1)
    )
    assert "支部大会" in rules.notice_start_error(
        D(2026, 9, 28), published_on=D(2026, 9, 28), meeting_on=D(2026, 9, 29)
    )
    assert (
        rules.notice_start_error(
            D(2026, 9, 28), published_on=D(2026, 9, 28), meeting_on=D(2026, 9, 28)
        )
        is None
    )


def test_approval_is_blocked_without_a_notice_with_open_opinions_or_when_deferred() -> None:
    notices = [run(D(2026, 9, 28), D(2026, 10, 4))]
    assert "尚未发布公示" in rules.approval_block([], 0, False, D(2026, 11, 1))
    assert "1条意见尚未核实办结" in rules.approval_block(notices, 1, False, D(2026, 11, 1))
    assert "暂缓发展" in rules.approval_block(notices, 0, True, D(2026, 11, 1))
