"""The working-day calendar is checked at start (issue 21, item 7): when 公示 counts working days
and the installed chinesecalendar has no holidays for this year (or, in December, for the next),
`manage.py check` warns in Chinese instead of counting Monday to Friday without a word."""

from __future__ import annotations

import datetime as dt
from typing import Any

import chinese_calendar
import pytest
from django.core.management import call_command

from common import checks
from common.checks import calendar_knows, working_calendar_check, working_calendar_warnings

# The last year the installed package knows: the tests stay true after an upgrade adds years.
LAST_KNOWN = max(day.year for day in chinese_calendar.constants.holidays)


def test_the_calendar_knows_its_last_year_and_not_the_next() -> None:
    assert calendar_knows(LAST_KNOWN)
    assert not calendar_knows(LAST_KNOWN + 1)


def test_a_year_the_calendar_knows_gives_no_warning() -> None:
    assert working_calendar_warnings(dt.date(LAST_KNOWN, 6, 1)) == []


def test_a_year_the_calendar_does_not_know_is_named_in_the_warning() -> None:
    [warning] = working_calendar_warnings(dt.date(2100, 3, 1))
    assert warning.id == "common.W001"
    assert "没有2100年的节假日安排" in warning.msg
    assert "只能按周一至周五计算" in warning.msg
    assert "升级 chinesecalendar" in (warning.hint or "")


def test_in_december_the_next_year_is_needed_already() -> None:
    """A notice published on 28 December ends in January: its holidays must be known by then."""
    [warning] = working_calendar_warnings(dt.date(LAST_KNOWN, 12, 7))
    assert f"没有{LAST_KNOWN + 1}年的节假日安排" in warning.msg  # this year's are known


def test_calendar_days_need_no_calendar(settings: Any, monkeypatch: Any) -> None:
    settings.PUBLICITY_NOTICE_WORKING_DAYS = False
    monkeypatch.setattr(checks.timezone, "localdate", lambda: dt.date(2100, 3, 1))
    assert working_calendar_check() == []


def test_manage_py_check_warns_when_working_days_are_counted_in_an_unknown_year(
    settings: Any, monkeypatch: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.PUBLICITY_NOTICE_WORKING_DAYS = True
    monkeypatch.setattr(checks.timezone, "localdate", lambda: dt.date(2100, 3, 1))
    call_command("check")  # a warning does not stop the start
    assert "common.W001" in capsys.readouterr().err


def test_manage_py_check_is_quiet_in_a_known_year(
    settings: Any, monkeypatch: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.PUBLICITY_NOTICE_WORKING_DAYS = True
    monkeypatch.setattr(checks.timezone, "localdate", lambda: dt.date(LAST_KNOWN, 6, 1))
    call_command("check")
    assert "common.W001" not in capsys.readouterr().err
