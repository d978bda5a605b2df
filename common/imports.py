"""The import toolkit every spreadsheet import uses (DOMAIN.md, "Import and export").

A resource built on `RowNumberedResource`:
- names its Chinese headers in order (`HEADERS`); a file missing any of them is refused at row 1;
- reports every problem as `第N行: 原因`, N the spreadsheet's own row (the header is row 1, blank
  lines count);
- writes nothing while any row is bad (the rows are written in one transaction, rolled back on
  the first error, and every row is still checked so that all errors are listed);
- finds existing rows by its key (`import_id_fields`) and skips rows that change nothing, so that
  importing the same file twice changes nothing;
- writes each row through the app's service (`save_row`), with the importing user's scope;
  or, with `bulk_import = True`, reads and checks every row first (the same checks: the
  resource's, the model's `full_clean()` as its many-row twin `bulk_full_clean` with the
  lookups done once for all rows, and the service's `check_row`), then writes all rows at once
  through the app's bulk service (`save_rows`): the number of queries does not grow with rows.

`ImportCommand` and `ExportCommand` wrap a resource as `python manage.py ...` with `--user`.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, router
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from import_export import exceptions, fields, resources, widgets
from import_export.results import Result, RowResult

from .spreadsheets import NO_ROWS, SafeCSV, SafeXLSX, SpreadsheetError

DATE_FORMAT = "%Y-%m-%d"
NAME_SEPARATOR = "、"
# 、 is the separator the contracts name; the others are what people type by mistake.
NAME_SEPARATORS = (NAME_SEPARATOR, "，", ",", "；", ";")


def cell_text(value: Any) -> str:
    """A cell as text: Excel gives numbers for digit-only cells (a phone number, a code)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def split_names(text: str) -> list[str]:
    """`张三、李四` (or with the separators people type by mistake) as a list, without repeats."""
    for separator in NAME_SEPARATORS[1:]:
        text = text.replace(separator, NAME_SEPARATOR)
    return list(dict.fromkeys(n.strip() for n in text.split(NAME_SEPARATOR) if n.strip()))


# --- widgets: one column each way ---------------------------------------------------------------
class TextWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return cell_text(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class LabelWidget(widgets.Widget):
    """A choice written as its Chinese label (男, 正式党员, 党支部)."""

    def __init__(self, choices: type[models.TextChoices], column: str, required: bool = True):
        super().__init__()
        self.choices, self.column, self.required = choices, column, required
        self.by_label = {str(label): value for value, label in choices.choices}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(f"{self.column}不能为空")
            return ""
        if text not in self.by_label:
            labels = "、".join(self.by_label)
            raise ValueError(f"{self.column}“{text}”无效，应为{labels}之一")
        return self.by_label[text]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(self.choices(value).label) if value else ""


class DateWidget(widgets.Widget):
    """YYYY-MM-DD text, or a real Excel date cell."""

    def __init__(self, column: str, required: bool = True):
        super().__init__()
        self.column, self.required = column, required

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(f"{self.column}不能为空")
            return None
        try:
            return _iso_date(text) or dt.datetime.strptime(text, DATE_FORMAT).date()  # noqa: DTZ007
        except ValueError:
            raise ValueError(
                f"{self.column}“{text}”格式错误，应为YYYY-MM-DD，如2020-07-01"
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.strftime(DATE_FORMAT) if value else ""


def _iso_date(text: str) -> dt.date | None:
    """YYYY-MM-DD read without strptime (slow: it looks up the locale each time), or None for
    any other text, which strptime reads (or refuses) as before."""
    if (
        len(text) == 10
        and text[4] == text[7] == "-"
        and (digits := text[:4] + text[5:7] + text[8:]).isascii()
        and digits.isdigit()
    ):
        return dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
    return None


class AmountWidget(widgets.Widget):
    """Yuan (or hours), at most two decimals, not negative; empty when not required."""

    def __init__(self, column: str, required: bool = False, unit: str = "元"):
        super().__init__()
        self.column, self.required, self.unit = column, required, unit

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | None:
        text = cell_text(value).replace(",", "")
        if not text:
            if self.required:
                raise ValueError(f"{self.column}不能为空")
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                f"{self.column}“{text}”格式错误，应为以{self.unit}为单位的数字"
            ) from None
        if not amount.is_finite() or amount < 0:
            raise ValueError(f"{self.column}“{text}”格式错误，应为以{self.unit}为单位的数字")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"{self.column}“{text}”最多保留两位小数")
        return amount

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else f"{value:.2f}"


