"""Issue 22, points 10 and 14 in a real browser: the community secretary creates a member's portal
login from the member list and gets the printed slip; the member logs in on a 390 px phone with
the slip's password, sets their own, sees their dues and attendance, claims a service post and
signs up for a community activity."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from members.models import EventSignup, Member, PostClaim
from organizations.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "Chunhui-2026-wode"  # noqa: S105 (a test's)


def _overflows(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"))


def _slip_text(path: str) -> str:
    done = subprocess.run(  # noqa: S603 (a fixed command on the downloaded file)
        ["/usr/bin/pdftotext", "-layout", path, "-"], capture_output=True, check=True
    )
    return done.stdout.decode()


def _create_login(page: Page, member: Member, results_dir: Path) -> tuple[str, str]:
    """As the secretary: tick the member, run 创建党员登录账号, read the slip."""
    page.goto(f"/admin/members/member/?q={member.name}")
    page.locator(f"input.action-select[value='{member.pk}']").check()
    page.locator("select[name=action]").select_option("create_member_logins")
    slip = results_dir / "member-login-slip.pdf"
    caught: list[Any] = []

    def keep_pdf(route: Any) -> None:  # the bytes as served (the PDF viewer replaces the body)
        response = route.fetch(timeout=60_000)
        caught.append(response)
        slip.write_bytes(response.body())
        route.fulfill(response=response)

    page.route(lambda url: "/admin/members/member/?" in url, keep_pdf)
    page.locator("button[name=index]").click(no_wait_after=True)
    page.wait_for_timeout(500)
    for _ in range(120):
        if caught:
            break
        page.wait_for_timeout(500)
    page.unroute_all()
    assert caught, "no answer to the action"
    assert caught[0].headers["content-type"] == "application/pdf"
    page.screenshot(path=str(results_dir / "member-login-slip-opened.png"))
    text = _slip_text(str(slip))
    found = re.search(r"用户名\s+(dy\d{6}).*?初始密码\s+(\S{10})", text, re.S)
    assert found is not None, text
    return found.group(1), found.group(2)


def test_a_secretary_gives_a_login_and_the_member_uses_the_portal_on_a_phone(
    full_demo: Any, login: Callable[[str, str], Page], page: Page, results_dir: Path
) -> None:
    member = (
        Member.objects.current()
        .filter(branch__parent__code="CN-CH", user__isnull=True)
        .order_by("pk")
        .first()
    )
    assert member is not None
    login("chunhui", DEMO_PASSWORD)
    username, password = _create_login(page, member, results_dir)
    member.refresh_from_db()
    assert member.user is not None
    assert member.user.username == username
    page.context.clear_cookies()

    page.set_viewport_size(PHONE)
    page.goto("/portal/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    # Asked for their own password first, then back to the page they were going to.
    expect(page).to_have_url(re.compile(r"/portal/password/\?next=%2Fportal%2F$"))
    expect(page.get_by_text("当前密码（初始密码）")).to_be_visible()
    page.locator("input[name=old_password]").fill(password)
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.screenshot(path=str(results_dir / "member-portal-password-phone.png"), full_page=True)
    page.get_by_role("button", name="保存新密码").click()
    expect(page).to_have_url(re.compile(r"/portal/me/$"))

    # The same name in the header and on the page; dues and attendance, only the member's own.
    expect(page.locator("header .who")).to_have_text(member.name)
    expect(page.locator("dd.member-name")).to_have_text(member.name)
    expect(page.get_by_role("heading", name="党费")).to_be_visible()
    expect(page.get_by_role("heading", name="组织生活")).to_be_visible()
    assert "党费模块上线后" not in page.content()
    assert not _overflows(page), "the member page overflows a 390 px screen"
    page.screenshot(path=str(results_dir / "member-portal-phone.png"), full_page=True)

    # 报名 the first open activity.
    events = page.locator("#events + .box li", has=page.get_by_role("button", name="报名"))
    title = events.first.locator("strong").inner_text()
    events.first.get_by_role("button", name="报名").click()
    expect(page.get_by_text(re.compile(f"已报名“{title}”"))).to_be_visible()
    assert EventSignup.objects.filter(member=member, event__title=title).exists()

    # 认领 a service post.
    page.locator("select[name=post]").select_option(index=1)
    post = page.locator("select[name=post] option:checked").inner_text()
    page.locator("textarea[name=commitment]").fill("每周六上午在楼道值守一小时。")
    page.get_by_role("button", name="认领").click()
    expect(page.get_by_text(re.compile("已认领.*待.*审核"))).to_be_visible()
    claim = PostClaim.objects.get(member=member)
    assert claim.kind.name in post
    assert not _overflows(page)
    page.screenshot(path=str(results_dir / "member-portal-phone-after.png"), full_page=True)
