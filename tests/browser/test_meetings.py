"""A branch officer records a 支部委员会 with too few present and is told at once; the community
secretary's 会议落实情况 then shows that branch's committee meeting missing for that month."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from organizations.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def branch(demo: Any) -> Any:
    """春晖 第一党支部 with 7 full members: it has a committee and owes a 支委会 each month."""
    from organizations.models import Organization
    from tests.members.factories import MemberFactory

    branch = Organization.objects.get(code="CN-CH-ZB1")
    for _ in range(7):
        MemberFactory(branch=branch)
    return branch


def _last_month() -> dt.date:
    first = timezone.localdate().replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=5)


def test_too_few_present_is_said_at_once_and_the_month_shows_missing(
    branch: Any, login: Callable[[str, str], Page], page: Page, results_dir: Path
) -> None:
    day = _last_month()
    login("chunhui_zb1", DEMO_PASSWORD)
    page.goto(f"/admin/activities/meeting/add/?organization={branch.pk}&kind=committee_meeting")
    page.locator("input[name=held_on]").fill(day.isoformat())
    page.locator("input[name=topic]").fill(f"{day.month}月支委会")
    page.locator("input[name=_continue], button[name=_continue]").first.click()
    page.wait_for_load_state()
    expect(page.get_by_text("已登记2人的出席情况")).to_be_visible()

    page.locator("select[name=attendances-0-status]").select_option("present")
    page.locator("textarea[name=decisions]").fill("同意推荐入党积极分子")
    page.locator("input[name=_continue], button[name=_continue]").first.click()
    page.wait_for_load_state()
    message = page.get_by_text(re.compile("支部委员会应到2人、实到1人，未达到法定人数"))
    expect(message.first).to_be_visible()
    page.screenshot(path=str(results_dir / "meeting-quorum-refused.png"), full_page=True)

    page.locator("textarea[name=decisions]").fill("")
    page.locator("input[name=_continue], button[name=_continue]").first.click()
    page.wait_for_load_state()
    expect(page.get_by_text(re.compile("会议记为未召开")).first).to_be_visible()

    page.context.clear_cookies()
    login("chunhui", DEMO_PASSWORD)
    page.goto(f"/admin/activities/meeting/compliance/?year={day.year}&status=overdue")
    section = page.locator("section.compliance-organization[data-code=CN-CH-ZB1]")
    row = section.locator("tr", has_text="支部委员会").filter(has_text=f"{day:%Y-%m}")
    expect(row).to_be_visible()
    expect(row).to_contain_text("逾期")
    expect(row.locator("td").nth(3)).to_have_text("0")
    page.screenshot(path=str(results_dir / "meeting-compliance.png"), full_page=True)
