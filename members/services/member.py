"""Writes of the member registry: a member and its categories, and the log of personal-data reads.

A member is written only by an actor who manages the branch that holds the membership record,
both before and after the change. Changing the citizen ID or phone of an existing member needs the
permission to see them (members.view_personal_data).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from common.services import model_save
from organizations.scope import scope_of
from organizations.services import ScopeError

from ..models import Member, MemberCategory, PersonalDataAccess

PERSONAL_DATA_PERMISSION = "members.view_personal_data"
PERSONAL_FIELDS = ("citizen_id", "phone")


def member_branch_ids(actor: Any) -> frozenset[int] | None:
    """Organizations where the actor may hold members (None: anywhere).

    They must be both editable and among the organizations whose people the actor sees, so that
    a member written by the actor stays visible to them afterwards.
    """
    if actor is None:
        return None
    scope = scope_of(actor)
    if scope.editable is None:
        return None
    return scope.editable & (scope.people or frozenset())


def _require_branch(actor: Any, branch_id: int | None) -> None:
    allowed = member_branch_ids(actor)
    if allowed is not None and branch_id not in allowed:
        raise ScopeError("您无权在该党组织登记党员：该党组织不在您的管理范围内。")


def _require_member_editable(actor: Any, member_id: int) -> None:
    if actor is None or scope_of(actor).editable is None:
        return
    if not Member.objects.editable_by(actor).filter(pk=member_id).exists():
        raise ScopeError("您无权修改该党员的信息：其组织关系不在您管理的党组织。")


def _require_personal_permission(actor: Any, before: Member, member: Member) -> None:
    changed = [f for f in PERSONAL_FIELDS if getattr(before, f) != getattr(member, f)]
    if changed and actor is not None and not actor.has_perm(PERSONAL_DATA_PERMISSION):
        raise PermissionDenied("您无权修改党员的公民身份号码和联系电话。")


def _original(member: Member) -> Member | None:
    return Member.objects.filter(pk=member.pk).first() if member.pk else None


def _set_categories(member: Member, categories: Iterable[MemberCategory]) -> None:
    wanted = {category.pk for category in categories}
    if wanted != set(member.categories.values_list("pk", flat=True)):
        member.categories.set(wanted)


@transaction.atomic
def member_save(
    *,
    member: Member,
    actor: Any,
    categories: Iterable[MemberCategory] | None = None,
    update_fields: list[str] | None = None,
) -> Member:
    """Create or change a member (and, if given, set its categories) inside the actor's scope.

    `actor` None is the command line without a user: no scope limit.
    """
    before = _original(member)
    if before is not None:
        _require_member_editable(actor, before.pk)
        _require_personal_permission(actor, before, member)
    _require_branch(actor, member.branch_id)
    model_save(member, actor=actor, update_fields=update_fields)
    if categories is not None:
        _set_categories(member, categories)
    return member


def personal_data_access_record(
    *, actor: Any, action: str, member: Member | None = None, detail: str = ""
) -> PersonalDataAccess | None:
    """Log that `actor` read members' personal data; an anonymous command line run is not logged."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return PersonalDataAccess.objects.create(
        user=actor, member=member, action=action, detail=detail[:200]
    )
