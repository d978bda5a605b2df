"""The resource every spreadsheet import is built on (see kit/imports/__init__.py)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from import_export import exceptions, fields, resources
from import_export.results import Result, RowResult

from kit.spreadsheets import NO_ROWS, ONLY_EXAMPLE, is_example_row

from .bulk import ImportedRow, bulk_full_clean
from .template import TemplateColumn, template_bytes
from .widgets import cell_text, widget_help


# --- the preview ----------------------------------------------------------------------------------
class MaskedDiff(resources.Diff):
    """The preview's values, each personal one masked as the pages mask it (`preview_masks`:
    attribute → mask) for a user who may not see it in full: what they uploaded is written
    whole, but a page never shows it back."""

    def __init__(self, resource: Any, instance: Any, new: bool) -> None:  # noqa: FBT001
        # Diff's own __init__ reads the values unmasked: this is it, with the masks.
        self.new = new
        self.right: list[Any] = []
        masks: Mapping[str, Callable[[str], str]] = getattr(resource, "preview_masks", {})
        self.masks = [masks.get(f.attribute) for f in resource.get_import_fields()]
        self.left: list[Any] = self._masked(resources.Diff._read_field_values(resource, instance))

    def compare_with(self, resource: Any, instance: Any) -> None:
        self.right = self._masked(resources.Diff._read_field_values(resource, instance))

    def _masked(self, values: list[Any]) -> list[Any]:
        return [
            mask(str(value)) if mask and value else value
            for mask, value in zip(self.masks, values, strict=True)
        ]


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
    # The template's columns beyond what their widgets say (kit/imports/template.py): header →
    # TemplateColumn fields, the example value ("example") at least.
    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {}

    class Meta:
        # A subclass's Meta names the model, the fields and the key; these hold for every import
        # (the metaclass reads them from the bases' Meta before the subclass's own).
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def __init__(
        self,
        user: Any = None,
        preview_masks: Mapping[str, Callable[[str], str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.preview_masks = dict(preview_masks or {})
        self._lines: list[int] = []
        self.example_lines: list[int] = []
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
        # The template's example row (kit/imports/template.py) is never data.
        example = {i for i, row in enumerate(dataset) if is_example_row(row)}
        self.example_lines = [i + 2 for i in sorted(example)]
        if missing:  # nothing can be read: report the header alone
            blank = set(range(len(dataset)))
        self._lines = [i + 2 for i in range(len(dataset)) if i not in blank | example]
        for index in sorted(blank | example, reverse=True):
            del dataset[index]
        if missing:
            raise ValueError(
                f"第1行（表头）缺少列：{'、'.join(missing)}。表头应为：{'、'.join(self.HEADERS)}"
            )
        if not self._lines:  # blank lines (or the example) only
            raise ValueError(ONLY_EXAMPLE if self.example_lines else NO_ROWS)

    def after_import(self, dataset: Any, result: Result, **kwargs: Any) -> None:
        """The preview says which lines were the template's example, left out."""
        super().after_import(dataset, result, **kwargs)
        result.example_lines = self.example_lines

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

    def get_diff_class(self) -> type[resources.Diff]:
        return MaskedDiff

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
        text = (
            f"新增 {totals[RowResult.IMPORT_TYPE_NEW]} {unit}，"
            f"更新 {totals[RowResult.IMPORT_TYPE_UPDATE]} {unit}，"
            f"未变 {totals[RowResult.IMPORT_TYPE_SKIP]} {unit}"
        )
        if self.example_lines:
            text += f"，第{'、'.join(map(str, self.example_lines))}行为模板示例行，未导入"
        return text

    # --- the import template ------------------------------------------------------------------
    def template_columns(self) -> list[TemplateColumn]:
        """Each header's column as the template explains it: its widget's description, then
        TEMPLATE_COLUMNS."""
        widgets = {f.column_name: f.widget for f in self.get_import_fields()}
        columns = []
        for header in self.HEADERS:
            described = widget_help(widgets.get(header))
            given = self.TEMPLATE_COLUMNS.get(header, {})
            # The resource's note comes first; the widget's (how to name it) follows.
            note = "；".join(n for n in (given.get("note"), described.get("note")) if n)
            columns.append(TemplateColumn(header=header, **{**described, **given, "note": note}))
        return columns

    def template_organizations(self) -> list[tuple[str, str, str]]:
        """(code, name, kind) of the organizations the user may name in the file, for the
        template's 可填党组织 sheet; none when no column names an organization."""
        return []

    def template_file(self) -> bytes:
        """The import template (.xlsx): kit/imports/template.py."""
        return template_bytes(self.title, self.template_columns(), self.template_organizations())


def _flat(error: Any) -> Iterable[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]
