"""Property tests (hypothesis) of the quorum (002: more than half; 004: 大党委 at least 4/5)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from activities.rules import is_quorate, quorum_of

FAST = settings(max_examples=100, deadline=None)
QUORUMS = {"general_meeting": ">1/2", "big_committee_meeting": ">=4/5"}


@st.composite
def attendance(draw: st.DrawFn) -> tuple[int, int]:
    expected = draw(st.integers(min_value=0, max_value=500))
    return expected, draw(st.integers(min_value=0, max_value=expected))


@FAST
@given(attendance())
def test_more_than_half_means_strictly_more_than_half(counts: tuple[int, int]) -> None:
    expected, present = counts
    quorum = quorum_of("general_meeting", QUORUMS)
    assert is_quorate(quorum, expected=expected, present=present) == (
        expected > 0 and 2 * present > expected
    )


@FAST
@given(attendance())
def test_big_committee_needs_four_fifths_or_more(counts: tuple[int, int]) -> None:
    expected, present = counts
    quorum = quorum_of("big_committee_meeting", QUORUMS)
    assert is_quorate(quorum, expected=expected, present=present) == (
        expected > 0 and 5 * present >= 4 * expected
    )


@FAST
@given(st.integers(min_value=1, max_value=500), st.sampled_from(sorted(QUORUMS)))
def test_one_more_attendee_never_loses_the_quorum(expected: int, kind: str) -> None:
    quorum = quorum_of(kind, QUORUMS)
    results = [is_quorate(quorum, expected=expected, present=p) for p in range(expected + 1)]
    assert results == sorted(results)  # False… then True…
    assert results[-1]  # everyone present is always enough


@FAST
@given(st.integers(min_value=1, max_value=250))
def test_exactly_half_is_not_enough(half: int) -> None:
    quorum = quorum_of("general_meeting", QUORUMS)
    assert not is_quorate(quorum, expected=2 * half, present=half)
    assert is_quorate(quorum, expected=2 * half, present=half + 1)