class CodeWidget(widgets.Widget):
    """An organization (or any row with a `code`), exported as its code; the resource reads it,
    since what a code may name depends on the importing user's scope."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value else ""


class NameWidget(widgets.Widget):
    """A row exported as its name; the resource reads it."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value else ""


def column(attribute: str, header: str, widget: widgets.Widget | None = None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=header, widget=widget or TextWidget())


# --- the resource ---------------------------------------------------------------------------------
class RowNumberedResource(resources.ModelResource):
    """A ModelResource with the contract's behaviour (see the module's docstring).

    Subclasses set HEADERS, `unit` (the counted noun of the summary), `save_row` (the service
    call) and, for columns that need the user's scope, `read_column`.
    """

    HEADERS: tuple[str, ...] = ()
    unit = "行"
    title = "Sheet1"  # the exported sheet's name
    # True: every row is read and checked before any is written, then `save_rows` writes them
    # all (see the module's docstring); the subclass gives `check_row` and `save_rows`.
    bulk_import = False

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self._lines: list[int] = []
        self.line = 0
        self._before: dict[str, Any] | None = None

    # --- the sheet's rows ---------------------------------------------------------------------
    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        """Check the header; drop blank lines but remember every row's line in the sheet."""
        dataset.headers = [cell_text(h) for h in (dataset.headers or [])]
        twice = [h for h in self.HEADERS if dataset.headers.count(h) > 1]
        if twice:  # which of the two columns would be read is not what the user can tell
            raise ValueError(
                f"第1行（表头）中“{'、'.join(twice)}”出现了不止一次，请删除多余的列后再导入。"
            )
        missing = [h for h in self.HEADERS if h not in dataset.headers]
        blank = {i for i, row in enumerate(dataset) if not any(cell_text(v) for v in row)}
        if missing:  # nothing can be read: report the header alone
            blank = set(range(len(dataset)))
        self._lines = [i + 2 for i in range(len(dataset)) if i not in blank]
        for index in sorted(blank, reverse=True):
            del dataset[index]
        if missing:
            raise ValueError(
                f"第1行（表头）缺少列：{'、'.join(missing)}。表头应为：{'、'.join(self.HEADERS)}"
            )
        if not self._lines:  # blank lines only
            raise ValueError(NO_ROWS)

    def line_of(self, row_number: int) -> int:
        """The sheet's line of the dataset's row `row_number` (1-based, header is line 1)."""
        if 0 < row_number <= len(self._lines):
            return self._lines[row_number - 1]
        return row_number + 1

    def import_row(self, row: Any, instance_loader: Any, **kwargs: Any) -> RowResult:
        self.line = self.line_of(kwargs["row_number"])
        return super().import_row(row, instance_loader, **kwargs)

    # --- reading a row ------------------------------------------------------------------------
    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        """Every column of the row; all of its errors at once, each under its column."""
        errors: dict[str, str] = {}
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            try:
                self.read_column(field, instance, row)
            except ValueError as error:
                errors[field.attribute] = str(error)
        if errors:
            raise ValidationError(errors)

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        setattr(instance, field.attribute, field.clean(row))

    # --- unchanged rows -----------------------------------------------------------------------
    def after_init_instance(self, instance: Any, new: bool, row: Any, **kwargs: Any) -> None:
        self._before = None if new else self.snapshot(instance)

    def snapshot(self, instance: Any) -> dict[str, Any]:
        return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}

    def changed_fields(self, instance: Any) -> list[str]:
        before = self._before or {}
        return [
            f.name
            for f in instance._meta.concrete_fields
            if f.attname in before and getattr(instance, f.attname) != before[f.attname]
        ]

    def has_other_changes(self, instance: Any) -> bool:
        """Changes outside the concrete fields (many-to-many), for subclasses."""
        return False

    def skip_row(
        self, instance: Any, original: Any, row: Any, import_validation_errors: Any = None
    ) -> bool:
        if import_validation_errors or self._before is None:
            return False
        return not self.changed_fields(instance) and not self.has_other_changes(instance)

    # --- writing a row ------------------------------------------------------------------------
    def validate_instance(
        self, instance: Any, import_validation_errors: Any = None, validate_unique: bool = True
    ) -> None:
        """The model's checks; a column that could not be read keeps its own message alone (the
        model would only add a consequence of it, such as a missing parent)."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=errors.keys(), validate_unique=validate_unique)
        except ValidationError as error:
            for key, items in error.update_error_dict({}).items():
                errors.setdefault(key, items)
        if errors:
            raise ValidationError(self.row_messages(ValidationError(errors)))

    def save_instance(self, instance: Any, is_create: bool, row: Any, **kwargs: Any) -> None:
        update_fields = None if is_create else self.changed_fields(instance)
        try:
            self.save_row(instance, update_fields)
        except (PermissionDenied, ValidationError) as error:
            if isinstance(error, PermissionDenied):
                error = ValidationError(str(error))
            raise ValidationError(self.row_messages(error)) from None

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        raise NotImplementedError

    def save_m2m(self, instance: Any, row: Any, **kwargs: Any) -> None:
        """Many-to-many values are written by the service in save_row."""

    # --- messages -----------------------------------------------------------------------------
    def row_messages(self, error: ValidationError) -> list[str]:
        labels = {f.name: str(f.verbose_name) for f in self._meta.model._meta.fields}
        labels.update({f.attribute: f.column_name for f in self.get_import_fields()})
        messages: dict[str, None] = {}
        items = error.error_dict.items() if hasattr(error, "error_dict") else [(None, [error])]
        for key, errors in items:
            for text, item in self.messages_of(key, errors):
                messages[self.row_message(key, text, item, labels)] = None
        return list(messages)

    def messages_of(self, key: Any, errors: list[Any]) -> list[tuple[str, Any]]:
        return [(text, item) for item in errors for text in _flat(item)]

    def row_message(self, key: Any, text: str, item: Any, labels: dict[str, str]) -> str:
        label = labels.get(key) if key and key != NON_FIELD_ERRORS else None
        if label and label not in text:
            text = f"{label}：{text}"
        return f"第{self.line}行: {text.rstrip('。')}"

    def error_lines(self, result: Result) -> list[str]:
        """Every problem of an import, one line each: `第N行: reason`."""
        lines = [str(error.error) for error in result.base_errors]
        for row in result.invalid_rows:
            lines += [m for messages in row.error_dict.values() for m in messages]
        for number, errors in result.row_errors():
            lines += [f"第{self.line_of(number)}行: {error.error}" for error in errors]
        return lines

    def import_data(self, dataset: Any, dry_run: bool = False, **kwargs: Any) -> Result:
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    # --- the bulk import ----------------------------------------------------------------------
    def check_row(self, row: ImportedRow) -> None:
        """The service's checks of one row's write (scope, permissions), without writing and
        without a query per row; raise PermissionDenied or ValidationError. For bulk_import."""

    def save_rows(self, rows: list[ImportedRow]) -> None:
        """Write every new or changed row at once through the app's bulk service."""
        raise NotImplementedError

    def import_data_inner(
        self,
        dataset: Any,
        dry_run: bool,
        raise_errors: bool,
        using_transactions: bool,
        collect_failed_rows: bool,
        **kwargs: Any,
    ) -> Result:
        if not self.bulk_import:
            return super().import_data_inner(  # type: ignore[no-any-return]
                dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
            )
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        try:
            self.before_import(dataset, **kwargs)
            self._check_import_id_fields(dataset.headers)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        result.total_rows = len(dataset)
        if collect_failed_rows:
            result.add_dataset_headers(dataset.headers)
        kwargs.update(dry_run=dry_run, using_transactions=using_transactions)
        self._store_instances = bool(kwargs.get("retain_instance_in_row_result"))
        rows = self._read_rows(dataset, **kwargs) if not result.has_errors() else []
        self._check_rows([r for r in rows if r.checked])
        for row in rows:
            self._add_row_result(result, row, raise_errors, collect_failed_rows)
        written = [
            r
            for r in rows
            if r.result.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE)
        ]
        clean = not (result.has_errors() or result.has_validation_errors())
        if clean and written and (using_transactions or not dry_run):
            try:
                self.save_rows(written)
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            for row in written:
                row.result.object_id = row.instance.pk
        try:
            self.after_import(dataset, result, **kwargs)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        return result

    def _read_rows(self, dataset: Any, **kwargs: Any) -> list[ImportedRow]:
        loader = self._meta.instance_loader_class(self, dataset)
        diffs = kwargs["dry_run"] and not self._meta.skip_diff
        headers = dataset.headers
        rows = []
        for number, values in enumerate(dataset, 1):
            row = ImportedRow(number, self.line_of(number), dict(zip(headers, values, strict=True)))
            try:
                self._read_row(row, loader, diffs, row_number=number, **kwargs)
            except ValidationError as error:
                row.errors = error.update_error_dict(row.errors)
            except Exception as error:
                row.result.import_type = RowResult.IMPORT_TYPE_ERROR
                row.result.errors.append(
                    self.get_error_result_class()(error, row=row.values, number=number)
                )
            rows.append(row)
        return rows

    def _read_row(self, row: ImportedRow, loader: Any, diffs: bool, **kwargs: Any) -> None:
        """One row read and checked on its own (import_row's steps, the write put off)."""
        self.line = row.line
        self.before_import_row(row.values, **kwargs)
        instance, new = self.get_or_init_instance(loader, row.values)
        self.after_init_instance(instance, new, row.values, **kwargs)
        row.instance, row.new = instance, new
        row.stored = None if new else copy.copy(instance)
        diff = self.get_diff_class()(self, instance, new) if diffs else None
        try:
            self.import_instance(instance, row.values, **kwargs)
        except ValidationError as error:
            row.errors = error.update_error_dict(row.errors)
        if self.skip_row(instance, row.stored, row.values, row.errors):
            row.result.import_type = RowResult.IMPORT_TYPE_SKIP
        else:
            row.result.import_type = (
                RowResult.IMPORT_TYPE_NEW if new else RowResult.IMPORT_TYPE_UPDATE
            )
            row.update_fields = None if new else self.changed_fields(instance)
            row.checked = True
        row.diff = diff
        self.after_import_row(row.values, row.result, **kwargs)

    def _check_rows(self, rows: list[ImportedRow]) -> None:
        """The model's checks that need the database, for all rows at once; then the service's."""
        if self._meta.clean_model_instances:
            bulk_full_clean([(r.instance, r.errors) for r in rows])
        for row in rows:
            if row.errors:
                continue
            self.line = row.line
            try:
                self.check_row(row)
            except (PermissionDenied, ValidationError) as error:
                if isinstance(error, PermissionDenied):
                    error = ValidationError(str(error))
                row.errors = error.update_error_dict({})

    def _add_row_result(
        self, result: Result, row: ImportedRow, raise_errors: bool, collect_failed_rows: bool
    ) -> None:
        row_result = row.result
        if self._meta.store_row_values:
            row_result.row_values = row.values
        if row.errors and not row_result.errors:
            self.line = row.line
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(
                self.row_messages(ValidationError(row.errors))
            )
        elif not row_result.errors:
            row_result.add_instance_info(row.instance)
            if self._meta.store_instance or self._store_instances:
                row_result.instance = row.instance
                row_result.original = row.stored
            if row.diff is not None:
                row.diff.compare_with(self, row.instance)
                if not self._meta.skip_html_diff:
                    row_result.diff = row.diff.as_html()
        result.increment_row_result_total(row_result)
        values = row.values
        if row_result.errors:
            result.append_error_row(row.number, values, row_result.errors)
            if collect_failed_rows:
                result.append_failed_row(values, row_result.errors[0])
            if raise_errors:
                raise exceptions.ImportError(
                    row_result.errors[-1].error, number=row.number, row=values
                )
        elif row_result.validation_error is not None:
            result.append_invalid_row(row.number, values, row_result.validation_error)
            if collect_failed_rows:
                result.append_failed_row(values, row_result.validation_error)
            if raise_errors:
                raise exceptions.ImportError(
                    row_result.validation_error, number=row.number, row=values
                )
        if row_result.import_type != RowResult.IMPORT_TYPE_SKIP or self._meta.report_skipped:
            result.append_row_result(row_result)

    def export(self, queryset: Any = None, **kwargs: Any) -> Any:
        dataset = super().export(queryset=queryset, **kwargs)
        dataset.title = self.title
        return dataset

    def summary(self, result: Result) -> str:
        totals, unit = result.totals, self.unit
        return (
            f"新增 {totals[RowResult.IMPORT_TYPE_NEW]} {unit}，"
            f"更新 {totals[RowResult.IMPORT_TYPE_UPDATE]} {unit}，"
            f"未变 {totals[RowResult.IMPORT_TYPE_SKIP]} {unit}"
        )


