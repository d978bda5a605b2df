"""`RegisterResource`: a register a secretary keeps in Excel (a row a post, a visit, a report),
in and out through the import engine, declared in a few lines.

A register names its columns (`column(...)`, in the sheet's order: they give `HEADERS` and the
Meta's `fields`), its model (`class Meta: model = ...`), its key (`key(row)`: the lookups of the
stored row the file's row is, so that importing the same file twice changes nothing), the
template's examples (`TEMPLATE_COLUMNS`, under the `TEMPLATE_DEFAULTS` of its kind) and
`save_row` (the register's service); a column found within the user's scope (an organization,
a unit, a member by name) by `find_<attribute>(row)`, which `key` uses too.

The rest is here (the Meta's options are every import's: RowNumberedResource): the export of
the rows the user may see (`visible_to`), and the columns of personal data (`MASKS`): exported
masked to a user without `personal_data_permission`, and a masked value read back unchanged
keeps what is stored. `the_one` finds a row the file names by its name, with the file's
message when there is none or more than one.

Knows no domain: the people a row names (a member, a case) are the layer above's
(members/resources_person.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db import models
from import_export import fields

from .resource import RowNumberedResource
from .widgets import cell_text


def the_one(rows: models.QuerySet[Any], *, missing: str, shared: str) -> Any:
    """The only row of `rows`; ValueError(missing) when there is none, ValueError(shared) when
    there are more (the file names it by something two rows share)."""
    found = list(rows[:2])
    if len(found) != 1:
        raise ValueError(shared if found else missing)
    return found[0]


class RegisterResource(RowNumberedResource):
    """A register's import and export (see the module's docstring)."""

    # attribute → mask (kit/masking.py) of a column of personal data
    MASKS: ClassVar[dict[str, Callable[[str], str]]] = {}
    personal_data_permission = ""  # set by the layer that knows it; unset, every value is masked
    # The template's entries every register of a kind shares (header → TemplateColumn fields),
    # under each register's own TEMPLATE_COLUMNS.
    TEMPLATE_DEFAULTS: ClassVar[dict[str, dict[str, Any]]] = {}
    export_related: tuple[str, ...] = ()  # select_related of the export

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A concrete register's `fields` are its columns in their order (the columns a base
        declares first), its HEADERS their headers, its template the defaults under its own."""
        super().__init_subclass__(**kwargs)
        meta = cls.__dict__.get("Meta")
        if meta is None or getattr(meta, "model", None) is None:
            return
        if not hasattr(meta, "fields"):
            meta.fields = tuple(cls.fields)  # the declared columns (see DeclarativeMetaclass)
        if "HEADERS" not in cls.__dict__:
            cls.HEADERS = tuple(cls.fields[name].column_name for name in meta.fields)
        defaults, given = cls.TEMPLATE_DEFAULTS, cls.TEMPLATE_COLUMNS
        cls.TEMPLATE_COLUMNS = {
            header: {**defaults.get(header, {}), **given.get(header, {})}
            for header in (*defaults, *given)
        }

    def visible(self, rows: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """The rows the user may see (all of them for a command run without --user)."""
        if self.user is None:
            return rows
        return rows.visible_to(self.user)  # type: ignore[attr-defined,no-any-return]

    # --- the key --------------------------------------------------------------------------------
    def key(self, row: Any) -> dict[str, Any]:
        """The lookups of the stored row that `row` is; ValueError when a key cell is bad."""
        raise NotImplementedError

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        try:
            lookups = self.key(row)
        except ValueError:
            return None  # the row's own error is said when its column is read
        return self._meta.model.objects.filter(**lookups).first()

    # --- personal data --------------------------------------------------------------------------
    def may_see_personal_data(self) -> bool:
        return self.user is None or bool(self.user.has_perm(self.personal_data_permission))

    def shown(self, value: str, mask: Callable[[str], str]) -> str:
        return value if self.may_see_personal_data() or not value else mask(value)

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        """A column the register finds within the user's scope is its `find_<attribute>(row)`
        (ValueError with the row's message)."""
        if (find := getattr(self, f"find_{field.attribute}", None)) is not None:
            setattr(instance, field.attribute, find(row))
            return
        mask = self.MASKS.get(field.attribute)
        stored = getattr(instance, field.attribute, "") if mask and instance.pk else ""
        if mask and stored and cell_text(row[field.column_name]) == mask(stored):
            return  # a masked export read back: what is stored stays
        super().read_column(field, instance, row)

    # --- export ---------------------------------------------------------------------------------
    def get_queryset(self) -> models.QuerySet[Any]:
        """What is exported: the register's rows the user may see."""
        rows = self._meta.model.objects.all()
        return self.visible(
            rows.select_related(*self.export_related) if self.export_related else rows
        )

    def export_field(self, field: fields.Field, instance: Any, **kwargs: Any) -> Any:
        value = super().export_field(field, instance, **kwargs)
        mask = self.MASKS.get(field.attribute)
        return self.shown(value, mask) if mask else value
