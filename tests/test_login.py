"""Logins (issue 6, finding 7): repeated wrong passwords lock out the username and the address,
a sub-district officer lifts a lockout of a user in scope, and an idle session ends."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

LOGIN = reverse("admin:login")
PASSWORD = "secret-pass-123"  # tests/organizations/factories.UserFactory


def _login(client: Any, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


@pytest.fixture(autouse=True)
def _limit(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 5


def test_right_password_logs_in(client: Any, secretary_a: Any) -> None:
    assert _login(client, "secretary_a", PASSWORD).status_code == 302


def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(
    client: Any, secretary_a: Any
) -> None:
    for _ in range(4):
        assert _login(client, "secretary_a", "wrong").status_code == 200
    assert _login(client, "secretary_a", "wrong").status_code == 429
    locked = _login(client, "secretary_a", PASSWORD, address="10.0.0.9")
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_then_the_right_one_logs_in(client: Any, secretary_a: Any) -> None:
    for _ in range(4):
        _login(client, "secretary_a", "wrong")
    assert _login(client, "secretary_a", PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_is_locked_out(
    client: Any, secretary_a: Any, secretary_b: Any
) -> None:
    for n in range(5):
        _login(client, f"guess{n}", "wrong", address="10.0.0.66")
    assert _login(client, "secretary_b", PASSWORD, address="10.0.0.66").status_code == 429
    assert _login(Client(), "secretary_b", PASSWORD, address="10.0.0.67").status_code == 302


def test_sub_district_officer_unlocks_a_user_in_scope(
    client: Any, secretary_a: Any, sub_district_officer: Any
) -> None:
    for _ in range(5):
        _login(client, "secretary_a", "wrong", address="10.0.0.5")
    officer = Client()
    officer.force_login(sub_district_officer)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = officer.get(changelist)
    assert page.status_code == 200
    assert "secretary_a" in page.content.decode()
    attempts = AccessAttempt.objects.filter(username="secretary_a")
    response = officer.post(
        changelist,
        {"action": "unlock", "_selected_action": [a.pk for a in attempts]},
        follow=True,
    )
    assert "已解除" in response.content.decode()
    assert _login(Client(), "secretary_a", PASSWORD, address="10.0.0.6").status_code == 302


def test_secretary_cannot_see_or_lift_lockouts(client: Any, secretary_a: Any) -> None:
    client.force_login(secretary_a)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_officer_sees_only_lockouts_of_users_in_scope(
    client: Any, make_user: Any, tree: Any, sub_district_officer: Any
) -> None:
    from organizations.roles import Role
    from tests.organizations.factories import OrganizationFactory

    elsewhere = OrganizationFactory(code="OTHER", name="别的街道党工委", kind="sub_district")
    make_user(Role.COMMUNITY_SECRETARY, elsewhere, "outsider")
    AccessAttempt.objects.create(
        username="outsider",
        ip_address="10.1.1.1",
        failures_since_start=5,
        user_agent="",
        http_accept="",
        path_info="",
        get_data="",
        post_data="",
    )
    client.force_login(sub_district_officer)
    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "outsider" not in page


def test_idle_session_ends(client: Any, secretary_a: Any, settings: Any) -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST
    _login(client, "secretary_a", PASSWORD)
    assert client.get("/admin/").status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date <= timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get("/admin/").status_code == 302


def test_forwarded_address_counts_only_behind_a_trusted_proxy(settings: Any) -> None:
    from django.test import RequestFactory

    from kit.security import client_ip

    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2", REMOTE_ADDR="9.9.9.9"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "9.9.9.9"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "2.2.2.2"
