"""Per-app additions to the registry-driven admin tests.

Every app with admins puts `tests/<app>/admin_registry.py` next to its tests (the central test
files hold only the machinery; tests/test_app_declarations.py checks that each admin of a project
app has its rows in its own app's registry), defining any of:
- `ACCESS`: rows of tests/test_admin_access.py's table (admin label -> what each role may do);
- `MAKERS`: row makers of tests/test_admin_queries.py (admin label -> maker(t, i));
- `objects_the_demo_lacks()`: rows for admins whose model the demo does not fill;
- `CUSTOM_URLS`, `PRINTABLES`, `DOCUMENTS`, `PERIODS`, `PRINTABLE_OBJECTS`: rows of
  tests/test_view_and_document_access.py's tables (the app's custom admin URLs and printables);
- `scope_rows(tree, people, users)`: rows of the app's scoped models in both communities, for
  tests/test_scope_consistency.py (`people.a`/`people.b`: members of branch A/B; `users`: the
  secretaries of A and B, the sub-district officer, branch A's officer, unit B's reviewer).
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

# ok: the page (or file) is given; no: refused (403 or 404); login: sent to the login page.
OK, NO, LOGIN = "ok", "no", "login"


def app_registries() -> Iterator[ModuleType]:
    """In INSTALLED_APPS order (the others, e.g. tests/websec, after): a higher app's rows may
    hang on a lower app's (activities' feedback cards on members' registrations)."""
    from django.apps import apps

    labels = [app.label for app in apps.get_app_configs()]
    folders = sorted(path.parent.name for path in Path(__file__).parent.glob("*/admin_registry.py"))
    ordered = sorted(
        folders, key=lambda name: labels.index(name) if name in labels else len(labels)
    )
    for name in ordered:
        yield import_module(f"tests.{name}.admin_registry")


def registry_table(name: str) -> dict[str, Any]:
    """The rows every app's registry gives for the table `name`; a row given twice fails."""
    table: dict[str, Any] = {}
    for registry in app_registries():
        rows = getattr(registry, name, {})
        twice = set(table) & set(rows)
        assert not twice, f"{name}: {sorted(twice)} given by two apps"
        table.update(rows)
    return table
