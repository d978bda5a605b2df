"""The demo's communities keep a year of their own meetings (issue 24): the compliance export
lists each community's own requirements, with 已完成, 进行中 and 逾期 among them, a missed 议事会
quarter and a late 党课."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.utils import timezone

from activities.models import Meeting
from activities.printables import COMPLIANCE
from activities.rules import MeetingKind as K
from activities.rules import Status
from activities.selectors.compliance import compliance_list, compliance_rows
from organizations.models import Organization
from organizations.rules import COMMUNITY_KINDS
from tests.printing import make

OWN_KINDS = {
    K.COMMUNITY_GENERAL_MEETING, K.COMMUNITY_COMMITTEE_MEETING, K.LECTURE, K.DEMOCRATIC_LIFE,
    K.ENLARGED_MEETING, K.COUNCIL_MEETING, K.YOUTH_LEAGUE_MEETING, K.RESIDENTS_FORUM,
    K.VOLUNTEER_SERVICE, K.SCREENING,
}  # fmt: skip


def test_the_demo_compliance_lists_the_communities_own_requirements(demo_db: Any, db: None):
    today = timezone.localdate()
    communities = Organization.objects.filter(kind__in=COMMUNITY_KINDS, code__startswith="CN")
    assert communities.count() >= 2
    years = sorted({today.year - 1, today.year})
    rows = [
        row
        for year in years
        for row in compliance_rows(compliance_list(communities, year, today))
        if row.kind in OWN_KINDS
    ]
    for community in communities:
        assert {r.kind for r in rows if r.code == community.code} >= OWN_KINDS
    assert Status.IN_PROGRESS in {r.status for r in rows if r.period.start.year == today.year}
    assert {Status.DONE, Status.OVERDUE} <= {r.status for r in rows}
    assert any(r.kind == K.COUNCIL_MEETING and r.status == Status.OVERDUE for r in rows)
    assert Meeting.objects.filter(kind=K.SCREENING).exclude(film_title="").exists()
    assert Meeting.objects.filter(kind=K.LECTURE, topic__contains="第二季度补上").exists()
    export = make(COMPLIANCE, organization=None, period=str(today.year), format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export)).active
    kinds = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"总支委员会", "议事会", "电化教育", "党员集体为民服务"} <= kinds
