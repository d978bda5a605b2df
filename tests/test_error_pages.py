"""Error pages (issue 22, point 3): every 400, 403, 404 and 500 is a Chinese page in the layout
of its site (the admin's theme, the portal's, the public site's), with its status code, with
DEBUG off and on (`make run`, where Django would show its English technical pages)."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from organizations.roles import Role
from tests.members.factories import MemberFactory

# What each site's layout always carries.
MARKERS = {
    "admin": ("unfold/css/styles.css", "css/workbench.css"),
    "portal": ("社区党建服务门户", "portal/portal.css"),
    "public": ("社区党务公开", "public/public.css"),
}
TITLES = {400: "请求无法处理", 403: "您无权进行此操作", 404: "没有找到该页面", 500: "系统出错了"}
# Django's own pages (the technical ones and the plain production ones).
DJANGO_TEXTS = (
    "Page not found",
    "Forbidden",
    "Bad Request",
    "Server Error",
    "Traceback",
    "URLconf",
)
TOO_MANY_FIELDS = "&".join(f"f{n}=1" for n in range(1001))  # DATA_UPLOAD_MAX_NUMBER_FIELDS


@pytest.fixture(params=[False, True], ids=["debug_off", "debug_on"])
def debug(request: Any, settings: Any) -> bool:
    settings.DEBUG = request.param
    return bool(request.param)


@pytest.fixture
def member_user(make_user: Any, tree: SimpleNamespace) -> Any:
    user = make_user(Role.MEMBER, tree.branch_a, "member_a")
    MemberFactory(name="党员甲", branch=tree.branch_a, user=user)
    return user


def _client(user: Any = None, **kwargs: Any) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a bug")


def assert_error_page(response: Any, area: str, status: int, title: str = "") -> str:
    text = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert (title or TITLES[status]) in text
    assert f'data-error-area="{area}"' in text
    for marker in MARKERS[area]:
        assert marker in text, marker
    for english in DJANGO_TEXTS:
        assert english not in text, english
    assert "'unsafe-inline'" not in _script_src(response)  # the site's strict policy is sent
    return text


def _script_src(response: Any) -> str:
    policy = response["Content-Security-Policy"]
    return next(p for p in policy.split(";") if p.strip().startswith("script-src"))


# --- the public site -------------------------------------------------------------------------
def test_public_404_of_an_unknown_address(debug: bool, db: None) -> None:
    assert_error_page(_client().get("/no-such-page/"), "public", 404)


def test_public_404_of_a_view(debug: bool, tree: SimpleNamespace) -> None:
    text = assert_error_page(_client().get(reverse("public:board", args=["NOPE"])), "public", 404)
    assert "返回首页" in text


def test_public_403_of_a_post_without_its_csrf_token(debug: bool, db: None) -> None:
    client = _client(enforce_csrf_checks=True)
    response = client.post(reverse("public:notice", args=[1]))
    text = assert_error_page(response, "public", 403, title="页面已过期")
    assert "刷新后重新提交" in text


def test_public_400(debug: bool, db: None) -> None:
    url = reverse("public:notice", args=[1]) + "?" + TOO_MANY_FIELDS
    assert_error_page(_client().get(url), "public", 400)


def test_public_500(debug: bool, db: None, monkeypatch: Any) -> None:
    monkeypatch.setattr("publicity.views._cached", _boom)
    assert_error_page(_client().get(reverse("public:home")), "public", 500)


# --- the portal ------------------------------------------------------------------------------
def test_portal_404_of_an_unknown_address(debug: bool, member_user: Any) -> None:
    assert_error_page(_client(member_user).get("/portal/no-such-page/"), "portal", 404)


def test_portal_404_of_a_view(debug: bool, reviewer_b: Any) -> None:
    url = reverse("portal:unit_card", args=[999999])
    text = assert_error_page(_client(reviewer_b).get(url), "portal", 404)
    assert "返回门户首页" in text
    assert "退出" in text  # the portal's header, with the logged-in user


def test_portal_403_says_why(debug: bool, secretary_a: Any) -> None:
    text = assert_error_page(_client(secretary_a).get(reverse("portal:unit")), "portal", 403)
    assert "本页面供驻区单位党组织使用。" in text  # the view's own reason, in Chinese


def test_portal_403_of_an_expired_form(debug: bool, member_user: Any) -> None:
    client = _client(member_user, enforce_csrf_checks=True)
    response = client.post(reverse("portal:logout"))
    text = assert_error_page(response, "portal", 403, title="页面已过期")
    assert "刷新后重新提交" in text


def test_portal_400(debug: bool, db: None) -> None:
    url = reverse("portal:login") + "?" + TOO_MANY_FIELDS
    assert_error_page(_client().get(url), "portal", 400)


def test_portal_500(debug: bool, member_user: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("activities.portal.views.portal_links", _boom)
    text = assert_error_page(_client(member_user).get(reverse("portal:home")), "portal", 500)
    assert "退出" not in text  # rendered without the request: no session, no database


# --- the admin -------------------------------------------------------------------------------
def test_admin_404_in_the_theme_with_the_sidebar(debug: bool, secretary_a: Any) -> None:
    text = assert_error_page(_client(secretary_a).get("/admin/no-such-page/"), "admin", 404)
    assert "返回工作台" in text
    assert "三会一课落实情况" in text  # the sidebar's work pages: the secretary keeps their way


def test_admin_403(debug: bool, secretary_a: Any) -> None:
    url = reverse("admin:axes_accessattempt_changelist")
    assert_error_page(_client(secretary_a).get(url), "admin", 403)


def test_admin_403_of_a_post_to_a_history_page_says_why(debug: bool, secretary_a: Any) -> None:
    url = reverse("admin:members_member_history", args=[1])
    text = assert_error_page(_client(secretary_a).post(url), "admin", 403)
    assert "修改历史只能查看" in text


def test_admin_403_of_a_login_form_left_open_too_long(debug: bool, db: None) -> None:
    client = _client(enforce_csrf_checks=True)
    response = client.post(reverse("admin:login"), {"username": "a", "password": "b"})
    text = assert_error_page(response, "admin", 403, title="页面已过期")
    assert "刷新后重新提交" in text


def test_admin_400_of_a_lookup_on_a_personal_field(debug: bool, secretary_a: Any) -> None:
    url = reverse("admin:members_member_changelist") + "?citizen_id__startswith=11"
    assert_error_page(_client(secretary_a).get(url), "admin", 400)


def test_admin_500(debug: bool, secretary_a: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("config.admin.workbench", _boom)
    text = assert_error_page(_client(secretary_a).get(reverse("admin:index")), "admin", 500)
    assert "社区党建管理系统" in text


@pytest.mark.parametrize(
    ("path", "area"), [("/admin/", "admin"), ("/portal/", "portal"), ("/", "public")]
)
def test_the_500_page_needs_no_database(
    secretary_a: Any, path: str, area: str, django_assert_num_queries: Callable
) -> None:
    """The error may be the database: the 500 page reads no user, session or row."""
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django.utils.functional import SimpleLazyObject

    from config.errors import server_error

    request = RequestFactory().get(path)
    request.session = SessionStore()
    request.user = SimpleLazyObject(lambda: User.objects.get(pk=secretary_a.pk))
    with django_assert_num_queries(0):
        response = server_error(request)
    text = response.content.decode()
    assert response.status_code == 500
    assert TITLES[500] in text
    for marker in MARKERS[area]:
        assert marker in text


# --- DEBUG's own behaviour kept where it helps ---------------------------------------------------
def test_a_missing_slash_is_still_added_with_debug_on(settings: Any, member_user: Any) -> None:
    settings.DEBUG = True
    response = _client(member_user).get("/portal/me")
    assert response.status_code == 301
    assert response["Location"] == reverse("portal:me")


def test_a_developer_may_ask_for_djangos_technical_pages(settings: Any, db: None) -> None:
    settings.DEBUG = True
    settings.TECHNICAL_ERROR_PAGES = True
    response = _client().get("/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


def test_error_pages_carry_no_inline_script_or_style(secretary_a: Any, db: None) -> None:
    for client, url in (
        (_client(), "/no-such-page/"),
        (_client(secretary_a), reverse("portal:unit")),
    ):
        text = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text)
        assert "<style" not in text
        assert "style=" not in text
