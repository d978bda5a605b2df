"""The 两会一化 pages: a nominee who does not fit the seat is refused on the election's page with
the service's Chinese message (nothing saved); the conference's page shows the seats with the
vacant ones; the 工作台 lists the vacant seats for the community's secretary."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from members.dashboard_congress import congress_panel
from members.models import DelegateNominee
from tests.members import factories as mf

pytestmark = pytest.mark.django_db


@pytest.fixture
def election(tree: SimpleNamespace) -> Any:
    conference = mf.DelegateConferenceFactory(
        community=tree.community_a,
        term_starts_on=dt.date(2026, 1, 1),
        term_ends_on=dt.date(2030, 12, 31),
    )
    return mf.DelegateElectionFactory(
        conference=conference, held_on=dt.date(2025, 12, 20), voters=10
    )


def _post(election: Any, member: Any, votes: int) -> dict[str, Any]:
    return {
        "conference": election.conference.pk,
        "group": election.group,
        "held_on": f"{election.held_on:%Y-%m-%d}",
        "voters": election.voters,
        "note": "",
        "nominees-TOTAL_FORMS": "1",
        "nominees-INITIAL_FORMS": "0",
        "nominees-0-election": election.pk,
        "nominees-0-member": member.pk,
        "nominees-0-votes": votes,
    }


def test_a_nominee_of_another_community_is_refused_on_the_page(
    client: Any, tree: SimpleNamespace, secretary_a: Any, superuser: Any, election: Any
) -> None:
    outsider = mf.MemberFactory(branch=tree.branch_b, birth_date=dt.date(1970, 1, 1))
    client.force_login(superuser)  # sees both communities' members in the picker
    url = reverse("admin:members_delegateelection_change", args=[election.pk])
    response = client.post(url, _post(election, outsider, 8))
    assert response.status_code == 200
    assert "组织关系须在本社区的党支部" in response.content.decode()
    assert not DelegateNominee.objects.exists()


def test_the_conference_page_shows_the_vacant_seats_and_the_panel_lists_them(
    client: Any, tree: SimpleNamespace, secretary_a: Any, election: Any
) -> None:
    member = mf.MemberFactory(branch=tree.branch_a, birth_date=dt.date(1970, 1, 1), name="张代表")
    mf.DelegateNomineeFactory(election=election, member=member, votes=6)
    client.force_login(secretary_a)
    url = reverse("admin:members_delegateconference_change", args=[election.conference.pk])
    page = client.get(url).content.decode()
    assert "张代表" in page
    assert "在任代表与空缺席位" in page
    request = RequestFactory().get("/admin/")
    request.user = secretary_a
    panel = congress_panel(request)
    assert panel is not None
    todos = {t.label: t.count for t in panel.todos}
    assert todos["个党员代表席位空缺，待补选"] == 27 - 1


def test_more_elected_than_seats_on_one_page_is_refused_before_anything_is_saved(
    client: Any, tree: SimpleNamespace, superuser: Any
) -> None:
    conference = mf.DelegateConferenceFactory(
        community=tree.community_a, term_starts_on=dt.date(2026, 1, 1),
        term_ends_on=dt.date(2030, 12, 31), seats_floating=1,
    )  # fmt: skip
    members = [mf.MemberFactory(branch=tree.branch_a, birth_date=dt.date(1970, 1, 1)) for _ in "ab"]
    for member in members:
        mf.FloatingRecordFactory(member=member, since=dt.date(2025, 1, 1))
    data = {
        "conference": conference.pk, "group": "floating", "held_on": "2025-12-20",
        "is_by_election": "", "voters": 7, "note": "",
        "nominees-TOTAL_FORMS": "2", "nominees-INITIAL_FORMS": "0",
    }  # fmt: skip
    for i, member in enumerate(members):
        data |= {f"nominees-{i}-member": member.pk, f"nominees-{i}-votes": 5 - i}
    client.force_login(superuser)
    response = client.post(reverse("admin:members_delegateelection_add"), data)
    assert response.status_code == 200
    assert "只有1个空缺席位，本次已有2人得票过半数" in response.content.decode()
    assert not DelegateNominee.objects.exists()
