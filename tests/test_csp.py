"""Content-Security-Policy on the admin, the portal and the public site (issue "Trust, round 3", 4).

No page had a policy: one stored script (an HTML upload, a name that slipped through escaping)
would run with the admin's session. Each of the three sites now sends a policy that runs only the
site's own script files, and each still renders under it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse


def _directives(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def _strict_script_src(policy: dict[str, list[str]]) -> None:
    assert "'self'" in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


def test_public_site_renders_under_a_strict_policy(client: Client, tree: Any) -> None:
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    policy = _directives(response)
    _strict_script_src(policy)
    assert "'unsafe-eval'" not in policy["script-src"]


def test_portal_renders_under_a_strict_policy(client: Client, tree: Any) -> None:
    response = client.get(reverse("portal:login"))
    assert response.status_code == 200
    policy = _directives(response)
    _strict_script_src(policy)
    assert "'unsafe-eval'" not in policy["script-src"]


@pytest.mark.parametrize("name", ["admin:index", "admin:members_member_changelist"])
def test_admin_renders_under_its_policy(client: Client, secretary_a: Any, name: str) -> None:
    client.force_login(secretary_a)
    response = client.get(reverse(name))
    assert response.status_code == 200
    policy = _directives(response)
    _strict_script_src(policy)
    assert "'unsafe-eval'" in policy["script-src"]  # unfold's Alpine.js; see kit/middleware.py


def test_admin_pages_have_no_inline_script_without_the_nonce(
    client: Client, secretary_a: Any
) -> None:
    """An inline <script> would be blocked by the policy: none is left on the admin's pages."""
    import re

    client.force_login(secretary_a)
    for name in ("admin:index", "admin:members_member_changelist", "admin:members_member_add"):
        page = client.get(reverse(name)).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag or "application/json" in tag or "nonce=" in tag, (name, tag)
