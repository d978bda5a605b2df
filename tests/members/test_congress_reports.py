"""党员代表名单 in the report center (printable `delegate_lists`: an organization and a year):
the conferences in term that year, each as of the year's last day (today in this year), read
through the reader's scope."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from common.reportcenter import offered_kinds
from kit.printables import Job
from members.printables import delegate_lists_context
from members.services import congress as services
from tests.members import factories as mf

pytestmark = pytest.mark.django_db

HELD = dt.date(2025, 6, 20)


@pytest.fixture
def conference(tree: SimpleNamespace, superuser: Any) -> Any:
    conference: Any = mf.DelegateConferenceFactory(
        community=tree.community_a, name="甲社区第一届党员代表会议",
        term_starts_on=dt.date(2025, 7, 1), term_ends_on=dt.date(2030, 6, 30),
    )  # fmt: skip
    election = mf.DelegateElectionFactory(conference=conference, held_on=HELD, voters=10)
    for name in ("留任代表", "离任代表"):
        member = mf.MemberFactory(name=name, branch=tree.branch_a, birth_date=dt.date(1970, 1, 1))
        mf.DelegateNomineeFactory(election=election, member=member, votes=8)
    left = conference.elections.get().nominees.get(member__name="离任代表")
    left.left_on, left.left_reason = dt.date(2026, 5, 1), "reassigned"
    services.delegate_departure_save(nominee=left, actor=superuser)
    return conference


def _sheets(reader: Any, organization: Any, year: int, today: dt.date) -> list[Any]:
    job = Job(
        values={"organization": organization, "period": str(year)}, reader=reader, today=today
    )
    return delegate_lists_context(job)["sheets"]


def test_the_report_center_offers_the_delegate_list(secretary_a: Any) -> None:
    offered = {kind.name: kind for kind in offered_kinds(secretary_a)}
    assert offered["delegate_lists"].label == "党员代表名单"


def test_the_list_of_a_year_is_as_of_its_last_day(
    tree: SimpleNamespace, conference: Any, secretary_a: Any
) -> None:
    today = dt.date(2026, 12, 8)
    (sheet,) = _sheets(secretary_a, tree.community_a, 2025, today)
    assert sheet["table"].day == dt.date(2025, 12, 31)
    assert [d.member.name for d in sheet["table"].groups[0].seated] == ["留任代表", "离任代表"]
    (sheet,) = _sheets(secretary_a, tree.community_a, 2026, today)
    assert sheet["table"].day == today  # this year: as of today
    assert [d.member.name for d in sheet["table"].groups[0].seated] == ["留任代表"]
    assert [d.left_label for d in sheet["table"].groups[0].left] == ["调离"]
    assert _sheets(secretary_a, tree.community_a, 2024, today) == []  # before the term


def test_the_list_reads_through_the_scope(
    tree: SimpleNamespace, conference: Any, secretary_b: Any, sub_district_officer: Any
) -> None:
    today = dt.date(2026, 12, 8)
    assert len(_sheets(sub_district_officer, tree.sub_district, 2026, today)) == 1
    assert _sheets(secretary_b, tree.sub_district, 2026, today) == []
