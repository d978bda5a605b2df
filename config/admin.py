"""The admin site: Chinese names, the 工作台 of every app's panels on the first page, and a login
that tells a member with the right password why the back office is not for them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django.template.response import TemplateResponse

from common.dashboard import panel_list


class PartyAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确，请重新输入（注意区分大小写）。",
        "inactive": "该账号已停用，请联系街道党工委工作人员。",
    }

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        if not user.is_staff:
            raise forms.ValidationError(
                "密码正确，但这是党员个人账号，不能进入党务工作后台。"
                "党员本人的报到、活动和反馈卡请在党员自助页面查看。",
                code="not_staff",
            )


class PartyAdminSite(admin.AdminSite):
    site_header = "社区党建管理系统"
    site_title = "社区党建管理系统"
    index_title = "工作台"
    login_form = PartyAuthenticationForm

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        context = {"panels": panel_list(request), **(extra_context or {})}
        return super().index(request, context)
