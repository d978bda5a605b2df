"""The layers of CONVENTIONS.md, checked on the source: imports only go down.

kit (knows no domain) < organizations < common (documents, report center, organization filter,
dashboard key) < members < activities, finance, publicity < config.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kit.apps import party_app_labels

ROOT = Path(__file__).resolve().parent.parent
# Every app of the project (kit/apps.py), so that a new app is above the lower layers at once.
DOMAIN = (*sorted(party_app_labels()), "config")
LOWER = ("organizations", "common", "members")  # bottom up; the apps above them are peers
# Each package with the packages it must never import (at module level or inside a function).
FORBIDDEN = {
    "kit": DOMAIN,
    **{
        package: tuple(app for app in DOMAIN if app not in LOWER[: LOWER.index(package) + 1])
        for package in LOWER
    },
}


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def _violations(package: str) -> list[str]:
    forbidden = FORBIDDEN[package]
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for module in sorted(_imported(path)):
            if module.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_only_what_is_below_it(package: str) -> None:
    assert _violations(package) == []


def test_a_lower_layer_may_not_import_any_higher_app() -> None:
    assert FORBIDDEN["organizations"] == tuple(a for a in DOMAIN if a != "organizations")
    assert "publicity" in FORBIDDEN["members"]
    assert not {"organizations", "common", "members"} & set(FORBIDDEN["members"])
    assert {"activities", "finance", "publicity"} <= set(FORBIDDEN["common"])


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from members.models import Member\n", encoding="utf-8")
    assert _imported(module) == {"members.models"}
