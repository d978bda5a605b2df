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


# --- issue 9.9: membership dates -----------------------------------------------------------------
JOINED = dt.date(2024, 3, 15)


@pytest.mark.parametrize(
    ("full_member_on", "allowed"),
    [
        (dt.date(2025, 3, 15), True),  # exactly one year
        (dt.date(2025, 3, 14), False),
        (dt.date(2025, 3, 16), False),
        (dt.date(2024, 4, 15), False),  # one month after 入党
        (dt.date(2025, 9, 14), False),  # an extension shorter than 6 months
        (dt.date(2025, 9, 15), True),  # extended by 6 months
        (dt.date(2026, 3, 15), True),  # extended by 12 months
        (dt.date(2026, 3, 16), False),  # beyond the longest extension
    ],
)
def test_full_membership_is_one_year_after_joining_or_after_one_extension(
    full_member_on: dt.date, allowed: bool
) -> None:
    error = rules.full_member_date_error(JOINED, full_member_on)
    assert (error is None) is allowed
    if not allowed:
        assert error == (
            "转正日期应为预备期满之日：入党满一年的2025-03-15，"
            "或延长预备期6至12个月后的2025-09-15至2026-03-15之间"
        )


def test_leap_day_joining_has_its_probation_end_on_28_february() -> None:
    assert rules.probation_end(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert rules.full_member_date_error(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) is None


def test_membership_dates_may_not_lie_in_the_future() -> None:
    today = dt.date(2026, 12, 1)
    errors = rules.membership_date_errors(
        birth_date=dt.date(1990, 1, 1),
        joined_on=dt.date(2026, 12, 2),
        full_member_on=None,
        today=today,
    )
    assert errors == {"joined_on": "入党日期不能晚于今天"}
    errors = rules.membership_date_errors(
        birth_date=dt.date(1990, 1, 1),
        joined_on=dt.date(2025, 12, 2),
        full_member_on=dt.date(2026, 12, 2),
        today=today,
    )
    assert errors == {"full_member_on": "转正日期不能晚于今天"}
    assert not rules.membership_date_errors(
        birth_date=dt.date(1990, 1, 1),
        joined_on=dt.date(2025, 12, 1),
        full_member_on=dt.date(2026, 12, 1),
        today=today,
    )


def test_a_member_sixteen_when_accepted_is_refused() -> None:
    errors = rules.membership_date_errors(
        birth_date=dt.date(2008, 6, 1),
        joined_on=dt.date(2024, 6, 1),
        full_member_on=None,
        today=dt.date(2026, 12, 1),
    )
    assert errors == {"joined_on": "入党日期早于本人年满18周岁的日期"}


def test_probation_is_overdue_the_day_after_its_first_anniversary() -> None:
    assert not rules.probation_overdue(JOINED, dt.date(2025, 3, 15))
    assert rules.probation_overdue(JOINED, dt.date(2025, 3, 16))


def test_overdue_probation_says_what_to_do() -> None:
    within = rules.probation_overdue_message(JOINED, dt.date(2025, 6, 1))
    assert (
        within
        == "预备期已于2025-03-15满一年，未见转正决定：请办理转正，延长预备期的最迟于2026-03-15转正"
    )
    beyond = rules.probation_overdue_message(dt.date(2019, 5, 1), dt.date(2026, 12, 1))
    assert beyond == "预备期已于2020-05-01满一年，最长延长期也已于2021-05-01届满，仍未转正"


@pytest.mark.parametrize(
    ("full_member_on", "status", "expected"),
    [
        (dt.date(2025, 12, 31), rules.MemberStatus.FULL, True),
        (dt.date(2026, 1, 1), rules.MemberStatus.FULL, False),
        (None, rules.MemberStatus.PROBATIONARY, False),
        (None, rules.MemberStatus.FULL, True),  # no 转正日期 on file: one year after 入党
    ],
)
def test_full_member_on_the_review_years_last_day(
    full_member_on: dt.date | None, status: str, expected: bool
) -> None:
    day = rules.review_year_end(2025)
    assert day == dt.date(2025, 12, 31)
    joined = dt.date(2024, 12, 31)
    assert rules.is_full_member_on(day, status, joined, full_member_on) is expected


def test_full_member_without_date_counts_from_one_year_after_joining() -> None:
    status = rules.MemberStatus.FULL
    assert not rules.is_full_member_on(dt.date(2025, 12, 31), status, dt.date(2025, 1, 1), None)


# --- issue 9.4: 自行脱党 ----------------------------------------------------------------------------
def test_six_months_without_organizational_life_is_a_lapse_one_day_less_is_not() -> None:
    today = dt.date(2026, 7, 15)
    assert rules.absent_for(dt.date(2026, 1, 15), today=today, months=rules.SELF_LAPSE_MONTHS)
    assert not rules.absent_for(dt.date(2026, 1, 16), today=today, months=6)


def test_the_longest_absence_counts_from_the_start_and_between_records() -> None:
    start, today = dt.date(2026, 1, 1), dt.date(2026, 7, 15)
    assert rules.longest_absence([], start=start, today=dt.date(2026, 6, 30)) == rules.Run(
        dt.date(2026, 1, 1), 5
    )
    assert rules.longest_absence([], start=start, today=dt.date(2026, 7, 1)) == rules.Run(
        dt.date(2026, 1, 1), 6
    )
    days = [dt.date(2025, 3, 1), dt.date(2026, 1, 10), dt.date(2026, 7, 9)]
    assert rules.longest_absence(days, start=start, today=today) == rules.Run(
        dt.date(2026, 1, 1), 5
    )  # the day before the start counts for nothing
    assert rules.longest_absence([dt.date(2026, 1, 1)], start=start, today=today) == rules.Run(
        dt.date(2026, 1, 1), 6
    )
    assert rules.longest_absence([today], start=today, today=today) is None


def test_an_inflowing_member_at_a_fixed_place_half_a_year_should_transfer_here() -> None:
    today = dt.date(2026, 7, 1)
    assert rules.floating_should_transfer(
        since=dt.date(2025, 5, 1), has_fixed_place=True, today=today, months=6
    )


# --- issue 9.10: 量化考核 deductions as data ---------------------------------------------------------
def test_the_seeds_deductions_are_data() -> None:
    by_code = {rule.code: rule for rule in rules.ASSESSMENT_DEDUCTIONS}
    dues = by_code["dues_overdue"]
    assert (dues.item, dues.condition, dues.points) == (3, "逾期不交党费", Decimal(10))
    life = by_code["organizational_life_below_target"]
    assert (life.item, life.points, life.per) == (4, Decimal(1), "每下降5%")
    lecture = by_code["lecture_missed"]
    assert (lecture.item, lecture.points, lecture.per) == (4, Decimal(3), "每次")
    assert {rule.item for rule in rules.ASSESSMENT_DEDUCTIONS} == set(rules.ASSESSMENT_MAX)
    for rule in rules.ASSESSMENT_DEDUCTIONS:
        assert rule.points is None or rule.points <= rules.ASSESSMENT_MAX[rule.item]


@pytest.mark.parametrize(
    ("rate", "points"),
    [
        (Decimal(100), 0),
        (Decimal(95), 0),
        (Decimal("94.9"), 1),
        (Decimal(90), 1),
        (Decimal("89.9"), 2),
        (Decimal(85), 2),
        (Decimal(0), 19),
    ],
)
def test_organizational_life_below_95_percent_costs_one_point_per_5_percent(
    rate: Decimal, points: int
) -> None:
    assert rules.organizational_life_deduction(rate) == Decimal(points)


def test_prefill_combines_item_4_and_stays_within_its_maximum() -> None:
    found = rules.prefilled_deductions(
        overdue_dues_months=2, life_rate=Decimal(85), lectures_missed=1
    )
    assert found == {
        3: (Decimal(10), "逾期不交党费（2个月），扣10分"),
        4: (
            Decimal(5),
            "参加组织生活85%，低于95%，扣2分；缺席党课1次，扣3分",
        ),
    }
    capped = rules.prefilled_deductions(
        overdue_dues_months=0, life_rate=Decimal(0), lectures_missed=4
    )
    assert capped[4][0] == Decimal(15)
    assert 3 not in capped


def test_prefill_without_records_produces_nothing() -> None:
    assert (
        rules.prefilled_deductions(overdue_dues_months=None, life_rate=None, lectures_missed=None)
        == {}
    )


@pytest.mark.parametrize(
    "day", [dt.date(2025, 2, 28), dt.date(2024, 2, 29), dt.date(2025, 3, 1), dt.date(2025, 12, 31)]
)
def test_latest_join_date_full_by_is_the_twin_of_the_probation_end(day: dt.date) -> None:
    latest = rules.latest_join_date_full_by(day)
    assert rules.probation_end(latest) <= day
    assert rules.probation_end(latest + dt.timedelta(days=1)) > day


@pytest.mark.parametrize(
    ("kind", "has_branch", "allowed"),
    [
        ("branch", False, True),
        ("unit_org", False, True),
        ("unit_org", True, False),
        ("group", False, False),
        ("community_committee", False, False),
        ("community_general_branch", False, False),
        ("sub_district", False, False),
    ],
)
def test_only_a_branch_or_a_unit_org_without_branches_holds_members(
    kind: str, has_branch: bool, allowed: bool
) -> None:
    error = rules.holder_error(
        name="某组织", kind=kind, parent_name="上级", has_branch_below=has_branch
    )
    assert (error is None) is allowed


def test_review_year_is_last_year_until_the_end_of_march() -> None:
    import datetime as dt

    from members.rules import review_year_for

    assert review_year_for(dt.date(2026, 3, 31)) == 2025
    assert review_year_for(dt.date(2026, 4, 1)) == 2026
    assert review_year_for(dt.date(2026, 12, 1)) == 2026


def test_a_new_score_sheet_has_its_year_filled_in(client, secretary_a) -> None:
    from django.urls import reverse
    from django.utils import timezone

    from members.rules import review_year_for

    client.force_login(secretary_a)
    form = client.get(reverse("admin:members_assessment_add")).context["adminform"].form
    assert form.initial["year"] == str(review_year_for(timezone.localdate()))
