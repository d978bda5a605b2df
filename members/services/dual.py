"""Writes of 双联双管: registration campaigns, registrations, service posts, activity records.

Every service checks the actor's scope: the community it writes for must be one the actor manages
(`require_editable`, by the declaration on each model's QuerySet), and the member it writes about
must be visible to the actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kit.services import model_delete, model_save
from organizations.models import Unit
from organizations.scope import ScopeError, require_editable

from ..models import (
    ActivityRecord,
    Member,
    PersonalDataAccess,
    PostClaim,
    PostClaimStatus,
    PostKind,
    Registration,
    RegistrationCampaign,
)
from ..rules import Category


class PostClaimError(ValidationError):
    """A claim was asked to change state in a way its current state does not allow."""


def _original(instance: Any) -> Any:
    return type(instance)._default_manager.filter(pk=instance.pk).first() if instance.pk else None


def _require_visible_member(actor: Any, member_id: int | None, what: str) -> None:
    if member_id is None:
        return
    if not Member.objects.visible_to(actor).filter(pk=member_id).exists():
        raise ScopeError(f"您无权{what}：该党员不在您的管理范围内。")


def _require_due_to_register(member: Member) -> None:
    """Who registers (001, 002): a current in-service member held by a unit party organization."""
    if member.transferred_out_on is not None:
        raise ValidationError(
            {"member": f"{member.name}已于{member.transferred_out_on:%Y-%m-%d}转出，不再登记报到。"}
        )
    if not member.categories.filter(code=Category.IN_SERVICE).exists():
        raise ValidationError({"member": f"{member.name}不是在职党员，无需到居住社区报到。"})
    if not Member.objects.held_by_unit_org().filter(pk=member.pk).exists():
        raise ValidationError(
            {
                "member": f"{member.name}的组织关系在{member.branch}，不在驻区单位党组织，"
                "由所在党支部管理，无需到居住社区报到。"
            }
        )


# --- 报到 -----------------------------------------------------------------------------------------
@transaction.atomic
def registration_campaign_save(
    *, campaign: RegistrationCampaign, actor: Any, update_fields: list[str] | None = None
) -> RegistrationCampaign:
    require_editable(actor, campaign, "为该社区组织报到活动")
    return model_save(campaign, actor=actor, update_fields=update_fields)


@transaction.atomic
def registration_save(
    *, registration: Registration, actor: Any, update_fields: list[str] | None = None
) -> Registration:
    """Register (报到) an in-service member with a community the actor manages."""
    require_editable(actor, registration, "在该社区登记报到")
    _require_visible_member(actor, registration.member_id, "为该党员登记报到")
    units = Unit.objects.visible_to(actor)
    if registration.unit_id is not None and not units.filter(pk=registration.unit_id).exists():
        raise ScopeError("您无权选择该工作单位：该单位与本社区没有双联双管关系。")
    _require_due_to_register(registration.member)
    campaign = registration.campaign
    if campaign is not None and campaign.community_id != registration.community_id:
        raise ValidationError({"campaign": "所选报到活动属于其他社区。"})
    return model_save(registration, actor=actor, update_fields=update_fields)


@transaction.atomic
def registration_end(*, registration: Registration, ended_on: dt.date, actor: Any) -> Registration:
    """The member moved away (迁出); they register again at the new community (001)."""
    require_editable(actor, registration, "办理迁出")
    if registration.ended_on is not None:
        raise ValidationError(f"{registration.member}已于{registration.ended_on:%Y-%m-%d}迁出。")
    registration.ended_on = ended_on
    return model_save(registration, actor=actor, update_fields=["ended_on"])


@transaction.atomic
def registration_cards_print(*, registrations: Iterable[Registration], actor: Any) -> None:
    """Record that the actor printed these registration cards (they carry personal data)."""
    for registration in registrations:
        _require_visible_member(actor, registration.member_id, "打印该党员的报到登记卡")
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(
            user=actor,
            member_id=registration.member_id,
            member_label=f"{registration.member.name}（{registration.member.masked_citizen_id}）",
            action=PersonalDataAccess.Action.PRINT,
            detail=f"报到登记卡 {registration.card_number}",
        )
        for registration in registrations
    )


# --- 设岗定责 -------------------------------------------------------------------------------------
@transaction.atomic
def post_kind_save(
    *, kind: PostKind, actor: Any, update_fields: list[str] | None = None
) -> PostKind:
    """A community adds its own kind of post; the ten default kinds only a superuser changes."""
    before = _original(kind)
    is_default = kind.community_id is None or (before is not None and before.community_id is None)
    if is_default:
        if not actor.is_superuser:
            raise ScopeError("十类通用服务岗位由系统统一设置，社区只能增设本社区的岗位。")
    else:
        require_editable(actor, kind, "为该社区设置服务岗位")
    return model_save(kind, actor=actor, update_fields=update_fields)


@transaction.atomic
def post_kind_delete(*, kind: PostKind, actor: Any) -> None:
    if kind.community_id is None and not actor.is_superuser:
        raise ScopeError("十类通用服务岗位不能删除。")
    require_editable(actor, kind, "删除该服务岗位")
    if kind.claims.exists():
        raise ValidationError(f"已有党员认领“{kind}”，不能删除。")
    model_delete(kind, actor=actor)


@transaction.atomic
def post_claim_save(
    *, claim: PostClaim, actor: Any, update_fields: list[str] | None = None
) -> PostClaim:
    """Record a member's claim of a post with a public commitment; it waits for approval."""
    require_editable(actor, claim, "在该社区认领岗位")
    _require_visible_member(actor, claim.member_id, "为该党员认领岗位")
    before = _original(claim)
    if before is None:
        claim.status, claim.decided_on, claim.decided_by = PostClaimStatus.PENDING, None, None
    elif before.status != PostClaimStatus.PENDING:
        raise PostClaimError(
            f"该认领的状态是“{before.get_status_display()}”，只有待审核的认领可以修改。"
        )
    return model_save(claim, actor=actor, update_fields=update_fields)


