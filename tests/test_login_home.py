"""Every login page lands on the user's home (issue 22, point 2).

A bookmarked /admin/login/ has no `next`; logging in there went to Django's /accounts/profile/,
a 404. Each login view now falls back to the user's own home: the 工作台 for the admin's login;
for the portal's, the user's portal page (a unit reviewer's cards, a member's own page), or the
工作台 for a staff user who has none. A safe `next` is followed; an off-site one never is.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from organizations.roles import Role
from tests.members.factories import MemberFactory

PASSWORD = "secret-pass-123"  # tests/organizations/factories.UserFactory
ADMIN_LOGIN = reverse("admin:login")
PORTAL_LOGIN = reverse("portal:login")
OFF_SITE = ("https://evil.example.org/admin/", "//evil.example.org/", "https:///evil.example.org")


def _login(url: str, username: str, next_url: str | None = None) -> tuple[Client, Any]:
    client = Client()
    data = {"username": username, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client, client.post(url, data)


@pytest.fixture
def member_user(make_user: Any, tree: SimpleNamespace) -> Any:
    user = make_user(Role.MEMBER, tree.branch_a, "member_a")
    MemberFactory(name="党员甲", branch=tree.branch_a, user=user)
    return user


# --- the admin's login ---------------------------------------------------------------------------
def test_admin_login_without_next_lands_on_the_workbench(secretary_a: Any) -> None:
    client, response = _login(ADMIN_LOGIN, "secretary_a")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "工作台" in page.content.decode()


def test_admin_login_page_opened_directly_then_logged_in_lands_on_the_workbench(
    secretary_a: Any,
) -> None:
    """The bookmark: the form as the page renders it, posted back as a browser would."""
    client = Client()
    assert client.get(ADMIN_LOGIN).status_code == 200
    response = client.post(ADMIN_LOGIN, {"username": "secretary_a", "password": PASSWORD})
    assert response["Location"] == reverse("admin:index")


def test_admin_login_follows_a_safe_next(secretary_a: Any) -> None:
    target = reverse("admin:members_member_changelist")
    _, response = _login(ADMIN_LOGIN, "secretary_a", target)
    assert response["Location"] == target


@pytest.mark.parametrize("target", OFF_SITE)
def test_admin_login_never_follows_an_off_site_next(secretary_a: Any, target: str) -> None:
    _, response = _login(ADMIN_LOGIN, "secretary_a", target)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


# --- the portal's login ----------------------------------------------------------------------------
def test_portal_login_of_a_unit_reviewer_lands_on_the_units_cards(reviewer_b: Any) -> None:
    client, response = _login(PORTAL_LOGIN, "reviewer_b")
    assert response["Location"] == reverse("portal:home")
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0] == reverse("portal:unit")
    assert "本单位党员社区表现反馈卡" in page.content.decode()


def test_portal_login_of_a_member_lands_on_their_own_page(member_user: Any) -> None:
    client, response = _login(PORTAL_LOGIN, "member_a")
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0] == reverse("portal:me")
    assert "党员甲" in page.content.decode()


def test_portal_login_of_a_sub_district_officer_lands_on_the_cadres_cards(
    sub_district_officer: Any,
) -> None:
    client, response = _login(PORTAL_LOGIN, "jiedao")
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0] == reverse("portal:cadres")


def test_portal_login_of_a_secretary_without_portal_pages_lands_on_the_workbench(
    secretary_a: Any,
) -> None:
    _, response = _login(PORTAL_LOGIN, "secretary_a")
    assert response["Location"] == reverse("admin:index")


def test_portal_login_follows_a_safe_next(reviewer_b: Any) -> None:
    target = reverse("portal:unit")
    _, response = _login(PORTAL_LOGIN, "reviewer_b", target)
    assert response["Location"] == target


@pytest.mark.parametrize("target", OFF_SITE)
def test_portal_login_never_follows_an_off_site_next(member_user: Any, target: str) -> None:
    _, response = _login(PORTAL_LOGIN, "member_a", target)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_a_logged_in_user_opening_the_portal_login_goes_home(member_user: Any) -> None:
    client = Client()
    client.force_login(member_user)
    response = client.get(PORTAL_LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_the_meeting_sign_in_code_logs_a_member_in_and_brings_them_back(member_user: Any) -> None:
    """The third way in: a meeting's QR sign-in sends a logged-out member to the portal's login
    with `next`, and the login brings them back to the sign-in."""
    sign_in = reverse("admin:activities_meeting_sign_in", args=["any-token"])
    client = Client()
    asked = client.get(sign_in)
    assert asked.status_code == 302
    assert asked["Location"].startswith(PORTAL_LOGIN)
    login_page = client.get(asked["Location"])
    assert f'name="next" value="{sign_in}"' in login_page.content.decode()
    response = client.post(
        asked["Location"], {"username": "member_a", "password": PASSWORD, "next": sign_in}
    )
    assert response["Location"] == sign_in
