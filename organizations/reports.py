"""PDF ledgers of the organizations app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kit.pdf import render_pdf

from .models import Organization
from .selectors import organization_tree_get

ORGANIZATION_TREE = "organization_tree"


def organization_tree_pdf(
    organization: Organization, *, reader: Any, on: dt.date | None = None
) -> bytes:
    """组织架构及班子成员: the tree under `organization` that `reader` sees (None: no limit)
    with each node's current positions."""
    day = on or timezone.localdate()
    return render_pdf(
        "reports/organizations/organization_tree.html",
        {
            "title": "组织架构及班子成员",
            "organization": organization,
            "period": f"截至{day:%Y年%m月%d日}",
            "printed_on": day,
            "rows": organization_tree_get(root=organization, on=day, reader=reader),
        },
    )


def register_documents() -> None:
    """The background documents this app renders (common/documents.py)."""
    from common.documents import DocumentKind, register

    register(
        DocumentKind(
            ORGANIZATION_TREE,
            "组织架构及班子成员",
            render=lambda document, reader, progress: organization_tree_pdf(
                document.organization, reader=reader
            ),
            filename=lambda document: (
                f"组织架构-{document.organization.name}-{document.created_at:%Y-%m-%d}.pdf"
            ),
            # Organizations and their office holders, which whoever sees them may print.
            permission="organizations.view_organization",
            people=False,
        )
    )
