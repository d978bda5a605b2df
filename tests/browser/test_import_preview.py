"""The import preview is readable on a 1366 px laptop (issue 22 point 12): every column at least
4 em wide with its header on one line (not one character per line), and a wide file scrolls
sideways inside the preview's own box while the page itself does not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from organizations.demo import DEMO_PASSWORD
from organizations.models import Organization
from organizations.rules import OrganizationKind
from tests.browser.test_roster_import import _rows, _upload, _write

pytestmark = pytest.mark.browser

MEASURE = """() => {
  const box = document.querySelector('.import-preview');
  const em = parseFloat(getComputedStyle(box.querySelector('table')).fontSize);
  const heads = [...box.querySelectorAll('thead th')].slice(1).map(th => ({
    text: th.innerText.trim(), width: th.getBoundingClientRect().width,
    height: th.getBoundingClientRect().height,
  }));
  const cells = [...box.querySelectorAll('tbody tr:first-child td')].map(td => ({
    text: td.innerText.trim(), height: td.getBoundingClientRect().height,
  }));
  return {em, heads, cells, boxScroll: box.scrollWidth, boxWidth: box.clientWidth,
          pageScroll: document.documentElement.scrollWidth, viewport: window.innerWidth};
}"""


def test_preview_columns_are_wide_enough_to_read_at_1366(
    demo: Any, login: Callable[[str, str], Page], results_dir: Path, tmp_path: Path
) -> None:
    branch = Organization.objects.filter(parent__code="CN-CH", kind=OrganizationKind.BRANCH).first()
    assert branch is not None
    page = login("chunhui", DEMO_PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 800})

    # 所在党组织 by its full name: the preview reads it as the code would.
    rows = [dict(row, 所在党组织=branch.name) for row in _rows(branch.code)]
    _upload(page, _write(tmp_path / "花名册.xlsx", rows))
    expect(page.locator(".import-preview table")).to_contain_text("周建国")
    page.screenshot(path=str(results_dir / "import-preview-1366.png"), full_page=True)

    measured = page.evaluate(MEASURE)
    em = measured["em"]
    assert len(measured["heads"]) == 15, measured["heads"]
    narrow = [h for h in measured["heads"] if h["width"] < 4 * em]
    assert not narrow, narrow
    # Headers and values each stay on one line (one character per line is many em tall).
    assert max(h["height"] for h in measured["heads"]) < 3 * em, measured["heads"]
    assert max(c["height"] for c in measured["cells"]) < 4 * em, measured["cells"]
    # The wide file scrolls inside the preview's box; the page does not scroll sideways.
    assert measured["boxScroll"] > measured["boxWidth"]
    assert measured["pageScroll"] <= measured["viewport"]
    expect(page.locator(".import-preview table")).to_contain_text(branch.code)
