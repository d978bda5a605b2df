"""Issue 22, point 5: the forms that used Django's two-list picker read Chinese and fit 1366 px.
The 驻区单位 (联系社区) and 联席会/大党委 (成员单位) forms keep the picker, now in Chinese; the
支部大会表决 form has none: it lists the branch's full members on the meeting's date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from organizations.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

ENGLISH = ("Choose all", "Remove all", "click to clear", "Available ", "Chosen ", "Choose selected")


def _fits_and_reads_chinese(page: Page, results_dir: Path, name: str) -> None:
    page.screenshot(path=str(results_dir / f"{name}.png"), full_page=True)
    text = page.locator("#content, main").first.inner_text()
    assert [word for word in ENGLISH if word in text] == []
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{name}: {wide} px wider than the 1366 px window"


def test_the_unit_committee_and_vote_forms_read_chinese_and_fit_1366_px(
    demo: Any, login: Callable[[str, str], Page], page: Page, results_dir: Path
) -> None:
    from organizations.models import JointCommittee, Organization, Unit
    from tests.members.factories import MemberFactory
    from tests.publicity.factories import DevelopmentCaseFactory

    branch = Organization.objects.get(code="CN-CH-ZB1")
    for i in range(12):
        MemberFactory(branch=branch, name=f"表决人{i + 1:02d}", joined_on=dt.date(1990, 7, 1))
    case: Any = DevelopmentCaseFactory(name="发展对象甲", branch=branch)
    unit = Unit.objects.filter(community__code="CN-CH").first()
    committee = JointCommittee.objects.filter(community__code="CN-CH").first()
    assert unit is not None
    assert committee is not None

    page.set_viewport_size({"width": 1366, "height": 768})
    login("chunhui", DEMO_PASSWORD)

    page.goto(f"/admin/organizations/unit/{unit.pk}/change/")
    expect(page.locator(".selector-chooseall").first).to_contain_text("选择全部")
    _fits_and_reads_chinese(page, results_dir, "two-list-unit")

    page.goto(f"/admin/organizations/jointcommittee/{committee.pk}/change/")
    expect(page.locator(".selector-chooseall").first).to_contain_text("选择全部")
    _fits_and_reads_chinese(page, results_dir, "two-list-joint-committee")

    day = timezone.localdate() - dt.timedelta(days=3)
    page.goto(f"/admin/publicity/branchvote/add/?case={case.pk}&held_on={day.isoformat()}")
    rows = page.locator("[data-voter-list] tr[data-key]")
    expect(rows).to_have_count(12)
    expect(page.locator(".selector")).to_have_count(0)
    page.get_by_role("button", name="全部到会").click()
    expect(page.locator("[data-voters-summary]")).to_contain_text("有表决权12人、到会12人")
    _fits_and_reads_chinese(page, results_dir, "vote-form-voters")
