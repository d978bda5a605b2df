"""The unit party organization in a real browser: logs in to its portal, sees only its own
members' cards, acknowledges one with a comment (also on a phone-sized screen); the community
secretary then sees the acknowledgement and the comment in the admin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from activities.models import FeedbackCard, FeedbackStatus
from kit.periods import period_text
from organizations.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
COMMENT = "该同志在医院工作兢兢业业，已纳入年度考核。"


def _portal_login(page: Page, username: str) -> None:
    page.goto("/portal/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_the_unit_acknowledges_a_card_and_the_secretary_sees_it(
    full_demo: None, page: Page, results_dir: Path
) -> None:
    delivered = FeedbackCard.objects.delivered().select_related("member", "unit_organization")
    own = delivered.filter(unit_organization__code="U-RMYY")
    others = set(
        delivered.exclude(unit_organization__code="U-RMYY").values_list("member__name", flat=True)
    )
    others -= set(own.values_list("member__name", flat=True))
    card = own.filter(status=FeedbackStatus.SENT, community__code="CN-CH").order_by("pk").first()
    assert card is not None, "the demo has no card to acknowledge"
    assert others, "the demo has no other unit's cards"

    page.set_viewport_size(PHONE)
    _portal_login(page, "yiyuan")
    expect(page).to_have_url(re.compile(r"/portal/unit/$"))
    expect(page.get_by_role("heading", name="本单位党员社区表现反馈卡")).to_be_visible()
    text = page.locator("main").inner_text()
    assert all(name not in text for name in others), "another unit's member is listed"
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=str(results_dir / "unit-portal-phone.png"), full_page=True)

    page.locator(f"a[href='/portal/unit/cards/{card.pk}/']").click()
    expect(page.get_by_role("heading", name=f"{card.member.name}的社区表现反馈卡")).to_be_visible()
    page.get_by_label("单位意见（党员在单位的工作表现）").fill(COMMENT)
    page.get_by_role("button", name="签收").click()
    expect(page.get_by_text(f"已签收{card.member.name}的反馈卡。")).to_be_visible()
    page.goto(f"/portal/unit/cards/{card.pk}/")
    expect(page.get_by_text(COMMENT)).to_be_visible()
    page.get_by_role("button", name="退出").click()

    page.goto("/admin/")
    page.locator("#id_username").fill("chunhui")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(f"/admin/activities/feedbackcard/?status=acknowledged&q={card.member.name}")
    row = (
        page.locator("#result_list tbody tr")
        .filter(has_text=card.member.name)
        .filter(has_text=period_text(card.period))  # shown as people say it: 2026年上半年
    )
    expect(row).to_contain_text("单位已签收")
    expect(row).to_contain_text(COMMENT[:30])
