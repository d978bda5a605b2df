"""Every work page in the theme, at a desk and on a phone (issue 22, points 8 and 15).

The secretary and the sub-district officer each open every page of their sidebar and the apps'
own pages (a plan's 办理, 自行脱党提示, 三会一课落实情况, the report center, the review summary,
a campaign's call list) at 1366×768 and 390×844, a screenshot of each in test-results/layout/.
A page fails when it is wider than the screen, when an input has no border or a button is plain
text (a form outside a ModelAdmin drawn with Django's bare widgets), when a select offers
"---------", or when the list header's "+" (add) is off the screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize

from organizations.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SIZES: dict[str, ViewportSize] = {
    "desktop": {"width": 1366, "height": 768},
    "phone": {"width": 390, "height": 844},
}

# What is wrong with a page as drawn (empty when nothing): every check a user would notice.
PROBLEMS_JS = """
() => {
  const problems = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    problems.push(`页面宽${document.documentElement.scrollWidth}px，超出屏幕${window.innerWidth}px`);
  }
  const root = document.querySelector('#content') || document.body;
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const named = (el) => `${el.tagName.toLowerCase()}${el.name ? '[name=' + el.name + ']' : ''}`
    + `${el.textContent.trim() ? '“' + el.textContent.trim().slice(0, 20) + '”' : ''}`;
  const fields = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio])'
    + ':not([type=file]):not([type=submit]):not([type=button]), select, textarea';
  // A field or button is drawn when it, or the box it sits in (unfold's search field is a
  // bordered box holding a borderless input and an icon button), has a border or a fill.
  const drawn = (el) => {
    for (let node = el, depth = 0; node && depth < 3; node = node.parentElement, depth += 1) {
      const style = getComputedStyle(node);
      const filled = !['rgba(0, 0, 0, 0)', 'transparent'].includes(style.backgroundColor);
      const bordered = parseFloat(style.borderTopWidth) > 0 || parseFloat(style.borderBottomWidth) > 0;
      if (bordered || (filled && node === el)) return true;
    }
    return false;
  };
  for (const el of root.querySelectorAll(fields)) {
    if (shown(el) && !drawn(el)) problems.push(`输入框没有边框：${named(el)}`);
  }
  for (const el of root.querySelectorAll('button[type=submit], input[type=submit]')) {
    if (shown(el) && !drawn(el)) problems.push(`按钮没有样式：${named(el)}`);
  }
  for (const el of root.querySelectorAll('select')) {
    if (!shown(el) || el.name === 'action') continue;
    if ([...el.options].some((option) => option.text.trim() === '---------')) {
      problems.push(`下拉框的空选项显示为“---------”：${named(el)}`);
    }
  }
  const add = document.querySelector('#header-inner a.addlink');
  if (add) {
    const box = add.getBoundingClientRect();
    if (box.width === 0 || box.left < 0 || box.top < 0 || box.right > window.innerWidth) {
      problems.push('列表标题栏的“+”（新增）按钮不在屏幕内');
    }
  }
  return problems;
}
"""


def _sidebar_pages(page: Page) -> list[str]:
    page.goto("/admin/")
    hrefs = page.eval_on_selector_all(
        "#nav-sidebar-apps a[href^='/admin/']", "links => links.map(a => a.getAttribute('href'))"
    )
    return list(dict.fromkeys(hrefs))


def _own_pages(username: str) -> list[str]:
    """The apps' pages that no sidebar entry opens, as this user reaches them from a list."""
    from django.urls import reverse

    from finance import rules
    from finance.models import SpendingPlan
    from members.models import RegistrationCampaign

    step = {"chunhui": "draft", "jiedao": "at_organization_member"}[username]
    plan = SpendingPlan.objects.filter(status=step).order_by("pk").first()
    campaign = RegistrationCampaign.objects.filter(community__code="CN-CH").order_by("pk").first()
    assert plan is not None
    assert rules.chain_step(plan.status) is not None
    assert campaign is not None
    return [
        reverse("admin:finance_spendingplan_act", args=[plan.pk]),
        reverse("admin:members_member_lapse"),
        reverse("admin:members_review_summary"),
        reverse("admin:members_registrationcampaign_unregistered", args=[campaign.pk]),
        reverse("admin:activities_meeting_compliance"),
        reverse("report_center"),
    ]


def _name(path: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", path.lower()).strip("-") or "index"


@pytest.mark.parametrize("username", ["chunhui", "jiedao"])
def test_every_work_page_is_drawn_in_the_theme_at_both_sizes(
    full_demo: Any,
    login: Callable[[str, str], Page],
    results_dir: Path,
    username: str,
) -> None:
    """Each page is loaded once, at the desk's size, and then looked at again with the window
    narrowed to the phone's (as a window resized or a phone turned would show it): the second
    load of the same page cost as much as the first and told nothing more."""
    page = login(username, DEMO_PASSWORD)
    paths = list(dict.fromkeys([*_sidebar_pages(page), *_own_pages(username)]))
    assert len(paths) > 20, paths  # the sidebar was read
    shots = results_dir / "layout"
    shots.mkdir(exist_ok=True)
    found: dict[str, list[str]] = {}
    for path in paths:
        page.set_viewport_size(SIZES["desktop"])
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
            # JPEG: a tall page's PNG costs the browser several times as long to encode.
            page.screenshot(
                path=str(shots / f"{username}-{_name(path)}-{size}.jpg"),
                full_page=size == "desktop",
                type="jpeg",
                quality=70,
            )
            if problems := page.evaluate(PROBLEMS_JS):
                found[f"{size} {path}"] = problems
    report = "\n".join(f"{where}: {'；'.join(problems)}" for where, problems in found.items())
    (shots / f"{username}-problems.txt").write_text(report, encoding="utf-8")
    assert not found, report
