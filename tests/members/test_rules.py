from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from members import rules
from tests.members.factories import make_citizen_id

VALID = "11010519491231002X"  # the standard's own example


def test_standard_example_is_valid() -> None:
    assert rules.citizen_id_error(VALID) is None
    assert rules.birth_date_from_citizen_id(VALID) == dt.date(1949, 12, 31)
    assert rules.gender_from_citizen_id(VALID) == rules.Gender.FEMALE


@pytest.mark.parametrize("position", range(17))
def test_changing_any_digit_breaks_the_check(position: int) -> None:
    digit = str((int(VALID[position]) + 1) % 10)
    changed = VALID[:position] + digit + VALID[position + 1 :]
    assert rules.citizen_id_error(changed) in {
        "公民身份号码校验位错误",
        "公民身份号码中的出生日期不存在",
    }


@pytest.mark.parametrize("check", "0123456789X")
def test_only_the_computed_check_character_is_accepted(check: str) -> None:
    candidate = VALID[:17] + check
    assert (rules.citizen_id_error(candidate) is None) is (check == "X")


def test_every_remainder_maps_to_its_check_character() -> None:
    seen = set()
    for serial in range(400):
        citizen_id = make_citizen_id(dt.date(1980, 1, 1), rules.Gender.MALE, serial)
        assert rules.citizen_id_error(citizen_id) is None
        seen.add(citizen_id[17])
    assert seen == set("0123456789X")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519491231002", "公民身份号码应为18位，现为17位"),
        ("11010519491231002X1", "公民身份号码应为18位，现为19位"),
        ("11010519491231002x", "公民身份号码前17位应为数字，最后一位为数字或大写X"),
        ("1101051949123100AX", "公民身份号码前17位应为数字，最后一位为数字或大写X"),
        ("110105194902300021", "公民身份号码中的出生日期不存在"),
    ],
)
def test_malformed_ids_are_explained(value: str, message: str) -> None:
    assert rules.citizen_id_error(value) == message


def test_normalize_upper_cases_and_strips() -> None:
    assert rules.normalize_citizen_id(" 11010519491231002x ") == VALID


def test_gender_follows_the_17th_digit() -> None:
    assert (
        rules.gender_from_citizen_id(make_citizen_id(dt.date(1980, 1, 1), rules.Gender.MALE, 7))
        == rules.Gender.MALE
    )
    assert (
        rules.gender_from_citizen_id(make_citizen_id(dt.date(1980, 1, 1), rules.Gender.FEMALE, 7))
        == rules.Gender.FEMALE
    )


def test_join_on_18th_birthday_is_allowed_day_before_is_not() -> None:
    birth = dt.date(2000, 3, 15)
    assert rules.join_date_error(birth, dt.date(2018, 3, 15)) is None
    assert rules.join_date_error(birth, dt.date(2018, 3, 14)) == "入党日期早于本人年满18周岁的日期"


@pytest.mark.parametrize(
    ("graded", "quota"), [(0, 0), (2, 0), (3, 1), (5, 1), (6, 2), (30, 10), (31, 10)]
)
def test_excellent_is_at_most_one_third(graded: int, quota: int) -> None:
    assert rules.excellent_quota(graded) == quota


def test_assessment_items_total_100_points() -> None:
    assert [p for _, _, p in rules.ASSESSMENT_ITEMS] == [8, 7, 17, 15, 7, 10, 7, 14, 7, 8]
    assert sum(rules.ASSESSMENT_MAX.values()) == 100


@pytest.mark.parametrize(
    ("item", "points", "error"),
    [
        (3, Decimal(17), None),
        (3, Decimal("17.5"), "第3项满分17分，扣分不能超过满分"),
        (1, Decimal(-1), "扣分不能为负数"),
        (11, Decimal(1), "考核项目只有第1至10项"),
    ],
)
def test_assessment_deductions_stay_within_the_item(
    item: int, points: Decimal, error: str | None
) -> None:
    assert rules.assessment_deduction_error(item, points) == error


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 3, 31), dt.date(2025, 9, 30)),
        (dt.date(2026, 8, 31), dt.date(2026, 2, 28)),
        (dt.date(2026, 7, 1), dt.date(2026, 1, 1)),
    ],
)
def test_months_before_keeps_the_day_or_the_months_end(today: dt.date, expected: dt.date) -> None:
    assert rules.months_before(today, 6) == expected


def test_floating_six_months_at_fixed_place_should_transfer() -> None:
    today = dt.date(2026, 7, 1)
    assert rules.floating_should_transfer(
        since=dt.date(2026, 1, 1), has_fixed_place=True, today=today, months=6
    )
    assert not rules.floating_should_transfer(
        since=dt.date(2026, 1, 2), has_fixed_place=True, today=today, months=6
    )
    assert not rules.floating_should_transfer(
        since=dt.date(2020, 1, 1), has_fixed_place=False, today=today, months=6
    )


def test_six_months_without_contact_is_flagged() -> None:
    today = dt.date(2026, 7, 1)
    assert rules.floating_lost_contact(last_contact_on=dt.date(2026, 1, 1), today=today, months=6)
    assert not rules.floating_lost_contact(
        last_contact_on=dt.date(2026, 1, 2), today=today, months=6
    )


def test_quarter_start() -> None:
    assert rules.quarter_start(dt.date(2026, 11, 22)) == dt.date(2026, 10, 1)
    assert rules.quarter_start(dt.date(2026, 3, 31)) == dt.date(2026, 1, 1)


# --- issue 9.7: full-width input -----------------------------------------------------------------
def test_full_width_digits_and_x_are_normalized() -> None:
    from members.rules import citizen_id_error, normalize_citizen_id

    ascii_id = "11010519491231002X"
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in ascii_id)  # １１０…Ｘ
    assert normalize_citizen_id(full_width) == ascii_id
    assert citizen_id_error(normalize_citizen_id(full_width)) is None
    assert normalize_citizen_id(" 11010519491231002x ") == ascii_id
