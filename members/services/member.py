"""Writes of the member registry: a member and its categories, and the log of personal-data reads.

A member is written only by an actor who manages the branch that holds the membership record,
both before and after the change (`require_editable`, by MemberQuerySet's declaration): the
managed tree, never a unit party organization the actor only sees. Changing the citizen ID or
phone of an existing member needs the permission to see them (members.view_personal_data).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from common.services import model_save
from organizations.scope import require_editable, scope_of

from ..models import Member, MemberCategory, PersonalDataAccess

PERSONAL_DATA_PERMISSION = "members.view_personal_data"
PERSONAL_FIELDS = ("citizen_id", "phone")


def member_branch_ids(actor: Any) -> frozenset[int] | None:
    """Organizations where the actor may hold members (None: anywhere): their managed tree, the
    keeper MemberQuerySet declares, so a member written by the actor stays visible to them."""
    return None if actor is None else scope_of(actor).managed


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
    what = "修改该党员的信息" if before is not None else "在该党组织登记党员"
    require_editable(actor, member, what)
    if before is not None:
        _require_personal_permission(actor, before, member)
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
    label = f"{member.name}（{member.masked_citizen_id}）" if member is not None else ""
    return PersonalDataAccess.objects.create(
        user=actor, member=member, member_label=label[:80], action=action, detail=detail[:200]
    )


def personal_data_access_bulk_record(
    *, actor: Any, action: str, members: Iterable[Member], detail: str
) -> int:
    """Log one read of personal data per member (a list shown, printed or exported in full)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return 0
    rows = [
        PersonalDataAccess(
            user=actor,
            member=member,
            member_label=f"{member.name}（{member.masked_citizen_id}）"[:80],
            action=action,
            detail=detail[:200],
        )
        for member in members
    ]
    PersonalDataAccess.objects.bulk_create(rows)
    return len(rows)
