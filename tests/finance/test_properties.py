"""Property tests (hypothesis) of the dues table (2008 规定, 002): the bracket's rate times the
whole base, brackets inclusive at their upper bound, rounded half up to the fen."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from finance.rules import (
    IN_SERVICE_BRACKETS,
    RETIRED_BRACKETS,
    DuesBasis,
    dues_amount,
)

FAST = settings(max_examples=80, deadline=None)
TABLES = {DuesBasis.IN_SERVICE: IN_SERVICE_BRACKETS, DuesBasis.RETIRED: RETIRED_BRACKETS}
incomes = st.decimals(min_value=0, max_value=200_000, places=2, allow_nan=False)
bases = st.sampled_from([DuesBasis.IN_SERVICE, DuesBasis.RETIRED])


def expected(income: Decimal, basis: str) -> Decimal:
    """Computed independently: exact fractions, half up."""
    rate = next(r for upper, r in TABLES[basis] if upper is None or income <= upper)
    fen = Fraction(income) * Fraction(rate) * 100
    rounded = int(fen + Fraction(1, 2)) if fen >= 0 else -int(-fen + Fraction(1, 2))
    return Decimal(rounded) / 100


@FAST
@given(incomes, bases)
def test_dues_are_the_brackets_rate_of_the_whole_income_half_up(
    income: Decimal, basis: str
) -> None:
    assert dues_amount(basis, income=income).amount == expected(income, basis)


@FAST
@given(incomes, incomes, bases)
def test_more_income_never_means_less_dues(a: Decimal, b: Decimal, basis: str) -> None:
    low, high = sorted((a, b))
    assert dues_amount(basis, income=low).amount <= dues_amount(basis, income=high).amount


@FAST
@given(bases)
def test_each_upper_bound_belongs_to_its_own_bracket(basis: str) -> None:
    labels = {"0.005": "0.5%", "0.01": "1%", "0.015": "1.5%", "0.02": "2%"}
    table = TABLES[basis]
    for (upper, rate), (_, next_rate) in zip(table, table[1:], strict=False):
        assert upper is not None
        at = dues_amount(basis, income=upper)
        above = dues_amount(basis, income=upper + Decimal("0.01"))
        assert at.rate == labels[str(rate)]
        assert above.rate == labels[str(next_rate)]
        assert at.amount == expected(upper, basis)


@FAST
@given(st.integers(min_value=0, max_value=1499))
def test_half_a_fen_rounds_up(m: int) -> None:
    """0.5% of an odd number of yuan (2m+1) is m fen and a half: it is m+1 fen, never m."""
    amount = dues_amount(DuesBasis.IN_SERVICE, income=Decimal(2 * m + 1)).amount
    assert amount == Decimal(m + 1) / 100


@FAST
@given(incomes)
def test_an_amount_always_has_two_decimals(income: Decimal) -> None:
    for basis in TABLES:
        assert dues_amount(basis, income=income).amount.as_tuple().exponent == -2
