"""The member list's action 创建党员登录账号: portal logins for the selected members, with the
printed slips (党员登录账号通知单) returned at once; the initial passwords exist only in that
response (members/services/logins.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from common.printables import output_response, printable_get
from kit.printables import Job
from organizations.scope import ScopeError

from ..models import Member
from ..printables import LOGIN_SLIPS
from ..services.logins import CREATE_LOGIN_PERMISSION, LoginBatch, member_logins_create


def _posted_ids(request: HttpRequest, queryset: QuerySet[Member]) -> list[int]:
    """The ids the user ticked; refused when any of them is not in the user's list (posted from
    outside it), rather than silently left out."""
    if request.POST.get("select_across") == "1":
        return list(queryset.values_list("pk", flat=True))
    raw = request.POST.getlist(ACTION_CHECKBOX_NAME)
    ids = {int(value) for value in raw if str(value).isdigit()}
    if len(ids) != len(raw) or set(queryset.values_list("pk", flat=True)) != ids:
        raise ScopeError("您无权为所选的部分党员创建登录账号：不在您的管理范围内。")
    return sorted(ids)


def _skipped_text(batch: LoginBatch) -> str:
    shown = "；".join(f"{member.name}（{reason}）" for member, reason in batch.skipped[:10])
    more = f"等{len(batch.skipped)}名" if len(batch.skipped) > 10 else ""
    return f"{shown}{more}"


@admin.action(description="创建党员登录账号（打印账号通知单）")
def create_member_logins(
    model_admin: Any, request: HttpRequest, queryset: QuerySet[Member]
) -> HttpResponse | None:
    try:
        batch = member_logins_create(member_ids=_posted_ids(request, queryset), actor=request.user)
    except (ScopeError, PermissionDenied) as error:
        model_admin.message_user(request, str(error), messages.ERROR)
        return None
    if batch.skipped:
        model_admin.message_user(
            request, f"未创建{len(batch.skipped)}名：{_skipped_text(batch)}。", messages.WARNING
        )
    if not batch.created:
        model_admin.message_user(request, "没有新创建的登录账号。", messages.WARNING)
        return None
    model_admin.message_user(
        request,
        f"已创建{len(batch.created)}个党员登录账号，账号通知单已生成（初始密码只显示这一次）。",
        messages.SUCCESS,
    )
    return _slips_response(request, batch)


def _slips_response(request: HttpRequest, batch: LoginBatch) -> HttpResponse:
    printable = printable_get(LOGIN_SLIPS)
    assert printable is not None  # noqa: S101 (registered in members/printables.py)
    created = {login.member.pk: (login.username, login.password) for login in batch.created}
    values = {
        "members": Member.objects.visible_to(request.user).filter(pk__in=list(created)),
        "credentials": created,
        "portal_url": request.build_absolute_uri(reverse("portal:login")),
    }
    response = output_response(printable.make(Job(values, request.user)))
    response["Cache-Control"] = "no-store"  # the passwords: never from a cache or history
    return response


class MemberLoginAdminMixin:
    """Gives the member list the action, for users who hold members.create_member_login."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        if request.user.has_perm(CREATE_LOGIN_PERMISSION):
            found = self.get_action(create_member_logins)  # type: ignore[attr-defined]
            actions[found[1]] = found
        return actions
