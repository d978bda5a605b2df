"""The rule settings are range-checked at start (issue "Rules, round 2" 15): a 公示 period outside
5-10 days, a quorum below "more than half" (the 大党委's below 4/5) or a required meeting that
is never required stops `manage.py check` (and so runserver, migrate) with the setting named."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from common.checks import is_at_least_as_strict, rule_settings_check

QUORUMS = {"general_meeting": ">1/2", "big_committee_meeting": ">=4/5"}


def messages() -> list[str]:
    return [f"{error.id} {error.msg}" for error in rule_settings_check()]


def test_the_default_settings_pass() -> None:
    assert messages() == []


@pytest.mark.parametrize("days", [5, 7, 10])
def test_notice_days_within_5_to_10_pass(settings: Any, days: int) -> None:
    settings.PUBLICITY_NOTICE_DAYS = days
    assert messages() == []


@pytest.mark.parametrize("days", [4, 11, 0, -7])
def test_notice_days_outside_5_to_10_are_refused(settings: Any, days: int) -> None:
    settings.PUBLICITY_NOTICE_DAYS = days
    assert messages() == [f"common.E001 设置 PUBLICITY_NOTICE_DAYS 为 {days}，公示期应为5至10天。"]


def test_manage_py_check_stops_on_a_bad_notice_period(settings: Any) -> None:
    settings.PUBLICITY_NOTICE_DAYS = 3
    with pytest.raises(SystemCheckError, match="PUBLICITY_NOTICE_DAYS 为 3"):
        call_command("check")


@pytest.mark.parametrize(
    ("kind", "spec", "reason"),
    [
        ("general_meeting", ">=1/2", "低于规定的“>1/2”"),  # exactly half is not more than half
        ("general_meeting", ">1/3", "低于规定的“>1/2”"),
        ("general_meeting", ">1/1", "超过应到人数"),
        ("general_meeting", ">=3/2", "超过应到人数"),
        ("general_meeting", "half", "格式错误"),
        ("general_meeting", ">1/0", "格式错误"),
        ("big_committee_meeting", ">1/2", "低于规定的“>=4/5”"),
        ("big_committee_meeting", ">=3/4", "低于规定的“>=4/5”"),
    ],
)
def test_quorums_below_the_rule_are_refused(
    settings: Any, kind: str, spec: str, reason: str
) -> None:
    settings.ACTIVITIES_QUORUMS = {**QUORUMS, kind: spec}
    [message] = messages()
    assert message.startswith(f"common.E002 设置 ACTIVITIES_QUORUMS 中“{kind}”的法定人数“{spec}”")
    assert reason in message


@pytest.mark.parametrize(
    ("kind", "spec"),
    [
        ("general_meeting", ">=2/3"),
        ("general_meeting", ">1/2"),
        ("general_meeting", ">=1/1"),  # everyone
        ("big_committee_meeting", ">4/5"),
        ("big_committee_meeting", ">=9/10"),
    ],
)
def test_stricter_quorums_pass(settings: Any, kind: str, spec: str) -> None:
    settings.ACTIVITIES_QUORUMS = {**QUORUMS, kind: spec}
    assert messages() == []


@pytest.mark.parametrize("spec", ["0/month", "1/week", "quarterly", "-1/year"])
def test_a_requirement_of_no_meeting_or_an_unknown_period_is_refused(
    settings: Any, spec: str
) -> None:
    settings.ACTIVITIES_BRANCH_REQUIREMENTS = {"general_meeting": spec}
    assert messages() == [
        f"common.E003 设置 ACTIVITIES_BRANCH_REQUIREMENTS 中“general_meeting”的次数要求“{spec}”"
        "无效：应为每个期间至少1次，如“1/month”“1/quarter”。"
    ]


@pytest.mark.parametrize("spec", ["1/month", "2/quarter", "5/year"])
def test_valid_requirements_pass(settings: Any, spec: str) -> None:
    settings.ACTIVITIES_GROUP_REQUIREMENTS = {"group_meeting": spec}
    assert messages() == []


@pytest.mark.parametrize("value", [-1, 101])
def test_attendance_targets_are_percentages(settings: Any, value: int) -> None:
    settings.ACTIVITIES_ATTENDANCE_TARGET = value
    assert messages() == [
        f"common.E004 设置 ACTIVITIES_ATTENDANCE_TARGET 为 {value}，应为0至100之间的百分数。"
    ]


def test_a_committee_threshold_below_one_is_refused(settings: Any) -> None:
    settings.ACTIVITIES_COMMITTEE_MIN_FULL_MEMBERS = 0
    assert messages() == [
        "common.E005 设置 ACTIVITIES_COMMITTEE_MIN_FULL_MEMBERS 为 0，应为不小于1的整数。"
    ]


# --- "at least as strict", checked against every small meeting (hypothesis) -------------------
def _meets(quorum: tuple[str, Fraction], expected: int, present: int) -> bool:
    comparison, share = quorum
    ratio = Fraction(present, expected)
    return ratio > share if comparison == ">" else ratio >= share


quorums = st.tuples(
    st.sampled_from([">", ">="]),
    st.builds(Fraction, st.integers(1, 6), st.integers(1, 6)).filter(lambda f: f <= 1),
)


@hypothesis_settings(max_examples=150, deadline=None)
@given(quorums, quorums)
def test_at_least_as_strict_means_every_quorate_meeting_meets_the_floor(
    quorum: tuple[str, Fraction], floor: tuple[str, Fraction]
) -> None:
    implied = all(
        _meets(floor, expected, present)
        for expected in range(1, 121)
        for present in range(expected + 1)
        if _meets(quorum, expected, present)
    )
    assert is_at_least_as_strict(quorum, floor) == implied
