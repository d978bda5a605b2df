"""The words a user reads (issue 22, point 13): one name per group in the sidebar and in the
header's trail; the compliance page titled as the sidebar names it, without a change list's
"0 条结果"; periods as 2026年下半年; documents cited by name, never by the seeds' file codes."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse

from common.sources import SOURCES, cite
from config.admin import sidebar_navigation
from kit.apps import menu_groups, party_apps
from kit.periods import period_text

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"(?<![\d.])00[0-4](?!\d)")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
CRUMB = re.compile(r'class="align-middle inline-block[^"]*"\s*>\s*(.*?)\s*</(?:a|span)', re.S)


def _trail(html: str) -> list[str]:
    """The header's trail (templates/unfold/helpers/welcomemsg.html), part by part."""
    heading = html.split("<h1", 1)[1].split("</h1>", 1)[0]
    return CRUMB.findall(heading)


def _sidebar_groups(user: Any) -> dict[str, str]:
    """Each list's address -> the title of the sidebar group showing it."""
    request = RequestFactory().get("/admin/")
    request.user = user
    return {
        item["link"]: group["title"]
        for group in sidebar_navigation(request)
        for item in group["items"]
    }


# --- one name per group --------------------------------------------------------------------
def test_each_app_is_named_as_a_sidebar_group_it_owns() -> None:
    """The app's own page (/admin/<app>/) and the sidebar say the same words."""
    owned: dict[str, set[str]] = {}
    for app in party_apps():
        owned[app.label] = {g.title for g in app.work_groups if g.order is not None}
    for app in party_apps():
        if owned[app.label]:
            assert str(app.verbose_name) in owned[app.label], app.label


def test_the_header_names_every_list_by_its_sidebar_group(client: Client, superuser: Any) -> None:
    client.force_login(superuser)
    groups = _sidebar_groups(superuser)
    checked = 0
    for group in menu_groups():
        for label, _ in group.models:
            app_label, model_name = label.split(".")
            try:
                url = reverse(f"admin:{app_label}_{model_name}_changelist")
            except NoReverseMatch:
                continue  # registered in no admin
            response = client.get(url)
            assert response.status_code == 200, url
            trail = _trail(response.content.decode())
            assert trail[0] == groups[url] == group.title, (url, trail)
            checked += 1
    assert checked >= 30


def test_a_list_put_in_another_apps_group_is_named_by_that_group(
    client: Client, superuser: Any
) -> None:
    """The feedback cards are activities' model in members' group 在职党员双联双管."""
    client.force_login(superuser)
    trail = _trail(client.get(reverse("admin:activities_feedbackcard_changelist")).content.decode())
    assert trail == ["在职党员双联双管", "在职党员社区表现反馈卡"]
    assert admin.site._registry  # the walk above saw the admin's models


def test_the_compliance_page_is_titled_as_the_sidebar_says_without_a_result_count(
    client: Client, superuser: Any
) -> None:
    client.force_login(superuser)
    html = client.get(reverse("admin:activities_meeting_compliance")).content.decode()
    trail = _trail(html)
    assert trail[0] == "组织生活"
    assert trail[-1].startswith("三会一课落实情况（")
    heading = html.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert "条结果" not in heading


# --- periods --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("2026H1", "2026年上半年"),
        ("2026H2", "2026年下半年"),
        ("2026h2", "2026年下半年"),
        ("2026Q1", "2026年第一季度"),
        ("2026Q4", "2026年第四季度"),
        ("2026-01", "2026年1月"),
        ("2026-12", "2026年12月"),
        ("2026", "2026年"),
        ("2026H3", "2026H3"),  # no such half year: shown as typed
        ("2026-13", "2026-13"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_period_code_reads_as_people_say_it(code: Any, text: str) -> None:
    assert period_text(code) == text


# --- documents by name ----------------------------------------------------------------------
def _user_strings(path: Path) -> list[tuple[int, str]]:
    """String literals with Chinese in them, except docstrings (read by developers only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and CHINESE.search(node.value)
    ]


SOURCE_FILES = sorted(
    path
    for package in ("config", "kit", *sorted(app.label for app in party_apps()))
    for path in (ROOT / package).rglob("*.py")
    if "migrations" not in path.parts
)
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


def test_the_pattern_finds_a_code_and_leaves_numbers_alone() -> None:
    assert CODE.search("（000 第八条）")
    assert CODE.search("（001；002 流动党员管理制度 十二）")
    assert not CODE.search("2002年")
    assert not CODE.search("超过了10000字")


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_message_cites_a_document_code(path: Path) -> None:
    assert [(line, text) for line, text in _user_strings(path) if CODE.search(text)] == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_cites_a_document_code(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)
    assert not CODE.search(text), CODE.findall(text)


def test_a_document_is_cited_by_its_title() -> None:
    assert cite("002", "第八条") == "《社区党建工作制度》第八条"
    assert cite("000", "八") == "《社区党建公示栏具体有哪些内容》"
    assert set(SOURCES) == {"000", "001", "002", "003", "004"}
    assert not any(CODE.search(title) for title in SOURCES.values())


# --- periods on a page (the demo's cards of both half years) ---------------------------------
def test_feedback_cards_list_their_period_as_a_half_year(
    demo_db: Any, db: None, client: Client
) -> None:
    """Last in the module: the demo is the module's database from here on."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="chunhui"))
    html = client.get(reverse("admin:activities_feedbackcard_changelist")).content.decode()
    assert "年下半年" in html or "年上半年" in html
    assert not re.search(r">\s*\d{4}H[12]\s*<", html), "a period shown as its code"
