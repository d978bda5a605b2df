"""The import toolkit every spreadsheet import uses (DOMAIN.md, "Import and export").

A resource built on `RowNumberedResource`:
- names its Chinese headers in order (`HEADERS`); a file missing any of them is refused at row 1;
- reports every problem as `第N行: 原因`, N the spreadsheet's own row (the header is row 1, blank
  lines count);
- writes nothing while any row is bad (the rows are written in one transaction, rolled back on
  the first error, and every row is still checked so that all errors are listed);
- finds existing rows by its key (`import_id_fields`) and skips rows that change nothing, so that
  importing the same file twice changes nothing;
- writes each row through the app's service (`save_row`), with the importing user's scope.

`ImportCommand` and `ExportCommand` wrap a resource as `python manage.py ...` with `--user`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from import_export import fields, resources, widgets
from import_export.results import Result, RowResult

from .spreadsheets import SafeCSV, SafeXLSX, SpreadsheetError

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
            return dt.datetime.strptime(text, DATE_FORMAT).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            raise ValueError(
                f"{self.column}“{text}”格式错误，应为YYYY-MM-DD，如2020-07-01"
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.strftime(DATE_FORMAT) if value else ""


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
