"""Every import declares only what is its own (issue 21): the contract's options come from
`RowNumberedResource`, a register's headers and fields from its columns, its template's person
columns from its kind, and an app's register command from `RegisterImportCommand`."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class

from kit.apps import party_app_labels
from kit.imports import RegisterImportCommand, RowNumberedResource
from kit.imports.register import RegisterResource

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ("skip_unchanged", "report_skipped", "clean_model_instances", "use_transactions")


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _imports() -> list[type[RowNumberedResource]]:
    """Every import of the project's apps with a model (the bases have none)."""
    for label in sorted(party_app_labels()):
        for path in sorted((ROOT / label).glob("resources*.py")):
            importlib.import_module(f"{label}.{path.stem}")
    found = {c for c in _subclasses(RowNumberedResource) if c._meta.model is not None}
    return sorted(found, key=lambda c: c.__qualname__)


IMPORTS = _imports()
REGISTERS = [c for c in IMPORTS if issubclass(c, RegisterResource)]


def test_the_registers_are_found() -> None:
    names = {c.__name__ for c in REGISTERS}
    assert {"DutyPostResource", "VisitResource", "UnitDeedResource"} <= names
    assert {"DevelopmentReportResource", "CaseAssessmentResource"} <= names


@pytest.mark.parametrize("resource", IMPORTS, ids=lambda c: c.__name__)
def test_every_import_keeps_the_contracts_options(resource: type[RowNumberedResource]) -> None:
    """Read from RowNumberedResource's Meta through every base between (a base's own Meta that
    does not say them would turn them off)."""
    assert {o: getattr(resource._meta, o) for o in CONTRACT} == dict.fromkeys(CONTRACT, True)


@pytest.mark.parametrize("resource", REGISTERS, ids=lambda c: c.__name__)
def test_a_registers_headers_are_its_columns_in_order(resource: type[RegisterResource]) -> None:
    exported = [f.column_name for f in resource().get_export_fields()]
    assert list(resource.HEADERS) == exported
    assert set(resource.TEMPLATE_COLUMNS) <= set(resource.HEADERS)  # no entry under a typo
    person = resource.fields.get("citizen_id")
    if person is not None and hasattr(resource, "person_attribute"):
        assert person.attribute == resource.person_attribute  # the person's column is theirs


def _register_commands() -> dict[str, type[RegisterImportCommand]]:
    commands = {}
    for name, app in get_commands().items():
        if app.split(".")[0] in party_app_labels():
            command = load_command_class(app, name)
            if isinstance(command, RegisterImportCommand):
                commands[name] = type(command)
    return commands


def test_each_register_command_is_a_declaration_of_its_registers() -> None:
    commands = _register_commands()
    assert set(commands) == {"import_work_register", "import_development_register"}
    for command in commands.values():
        assert "handle" not in vars(command)
        assert "add_arguments" not in vars(command)
        assert all(issubclass(r, RegisterResource) for r in command.registers.values())


def test_a_register_command_refuses_a_register_it_does_not_have(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'meetings'"):
        call_command("import_development_register", "meetings", str(tmp_path / "a.xlsx"))
