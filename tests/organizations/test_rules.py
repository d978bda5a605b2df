from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from organizations.rules import (
    ALLOWED_PARENT_KINDS,
    OrganizationKind,
    add_years,
    committee_term_error,
    parent_kind_error,
    periods_overlap,
)

K = OrganizationKind
D = dt.date
TERM = settings.JOINT_COMMITTEE_TERM_MAX_YEARS
CONSECUTIVE = settings.JOINT_COMMITTEE_CONSECUTIVE_MAX_YEARS
GAP = settings.JOINT_COMMITTEE_TERM_GAP_DAYS


def term_error(
    start: dt.date, end: dt.date, earlier: list[tuple[dt.date, dt.date]] = ()
) -> str | None:  # type: ignore[assignment]
    return committee_term_error(
        start, end, earlier, max_years=TERM, max_consecutive_years=CONSECUTIVE, gap_days=GAP
    )


@pytest.mark.parametrize(
    ("kind", "parent", "allowed"),
    [
        (K.SUB_DISTRICT, None, True),
        (K.SUB_DISTRICT, K.SUB_DISTRICT, False),
        (K.COMMUNITY_COMMITTEE, K.SUB_DISTRICT, True),
        (K.COMMUNITY_GENERAL_BRANCH, K.SUB_DISTRICT, True),
        (K.COMMUNITY_COMMITTEE, None, False),
        (K.COMMUNITY_COMMITTEE, K.COMMUNITY_COMMITTEE, False),
        (K.BRANCH, K.COMMUNITY_COMMITTEE, True),
        (K.BRANCH, K.COMMUNITY_GENERAL_BRANCH, True),
        (K.BRANCH, K.SUB_DISTRICT, True),
        (K.BRANCH, K.UNIT_ORG, True),
        (K.BRANCH, K.BRANCH, False),
        (K.BRANCH, None, False),
        (K.GROUP, K.BRANCH, True),
        (K.GROUP, K.COMMUNITY_COMMITTEE, False),
        (K.GROUP, K.GROUP, False),
        (K.UNIT_ORG, None, True),
        (K.UNIT_ORG, K.COMMUNITY_COMMITTEE, False),
    ],
)
def test_parent_kind_matrix(kind: str, parent: str | None, allowed: bool) -> None:
    assert (parent_kind_error(kind, parent) is None) is allowed


def test_every_kind_has_a_parent_rule() -> None:
    assert set(ALLOWED_PARENT_KINDS) == set(OrganizationKind)


def test_group_under_community_message_names_the_allowed_parent() -> None:
    assert (
        parent_kind_error(K.GROUP, K.COMMUNITY_COMMITTEE)
        == "党小组不能设在社区党委之下，上级只能是党支部。"
    )


def test_root_kind_under_parent_message_says_to_clear_parent() -> None:
    assert "请清空上级党组织" in parent_kind_error(K.UNIT_ORG, K.COMMUNITY_COMMITTEE)


def test_missing_parent_message_lists_choices() -> None:
    message = parent_kind_error(K.GROUP, None)
    assert message == "党小组必须有上级党组织，请选择党支部作为上级。"


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((D(2024, 1, 1), D(2024, 12, 31)), (D(2025, 1, 1), None), False),
        ((D(2024, 1, 1), D(2025, 1, 1)), (D(2025, 1, 1), None), True),
        ((D(2024, 1, 1), None), (D(2030, 1, 1), D(2031, 1, 1)), True),
        ((D(2024, 6, 1), D(2024, 6, 30)), (D(2024, 1, 1), D(2024, 5, 31)), False),
    ],
)
def test_periods_overlap_on_shared_days_only(a: tuple, b: tuple, overlap: bool) -> None:
    assert periods_overlap(a, b) is overlap
    assert periods_overlap(b, a) is overlap


def test_add_years_leap_day_falls_back_to_28_february() -> None:
    assert add_years(D(2024, 2, 29), 3) == D(2027, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)


def test_term_of_exactly_the_maximum_is_allowed() -> None:
    assert term_error(D(2024, 3, 1), add_years(D(2024, 3, 1), TERM)) is None


def test_term_one_day_over_the_maximum_is_refused() -> None:
    end = add_years(D(2024, 3, 1), TERM) + dt.timedelta(days=1)
    message = term_error(D(2024, 3, 1), end)
    assert message is not None
    assert f"最长{TERM}年" in message


def test_term_ending_before_it_starts_is_refused() -> None:
    assert term_error(D(2024, 3, 1), D(2024, 2, 1)) == "任期结束日期不能早于开始日期。"


def test_consecutive_terms_up_to_the_limit_are_allowed() -> None:
    first = (D(2015, 1, 1), D(2017, 12, 31))
    second = (D(2018, 1, 1), D(2020, 12, 31))
    assert term_error(D(2021, 1, 1), add_years(D(2015, 1, 1), CONSECUTIVE), [first, second]) is None


def test_consecutive_terms_beyond_the_limit_are_refused() -> None:
    earlier = [(D(2015, 1, 1), D(2017, 12, 31)), (D(2018, 1, 1), D(2020, 12, 31))]
    earlier.append((D(2021, 1, 1), D(2023, 12, 31)))
    limit = add_years(D(2015, 1, 1), CONSECUTIVE)
    assert term_error(D(2024, 1, 1), limit, earlier) is None
    message = term_error(D(2024, 1, 1), limit + dt.timedelta(days=1), earlier)
    assert message is not None
    assert f"连续任职最长{CONSECUTIVE}年" in message
    assert "2015-01-01" in message


def test_a_gap_within_the_setting_keeps_the_terms_consecutive() -> None:
    """Issue 9.9: a one-day gap reset the 9-year count; a short gap (the setting) does not."""
    assert GAP == 31
    earlier = [(D(2015, 1, 1), D(2017, 12, 31)), (D(2018, 1, 1), D(2020, 12, 31))]
    start = D(2020, 12, 31) + dt.timedelta(days=GAP + 1)  # exactly GAP days between
    message = term_error(start, D(2024, 1, 31), earlier)
    assert message is not None
    assert "自2015-01-01起连续任职" in message
    assert term_error(start, D(2024, 1, 1), earlier) is None


def test_a_gap_longer_than_the_setting_breaks_the_chain() -> None:
    earlier = [(D(2015, 1, 1), D(2017, 12, 31)), (D(2018, 1, 1), D(2020, 12, 31))]
    start = D(2020, 12, 31) + dt.timedelta(days=GAP + 2)  # GAP + 1 days between
    assert term_error(start, D(2024, 1, 31), earlier) is None


def test_retyping_a_node_checks_the_kinds_of_its_children() -> None:
    from organizations.rules import children_kind_error

    assert children_kind_error(K.COMMUNITY_COMMITTEE, [K.GROUP]) == (
        "该党组织下设有党小组，党小组只能设在党支部之下，不能把本组织改为社区党委。"
    )
    assert children_kind_error(K.BRANCH, [K.GROUP]) is None
    assert children_kind_error(K.COMMUNITY_COMMITTEE, [K.BRANCH]) is None
    assert children_kind_error(K.COMMUNITY_COMMITTEE, []) is None


def test_an_adjacent_term_continues_the_chain() -> None:
    earlier = [
        (D(2013, 1, 1), D(2015, 12, 31)),
        (D(2016, 1, 1), D(2018, 12, 31)),
        (D(2019, 1, 1), D(2021, 12, 31)),
    ]
    assert term_error(D(2022, 1, 1), D(2022, 6, 30), earlier) is not None
