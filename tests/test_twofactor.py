"""Two-factor login for the admin (TOTP, common/twofactor.py; issue "Trust, round 3", 5)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

INDEX = "/admin/"


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _password_login(client: Client, user: Any) -> None:
    user.set_password("dangjian2026")
    user.save(update_fields=["password"])
    response = client.post(
        reverse("admin:login"), {"username": user.username, "password": "dangjian2026"}
    )
    assert response.status_code == 302


def test_off_by_default_officer_logs_in_with_a_password(
    client: Client, sub_district_officer: Any
) -> None:
    _password_login(client, sub_district_officer)
    assert client.get(INDEX).status_code == 200


@pytest.mark.parametrize("who", ["sub_district_officer", "district_officer"])
def test_required_officer_without_a_device_cannot_reach_the_admin(
    client: Client, request: Any, who: str, settings: Any
) -> None:
    settings.OTP_REQUIRED = True
    _password_login(client, request.getfixturevalue(who))
    for url in (INDEX, reverse("admin:members_member_changelist"), reverse("report_center")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("otp_setup"))


def test_required_superuser_is_sent_to_enrol(client: Client, superuser: Any, settings: Any) -> None:
    settings.OTP_REQUIRED = True
    _password_login(client, superuser)
    assert client.get(INDEX)["Location"].startswith(reverse("otp_setup"))


def test_a_secretary_is_not_required_to_enrol(
    client: Client, secretary_a: Any, settings: Any
) -> None:
    settings.OTP_REQUIRED = True
    _password_login(client, secretary_a)
    assert client.get(INDEX).status_code == 200


def test_enrolment_shows_a_qr_code_and_a_valid_code_opens_the_admin(
    client: Client, sub_district_officer: Any, settings: Any
) -> None:
    settings.OTP_REQUIRED = True
    _password_login(client, sub_district_officer)
    page = client.get(reverse("otp_setup"))
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.content.decode()
    device = TOTPDevice.objects.get(user=sub_district_officer, confirmed=False)
    wrong = client.post(
        reverse("otp_setup"), {"token": "000000" if _code(device) != "000000" else "111111"}
    )
    assert "验证码不正确" in wrong.content.decode()
    assert client.get(INDEX).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # django-otp waits a second or more after a wrong code
    response = client.post(reverse("otp_setup"), {"token": _code(device), "next": INDEX})
    assert response.status_code == 302
    assert response["Location"] == INDEX
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(INDEX).status_code == 200


def test_enrolled_officer_needs_the_code_after_the_password(
    client: Client, sub_district_officer: Any, settings: Any
) -> None:
    settings.OTP_REQUIRED = True
    device = TOTPDevice.objects.create(user=sub_district_officer, name="手机", confirmed=True)
    _password_login(client, sub_district_officer)
    response = client.get(INDEX)
    assert response["Location"].startswith(reverse("otp_verify"))
    # A stolen password cannot enrol another phone instead.
    assert client.get(reverse("otp_setup"))["Location"].startswith(reverse("otp_verify"))
    refused = client.post(reverse("otp_verify"), {"token": "abc"})
    assert "6位数字" in refused.content.decode()
    assert client.get(INDEX).status_code == 302
    wrong = "000000" if _code(device) != "000000" else "111111"
    assert "验证码不正确" in client.post(reverse("otp_verify"), {"token": wrong}).content.decode()
    # Three wrong codes in a row (each makes the next wait longer: django-otp's throttling).
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=3, throttling_failure_timestamp=timezone.now()
    )
    assert "请稍后" in client.post(reverse("otp_verify"), {"token": _code(device)}).content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    client.post(reverse("otp_verify"), {"token": _code(device), "next": INDEX})
    assert client.get(INDEX).status_code == 200


def test_a_device_is_asked_for_even_when_not_required(client: Client, secretary_a: Any) -> None:
    TOTPDevice.objects.create(user=secretary_a, name="手机", confirmed=True)
    _password_login(client, secretary_a)
    assert client.get(INDEX)["Location"].startswith(reverse("otp_verify"))


@pytest.mark.parametrize("who", ["secretary_a", "sub_district_officer"])
def test_only_a_superuser_sees_the_devices(client: Client, request: Any, who: str) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 403


def test_no_one_adds_or_edits_a_device_in_the_admin(client: Client, superuser: Any) -> None:
    model_admin = site._registry[TOTPDevice]
    device = TOTPDevice.objects.create(user=superuser, name="手机", confirmed=True)
    client.force_login(superuser)
    # The superuser now has a device: pass it, as the admin asks.
    client.post(reverse("otp_verify"), {"token": _code(device)})
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert "key" not in model_admin.get_fields(None, device)
