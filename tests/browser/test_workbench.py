"""The 工作台 of a secretary, a branch officer and the sub-district in a real browser, at desktop
and phone sizes (screenshots in test-results/), and the pages a secretary opens away from the
desk never overflow a 390 px wide screen."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from organizations.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _overflows(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"))


@pytest.mark.parametrize("username", ["chunhui", "chunhui_zb1", "jiedao"])
def test_each_roles_first_screen_shows_its_to_dos(
    full_demo: None, login: Callable[[str, str], Page], results_dir: Path, username: str
) -> None:
    page = login(username, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    panel = page.locator("section.panel", has=page.get_by_role("heading", name="党员队伍"))
    expect(panel).to_be_visible()
    todo = panel.locator("li.todo").filter(has_text="流动党员应转移组织关系")
    expect(todo).to_be_visible()
    count = int(todo.locator(".count").inner_text())
    page.screenshot(path=str(results_dir / f"workbench-{username}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    assert not _overflows(page), "the 工作台 overflows a phone screen"
    page.screenshot(path=str(results_dir / f"workbench-{username}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    todo.locator("a").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"should_transfer=yes"))
    shown = page.locator("#result_list tbody tr")
    assert shown.count() == count


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/members/member/",
        "/admin/members/floatingrecord/",
        "/admin/organizations/organization/tree/",
    ],
)
def test_pages_a_secretary_opens_on_the_road_fit_a_phone(
    full_demo: None, login: Callable[[str, str], Page], results_dir: Path, path: str
) -> None:
    page = login("chunhui", DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(path)
    name = path.strip("/").replace("/", "-") or "index"
    page.screenshot(path=str(results_dir / f"phone-{name}.png"), full_page=True)
    assert not _overflows(page), f"{path} overflows a 390 px screen"


def test_member_page_fits_a_phone(
    full_demo: None, login: Callable[[str, str], Page], results_dir: Path
) -> None:
    from members.models import Member

    member = Member.objects.filter(branch__code="CN-CH-ZB1").first()
    assert member is not None
    page = login("chunhui", DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"/admin/members/member/{member.pk}/change/")
    page.screenshot(path=str(results_dir / "phone-member-page.png"), full_page=True)
    assert not _overflows(page), "the member page overflows a 390 px screen"


def test_login_page_fits_a_phone(live_server: Any, page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/admin/login/")
    assert not _overflows(page)
