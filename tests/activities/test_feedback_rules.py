"""Periods of the feedback cards: half years by default, quarters when the setting says 3."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.feedback.rules import (
    HALF_YEAR_MONTHS,
    QUARTER_MONTHS,
    Period,
    PeriodError,
    period_just_ended,
    period_of,
    period_parse,
)


@pytest.mark.parametrize(
    ("code", "start", "end", "label"),
    [
        ("2026H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30), "2026年上半年"),
        ("2026H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "2026年下半年"),
        ("2026h2", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "2026年下半年"),
    ],
)
def test_half_year_codes(code: str, start: dt.date, end: dt.date, label: str) -> None:
    period = period_parse(code, HALF_YEAR_MONTHS)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.code == code.upper()


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2026Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2026Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ],
)
def test_quarter_codes(code: str, start: dt.date, end: dt.date) -> None:
    period = period_parse(code, QUARTER_MONTHS)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("code", "months"),
    [("2026H3", 6), ("2026Q1", 6), ("2026H1", 3), ("2026Q5", 3), ("26H1", 6), ("", 6)],
)
def test_a_code_of_the_wrong_form_is_refused_in_chinese(code: str, months: int) -> None:
    with pytest.raises(PeriodError, match="无法识别"):
        period_parse(code, months)


def test_a_period_length_other_than_half_year_or_quarter_is_refused() -> None:
    with pytest.raises(PeriodError, match="半年"):
        period_parse("2026H1", 4)


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (dt.date(2026, 1, 1), "2026H1"),
        (dt.date(2026, 6, 30), "2026H1"),
        (dt.date(2026, 7, 1), "2026H2"),
        (dt.date(2026, 12, 31), "2026H2"),
    ],
)
def test_the_half_year_of_a_day_at_its_boundaries(day: dt.date, code: str) -> None:
    assert period_of(day, HALF_YEAR_MONTHS).code == code


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (dt.date(2026, 1, 1), "2025H2"),  # the scheduled run on 1 January
        (dt.date(2026, 6, 30), "2025H2"),
        (dt.date(2026, 7, 1), "2026H1"),  # the scheduled run on 1 July
        (dt.date(2026, 12, 31), "2026H1"),
    ],
)
def test_the_period_just_ended(day: dt.date, code: str) -> None:
    assert period_just_ended(day, HALF_YEAR_MONTHS).code == code


def test_quarters_follow_and_precede_across_the_year() -> None:
    assert Period(2026, 4, QUARTER_MONTHS).following().code == "2027Q1"
    assert Period(2026, 1, QUARTER_MONTHS).preceding().code == "2025Q4"
    assert period_just_ended(dt.date(2026, 4, 1), QUARTER_MONTHS).code == "2026Q1"
