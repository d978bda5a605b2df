"""What the daily-work registers print: the 党员联系户登记表 (households with the year's visits)
and the 实事完成情况 (each owing unit's and member's 实事 of a year against the minimum). Addresses
and phones are masked for a reader without the permission, and a print in full is logged."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q

from kit.masking import mask_address, mask_phone
from kit.printables import ANY_ORGANIZATION, PERIOD, Job, PdfRenderer, Printable, XlsxRenderer

from .models import Household, Registration, UnitPledge
from .rules import year_span
from .selectors.work import member_deed_counts, unit_deed_counts
from .services import member as member_services

HOUSEHOLDS = "household_register"
DEEDS = "deed_counts"
HOUSEHOLD_HEADERS = ("联系党员", "户主姓名", "住址", "联系电话", "户情", "联系起始", "本年走访次数",
                     "最近走访")  # fmt: skip
DEED_HEADERS = ("类别", "社区", "单位或党员", "已办实事（件）", "每年至少（件）", "尚差（件）")


def _under(queryset: Any, job: Job, field: str) -> Any:
    from .printables import _under as under

    return under(queryset, job, field)


def household_register_context(job: Job) -> dict[str, Any]:
    """The households contacted during the year (in the organization and below, as the reader
    sees them) with their visits of the year: one query, and the log of a print in full."""
    from .printables import header_organization, is_full

    year = job.year()
    first, last = year_span(year)
    in_year = Q(visits__visited_on__range=(first, last))
    households = (
        _under(Household.objects.all(), job, "member__branch_id")
        .filter(starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .select_related("member")
        .annotate(visits_in_year=Count("visits", filter=in_year))
        .annotate(last_visit=Max("visits__visited_on", filter=in_year))
        .order_by("member__name", "head_name")
    )
    full = is_full(job.reader)
    rows = [
        (h.member.name, h.head_name, h.address if full else mask_address(h.address),
         h.phone if full else mask_phone(h.phone), h.situation, f"{h.starts_on:%Y-%m-%d}",
         h.visits_in_year, f"{h.last_visit:%Y-%m-%d}" if h.last_visit else "无")
        for h in households
    ]  # fmt: skip
    if full and job.reader is not None and households:
        member_services.personal_data_access_bulk_record(
            actor=job.reader, action="print", members={h.member for h in households},
            detail=f"党员联系户登记表（{year}年，含完整住址和电话）",
        )  # fmt: skip
    return {"title": "党员联系户登记表", "organization": header_organization(job),
            "period": f"{year}年度", "headers": HOUSEHOLD_HEADERS, "rows": rows}  # fmt: skip


def deed_counts_context(job: Job) -> dict[str, Any]:
    """实事完成情况 of a year: each unit and in-service member who owes it (rules.owes_deeds) in
    the communities the reader sees, with how many are done. Two queries."""
    from .printables import header_organization

    year = job.year()
    units = unit_deed_counts(_under(UnitPledge.objects.all(), job, "community_id"), year)
    members = member_deed_counts(_under(Registration.objects.all(), job, "community_id"), year)
    rows = [
        (kind, count.community.name, count.name, count.done, count.minimum, count.short)
        for kind, counts in (("驻区单位", units), ("在职党员", members))
        for count in counts
    ]
    return {"title": "为社区办实事完成情况", "organization": header_organization(job),
            "period": f"{year}年度", "headers": DEED_HEADERS, "rows": rows}  # fmt: skip


WORK_PRINTABLES = [
    Printable(
        HOUSEHOLDS, "党员联系户登记表", permission="members.view_household", prints_people=True,
        params=(ANY_ORGANIZATION, PERIOD), select=household_register_context,
        renderers={"pdf": PdfRenderer("reports/members/table.html"), "xlsx": XlsxRenderer()},
        filename=lambda job: f"党员联系户登记表-{job.year()}年度",
    ),
    Printable(
        DEEDS, "为社区办实事完成情况", permission="members.view_unitdeed", prints_people=True,
        params=(ANY_ORGANIZATION, PERIOD), select=deed_counts_context,
        renderers={"pdf": PdfRenderer("reports/members/table.html"), "xlsx": XlsxRenderer()},
        filename=lambda job: f"为社区办实事完成情况-{job.year()}年度",
    ),
]  # fmt: skip
