"""Writes of the daily-work registers: 无职党员设岗定责 and its yearly review, 党员联系户 and the
五必谈五必访 visits, 共驻共建 units and the 实事 of units and in-service members.

Every write checks the actor's scope on the row (`require_editable`, by the model's QuerySet) and
that the people and units it names are ones the actor may see; checks that need other rows are
`<entity>_errors`, shown first by the admin form."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from kit.services import model_delete, model_save
from organizations.models import Unit
from organizations.scope import ScopeError, require_editable

from ..models import (
    DutyPost,
    DutyReview,
    Household,
    Member,
    MemberDeed,
    Registration,
    UnitDeed,
    UnitPledge,
    Visit,
)
from ..selectors.work import office_held


def _require_visible_member(actor: Any, member_id: int | None, what: str) -> None:
    if member_id is None:
        return
    if not Member.objects.visible_to(actor).filter(pk=member_id).exists():
        raise ScopeError(f"您无权{what}：该党员不在您的管理范围内。")


def _require_visible_unit(actor: Any, unit_id: int | None) -> None:
    if unit_id is not None and not Unit.objects.visible_to(actor).filter(pk=unit_id).exists():
        raise ScopeError("您无权选择该单位：该单位不在您的管理范围内。")


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


# --- 无职党员设岗定责 -----------------------------------------------------------------------------
def duty_post_errors(post: DutyPost) -> dict[str, str]:
    """A post is for a member without office on its first day (002: 未担任社区干部), a member
    still on the roll then."""
    if post.member_id is None or post.starts_on is None:
        return {}
    member = post.member
    if member.transferred_out_on and member.transferred_out_on <= post.starts_on:
        return {"member": f"{member.name}已于{member.transferred_out_on:%Y-%m-%d}转出。"}
    if position := office_held(member, post.starts_on):
        return {
            "member": f"{member.name}{post.starts_on:%Y-%m-%d}任{position.organization}"
            f"{position.get_title_display()}，不是无职党员。"
        }
    return {}


@transaction.atomic
def duty_post_save(
    *, post: DutyPost, actor: Any, update_fields: list[str] | None = None
) -> DutyPost:
    require_editable(actor, post, "为该党员设岗定责")
    _require_visible_member(actor, post.member_id, "为该党员设岗定责")
    _raise(duty_post_errors(post))
    return model_save(post, actor=actor, update_fields=update_fields)


@transaction.atomic
def duty_post_delete(*, post: DutyPost, actor: Any) -> None:
    require_editable(actor, post, "删除该岗位")
    if post.reviews.exists():
        raise ValidationError(f"“{post}”已有履职考核，不能删除；离岗请填写离岗日期。")
    model_delete(post, actor=actor)


@transaction.atomic
def duty_review_save(
    *, review: DutyReview, actor: Any, update_fields: list[str] | None = None
) -> DutyReview:
    require_editable(actor, review, "考核该岗位")
    return model_save(review, actor=actor, update_fields=update_fields)


@transaction.atomic
def duty_review_delete(*, review: DutyReview, actor: Any) -> None:
    require_editable(actor, review, "删除该考核")
    model_delete(review, actor=actor)


# --- 党员联系户, 谈心走访 ---------------------------------------------------------------------------
@transaction.atomic
def household_save(
    *, household: Household, actor: Any, update_fields: list[str] | None = None
) -> Household:
    require_editable(actor, household, "为该党员登记联系户")
    _require_visible_member(actor, household.member_id, "为该党员登记联系户")
    _require_visible_member(actor, household.contacted_member_id, "登记该户内党员")
    return model_save(household, actor=actor, update_fields=update_fields)


@transaction.atomic
def household_delete(*, household: Household, actor: Any) -> None:
    require_editable(actor, household, "删除该联系户")
    if household.visits.exists():
        raise ValidationError(f"{household}已有走访记录，不能删除；不再联系请填写结束联系日期。")
    model_delete(household, actor=actor)


def visit_errors(visit: Visit) -> dict[str, str]:
    """A household is visited while it is contacted, by its own member or another of the
    branch's."""
    household = visit.household
    if household is None or visit.visited_on is None:
        return {}
    if visit.visited_on < household.starts_on or (
        household.ends_on and visit.visited_on > household.ends_on
    ):
        return {"visited_on": f"{household}的联系期间不含{visit.visited_on:%Y-%m-%d}。"}
    return {}


@transaction.atomic
def visit_save(*, visit: Visit, actor: Any, update_fields: list[str] | None = None) -> Visit:
    require_editable(actor, visit, "登记该党员的谈心走访")
    _require_visible_member(actor, visit.visitor_id, "登记该党员的谈心走访")
    _require_visible_member(actor, visit.member_id, "登记与该党员的谈心走访")
    if visit.household_id is not None and not (
        Household.objects.visible_to(actor).filter(pk=visit.household_id).exists()
    ):
        raise ScopeError("您无权登记对该联系户的走访：该户不在您的管理范围内。")
    _raise(visit_errors(visit))
    return model_save(visit, actor=actor, update_fields=update_fields)


@transaction.atomic
def visit_delete(*, visit: Visit, actor: Any) -> None:
    require_editable(actor, visit, "删除该走访记录")
    model_delete(visit, actor=actor)


# --- 共驻共建, 实事 ---------------------------------------------------------------------------------
@transaction.atomic
def unit_pledge_save(
    *, pledge: UnitPledge, actor: Any, update_fields: list[str] | None = None
) -> UnitPledge:
    require_editable(actor, pledge, "登记该社区的共驻共建单位")
    _require_visible_unit(actor, pledge.unit_id)
    return model_save(pledge, actor=actor, update_fields=update_fields)


@transaction.atomic
def unit_pledge_delete(*, pledge: UnitPledge, actor: Any) -> None:
    require_editable(actor, pledge, "删除该共驻共建单位")
    model_delete(pledge, actor=actor)


@transaction.atomic
def unit_deed_save(
    *, deed: UnitDeed, actor: Any, update_fields: list[str] | None = None
) -> UnitDeed:
    require_editable(actor, deed, "登记该社区的实事")
    _require_visible_unit(actor, deed.unit_id)
    return model_save(deed, actor=actor, update_fields=update_fields)


@transaction.atomic
def unit_deed_delete(*, deed: UnitDeed, actor: Any) -> None:
    require_editable(actor, deed, "删除该实事")
    model_delete(deed, actor=actor)


def member_deed_errors(deed: MemberDeed) -> dict[str, str]:
    """An in-service member's 实事 is done for the community where they are registered on its
    day (001: 在职党员每年至少为社区办1-2件实事)."""
    if deed.member_id is None or deed.community_id is None or deed.done_on is None:
        return {}
    registered = Registration.objects.filter(
        member_id=deed.member_id, community_id=deed.community_id, registered_on__lte=deed.done_on
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=deed.done_on))
    if not registered.exists():
        return {"member": f"{deed.member}{deed.done_on:%Y-%m-%d}未在{deed.community}报到登记。"}
    return {}


@transaction.atomic
def member_deed_save(
    *, deed: MemberDeed, actor: Any, update_fields: list[str] | None = None
) -> MemberDeed:
    require_editable(actor, deed, "登记该社区的实事")
    _require_visible_member(actor, deed.member_id, "为该党员登记实事")
    _raise(member_deed_errors(deed))
    return model_save(deed, actor=actor, update_fields=update_fields)


@transaction.atomic
def member_deed_delete(*, deed: MemberDeed, actor: Any) -> None:
    require_editable(actor, deed, "删除该实事")
    model_delete(deed, actor=actor)
