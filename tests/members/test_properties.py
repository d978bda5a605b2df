"""Property tests (hypothesis) of the member record's pure rules: the GB 11643 check digit, ages
and the probation's end. Examples are few and fast; the boundaries are drawn every time."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from members.rules import (
    CITIZEN_ID_CHECK_CHARACTERS,
    CITIZEN_ID_WEIGHTS,
    age_on,
    citizen_id_check_character,
    citizen_id_error,
    full_member_date_error,
    months_after,
    probation_end,
)

FAST = settings(max_examples=60, deadline=None)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))
regions = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
serials = st.integers(min_value=0, max_value=999)


@st.composite
def citizen_ids(draw: st.DrawFn) -> str:
    first17 = f"{draw(regions)}{draw(births):%Y%m%d}{draw(serials):03d}"
    return first17 + citizen_id_check_character(first17)


@FAST
@given(citizen_ids())
def test_an_id_with_its_computed_check_character_is_valid(value: str) -> None:
    assert citizen_id_error(value) is None
    total = sum(int(d) * w for d, w in zip(value[:17], CITIZEN_ID_WEIGHTS, strict=True))
    assert (total + (10 if value[17] == "X" else int(value[17])) * 1) % 11 == 1  # GB 11643 sum


@FAST
@given(citizen_ids(), st.sampled_from(CITIZEN_ID_CHECK_CHARACTERS))
def test_any_other_check_character_is_refused(value: str, other: str) -> None:
    if other != value[17]:
        assert citizen_id_error(value[:17] + other) == "公民身份号码校验位错误"


@FAST
@given(citizen_ids(), st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_any_single_mistyped_digit_is_caught(value: str, position: int, shift: int) -> None:
    digit = str((int(value[position]) + shift) % 10)
    typo = value[:position] + digit + value[position + 1 :]
    assert citizen_id_error(typo) is not None


@FAST
@given(citizen_ids(), st.integers(min_value=0, max_value=15))
def test_two_swapped_neighbouring_digits_are_caught(value: str, position: int) -> None:
    a, b = value[position], value[position + 1]
    if a != b:
        swapped = value[:position] + b + a + value[position + 2 :]
        assert citizen_id_error(swapped) is not None


@FAST
@given(citizen_ids())
def test_a_lower_case_x_or_a_wrong_length_is_refused(value: str) -> None:
    if value.endswith("X"):
        assert citizen_id_error(value[:17] + "x") is not None
    assert citizen_id_error(value[:17]) == "公民身份号码应为18位，现为17位"
    assert citizen_id_error(value + "0") == "公民身份号码应为18位，现为19位"


@FAST
@given(births, st.integers(min_value=1, max_value=90))
def test_age_turns_on_the_birthday_not_the_day_before(birth: dt.date, years: int) -> None:
    if (birth.month, birth.day) == (2, 29):
        birth = birth.replace(day=28)
    birthday = birth.replace(year=birth.year + years)
    assert age_on(birth, birthday) == years
    assert age_on(birth, birthday - dt.timedelta(days=1)) == years - 1


@FAST
@given(births, st.dates(min_value=dt.date(1900, 1, 1)), st.dates(min_value=dt.date(1900, 1, 1)))
def test_age_never_falls_as_time_passes(birth: dt.date, a: dt.date, b: dt.date) -> None:
    early, late = sorted((a, b))
    assert age_on(birth, early) <= age_on(birth, late)


@FAST
@given(births)
def test_full_membership_is_one_year_on_or_after_one_extension_of_6_to_12_months(
    joined: dt.date,
) -> None:
    one_year = probation_end(joined)
    earliest, latest = months_after(joined, 18), months_after(joined, 24)
    for day in (one_year, earliest, latest, months_after(joined, 20)):
        assert full_member_date_error(joined, day) is None
    for day in (
        one_year - dt.timedelta(days=1),
        one_year + dt.timedelta(days=1),
        earliest - dt.timedelta(days=1),
        latest + dt.timedelta(days=1),
    ):
        assert full_member_date_error(joined, day) is not None


@FAST
@given(births, st.integers(min_value=0, max_value=36))
def test_months_after_keeps_the_day_or_takes_the_months_last(day: dt.date, months: int) -> None:
    later = months_after(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + dt.timedelta(1)).day == 1)
