"""Writes to the organization tree, units and joint committees. Each checks the actor's scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from common.services import model_save

from .models import (
    CommitteeMember,
    JointCommittee,
    Organization,
    OrganizationAccess,
    Position,
    ReportDocument,
    ReportKind,
    ReportStatus,
    Unit,
)
from .rules import OrganizationKind
from .scope import forget_scope, scope_of


class ScopeError(PermissionDenied):
    """The actor tried to change something outside the organizations they manage."""


def _require_editable(actor: Any, organization_id: int | None, what: str) -> None:
    ids = scope_of(actor).editable
    if ids is None:
        return
    if organization_id is None or organization_id not in ids:
        raise ScopeError(f"您无权{what}：该党组织不在您的管理范围内。")


def _original(instance: Any) -> Any:
    return type(instance)._default_manager.filter(pk=instance.pk).first() if instance.pk else None


@transaction.atomic
def organization_save(
    *, organization: Organization, actor: Any, update_fields: list[str] | None = None
) -> Organization:
    """Create or change an organization inside the actor's scope; it may not leave that scope."""
    before = _original(organization)
    if before is None:
        _require_editable(actor, organization.parent_id, "在此上级之下新建党组织")
    else:
        _require_editable(actor, organization.pk, "修改此党组织")
        if before.parent_id != organization.parent_id:
            _require_editable(actor, organization.parent_id, "把党组织移到该上级之下")
    model_save(organization, actor=actor, update_fields=update_fields)
    forget_scope(actor)
    return organization


@transaction.atomic
def position_save(
    *, position: Position, actor: Any, update_fields: list[str] | None = None
) -> Position:
    before = _original(position)
    if before is not None:
        _require_editable(actor, before.organization_id, "修改该班子成员")
    _require_editable(actor, position.organization_id, "任免该党组织的班子成员")
    return model_save(position, actor=actor, update_fields=update_fields)


@transaction.atomic
def position_delete(*, position: Position, actor: Any) -> None:
    _require_editable(actor, position.organization_id, "删除该班子成员")
    position._history_user = actor  # type: ignore[attr-defined]
    position.delete()


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
    before = _original(unit)
    if before is not None:
        _require_editable(actor, before.community_id, "修改该驻区单位")
    _require_editable(actor, unit.community_id, "在该社区登记驻区单位")
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
def joint_committee_save(
    *, committee: JointCommittee, actor: Any, update_fields: list[str] | None = None
) -> JointCommittee:
    before = _original(committee)
    if before is not None:
        _require_editable(actor, before.community_id, "修改该联席会/大党委")
    _require_editable(actor, committee.community_id, "为该社区组建联席会/大党委")
    return model_save(committee, actor=actor, update_fields=update_fields)


@transaction.atomic
def committee_member_save(
    *, member: CommitteeMember, actor: Any, update_fields: list[str] | None = None
) -> CommitteeMember:
    _require_editable(actor, member.committee.community_id, "任命该联席会/大党委的委员")
    return model_save(member, actor=actor, update_fields=update_fields)


@transaction.atomic
def committee_member_delete(*, member: CommitteeMember, actor: Any) -> None:
    _require_editable(actor, member.committee.community_id, "删除该委员")
    member._history_user = actor  # type: ignore[attr-defined]
    member.delete()


@transaction.atomic
def organization_access_grant(
    *, user: Any, organization: Organization, role: str, actor: Any
) -> OrganizationAccess:
    """Attach `user` to `organization` with `role`; staff roles get admin access."""
    from .roles import STAFF_ROLES

    _require_editable(actor, organization.pk, "为该党组织分配用户")
    access, _ = OrganizationAccess.objects.get_or_create(
        user=user, organization=organization, role=role
    )
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    return access


@transaction.atomic
def report_request(*, organization: Organization, kind: str, actor: Any) -> ReportDocument:
    """Queue a PDF ledger for a visible organization; a Celery worker renders it after commit."""
    from .tasks import render_report

    visible = scope_of(actor).visible
    if visible is not None and organization.pk not in visible:
        raise ScopeError("您无权为该党组织生成台账。")
    report = model_save(
        ReportDocument(kind=kind, organization=organization, requested_by=actor), actor=actor
    )
    transaction.on_commit(lambda: render_report.delay(report.pk))
    return report


def report_render(*, report_id: int) -> ReportDocument:
    """Render a queued report. Running it again for a finished report does nothing."""
    from django.core.files.base import ContentFile

    from .reports import render_report_pdf

    with transaction.atomic():
        report = ReportDocument.objects.select_for_update().get(pk=report_id)
        if report.status == ReportStatus.DONE:
            return report
        report.status = ReportStatus.RUNNING
        report.save(update_fields=["status"])
    try:
        pdf = render_report_pdf(report)
    except Exception as exc:
        report.status, report.error = ReportStatus.FAILED, f"{type(exc).__name__}: {exc}"
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
        raise
    name = f"{report.organization.code}-{ReportKind(report.kind).value}.pdf"
    report.file.save(name, ContentFile(pdf), save=False)
    report.status, report.error, report.finished_at = ReportStatus.DONE, "", timezone.now()
    report.save(update_fields=["file", "status", "error", "finished_at"])
    return report