def _flat(error: Any) -> Iterable[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


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


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
_UNKNOWN = object()  # SQL's NULL truth value


class _Unsupported(Exception):
    """A condition the database must evaluate (expressions, joins, other lookups)."""


def _check_in_python(condition: Q, instance: models.Model, exclude: set[str]) -> bool | None:
    """Whether a check constraint holds, as the database would say it (NULL holds), or None
    when the condition is not plain lookups of the model's own fields. A condition naming an
    excluded field holds (Django's own check skips it)."""
    try:
        leaves = _leaves(condition, instance)
    except _Unsupported:
        return None
    if any(name in exclude for name, _, _ in leaves.values()):
        return True
    return _truth(condition, leaves, instance) is not False


def _leaves(condition: Any, instance: models.Model) -> dict[int, tuple[str, str, Any]]:
    """{id(leaf): (field name, operation, expected)} of every lookup of `condition`."""
    if isinstance(condition, Q):
        found: dict[int, tuple[str, str, Any]] = {}
        for child in condition.children:
            found.update(_leaves(child, instance))
        return found
    if not isinstance(condition, tuple):
        raise _Unsupported
    lookup, expected = condition
    name, _, operation = lookup.partition(LOOKUP_SEP)
    operation = operation or "exact"
    if expected is None and operation == "exact":
        operation, expected = "isnull", True
    if hasattr(expected, "resolve_expression") or operation not in (*_COMPARISONS, "in", "isnull"):
        raise _Unsupported
    try:
        model_field = instance._meta.get_field(name)
    except Exception:
        raise _Unsupported from None
    if not getattr(model_field, "concrete", False) or model_field.many_to_many:
        raise _Unsupported
    return {id(condition): (name, operation, expected)}


def _truth(condition: Any, leaves: dict[int, tuple[str, str, Any]], instance: Any = None) -> Any:
    """True, False or _UNKNOWN, by SQL's three-valued logic."""
    if not isinstance(condition, Q):
        name, operation, expected = leaves[id(condition)]
        actual = getattr(instance, instance._meta.get_field(name).attname)
        if operation == "isnull":
            return (actual is None) == bool(expected)
        if actual is None:
            return _UNKNOWN
        if operation == "in":
            return actual in expected
        return _COMPARISONS[operation](actual, expected)
    values = [_truth(child, leaves, instance) for child in condition.children]
    decisive = condition.connector == Q.OR  # True decides an OR, False an AND
    if decisive in values:
        value: Any = decisive
    elif _UNKNOWN in values:
        value = _UNKNOWN
    else:
        value = not decisive
    if condition.negated and value is not _UNKNOWN:
        value = not value
    return value


# --- files ---------------------------------------------------------------------------------------
SPREADSHEET_SUFFIXES = {".xlsx": SafeXLSX, ".csv": SafeCSV}


def spreadsheet_format(path: Path) -> Any:
    """The format of a spreadsheet file, by its suffix (ValueError if unsupported)."""
    format_class = SPREADSHEET_SUFFIXES.get(path.suffix.lower())
    if format_class is None:
        raise ValueError(f"不支持的文件类型“{path.suffix}”，请使用 .xlsx 或 .csv")
    return format_class(encoding="utf-8-sig")


def read_spreadsheet(path: Path) -> Any:
    """A file as a dataset (ValueError with a Chinese reason if it cannot be read)."""
    file_format = spreadsheet_format(path)
    try:
        data: Any = path.read_bytes()
        if not file_format.is_binary():
            data = data.decode("utf-8-sig")
        return file_format.create_dataset(data)
    except FileNotFoundError:
        raise ValueError(f"找不到文件：{path}") from None
    except SpreadsheetError:
        raise
    except Exception as error:  # a corrupt or mislabelled file: one line, not a traceback
        raise ValueError(f"无法读取文件{path}（{type(error).__name__}）") from error


def write_spreadsheet(path: Path, dataset: Any) -> None:
    data = spreadsheet_format(path).export_data(dataset)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8-sig")
    else:
        path.write_bytes(data)


# --- commands ------------------------------------------------------------------------------------
def command_user(username: str | None) -> Any:
    """The user whose scope a command works in; None (no limit) without --user."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户“{username}”不存在或已停用。")
    return user


class ImportCommand(BaseCommand):
    """`python manage.py import_x FILE [--user NAME]`: a RowNumberedResource's import.

    On any bad row it prints every row with its reason and writes nothing. Without --user it
    runs with no scope limit (as a superuser would); with --user within that user's scope.
    """

    resource_class: type[RowNumberedResource]
    what = "数据"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="文件（.xlsx 或 .csv）")
        parser.add_argument("--user", help="按该用户的权限范围导入（用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = command_user(options["user"])
        try:
            dataset = read_spreadsheet(options["file"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        resource = self.resource_class(user=user)
        result = resource.import_data(dataset, dry_run=False, raise_errors=False)
        if problems := resource.error_lines(result):
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{self.what}有{len(problems)}处错误，没有导入任何数据。")
        self.stdout.write(f"导入完成：{resource.summary(result)}。")


class ExportCommand(BaseCommand):
    """`python manage.py export_x FILE [--user NAME]`: a resource's export, in its import format."""

    resource_class: type[RowNumberedResource]
    what = "数据"
    counted = "行"  # 导出完成：N<counted>

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="输出文件（.xlsx 或 .csv）")
        parser.add_argument("--user", help="只导出该用户可见的数据（用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            spreadsheet_format(path)
        except ValueError as error:
            raise CommandError(str(error)) from error
        resource = self.resource_class(user=command_user(options["user"]))
        dataset = resource.export()
        try:
            write_spreadsheet(path, dataset)
        except OSError as error:
            raise CommandError(f"无法写入文件{path}：{error.strerror}") from error
        self.stdout.write(f"导出完成：{len(dataset)}{self.counted}，已写入{path}。")
