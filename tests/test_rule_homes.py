"""One home per kind of rule (README, "Where a check goes"), checked on the source: a rule of
`<app>/rules.py` returns its Chinese message rather than raising it (only a parser of typed text
raises), and an app's choices are defined in its rules.py, not in a models module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("organizations", "members", "activities", "finance", "publicity")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _raised_messages(path: Path) -> list[str]:
    """`function: message` of every raise with a Chinese text outside a `parse_*` function."""
    found = []
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, ast.FunctionDef) or function.name.startswith("parse_"):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Raise) and CHINESE.search(ast.unparse(node)):
                found.append(f"{function.name}: {ast.unparse(node)}")
    return found


def _choices_in(source: str) -> list[str]:
    """The module-level classes of `source` that subclass a Choices."""
    return [
        node.name
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base).endswith("Choices") for base in node.bases)
    ]


def _choices_defined(path: Path) -> list[str]:
    names = _choices_in(path.read_text(encoding="utf-8"))
    return [f"{path.relative_to(ROOT)}: {name}" for name in names]


@pytest.mark.parametrize("app", APPS)
def test_a_rule_returns_its_message_instead_of_raising_it(app: str) -> None:
    assert _raised_messages(ROOT / app / "rules.py") == []


@pytest.mark.parametrize("app", APPS)
def test_the_choices_of_an_app_are_defined_in_its_rules(app: str) -> None:
    models = [ROOT / app / "models.py", *sorted((ROOT / app / "models").glob("*.py"))]
    assert [found for path in models if path.exists() for found in _choices_defined(path)] == []
    assert _choices_defined(ROOT / app / "rules.py")


def test_the_checks_see_what_they_forbid(tmp_path: Path) -> None:
    rules = tmp_path / "rules.py"
    rules.write_text(
        "def dues(x):\n    raise ValueError('未登记月收入')\n"
        "def parse_month(x):\n    raise ValueError('月份格式错误')\n"
        "def periods(x):\n    raise ValueError('unknown unit')\n",
        encoding="utf-8",
    )
    assert _raised_messages(rules) == ["dues: raise ValueError('未登记月收入')"]
    source = "class Kind(models.TextChoices):\n    A = 'a', '甲'\nclass Case(models.Model): ...\n"
    assert _choices_in(source) == ["Kind"]
