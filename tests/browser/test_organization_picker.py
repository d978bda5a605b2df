"""A sub-district officer, who sees thousands of organizations, narrows the meeting list to one
branch by typing part of its name into the filter's picker and applying the filter."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from organizations.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_the_officer_types_a_branch_into_the_picker_and_gets_its_meetings(
    full_demo: Any,
    login: Callable[[str, str], Page],
    page: Page,
    results_dir: Path,
    monkeypatch: Any,
) -> None:
    from common.admin import OrganizationFilter
    from organizations.models import Organization

    # The demo's sub-district has a few dozen organizations; a real one has thousands.
    monkeypatch.setattr(OrganizationFilter, "PICKER_ABOVE", 3)
    branch = Organization.objects.get(code="CN-CH-ZB1")
    login("jiedao", DEMO_PASSWORD)
    page.goto("/admin/activities/meeting/")
    page.locator("a", has_text="筛选").first.click()  # the filters open beside the list
    picker = page.locator("select[name=organization] + .select2 .select2-selection")
    picker.click()
    page.locator(".select2-search__field").fill("春晖社区第一")
    page.locator(".select2-results__option", has_text=branch.name).first.click()
    page.get_by_role("button", name="应用筛选").click()
    page.wait_for_url(re.compile(rf"organization={branch.pk}\b"))
    page.screenshot(path=str(results_dir / "meeting-list-organization-picker.png"), full_page=True)
    organizations = page.locator("#result_list tbody tr td.field-organization")
    expect(organizations.first).to_have_text(branch.name)
    assert set(organizations.all_inner_texts()) == {branch.name}
