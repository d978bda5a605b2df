"""The bulk import: rows, and the model's checks for many rows at once."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from import_export.results import RowResult

from kit.conditions import UnsupportedCondition, condition_holds, condition_lookups


# --- the bulk import: rows and the model's checks for many rows at once ------------------------
@dataclasses.dataclass
class ImportedRow:
    """A row of a bulk import: its place in the file, what was read, what is wrong with it."""

    number: int  # the dataset's row (1-based)
    line: int  # the spreadsheet's line
    values: dict[str, Any]
    result: RowResult = dataclasses.field(default_factory=RowResult)
    instance: Any = None
    new: bool = True
    stored: Any = None  # a copy of the instance as loaded (None: a new row)
    update_fields: list[str] | None = None  # the changed fields of an update
    errors: dict[str, Any] = dataclasses.field(
        default_factory=dict
    )  # {field or NON_FIELD_ERRORS: [errors]}
    checked: bool = False  # to be written: neither skipped nor unreadable
    diff: Any = None


ModelErrors = dict[str, Any]


def bulk_full_clean(rows: Sequence[tuple[models.Model, ModelErrors]]) -> None:
    """`full_clean()` of many instances in a few queries in all, adding to each row's errors
    (those given are the import's: their fields are not checked again, and the first error of
    a field comes first, as in full_clean): the fields and `clean()` of each instance; then, for
    all at once, that each foreign key exists (within its limit_choices_to), that unique values
    are not taken (in the database, or by an earlier row), that constraints hold."""
    deferred = [_clean_alone(instance, errors) for instance, errors in rows]
    _foreign_key_errors([(i, e, d) for (i, e), d in zip(rows, deferred, strict=True)])
    _unique_errors(rows)
    for instance, errors in rows:
        _constraint_errors(instance, errors)


def _clean_alone(instance: models.Model, errors: ModelErrors) -> set[str]:
    """The checks without a query; returns the foreign keys left for _foreign_key_errors."""
    deferred = {
        f.name
        for f in _foreign_keys(type(instance))
        if f.name not in errors and getattr(instance, f.attname) is not None
    }
    try:
        instance.full_clean(
            exclude=set(errors) | deferred, validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        _merge(errors, error)
    return deferred


def _merge(errors: ModelErrors, error: ValidationError) -> None:
    for key, items in error.update_error_dict({}).items():
        errors.setdefault(key, items)


def _foreign_keys(model: type[models.Model]) -> list[Any]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation
        and (f.many_to_one or f.one_to_one)
        and not getattr(f.remote_field, "parent_link", False)
    ]


def _foreign_key_errors(rows: Sequence[tuple[models.Model, ModelErrors, set[str]]]) -> None:
    """ForeignKey.validate for all rows: one query per foreign key. Its error comes before
    those of clean() on the same field, as in full_clean."""
    if not rows:
        return
    for fk in _foreign_keys(type(rows[0][0])):
        wanted = {getattr(i, fk.attname) for i, _, deferred in rows if fk.name in deferred}
        if not wanted:
            continue
        target = fk.remote_field.model
        to_field = fk.remote_field.field_name
        found = set(
            target._base_manager.using(router.db_for_read(target))
            .filter(**{f"{to_field}__in": wanted})
            .complex_filter(fk.get_limit_choices_to())
            .order_by()
            .values_list(to_field, flat=True)
        )
        for instance, errors, deferred in rows:
            value = getattr(instance, fk.attname)
            if fk.name in deferred and value not in found:
                params = {"model": target._meta.verbose_name, "pk": value, "field": to_field,
                          "value": value}  # fmt: skip
                error = ValidationError(fk.error_messages["invalid"], code="invalid", params=params)
                errors[fk.name] = [error, *errors.get(fk.name, [])]


def _unique_errors(rows: Sequence[tuple[models.Model, ModelErrors]]) -> None:
    """validate_unique for all rows: one query per unique check; a value that an earlier row of
    the file holds is taken too (the per-row import would have saved that row already)."""
    checks: dict[Any, list[tuple[models.Model, ModelErrors, tuple[Any, ...]]]] = {}
    for row_instance, errors in rows:
        instance: Any = row_instance  # Model's own (private) checks, as full_clean runs them
        exclude = {key for key in errors if key != NON_FIELD_ERRORS}
        unique_checks, date_checks = instance._get_unique_checks(exclude=exclude)
        # unique_for_date: rare, checked row by row
        if date_checks and (date_errors := instance._perform_date_checks(date_checks)):
            _merge(errors, ValidationError(date_errors))
        for model_class, names in unique_checks:
            values = _unique_values(instance, model_class, names)
            if values is not None:
                checks.setdefault((model_class, names), []).append((instance, errors, values))
    for (model_class, names), entries in checks.items():
        taken = _taken_values(model_class, names, [values for _, _, values in entries])
        claimed: set[tuple[Any, ...]] = set()
        for instance, errors, values in entries:
            owners = taken.get(values, set()) - {instance.pk}
            if owners or values in claimed:
                key = names[0] if len(names) == 1 else NON_FIELD_ERRORS
                errors.setdefault(key, []).append(instance.unique_error_message(model_class, names))
            elif not errors:
                claimed.add(values)


def _unique_values(
    instance: models.Model, model_class: Any, names: tuple[str, ...]
) -> tuple[Any, ...] | None:
    """The values a unique check looks up, or None when Model._perform_unique_checks skips it."""
    values = []
    for name in names:
        f = instance._meta.get_field(name)
        value = getattr(instance, f.attname)  # type: ignore[union-attr]
        if value is None or (f in model_class._meta.pk_fields and not instance._state.adding):
            return None
        values.append(value)
    return tuple(values)


def _taken_values(
    model_class: Any, names: tuple[str, ...], wanted: list[tuple[Any, ...]]
) -> dict[tuple[Any, ...], set[Any]]:
    """{values: pks of the stored rows holding them} among `wanted`."""
    queryset = model_class._default_manager.order_by()
    if len(names) == 1:
        queryset = queryset.filter(**{f"{names[0]}__in": {v[0] for v in wanted}})
    else:
        chunks = [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
        found: dict[tuple[Any, ...], set[Any]] = {}
        for chunk in chunks:
            condition = Q()
            for values in chunk:
                condition |= Q(**dict(zip(names, values, strict=True)))
            for *values, pk in queryset.filter(condition).values_list(*names, "pk"):
                found.setdefault(tuple(values), set()).add(pk)
        return found
    taken: dict[tuple[Any, ...], set[Any]] = {}
    for value, pk in queryset.values_list(names[0], "pk"):
        taken.setdefault((value,), set()).add(pk)
    return taken


def _constraint_errors(instance: models.Model, errors: ModelErrors) -> None:
    """validate_constraints: a check constraint made of plain lookups is evaluated here, as
    the database would (NULL passes); any other constraint runs its own query."""
    exclude = {key for key in errors if key != NON_FIELD_ERRORS}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            constraint = cast("Any", constraint)
            verdict = None
            if isinstance(constraint, models.CheckConstraint):
                verdict = _check_in_python(Q(constraint.condition), instance, exclude)
            try:
                if verdict is None:
                    constraint.validate(model_class, instance, exclude=exclude)
                elif verdict is False:
                    raise ValidationError(
                        constraint.get_violation_error_message(),
                        code=constraint.violation_error_code,
                    )
            except ValidationError as error:
                fields_: tuple[str, ...] = tuple(getattr(constraint, "fields", ()))
                if getattr(error, "code", None) == "unique" and len(fields_) == 1:
                    errors.setdefault(fields_[0], []).append(error)
                else:
                    _merge(errors, error)


def _check_in_python(condition: Q, instance: models.Model, exclude: set[str]) -> bool | None:
    """Whether a check constraint holds, as the database would say it (NULL holds), or None
    when the condition is not plain lookups of the model's own fields. A condition naming an
    excluded field holds (Django's own check skips it)."""
    try:
        names = {path for path, _, _ in condition_lookups(condition)}
    except UnsupportedCondition:
        return None
    if not all(_own_field(instance, name) for name in names):
        return None
    if names & exclude:
        return True
    return condition_holds(condition, instance, unknown=True)


def _own_field(instance: models.Model, name: str) -> bool:
    """A concrete column of the row itself (no join, no many-to-many)."""
    if LOOKUP_SEP in name:
        return False
    try:
        field = instance._meta.get_field(name)
    except Exception:
        return False
    return bool(getattr(field, "concrete", False)) and not field.many_to_many
