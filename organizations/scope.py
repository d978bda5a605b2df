"""Which organizations a user may see and which they may change.

A user's scope follows from their OrganizationAccess rows:
- a managing role (sub-district, community, branch) reaches its organization and everything below
  it, plus the party organizations of the workplace units located in those communities;
- it also sees (without changing) the party organizations of units linked to its communities for
  双联双管;
- a unit reviewer sees its unit's party organization and what is below it;
- a member sees the organization they belong to.
A superuser reaches everything. Every model's `visible_to(user)` filters through `scoped()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from .roles import MANAGING_ROLES, Role

QS = TypeVar("QS", bound=QuerySet[Any])


@dataclass(frozen=True)
class Scope:
    """Organization ids; None means no limit (a superuser).

    `visible` and `editable` are organizations. `people` are the organizations whose members'
    personal records the user may see: the managed tree and the reviewed unit trees, but not the
    unit organizations a community merely sees for 双联双管 (their members living elsewhere are
    none of the community's business). `managed` is the managed tree alone: a member who lives in
    one of its communities is visible there too.
    """

    visible: frozenset[int] | None
    editable: frozenset[int] | None
    people: frozenset[int] | None = None
    managed: frozenset[int] | None = None


EVERYTHING = Scope(visible=None, editable=None)
NOTHING = Scope(visible=frozenset(), editable=frozenset(), people=frozenset(), managed=frozenset())


def scope_of(user: Any) -> Scope:
    """The user's scope, computed once per user object (so once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    cached = getattr(user, "_organization_scope", None)
    if cached is None:
        cached = _compute_scope(user)
        user._organization_scope = cached
    return cached


def _compute_scope(user: Any) -> Scope:
    from .models import Organization, Unit

    accesses = list(user.organization_accesses.values_list("role", "organization_id"))
    managed_roots = {org for role, org in accesses if role in MANAGING_ROLES}
    reviewed_roots = {org for role, org in accesses if role == Role.UNIT_REVIEWER}
    own_nodes = {org for role, org in accesses if role == Role.MEMBER}

    managed = Organization.objects.descendant_ids(managed_roots)
    located_orgs: set[int] = set()
    linked_orgs: set[int] = set()
    if managed:
        units = Unit.objects.filter(
            Q(community_id__in=managed) | Q(linked_communities__in=managed),
            party_organization__isnull=False,
        ).values_list("party_organization_id", "community_id")
        for org_id, community_id in units:
            (located_orgs if community_id in managed else linked_orgs).add(org_id)
    located = Organization.objects.descendant_ids(located_orgs)
    linked = Organization.objects.descendant_ids(linked_orgs)
    reviewed = Organization.objects.descendant_ids(reviewed_roots)
    editable = frozenset(managed | located)
    return Scope(
        visible=frozenset(editable | linked | reviewed | own_nodes),
        editable=editable,
        people=frozenset(managed | reviewed),
        managed=frozenset(managed),
    )


def scoped(queryset: QS, user: Any, *lookups: str, editable: bool = False) -> QS:
    """Rows of `queryset` whose organization, reached through any of `lookups`, is in scope."""
    scope = scope_of(user)
    return _filter(queryset, scope.editable if editable else scope.visible, lookups)


def scoped_people(queryset: QS, user: Any, *, branch: str, residence: str | None = None) -> QS:
    """Rows about people: those whose membership is held in the user's managed or reviewed
    organizations (through `branch`), or who live in a community the user manages (`residence`)."""
    scope = scope_of(user)
    if scope.people is None:
        return queryset
    condition = Q(**{f"{branch}__in": scope.people})
    if residence and scope.managed:
        condition |= Q(**{f"{residence}__in": scope.managed})
    return queryset.filter(condition) if scope.people or scope.managed else queryset.none()


def _filter(queryset: QS, ids: frozenset[int] | None, lookups: tuple[str, ...]) -> QS:
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    return queryset.filter(reduce(or_, (Q(**{f"{lookup}__in": ids}) for lookup in lookups)))


def forget_scope(user: Any) -> None:
    """Drop the cached scope, after the user's accesses or the tree changed."""
    for attr in ("_organization_scope", "_role_perm_cache", "_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
