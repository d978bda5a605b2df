"""The admin site's own costs per page: the list of apps (every admin's permissions checked and
every list's address reversed) is built at most once per request, though the page's context and
the sidebar both show it, and is kept per permission set (config/admin.py, APP_LIST_SECONDS):
a second page of the same user builds nothing, a role granted builds it afresh."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.test import Client

from config import admin as site_module
from organizations import services
from organizations.roles import Role
from tests.organizations.factories import UserFactory


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    built: list[str | None] = []
    original = site._build_app_dict

    def counting(request: Any, label: str | None = None) -> Any:
        built.append(label)
        return original(request, label)

    monkeypatch.setattr(site, "_build_app_dict", counting)
    monkeypatch.setattr(site_module, "APP_LISTS", {})
    return built


@pytest.mark.parametrize("url", ["/admin/", "/admin/members/member/"])
def test_the_app_list_is_built_once_per_page(
    superuser: Any, client: Client, builds: list[str | None], url: str
) -> None:
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 200
    assert "党员" in response.content.decode()  # the sidebar and the page show the apps
    assert len(builds) == 1, builds


def test_the_list_is_kept_until_the_permissions_change_or_a_minute_passes(
    tree: Any, superuser: Any, client: Client, builds: list[str | None], monkeypatch: Any
) -> None:
    user = UserFactory(username="newcomer", is_staff=True)
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "/admin/members/member/" not in page  # no role yet: no list of members
    assert client.get("/admin/password_change/").status_code == 200
    assert len(builds) == 1  # the second page read the kept list

    services.organization_access_grant(
        user=get_user_model().objects.get(pk=user.pk),
        organization=tree.community_a,
        role=Role.COMMUNITY_SECRETARY,
        actor=superuser,
    )
    page = client.get("/admin/").content.decode()
    assert "/admin/members/member/" in page  # the role's permissions: built afresh at once
    assert len(builds) == 2
    client.get("/admin/password_change/")
    assert len(builds) == 2

    later = site_module.monotonic() + site_module.APP_LIST_SECONDS + 1
    monkeypatch.setattr(site_module, "monotonic", lambda: later)
    client.get("/admin/")
    assert len(builds) == 3  # kept no longer than a minute
