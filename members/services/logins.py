"""Portal logins for members, created in bulk by a secretary with a printed slip.

The initial password is random, shown once (on the slip made in the same request) and never
stored in the clear: only its hash is kept, so the slip cannot be printed again with it. The
member is asked for a new password at their first login (`must_change_password`)."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kit.services import model_save
from organizations.scope import ScopeError

from ..models import Member

CREATE_LOGIN_PERMISSION = "members.create_member_login"
USERNAME_PREFIX = "dy"  # 党员
# No 0/O, 1/l/I: the password is read off paper and typed on a phone.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"  # noqa: S105
PASSWORD_LENGTH = 10


def member_username(member: Member) -> str:
    """The same member always gets the same username: dy and the member's number."""
    return f"{USERNAME_PREFIX}{member.pk:06d}"


def initial_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


@dataclass(frozen=True)
class NewLogin:
    member: Member
    username: str
    password: str  # in memory only, for the slip


@dataclass
class LoginBatch:
    created: list[NewLogin] = field(default_factory=list)
    skipped: list[tuple[Member, str]] = field(default_factory=list)


def _skip_reason(member: Member, taken: set[str]) -> str:
    if member.user_id is not None:
        return "已有登录账号"
    if member.transferred_out_on is not None:
        return "组织关系已转出"
    if member_username(member) in taken:
        return f"用户名{member_username(member)}已被其他账号占用"
    return ""


@transaction.atomic
def member_logins_create(*, member_ids: Collection[int], actor: Any) -> LoginBatch:
    """Create a portal login for each of the members (all of them within the actor's scope, or
    nothing is done); members with a login already are skipped, so running it twice creates
    nothing new."""
    if not actor.has_perm(CREATE_LOGIN_PERMISSION):
        raise PermissionDenied("您无权创建党员登录账号。")
    ids = set(member_ids)
    members = list(
        Member.objects.editable_by(actor).filter(pk__in=ids).select_for_update().order_by("pk")
    )
    if len(members) != len(ids):
        raise ScopeError("您无权为所选的部分党员创建登录账号：不在您的管理范围内。")
    users = get_user_model()
    wanted = [member_username(member) for member in members]
    taken = set(users.objects.filter(username__in=wanted).values_list("username", flat=True))
    batch = LoginBatch()
    for member in members:
        if reason := _skip_reason(member, taken):
            batch.skipped.append((member, reason))
            continue
        try:
            with transaction.atomic():  # a member whose record does not validate: no user left
                batch.created.append(_create(member, actor, users))
        except ValidationError as error:
            member.user, member.must_change_password = None, False
            batch.skipped.append((member, "党员信息有误：" + "；".join(error.messages)))
    return batch


def _create(member: Member, actor: Any, users: Any) -> NewLogin:
    password = initial_password()
    user = users(username=member_username(member), first_name=member.name[:150], is_staff=False)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    member.user, member.must_change_password = user, True
    model_save(member, actor=actor, update_fields=["user", "must_change_password"])
    return NewLogin(member, user.username, password)


@transaction.atomic
def member_password_changed(*, member: Member, actor: Any) -> Member:
    """The member chose their own password: the initial one is no longer asked to change."""
    if member.user_id != getattr(actor, "pk", None):
        raise ScopeError("只能修改本人的密码。")
    if not member.must_change_password:
        return member
    member.must_change_password = False
    return model_save(member, actor=actor, update_fields=["must_change_password"])
