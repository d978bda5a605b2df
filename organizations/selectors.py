"""Reads of the organization tree that feed pages and reports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from .models import Organization, OrganizationAccess, OrganizationQuerySet, Position
from .roles import Role
from .rules import APPROVING_COMMITTEE_KINDS

# Who acts for the 上级党委: its secretary and officers (never a branch officer below it).
APPROVING_COMMITTEE_ROLES = (
    Role.SUB_DISTRICT_OFFICER,
    Role.COMMUNITY_SECRETARY,
    Role.COMMUNITY_OFFICER,
)


def users_visible_to(viewer: Any) -> Any:
    """The users whose traces (login attempts, reads of personal data) `viewer` may see: the
    viewer and the users attached to an organization the viewer manages, edits (a unit located
    in their community) or reviews, but not a unit a community only sees for 双联双管 (its users
    are the unit's business); all for a superuser."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from .scope import scope_of, within

    users = get_user_model()._default_manager.all()
    scope = scope_of(viewer)
    if scope.editable is None or scope.people is None:  # a superuser
        return users
    accesses = OrganizationAccess.objects.filter(
        within("organization_id", scope.editable | scope.people)
    )
    return users.filter(Q(pk=viewer.pk) | Q(pk__in=accesses.values("user_id")))


def supervised_sub_districts(user: Any) -> list[Organization]:
    """The sub-districts below the 区委组织部 the user supervises (Role.DISTRICT_OFFICER), in
    code order; none for anyone else (a superuser included: their 工作台 is their own)."""
    from .rules import OrganizationKind
    from .scope import scope_of, within

    supervised = scope_of(user).supervised
    if not supervised:
        return []
    found = Organization.objects.filter(
        within("pk", supervised), kind=OrganizationKind.SUB_DISTRICT, is_active=True
    )
    return list(found.order_by("code"))


def approving_committee(branch: Organization) -> Organization | None:
    """The 上级党委 of `branch`: the nearest 社区党委 or 街道党工委 above it (None: none recorded)."""
    node = branch.parent
    while node is not None:
        if node.kind in APPROVING_COMMITTEE_KINDS:
            return node
        node = node.parent
    return None


def is_approving_committee_user(actor: Any, branch: Organization) -> bool:
    """Whether `actor` acts for the 上级党委 of `branch` (None, the command line, and a superuser
    may do anything)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return True
    committee = approving_committee(branch)
    return (
        committee is not None
        and OrganizationAccess.objects.filter(
            user_id=actor.pk, organization=committee, role__in=APPROVING_COMMITTEE_ROLES
        ).exists()
    )


@dataclass
class TreeRow:
    organization: Organization
    depth: int
    positions: list[Position] = field(default_factory=list)

    @property
    def indent_mm(self) -> int:
        return 2 + 6 * self.depth


def _tree_rows(nodes: OrganizationQuerySet, on: dt.date | None) -> list[TreeRow]:
    """Rows in depth-first order, each depth counted from its highest ancestor among `nodes`.

    Two queries, whatever the number of nodes.
    """
    found = list(nodes.with_tree_fields().order_siblings_by("code"))
    ids = {node.pk for node in found}
    positions: dict[int, list[Position]] = defaultdict(list)
    current = Position.objects.current(on).filter(organization__in=ids).in_title_order()
    for position in current:
        positions[position.organization_id].append(position)
    return [
        TreeRow(node, sum(1 for pk in node.tree_path[:-1] if pk in ids), positions[node.pk])
        for node in found
    ]


def organization_tree_get(
    *, root: Organization, on: dt.date | None = None, reader: Any = None
) -> list[TreeRow]:
    """`root` and everything below it that `reader` sees (None: the command line, no limit),
    each with its current positions."""
    queryset = Organization.objects.with_tree_fields().filter(tree_path__contains=root.pk)
    if reader is not None:
        queryset = queryset.visible_to(reader)
    return _tree_rows(queryset, on)


def organization_forest_get(*, user: Any, on: dt.date | None = None) -> list[list[TreeRow]]:
    """Every active organization `user` may see, as trees: one list of rows per top node."""
    forest: list[list[TreeRow]] = []
    for row in _tree_rows(Organization.objects.visible_to(user).active(), on):
        if row.depth == 0:
            forest.append([])
        forest[-1].append(row)
    return forest


def organization_counts_on(
    day: dt.date, kinds: tuple[str, ...], ids: AbstractSet[int] | None
) -> dict[str, int]:
    """How many organizations of each of `kinds` existed on `day` among `ids` (None: all), in
    one query. An organization exists from its 成立日期 (one with none on file is taken as
    existing: it is in the tree) until it is marked 撤销 (is_active off): the model keeps no
    dissolution date, so the day it was first saved as 撤销 (its history's date) stands for it;
    one marked 撤销 with no such history is taken as dissolved before any day."""
    from django.db.models import Count, OuterRef, Q, Subquery
    from django.utils import timezone

    from .scope import filter_by, within

    next_day = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    marked = Organization.history.filter(id=OuterRef("pk"), is_active=False)
    founded = Q(established_on__lte=day) | Q(established_on__isnull=True)
    standing = Q(is_active=True) | Q(dissolved_at__gte=next_day)
    organizations = filter_by(Organization.objects.all(), within("pk", ids)).annotate(
        dissolved_at=Subquery(marked.order_by("history_date").values("history_date")[:1])
    )
    return organizations.filter(founded, standing).aggregate(
        **{kind: Count("pk", filter=Q(kind=kind)) for kind in kinds}
    )
