"""The Content-Security-Policy breaks nothing a user does (issue "Trust, round 3", 4): Chromium
reports no violation on the admin (unfold's Alpine.js: the theme, the sidebar, a change form),
the portal's login or the public site, and Alpine really runs under the admin's policy."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from organizations.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

VIOLATION = re.compile(r"Content Security Policy|Refused to (execute|load|apply|evaluate)", re.I)


def _violations(page: Page) -> list[str]:
    found: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        if VIOLATION.search(message.text):
            found.append(f"{page.url}: {message.text}")

    page.on("console", seen)
    return found


def test_no_csp_violation_on_the_admin_portal_or_public_site(
    demo: object, login: Callable[[str, str], Page], page: Page
) -> None:
    found = _violations(page)
    page.goto("/")
    page.goto("/portal/login/")
    login("chunhui", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    for url in (
        "/admin/members/member/",
        "/admin/members/member/add/",
        "/admin/organizations/organization/",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert page.evaluate("!!window.Alpine")  # unfold's Alpine.js started under the policy
    assert found == []
