"""What activities shows a user names documents, never the seeds' file codes ("002 ..."): a
secretary has no file called 002. The codes stay in comments and docstrings for developers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"(?<![\d.])00[0-4](?!\d)")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
TEMPLATES = [
    *sorted((ROOT / "templates" / "admin" / "activities").rglob("*.html")),
    *sorted((ROOT / "templates" / "activities").rglob("*.html")),
    *sorted((ROOT / "templates" / "reports").glob("activities_*.html")),
    ROOT / "templates" / "reports" / "feedback_cards.html",
]


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


def test_the_pattern_finds_a_code_and_leaves_years_alone() -> None:
    assert CODE.search("年老病重党员免于参加（002 年老病重党员管理制度）")
    assert not CODE.search("2002年")
    assert not CODE.search("超过了10000字")


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (ROOT / "activities").rglob("*.py") if "migrations" not in p.parts),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_message_of_activities_cites_a_document_code(path: Path) -> None:
    found = [(line, text) for line, text in _user_strings(path) if CODE.search(text)]
    assert found == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_activities_page_cites_a_document_code(path: Path) -> None:
    text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
    assert not CODE.search(text), CODE.findall(text)
