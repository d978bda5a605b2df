"""Writes to the organization tree, units and joint committees.

Each checks the actor's scope with `require_editable(actor, instance, what)`, which judges the row
as stored and as it is about to be saved by the declaration on the model's QuerySet.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kit.services import model_delete, model_save

from .models import (
    CommitteeMember,
    Compound,
    JointCommittee,
    Organization,
    OrganizationAccess,
    Position,
    Unit,
)
from .rules import OrganizationKind
from .scope import ScopeError as ScopeError  # re-exported: services raise it
from .scope import forget_scope, require_editable


@transaction.atomic
def organization_save(
    *, organization: Organization, actor: Any, update_fields: list[str] | None = None
) -> Organization:
    """Create or change an organization inside the actor's scope; it may not leave that scope
    (a new or moved node needs a parent the actor manages)."""
    what = "修改此党组织或把它移到该上级之下" if organization.pk else "在此上级之下新建党组织"
    require_editable(actor, organization, what)
    model_save(organization, actor=actor, update_fields=update_fields)
    forget_scope(actor)
    return organization


@transaction.atomic
def position_save(
    *, position: Position, actor: Any, update_fields: list[str] | None = None
) -> Position:
    require_editable(actor, position, "任免该党组织的班子成员")
    return model_save(position, actor=actor, update_fields=update_fields)


@transaction.atomic
def position_delete(*, position: Position, actor: Any) -> None:
    require_editable(actor, position, "删除该班子成员")
    model_delete(position, actor=actor)


@transaction.atomic
def unit_save(
    *,
    unit: Unit,
    actor: Any,
    party_org_name: str = "",
    party_org_code: str = "",
    update_fields: list[str] | None = None,
) -> Unit:
    """Save a workplace unit; with a name and code, also found its party organization."""
    require_editable(actor, unit, "在该社区登记或修改驻区单位")
    if party_org_name and party_org_code and unit.party_organization_id is None:
        org = Organization(name=party_org_name, code=party_org_code, kind=OrganizationKind.UNIT_ORG)
        model_save(org, actor=actor)
        unit.party_organization = org
        if update_fields is not None:
            update_fields = [*update_fields, "party_organization"]
    model_save(unit, actor=actor, update_fields=update_fields)
    forget_scope(actor)
    return unit


@transaction.atomic
def compound_save(
    *, compound: Compound, actor: Any, update_fields: list[str] | None = None
) -> Compound:
    require_editable(actor, compound, "在该社区登记或修改小区")
    return model_save(compound, actor=actor, update_fields=update_fields)


@transaction.atomic
def joint_committee_save(
    *, committee: JointCommittee, actor: Any, update_fields: list[str] | None = None
) -> JointCommittee:
    require_editable(actor, committee, "为该社区组建或修改联席会/大党委")
    return model_save(committee, actor=actor, update_fields=update_fields)


@transaction.atomic
def committee_member_save(
    *, member: CommitteeMember, actor: Any, update_fields: list[str] | None = None
) -> CommitteeMember:
    require_editable(actor, member, "任命该联席会/大党委的委员")
    return model_save(member, actor=actor, update_fields=update_fields)


@transaction.atomic
def committee_member_delete(*, member: CommitteeMember, actor: Any) -> None:
    require_editable(actor, member, "删除该委员")
    model_delete(member, actor=actor)


@transaction.atomic
def organization_access_grant(
    *, user: Any, organization: Organization, role: str, actor: Any
) -> OrganizationAccess:
    """Attach `user` to `organization` with `role`; staff roles get admin access."""
    from .roles import STAFF_ROLES

    access = OrganizationAccess.objects.filter(
        user=user, organization=organization, role=role
    ).first() or OrganizationAccess(user=user, organization=organization, role=role)
    require_editable(actor, access, "为该党组织分配用户")
    if access.pk is None:
        model_save(access, actor=actor)
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    return access
