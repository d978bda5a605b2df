"""Portal logins for members, created by a secretary in bulk with a printed slip: only members in
the secretary's scope, never twice, the initial password printed once and changed at the first
login."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from common.printables import print_url
from members.models import Member
from members.printables import LOGIN_SLIPS
from members.services.logins import member_username
from tests.members.factories import MemberFactory

ACTION = "create_member_logins"


def _changelist() -> str:
    return reverse("admin:members_member_changelist")


def pdftotext(data: bytes) -> str:
    done = subprocess.run(  # noqa: S603 (a fixed command on our own bytes)
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode()


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def create(client: Client, *members: Any) -> Any:
    return client.post(
        _changelist(), {"action": ACTION, "_selected_action": [m.pk for m in members]}
    )


@pytest.fixture
def members_a(tree: Any) -> list[Any]:
    return [
        MemberFactory(name="甲一", branch=tree.branch_a),
        MemberFactory(name="甲二", branch=tree.branch_a),
        MemberFactory(name="甲三", branch=tree.branch_a),
    ]


def test_the_secretary_creates_logins_and_gets_the_slips_at_once(
    secretary_a: Any, members_a: list[Any]
) -> None:
    response = create(logged_in(secretary_a), *members_a)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdftotext(response.content)
    for member in members_a:
        member.refresh_from_db()
        assert member.user is not None
        assert member.user.username == member_username(member)
        assert not member.user.is_staff
        assert member.must_change_password
        assert member.user.username in text
        assert member.name in text
    assert "/portal/login/" in text
    assert text.count("党员登录账号通知单") >= 3
    # The password on the slip is the one that logs in; its hash alone is stored.
    password = re.search(r"初始密码\s+(\S{10})", text)
    assert password is not None
    first = members_a[0]
    user = get_user_model().objects.get(pk=first.user_id)
    assert password.group(1) not in user.password
    assert any(
        get_user_model().objects.get(pk=m.user_id).check_password(password.group(1))
        for m in members_a
    )


def test_a_second_run_creates_no_duplicate_account(secretary_a: Any, members_a: list[Any]) -> None:
    client = logged_in(secretary_a)
    create(client, *members_a[:2])
    users = get_user_model().objects.count()
    again = create(client, *members_a)
    assert get_user_model().objects.count() == users + 1  # only 甲三 was new
    assert again["Content-Type"] == "application/pdf"
    text = pdftotext(again.content)
    assert "甲三" in text
    assert "甲一" not in text
    third = create(client, *members_a)
    assert third.status_code == 302  # nothing new: back to the list, with the reason
    assert get_user_model().objects.count() == users + 1
    page = client.get(third["Location"]).content.decode()
    assert "已有登录账号" in page


def test_another_communitys_secretary_cannot_create_logins_for_them(
    secretary_b: Any, members_a: list[Any]
) -> None:
    client = logged_in(secretary_b)
    listed = client.get(_changelist()).content.decode()
    assert "甲一" not in listed  # the action's list is scoped
    response = create(client, *members_a)  # ids posted from outside the list
    assert response.status_code == 302
    assert get_user_model().objects.filter(username__startswith="dy").count() == 0
    assert not Member.objects.filter(pk__in=[m.pk for m in members_a], user__isnull=False).exists()


def test_a_mixed_selection_is_refused_whole(
    secretary_a: Any, members_a: list[Any], tree: Any
) -> None:
    outsider = MemberFactory(name="乙一", branch=tree.branch_b)
    response = create(logged_in(secretary_a), members_a[0], outsider)
    assert response.status_code == 302
    assert get_user_model().objects.filter(username__startswith="dy").count() == 0


def test_a_user_without_the_permission_has_no_action(
    reviewer_b: Any, secretary_a: Any, members_a: list[Any]
) -> None:
    assert ACTION in logged_in(secretary_a).get(_changelist()).content.decode()
    assert ACTION not in logged_in(reviewer_b).get(_changelist()).content.decode()


def test_printed_again_the_slip_has_no_password(secretary_a: Any, members_a: list[Any]) -> None:
    client = logged_in(secretary_a)
    first = pdftotext(create(client, members_a[0]).content)
    password = re.search(r"初始密码\s+(\S{10})", first)
    assert password is not None
    again = client.get(print_url(LOGIN_SLIPS, members=members_a[0].pk))
    assert again.status_code == 200
    text = pdftotext(again.content)
    assert member_username(members_a[0]) in text
    assert password.group(1) not in text
    assert "不再打印" in text


def test_the_first_login_asks_for_a_new_password(secretary_a: Any, members_a: list[Any]) -> None:
    text = pdftotext(create(logged_in(secretary_a), members_a[0]).content)
    password = re.search(r"初始密码\s+(\S{10})", text)
    assert password is not None
    member = Member.objects.get(pk=members_a[0].pk)
    client = Client()
    username = member_username(member)
    login = client.post(reverse("portal:login"), {"username": username, "password": password[1]})
    assert login.status_code == 302
    asked = client.get(reverse("portal:me"))["Location"]
    assert asked == f"{reverse('portal:password')}?next=%2Fportal%2Fme%2F"  # and back after
    changed = client.post(
        reverse("portal:password"),
        {"old_password": password[1], "new_password1": "Hongqi-2026-xin",
         "new_password2": "Hongqi-2026-xin"},
    )  # fmt: skip
    assert changed.status_code == 302
    member.refresh_from_db()
    assert not member.must_change_password
    page = client.get(reverse("portal:me"))
    assert page.status_code == 200
    assert "甲一" in page.content.decode()
    # The change is on the member's history, by the member.
    assert member.history.filter(history_user_id=member.user_id).exists()
