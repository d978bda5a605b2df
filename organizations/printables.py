"""What the organizations app prints (kit/printables.py; served by common/printables.py)."""

from __future__ import annotations

from typing import Any

from kit.printables import ORGANIZATION, Job, PdfRenderer, Printable

from .selectors import organization_tree_get

ORGANIZATION_TREE = "organization_tree"


def organization_tree_context(job: Job) -> dict[str, Any]:
    """组织架构及班子成员: the tree under the organization that the reader sees, with each
    node's current positions."""
    organization = job["organization"]
    return {
        "title": "组织架构及班子成员",
        "organization": organization,
        "period": f"截至{job.today:%Y年%m月%d日}",
        "printed_on": job.today,
        "rows": organization_tree_get(root=organization, on=job.today, reader=job.reader),
    }


PRINTABLES = [
    Printable(
        ORGANIZATION_TREE,
        "组织架构及班子成员",
        # Organizations and their office holders, which whoever sees them may print.
        permission="organizations.view_organization",
        prints_people=False,
        params=(ORGANIZATION,),
        select=organization_tree_context,
        renderers={"pdf": PdfRenderer("reports/organizations/organization_tree.html")},
        filename=lambda job: f"组织架构-{job['organization'].name}-{job.today:%Y-%m-%d}",
        action="生成组织架构PDF（后台生成）",
    )
]
