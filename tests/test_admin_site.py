"""The admin site's own costs per page: the list of apps (every admin's permissions checked and
every list's address reversed) is built once per request, though the page's context and the
sidebar both show it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.test import Client


@pytest.mark.parametrize("url", ["/admin/", "/admin/members/member/"])
def test_the_app_list_is_built_once_per_page(
    superuser: Any, client: Client, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    built: list[str | None] = []
    original = site._build_app_dict

    def counting(request: Any, label: str | None = None) -> Any:
        built.append(label)
        return original(request, label)

    monkeypatch.setattr(site, "_build_app_dict", counting)
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 200
    assert "党员" in response.content.decode()  # the sidebar and the page show the apps
    assert len(built) == 1, built
