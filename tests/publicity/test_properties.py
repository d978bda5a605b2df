"""Property tests (hypothesis) of the development time limits (发展党员工作细则): each limit
holds on its last day and is broken the day after (or before, for a minimum)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from members.rules import months_after
from publicity.rules import (
    APPLICATION,
    APPROVAL,
    CANDIDATE,
    TALK,
    CaseFacts,
    StepInput,
    approval_deadline,
    earliest_candidate_date,
    limits,
    step_error,
)

FAST = settings(max_examples=50, deadline=None)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))
ONE_DAY = dt.timedelta(days=1)


@FAST
@given(days)
def test_the_talk_is_due_within_one_month_of_the_application(applied: dt.date) -> None:
    case = CaseFacts(birth_date=dt.date(1990, 1, 1), dates={APPLICATION: applied})
    latest = months_after(applied, limits().talk_within_months)
    assert step_error(case, StepInput(TALK, latest)) is None
    assert step_error(case, StepInput(TALK, applied)) is None
    assert "已超期" in (step_error(case, StepInput(TALK, latest + ONE_DAY)) or "")


@FAST
@given(days)
def test_an_activist_becomes_a_candidate_after_a_full_year_at_the_earliest(
    activist_on: dt.date,
) -> None:
    dates = dict.fromkeys(range(1, CANDIDATE), activist_on)
    case = CaseFacts(birth_date=dt.date(1990, 1, 1), dates=dates)
    earliest = earliest_candidate_date(activist_on)
    assert earliest == months_after(activist_on, limits().activist_min_months)
    assert step_error(case, StepInput(CANDIDATE, earliest)) is None
    assert "培养教育考察" in (step_error(case, StepInput(CANDIDATE, earliest - ONE_DAY)) or "")


@FAST
@given(days, st.booleans())
def test_the_approval_is_due_within_3_months_or_6_when_extended(
    meeting_on: dt.date, extended: bool
) -> None:
    dates = dict.fromkeys(range(1, APPROVAL), meeting_on)
    case = CaseFacts(birth_date=dt.date(1990, 1, 1), dates=dates)
    deadline = approval_deadline(meeting_on, extended)
    lim = limits()
    months = lim.approval_extended_months if extended else lim.approval_within_months
    assert deadline == months_after(meeting_on, months)
    assert step_error(case, StepInput(APPROVAL, deadline, extended_approval=extended)) is None
    late = StepInput(APPROVAL, deadline + ONE_DAY, extended_approval=extended)
    assert "已超期" in (step_error(case, late) or "")


@FAST
@given(st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2010, 12, 31)))
def test_an_application_needs_the_applicant_to_be_18(birth: dt.date) -> None:
    if (birth.month, birth.day) == (2, 29):
        birth = birth.replace(day=28)
    birthday = birth.replace(year=birth.year + limits().min_age)
    case = CaseFacts(birth_date=birth, dates={})
    assert step_error(case, StepInput(APPLICATION, birthday)) is None
    assert "年满18周岁" in (step_error(case, StepInput(APPLICATION, birthday - ONE_DAY)) or "")


@FAST
@given(days, st.integers(min_value=1, max_value=400))
def test_a_step_dated_before_the_previous_one_is_refused(applied: dt.date, back: int) -> None:
    case = CaseFacts(birth_date=dt.date(1990, 1, 1), dates={APPLICATION: applied})
    error = step_error(case, StepInput(TALK, applied - dt.timedelta(days=back)))
    assert error is not None
    assert "不能早于上一步" in error
