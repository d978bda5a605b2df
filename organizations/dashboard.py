"""The organizations app's panel on the 工作台: the size of the tree the user works in."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest

from kit.dashboard import Figure, Panel, changelist_url

from .models import Organization, Unit
from .rules import COMMUNITY_KINDS, OrganizationKind


def organizations_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("organizations.view_organization"):
        return None
    counts = Organization.objects.visible_to(user).aggregate(
        communities=Count("pk", filter=Q(kind__in=COMMUNITY_KINDS)),
        branches=Count("pk", filter=Q(kind=OrganizationKind.BRANCH)),
        groups=Count("pk", filter=Q(kind=OrganizationKind.GROUP)),
    )
    units = Unit.objects.visible_to(user).count()
    url = changelist_url("organizations.organization", kind__exact=OrganizationKind.BRANCH)
    return Panel(
        title="组织架构",
        order=90,
        figures=[
            Figure("社区党组织", counts["communities"]),
            Figure("党支部", counts["branches"], url),
            Figure("党小组", counts["groups"]),
            Figure("驻区单位", units, changelist_url("organizations.unit")),
        ],
    )
