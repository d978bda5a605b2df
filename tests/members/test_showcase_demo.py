"""The 示范小区 demo: two applicants, pre-filled from what the other demos recorded; 和平里 meets
every standard the records show (its community has no 联席会: no data there), 锦绣家园 does not."""

from __future__ import annotations

from typing import Any

from members.models import ShowcaseApplication
from members.rules import SHOWCASE_CHECKS, ShowcaseResult


def _prefilled(name: str) -> dict[int, str]:
    application = ShowcaseApplication.objects.get(compound__name=name)
    return dict(
        application.scores.filter(number__in=SHOWCASE_CHECKS).values_list("number", "prefill")
    )


def test_the_demo_applicants_are_prefilled_from_the_records(demo_db: Any, db: None) -> None:
    # Early in the year a standard may have no records yet: none is then failed.
    model = _prefilled("和平里")
    assert model.pop(15) == ShowcaseResult.NO_DATA
    assert model[2] == ShowcaseResult.MET  # its 书记 is 41, 大学本科
    assert ShowcaseResult.NOT_MET not in set(model.values()), model
    other = _prefilled("锦绣家园")
    assert other[2] == ShowcaseResult.NOT_MET  # its 书记 is 51
