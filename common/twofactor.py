"""Two-factor login (TOTP, django-otp) for the browser admin.

Any staff user may enrol an authenticator app (`/admin/otp/setup/`); once a device is confirmed,
the admin asks for its 6-digit code after the password on every new session. With OTP_REQUIRED
on, superusers and sub-district officers (who reach the whole district) cannot open any admin
page until they have enrolled and entered a code. Off by default, so the demo and the tests log
in with a password only, as before.
"""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from unfold.admin import ModelAdmin as UnfoldModelAdmin

from kit.admin import ReadOnlyAdminMixin
from organizations.models import OrganizationAccess
from organizations.roles import Role

ADMIN_PREFIX = "/admin/"
DEVICE_NAME = "手机验证器"
NO_SECOND_FACTOR_KEY = "twofactor_none"
WAIT_AFTER_FAILURES = 3


def otp_required_for(user: Any) -> bool:
    """Whether `user` must use a second factor: OTP_REQUIRED and a superuser, a sub-district
    officer or a district officer (区委组织部: it reads every sub-district below it)."""
    if not settings.OTP_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    roles = (Role.SUB_DISTRICT_OFFICER, Role.DISTRICT_OFFICER)
    return OrganizationAccess.objects.filter(user=user, role__in=roles).exists()


# --- services --------------------------------------------------------------------------------
@transaction.atomic
def totp_device_pending(*, actor: Any) -> TOTPDevice:
    """The device being enrolled: an unconfirmed one of `actor`, made if there is none."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str, actor: Any) -> bool:
    """Confirm `device` with a code from the app; False (nothing saved) if the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=actor)
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


# --- views -----------------------------------------------------------------------------------
class TokenForm(forms.Form):
    token = forms.RegexField(
        label="验证码",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "请输入验证器应用显示的6位数字。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context = {**admin.site.each_context(request), "next": _next_url(request), **context}
    return TemplateResponse(request, template, context)


@login_required(login_url="admin:login")
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The step after the password: a code from the user's confirmed device."""
    if not user_has_device(request.user):
        return HttpResponseRedirect(_with_next(reverse("otp_setup"), _next_url(request)))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        devices = list(TOTPDevice.objects.devices_for_user(request.user))
        device = next((d for d in devices if d.verify_token(token)), None)
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _wrong_code_message(devices))
    return _render(request, "admin/otp_verify.html", {"title": "两步验证", "form": form})


@login_required(login_url="admin:login")
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: a QR code for an authenticator app, confirmed by its first code. A user who
    already has a device must pass it first (a stolen password cannot enrol another phone)."""
    if user_has_device(request.user) and not request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(_with_next(reverse("otp_verify"), _next_url(request)))
    device = totp_device_pending(actor=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        if totp_device_confirm(device=device, token=token, actor=request.user):
            device.refresh_from_db()
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        device.refresh_from_db()
        form.add_error("token", _wrong_code_message([device]))
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    secret = b32encode(device.bin_key).decode()  # what an app's "enter a key" asks for
    context = {"title": "启用两步验证", "form": form, "qr": qr, "secret": secret}
    return _render(request, "admin/otp_setup.html", context)


def _wrong_code_message(devices: list[TOTPDevice]) -> str:
    """After a wrong code django-otp refuses any code for a while (1 s, then doubling): from the
    third in a row the wait is worth saying."""
    if devices and all(d.throttling_failure_count >= WAIT_AFTER_FAILURES for d in devices):
        return "验证码输错次数较多，请稍后（约一分钟内）再输入验证器应用当前显示的6位数字。"
    return "验证码不正确或已过期，请确认手机时间准确，并输入验证器应用当前显示的6位数字。"


def _with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}"


# --- the gate --------------------------------------------------------------------------------
class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: an admin page asks for the code of a user who has a
    device and has not given it this session, and sends a user who must have one (OTP_REQUIRED)
    to enrol. Login, logout and the two pages themselves stay open."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if redirect := self._gate(request):
            return redirect
        return self.get_response(request)

    def _gate(self, request: HttpRequest) -> HttpResponse | None:
        user: Any = request.user
        if not request.path_info.startswith(ADMIN_PREFIX) or not user.is_authenticated:
            return None
        if user.is_verified() or request.path_info in _open_paths():
            return None
        # A session that found no device and no duty is not asked again (no query per page);
        # enrolling verifies the session, and a new login starts a new session.
        if request.session.get(NO_SECOND_FACTOR_KEY):
            return None
        target = request.get_full_path()
        if user_has_device(user):
            return HttpResponseRedirect(_with_next(reverse("otp_verify"), target))
        if otp_required_for(user):
            return HttpResponseRedirect(_with_next(reverse("otp_setup"), target))
        request.session[NO_SECOND_FACTOR_KEY] = True
        return None


def _open_paths() -> frozenset[str]:
    return frozenset(
        reverse(name)
        for name in ("admin:login", "admin:logout", "otp_verify", "otp_setup", "admin:jsi18n")
    )


# --- the admin of devices --------------------------------------------------------------------
class TOTPDeviceAdmin(ReadOnlyAdminMixin, UnfoldModelAdmin):  # type: ignore[misc]
    """Superusers only, and only to see who has a device and to delete one (a lost phone: the
    user enrols again). A device is made by its user on the enrolment page, never here; its key
    is never shown."""

    list_display = ("user", "name", "confirmed", "last_used_at")
    list_filter = ("confirmed",)
    list_select_related = ("user",)
    search_fields = ("user__username",)
    fields = ("user", "name", "confirmed", "last_used_at")
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


def register_device_admin(site: admin.AdminSite) -> None:
    """Replace django-otp's own TOTPDevice admin (which edits keys) by the restricted one."""
    if site.is_registered(TOTPDevice):
        site.unregister(TOTPDevice)
    site.register(TOTPDevice, TOTPDeviceAdmin)
