"""党内统计 of the demo: every demo community's figures are made and are not trivial, and a demo
secretary's page and command give their community's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.rules import AGE_BANDS, EDUCATION_ROWS
from members.selectors.statistics import party_statistics_get
from organizations.models import Organization
from organizations.rules import COMMUNITY_KINDS


def test_every_demo_community_has_statistics_worth_reading(demo_db: Any, db: None) -> None:
    year = timezone.localdate().year
    communities = Organization.objects.filter(kind__in=COMMUNITY_KINDS, code__startswith="CN-")
    assert communities.count() >= 3
    for community in communities:
        figures = party_statistics_get(year=year, reader=None, organization=community).figures
        assert figures["党员总数"] >= 50, community.code
        assert figures["正式党员"] + figures["预备党员"] == figures["党员总数"]
        for label in ("正式党员", "预备党员", "女党员", "少数民族党员", "离退休", "在职", "党支部"):
            assert figures[label] > 0, (community.code, label)
        assert sum(1 for label, _, _ in AGE_BANDS if figures[label]) >= 5, community.code
        assert sum(1 for label, _ in EDUCATION_ROWS if figures[label]) >= 4, community.code
    whole = [party_statistics_get(year=y, reader=None) for y in (year - 1, year)]
    assert sum(s["年内转出"] + s["年内转入"] for s in whole) >= 2
    assert sum(s["年内发展党员"] for s in whole) > 0


def test_a_demo_secretary_sees_their_community_on_the_page_and_in_the_file(
    demo_db: Any, db: None, tmp_path: Any
) -> None:
    year = timezone.localdate().year
    secretary = get_user_model().objects.get(username="chunhui")
    community = Organization.objects.get(code="CN-CH")
    expected = party_statistics_get(year=year, reader=None, organization=community)
    assert party_statistics_get(year=year, reader=secretary).figures == expected.figures
    client = Client()
    client.force_login(secretary)
    response = client.get(reverse("admin:members_member_statistics"), {"year": year})
    assert response.status_code == 200
    assert response.context["statistics"].figures == expected.figures
    path = tmp_path / "chunhui.csv"
    call_command("party_statistics", str(year), str(path), "--user", "chunhui")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == f"党员总数,{expected['党员总数']}"
