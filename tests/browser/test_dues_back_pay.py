"""Record 3 months of back pay as a secretary does (issue 22 point 7): before, one 党费交纳 form
per month; now, one member's 党费 page with the months ticked. Both flows run on the demo and
count what the secretary does: clicks (a key press that submits counts as one) and fields
typed. Screenshots in test-results/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from organizations.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# What the flows cost (measured by this test; the note quotes them).
BEFORE_CLICKS, AFTER_CLICKS = 25, 7


@dataclass
class Effort:
    """What a person does on the page: clicks (and Enter), and fields they type into."""

    page: Page
    clicks: int = 0
    typed: int = 0

    def click(self, target: Locator) -> None:
        target.click()
        self.clicks += 1

    def type(self, target: Locator, text: str) -> None:
        self.click(target)  # into the field
        target.fill(text)
        self.typed += 1

    def choose(self, target: Locator, value: str) -> None:
        target.select_option(value)
        self.clicks += 2  # open the list, pick the option

    def enter(self, target: Locator) -> None:
        target.press("Enter")
        self.clicks += 1


def _members_with_back_pay(count: int) -> list[tuple[Any, list[dt.date]]]:
    """Members of 春晖's first branch with three past months they may still pay (arrears)."""
    from finance import selectors
    from members.models import Member

    today = timezone.localdate()
    found = []
    for member in Member.objects.current().filter(branch__code="CN-CH-ZB1").order_by("pk"):
        page = selectors.member_dues_page(member, year=today.year, today=today)
        months = [m.month for m in page.payable if m.month < today.replace(day=1)][-3:]
        names = Member.objects.filter(name=member.name).count()
        if len(months) == 3 and names == 1:
            found.append((member, months))
        if len(found) == count:
            return found
    raise AssertionError("the demo has no member of CN-CH-ZB1 with three months of back pay")


def _paid(member: Any) -> list[dt.date]:
    from finance.models import DuesPayment

    return sorted(
        DuesPayment.objects.regular().filter(member=member).values_list("period", flat=True)
    )


def _one_form_per_month(page: Page, member: Any, months: list[dt.date], effort: Effort) -> None:
    """The 党费交纳 add form, once per month ("保存并增加另一个" between them)."""
    today = timezone.localdate()
    page.goto("/admin/finance/duespayment/")
    effort.click(page.locator("a.addlink").first)
    for i, month in enumerate(months):
        effort.click(page.locator(".field-member .select2-selection"))
        search = page.locator(".select2-container--open .select2-search__field")
        effort.type(search, member.name)
        effort.click(page.locator(".select2-results__option", has_text=member.name).first)
        effort.type(page.locator("#id_period"), f"{month:%Y-%m}")
        effort.type(page.locator("#id_paid_on"), f"{today:%Y-%m-%d}")
        effort.choose(page.locator("#id_method"), "in_person")
        last = i == len(months) - 1
        button = "_save" if last else "_addanother"
        effort.click(page.locator(f"[name={button}]"))
        page.wait_for_load_state()
        expect(page.locator(".errornote, .errorlist")).to_have_count(0)


def _one_page(page: Page, member: Any, months: list[dt.date], effort: Effort) -> None:
    """The member's 党费 page: find the member, tick the months, 登记交纳."""
    page.goto("/admin/finance/memberdues/")
    search = page.locator("#searchbar")
    effort.type(search, member.name)
    effort.enter(search)
    page.wait_for_load_state()
    effort.click(page.locator(f'a[href*="/finance/memberdues/{member.pk}/change/"]').first)
    page.wait_for_load_state()
    for month in months:
        effort.click(page.locator(f"#month-{month:%Y-%m}"))
    effort.click(page.locator("#dues-submit"))
    page.wait_for_load_state()


def test_record_three_months_of_back_pay(
    full_demo: None, login: Callable[[str, str], Page], results_dir: Path
) -> None:
    (old_member, old_months), (new_member, new_months) = _members_with_back_pay(2)
    page = login("chunhui", DEMO_PASSWORD)

    before = Effort(page)
    _one_form_per_month(page, old_member, old_months, before)
    assert set(old_months) <= set(_paid(old_member))
    page.screenshot(path=str(results_dir / "dues-back-pay-before.png"), full_page=True)

    after = Effort(page)
    _one_page(page, new_member, new_months, after)
    labels = "、".join(f"{m.year}年{m.month}月" for m in new_months)
    expect(page.get_by_text(f"已登记{new_member.name}{labels}的党费，共3个月")).to_be_visible()
    assert set(new_months) <= set(_paid(new_member))
    for month in new_months:
        expect(page.locator(f'tr[data-month="{month:%Y-%m}"]')).to_contain_text("已交")
    page.screenshot(path=str(results_dir / "dues-back-pay-after.png"), full_page=True)

    print(  # noqa: T201 (the numbers the issue's note quotes, with -s)
        f"record 3 months of back pay: before {before.clicks} clicks, {before.typed} fields "
        f"typed; after {after.clicks} clicks, {after.typed} field typed"
    )
    assert (before.clicks, after.clicks) == (BEFORE_CLICKS, AFTER_CLICKS)
    assert after.typed == 1 < before.typed


def test_a_refused_month_says_what_to_fix_and_nothing_is_saved(
    full_demo: None, login: Callable[[str, str], Page], results_dir: Path
) -> None:
    """A month already paid ticked with two unpaid ones: the reason, and none of them saved."""
    ((member, months),) = _members_with_back_pay(1)
    page = login("chunhui", DEMO_PASSWORD)
    page.goto(f"/admin/finance/memberdues/{member.pk}/change/")
    page.locator(f"#month-{months[0]:%Y-%m}").click()
    page.locator("#dues-submit").click()
    page.wait_for_load_state()
    # As if from a tab opened before that payment: the month paid is sent again.
    page.evaluate(
        """month => { const box = document.createElement('input'); box.type = 'checkbox';
        box.name = 'months'; box.value = month; box.checked = true;
        document.getElementById('dues-form').appendChild(box); }""",
        f"{months[0]:%Y-%m}",
    )
    for month in months[1:]:
        page.locator(f"#month-{month:%Y-%m}").click()
    page.locator("#dues-submit").click()
    page.wait_for_load_state()
    expect(page.get_by_text("未登记任何交纳，请修改后重新提交")).to_be_visible()
    expect(page.get_by_text("的党费已交纳，不能重复登记")).to_be_visible()
    assert [m for m in _paid(member) if m in months] == [months[0]]
    page.screenshot(path=str(results_dir / "dues-back-pay-refused.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.goto(f"/admin/finance/memberdues/{member.pk}/change/")
    overflows = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=str(results_dir / "dues-page-phone.png"), full_page=True)
    assert not overflows, "the 党费 page overflows a 390 px screen"
