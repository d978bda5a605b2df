"""PDF ledgers of the organizations app."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from common.pdf import render_pdf

from .models import Organization, ReportDocument, ReportKind
from .selectors import organization_tree_get


def organization_tree_pdf(organization: Organization, *, on: dt.date | None = None) -> bytes:
    """组织架构及班子成员: the tree under `organization` with each node's current positions."""
    day = on or timezone.localdate()
    return render_pdf(
        "reports/organizations/organization_tree.html",
        {
            "title": "组织架构及班子成员",
            "organization": organization,
            "period": f"截至{day:%Y年%m月%d日}",
            "printed_on": day,
            "rows": organization_tree_get(root=organization, on=day),
        },
    )


RENDERERS = {ReportKind.ORGANIZATION_TREE: organization_tree_pdf}


def render_report_pdf(report: ReportDocument) -> bytes:
    return RENDERERS[ReportKind(report.kind)](report.organization)
