"""Playwright driving Debian's Chromium against pytest-django's live server.

One browser for the whole session, a fresh context (cookies, storage) and page for every test.
Never `playwright install`: the browser is /usr/bin/chromium.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
    # thread with a running loop unless told it is safe (it is: the loop is Playwright's). Only
    # while browser tests run, so the rest of the suite keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        yield p
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def results_dir() -> Path:
    """test-results/ under the repository root (gitignored): screenshots a person can look at."""
    RESULTS_DIR.mkdir(exist_ok=True)
    return RESULTS_DIR


@pytest.fixture
def demo(transactional_db: None) -> list[Any]:
    """The demo sub-district 城南街道 (its tree), loaded into the live server's (transactional)
    database."""
    from organizations.demo import build

    return build()  # on the rows the migrations seed (tests/conftest.py: _migration_seeds)


@pytest.fixture
def full_demo(demo_live: Any) -> Any:
    """Every app's demo, as `python manage.py demo` loads it: a fresh clone of its template
    (tests/demo_template.py), which the live server reads too."""
    return demo_live


@pytest.fixture
def login(page: Page) -> Callable[[str, str], Page]:
    """Log in through the admin's own login form, as a person would."""

    def log_in(username: str, password: str) -> Page:
        page.goto("/admin/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("input[type=submit], button[type=submit]").first.click()
        page.wait_for_load_state()
        return page

    return log_in
