"""A resident on a phone opens the public site, finds the notice on their community's board and
sends an opinion; the branch officer sees it in the record book, and the candidate's approval is
refused until the opinion is closed (screenshots in test-results/). The notice's page is the same
for every visitor: the form, with the resident's captcha and CSRF token, is fetched when they ask
for it, or opened with the page where the browser runs no script."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from members.rules import months_after
from organizations.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def candidate(demo: list[Any]) -> Any:
    """孙建国 of 春晖社区第一党支部: the branch meeting accepted him 20 days ago; his notice has
    been on the board for two days."""
    from django.utils import timezone

    from organizations.models import Organization
    from tests.publicity.factories import DevelopmentCaseFactory, publish_notice, record_steps

    branch = Organization.objects.get(code="CN-CH-ZB1")
    case = DevelopmentCaseFactory(
        name="孙建国", branch=branch, residence_community=branch.parent, position="志愿者队长"
    )
    today = timezone.localdate()
    record_steps(case, 16, start=months_after(today - dt.timedelta(days=20), -16))
    publish_notice(case, today - dt.timedelta(days=2))
    return case


def _overflows(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"))


def _send_opinion(browser: Browser, base_url: str, results_dir: Path) -> None:
    phone = browser.new_context(base_url=base_url, locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = phone.new_page()
    page.goto("/")
    page.get_by_role("link", name=re.compile("春晖社区党委")).click()
    expect(page.get_by_text("孙建国同志拟发展为预备党员的公示")).to_be_visible()
    expect(page.get_by_text(re.compile("公示还剩"))).to_be_visible()
    assert not _overflows(page)
    page.screenshot(path=results_dir / "public-board-phone.png", full_page=True)
    page.get_by_role("link", name="查看公示、反映意见").click()
    page.get_by_role("link", name="我要反映意见").click()  # this visitor's form, fetched
    page.get_by_label("您的意见").fill("该同志在楼道里堆放杂物，占用消防通道，请核实。")
    page.get_by_label("姓名（可不填）").fill("王阿姨")
    question = page.locator("label[for=id_captcha_answer]").inner_text()
    a, b = map(int, re.search(r"(\d) 加 (\d)", question).groups())  # type: ignore[union-attr]
    page.locator("#id_captcha_answer").fill(str(a + b))
    assert not _overflows(page)
    page.get_by_role("button", name="提交意见").click()
    expect(page.get_by_role("status")).to_contain_text("您的意见已收到")
    page.screenshot(path=results_dir / "public-opinion-sent-phone.png", full_page=True)
    phone.close()


def _record_approval(page: Page, case: Any) -> None:
    from django.utils import timezone

    page.goto(f"/admin/publicity/developmentcase/{case.pk}/change/")
    page.locator("input[name=steps-16-date]").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.locator("select[name=steps-16-number]").select_option("17")
    page.locator("[name=_save]").first.click()
    page.wait_for_load_state()


def test_a_residents_opinion_blocks_the_approval_until_it_is_closed(
    candidate: Any,
    browser: Browser,
    live_server: Any,
    login: Callable[[str, str], Page],
    results_dir: Path,
) -> None:
    from publicity.models import Notice

    _send_opinion(browser, live_server.url, results_dir)

    # The approval (step 17) is the 上级党委's: the community committee's secretary records it.
    page = login("chunhui", DEMO_PASSWORD)
    notice = Notice.objects.get(case=candidate)
    page.goto(f"/admin/publicity/notice/{notice.pk}/change/")
    expect(page.get_by_text("该同志在楼道里堆放杂物").first).to_be_visible()
    page.screenshot(path=results_dir / "record-book-officer.png", full_page=True)

    # Time passes: the notice has run its full period (it began the day after the meeting).
    meeting = candidate.steps.get(number=15).date
    from django.utils import timezone

    start = meeting + dt.timedelta(days=1)
    Notice.objects.filter(pk=notice.pk).update(
        published_at=timezone.make_aware(dt.datetime.combine(start, dt.time(9))),
        starts_on=start,
        ends_on=meeting + dt.timedelta(days=7),
    )
    _record_approval(page, candidate)
    expect(page.get_by_text(re.compile("1条意见尚未核实办结")).first).to_be_visible()
    candidate.refresh_from_db()
    assert candidate.last_step == 16

    opinion = notice.opinions.get()
    page.goto(f"/admin/publicity/opinion/{opinion.pk}/change/")
    page.locator("select[name=status]").select_option("unfounded")
    page.locator("input[name=checker]").fill("支部纪检委员 赵卫东")
    page.locator("textarea[name=finding]").fill("经现场查看，杂物系邻居所放，与本人无关。")
    page.locator("[name=_save]").first.click()
    page.wait_for_load_state()

    _record_approval(page, candidate)
    candidate.refresh_from_db()
    assert candidate.last_step == 17
    assert candidate.member is not None
    assert candidate.member.joined_on == meeting


CSP_VIOLATION = re.compile(
    r"Content Security Policy|Refused to (execute|load|apply|evaluate)", re.I
)


def _answer(page: Page) -> str:
    question = page.locator("label[for=id_captcha_answer]").inner_text()
    a, b = map(int, re.search(r"(\d) 加 (\d)", question).groups())  # type: ignore[union-attr]
    return str(a + b)


def test_a_resident_loads_the_shared_page_fetches_the_form_and_sends_an_opinion(
    candidate: Any, browser: Browser, live_server: Any, results_dir: Path
) -> None:
    from publicity.models import Notice

    notice = Notice.objects.get(case=candidate)
    phone = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True
    )
    page = phone.new_page()
    violations: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        if CSP_VIOLATION.search(message.text):
            violations.append(message.text)

    page.on("console", seen)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    shared = page.goto(f"/n/{notice.pk}/")
    assert shared is not None
    assert shared.headers["cache-control"] == "public, no-cache"
    assert "csrfmiddlewaretoken" not in shared.text()  # nothing of this visitor in the page
    expect(page.get_by_text("孙建国同志拟发展为预备党员的公示").first).to_be_visible()
    expect(page.locator("#opinion-form")).to_have_count(0)
    assert not [c for c in phone.cookies() if c["name"] == "csrftoken"]

    page.get_by_role("link", name="我要反映意见").click()
    expect(page.get_by_label("您的意见")).to_be_focused()  # fetched in place, no new page
    assert page.url.endswith(f"/n/{notice.pk}/")
    assert any(url.endswith(f"/n/{notice.pk}/form/") for url in fetched)
    assert [c for c in phone.cookies() if c["name"] == "csrftoken"]  # set with the form
    page.get_by_label("您的意见").fill("该同志经常帮助邻居，表现很好，同意发展。")
    page.locator("#id_captcha_answer").fill(_answer(page))
    assert not _overflows(page)
    page.screenshot(path=results_dir / "public-notice-form-fetched-phone.png", full_page=True)
    page.get_by_role("button", name="提交意见").click()
    expect(page.get_by_role("status")).to_contain_text("您的意见已收到")
    assert notice.opinions.get().text == "该同志经常帮助邻居，表现很好，同意发展。"
    assert violations == []
    phone.close()


def test_without_script_the_resident_opens_the_page_with_the_form(
    candidate: Any, browser: Browser, live_server: Any
) -> None:
    from publicity.models import Notice

    notice = Notice.objects.get(case=candidate)
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"/n/{notice.pk}/")
    page.get_by_role("link", name="我要反映意见").click()
    page.get_by_label("您的意见").fill("请核实该同志的工作表现。")
    page.locator("#id_captcha_answer").fill(_answer(page))
    page.get_by_role("button", name="提交意见").click()
    expect(page.get_by_role("status")).to_contain_text("您的意见已收到")
    assert notice.opinions.count() == 1
    context.close()