def _require_own_member(actor: Any, member: Member, what: str) -> None:
    """A member acting on their own page: the login linked to this member, nobody else."""
    if not getattr(actor, "is_authenticated", False) or member.user_id != actor.pk:
        raise ScopeError(f"只能{what}本人的记录。")


@transaction.atomic
def post_claim_submit(
    *, member: Member, kind: PostKind, community: Any, commitment: str, actor: Any
) -> PostClaim:
    """A member claims (认领) a service post of one of their communities on their own page; the
    community approves it as any other claim (it starts 待审核)."""
    from ..selectors.dual import member_communities

    _require_own_member(actor, member, "认领")
    if community.pk not in {c.pk for c in member_communities(member)}:
        raise ValidationError("只能认领本人报到社区或所在社区的服务岗位。")
    if member.transferred_out_on is not None:
        raise ValidationError("组织关系已转出，不能认领服务岗位。")
    claim = PostClaim(
        member=member,
        community=community,
        kind=kind,
        commitment=commitment.strip(),
        claimed_on=timezone.localdate(),
    )
    return model_save(claim, actor=actor)


def _post_claim_decide(
    claim: PostClaim, status: PostClaimStatus, actor: Any, on: dt.date | None
) -> PostClaim:
    require_editable(actor, claim, "审核该岗位认领")
    current = PostClaim.objects.select_for_update().get(pk=claim.pk)
    if current.status != PostClaimStatus.PENDING:
        raise PostClaimError(
            f"{claim.member}认领的“{claim.kind}”状态是“{current.get_status_display()}”，"
            "只有待审核的认领可以审核。"
        )
    claim.status, claim.decided_by = status, actor
    claim.decided_on = on or timezone.localdate()
    return model_save(claim, actor=actor, update_fields=["status", "decided_on", "decided_by"])


@transaction.atomic
def post_claim_approve(*, claim: PostClaim, actor: Any, on: dt.date | None = None) -> PostClaim:
    return _post_claim_decide(claim, PostClaimStatus.APPROVED, actor, on)


@transaction.atomic
def post_claim_reject(*, claim: PostClaim, actor: Any, on: dt.date | None = None) -> PostClaim:
    return _post_claim_decide(claim, PostClaimStatus.REJECTED, actor, on)


# --- 参与社区活动记录 ------------------------------------------------------------------------------
@transaction.atomic
def activity_record_save(
    *, record: ActivityRecord, actor: Any, update_fields: list[str] | None = None
) -> ActivityRecord:
    require_editable(actor, record, "在该社区记录活动")
    _require_visible_member(actor, record.member_id, "为该党员记录活动")
    return model_save(record, actor=actor, update_fields=update_fields)


@transaction.atomic
def activity_record_delete(*, record: ActivityRecord, actor: Any) -> None:
    require_editable(actor, record, "删除该活动记录")
    model_delete(record, actor=actor)
