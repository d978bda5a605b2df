"""A community secretary's main flow in a real browser: log in, open the organization tree, and
find only their own community there; another community's pages and choices stay out of reach."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from organizations.demo import DEMO_PASSWORD
from organizations.models import Organization, Position
from organizations.rules import OrganizationKind, PositionTitle

pytestmark = pytest.mark.browser

ORGANIZATIONS = "/admin/organizations/organization/"
TREE = "/admin/organizations/organization/tree/"


@pytest.fixture
def secretary_page(demo: Any, login: Callable[[str, str], Page]) -> Page:
    """春晖社区's secretary, logged in through the login form."""
    page = login("chunhui", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="工作", exact=True)).to_be_visible()  # the sidebar
    return page


def autocomplete_url(term: str) -> str:
    query = urlencode(
        {
            "term": term,
            "app_label": "organizations",
            "model_name": "organization",
            "field_name": "parent",
        }
    )
    return f"/admin/autocomplete/?{query}"


def test_secretary_sees_own_community_tree_only(
    demo: Any, login: Callable[[str, str], Page], results_dir: Path
) -> None:
    page = login("chunhui", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("link", name="社区党建管理系统")).to_be_visible()

    page.goto(ORGANIZATIONS)
    # The changelist's own button (the sidebar links the tree too).
    page.locator("#header-inner").get_by_role("link", name=re.compile("组织架构图")).click()
    expect(page).to_have_url(re.compile(re.escape(TREE) + "$"))
    expect(page.locator("#content h1")).to_have_text("组织架构")

    chunhui = page.locator("section.org-tree", has=page.get_by_role("heading", name="春晖社区党委"))
    expect(chunhui).to_be_visible()
    # The demo's branch names may change; the page must show whatever branches 春晖 has.
    branches = Organization.objects.filter(parent__code="CN-CH", kind=OrganizationKind.BRANCH)
    assert len(branches) >= 4
    for branch in branches:
        expect(chunhui.get_by_role("link", name=branch.name, exact=True)).to_be_visible()
        expect(chunhui.get_by_role("cell", name=branch.code, exact=True)).to_be_visible()
    expect(chunhui.get_by_role("link", name=re.compile("第一党支部（离退休）"))).to_be_visible()
    secretary = Position.objects.current().get(
        organization__code="CN-CH", title=PositionTitle.SECRETARY
    )
    community_row = chunhui.get_by_role("row").filter(
        has=page.get_by_role("cell", name="CN-CH", exact=True)
    )
    expect(community_row).to_contain_text(f"书记：{secretary.holder_name}")

    content = page.locator("#content-main")
    for other in ["锦绣社区党委", "和平社区党总支", "城南街道党工委"]:
        expect(content.get_by_text(other)).to_have_count(0)
    other_codes = Organization.objects.filter(code__regex=r"^CN-(JX|HP)").values_list(
        "code", flat=True
    )
    assert other_codes
    for code in other_codes:
        expect(content.get_by_role("cell", name=code, exact=True)).to_have_count(0)

    page.screenshot(path=str(results_dir / "secretary-tree.png"), full_page=True)


def test_secretary_gets_404_for_another_communitys_organization(secretary_page: Page) -> None:
    jinxiu = Organization.objects.get(code="CN-JX")

    response = secretary_page.goto(f"{ORGANIZATIONS}{jinxiu.pk}/change/")

    assert response is not None
    assert response.status == 404
    expect(secretary_page.locator("body")).not_to_contain_text("锦绣社区党委")


def test_secretary_own_community_change_page_opens(secretary_page: Page) -> None:
    """The 404 above comes from scope, not from a change page that never opens."""
    chunhui = Organization.objects.get(code="CN-CH")

    response = secretary_page.goto(f"{ORGANIZATIONS}{chunhui.pk}/change/")

    assert response is not None
    assert response.status == 200
    expect(secretary_page.locator("#id_name")).to_have_value("春晖社区党委")


def test_parent_autocomplete_offers_own_community_only(secretary_page: Page) -> None:
    page = secretary_page
    page.goto(f"{ORGANIZATIONS}add/")
    expect(page.locator(".field-parent label")).to_contain_text("上级党组织")

    page.locator(".field-parent .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    options = page.locator(".select2-results__option")

    search.fill("锦绣")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text(re.compile("未找到结果|No results"))

    search.fill("春晖")
    expect(page.get_by_role("option", name="春晖社区党委", exact=True)).to_be_visible()
    page.get_by_role("option", name="春晖社区党委", exact=True).click()
    expect(page.locator(".field-parent .select2-selection__rendered")).to_contain_text(
        "春晖社区党委"
    )


def test_parent_autocomplete_json_leaves_out_other_communities(secretary_page: Page) -> None:
    request = secretary_page.context.request

    jinxiu = request.get(autocomplete_url("锦绣"))
    chunhui = request.get(autocomplete_url("春晖"))

    assert jinxiu.status == 200
    assert jinxiu.json()["results"] == []
    assert chunhui.status == 200
    assert "春晖社区党委" in [r["text"] for r in chunhui.json()["results"]]
