"""Spreadsheet files in and out, safely: the formats every import and export uses.

Out: a cell that a spreadsheet program would run as a formula never becomes one. In .xlsx a text
cell beginning with "=" is written as text (Excel shows it, never evaluates it), so the value
round-trips unchanged; in .csv, which has no types, a cell beginning with = + - @ (or a tab or
carriage return) gets a leading apostrophe, which the import takes off again.

In: a file is refused with a Chinese reason, before it is parsed, when it is larger than
IMPORT_MAX_UPLOAD_BYTES or, for .xlsx (a zip), when its parts would unpack to more than
IMPORT_MAX_UNPACKED_BYTES (a small file holding a huge shared-strings table); while it is read,
when it has more than IMPORT_MAX_ROWS rows or a cell longer than IMPORT_MAX_CELL_CHARS.
"""

from __future__ import annotations

import io
import unicodedata
import uuid
import zipfile
from typing import Any

import tablib
from django.conf import settings
from django.core.cache import cache
from import_export.formats.base_formats import CSV, XLSX
from import_export.tmp_storages import CacheStorage

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_ESCAPE = "'"
MB = 1024 * 1024
# Column widths of an exported sheet, in Excel's character units (a CJK character counts two).
MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH = 8, 50


class SpreadsheetError(ValueError):
    """A file that cannot be imported; the message says why, in Chinese, for the user."""


def escape_csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return CSV_ESCAPE + value
    return value


def unescape_csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] == CSV_ESCAPE and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def check_file_size(size: int) -> None:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise SpreadsheetError(
            f"文件过大（{size / MB:.1f} MB），一次最多导入 {limit / MB:.0f} MB，请拆分后分批导入。"
        )


def check_xlsx_parts(data: bytes) -> None:
    """Refuse an .xlsx whose parts unpack to more than the limit, without unpacking them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except zipfile.BadZipFile:
        raise SpreadsheetError(
            "文件不是有效的 .xlsx 文件，请用 Excel 或 WPS 另存为 .xlsx 后再导入。"
        ) from None
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise SpreadsheetError(
            f"文件解压后有 {unpacked / MB:.0f} MB，超过 {limit / MB:.0f} MB 的上限"
            "（可能含有大量空白或隐藏内容），请只保留需要导入的表格后再导入。"
        )


def check_rows(rows: int) -> None:
    if rows > settings.IMPORT_MAX_ROWS:
        raise SpreadsheetError(f"文件超过 {settings.IMPORT_MAX_ROWS} 行数据，请拆分后分批导入。")


def check_cell(value: Any, line: int, column: int) -> None:
    if isinstance(value, str) and len(value) > settings.IMPORT_MAX_CELL_CHARS:
        raise SpreadsheetError(
            f"第{line}行第{column}列的内容超过 {settings.IMPORT_MAX_CELL_CHARS} 个字符，请检查该单元格。"
        )


def _display_width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class SafeXLSX(XLSX):
    """.xlsx with text cells that never run as formulas, readable column widths, a named sheet,
    and the import limits above."""

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> tablib.Dataset:
        import openpyxl

        check_file_size(len(in_stream))
        check_xlsx_parts(in_stream)
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            rows = book.active.iter_rows(values_only=True)
            dataset = tablib.Dataset()
            dataset.headers = list(next(rows, ()))
            for line, row in enumerate(rows, start=2):
                check_rows(line - 1)
                for column, value in enumerate(row, start=1):
                    check_cell(value, line, column)
                dataset.append(_fit(row, len(dataset.headers)))
        finally:
            book.close()
        return dataset

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        import openpyxl
        from openpyxl.utils import get_column_letter

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = (dataset.title or "Sheet1")[:31]
        headers = list(dataset.headers or [])
        widths = [_display_width(h) for h in headers]
        for row_number, row in enumerate([headers, *dataset], start=1):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text, not a formula
                if column <= len(widths):
                    widths[column - 1] = max(widths[column - 1], _display_width(value))
        for column, width in enumerate(widths, start=1):
            letter = get_column_letter(column)
            sheet.column_dimensions[letter].width = min(
                max(width + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH
            )
        if headers:
            sheet.freeze_panes = "A2"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


class SafeCSV(CSV):
    """.csv whose formula-like cells carry a leading apostrophe, and the import limits above."""

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> tablib.Dataset:
        check_file_size(len(in_stream))
        dataset = super().create_dataset(in_stream, **kwargs)
        check_rows(len(dataset))
        clean = tablib.Dataset(headers=[unescape_csv_cell(h) for h in dataset.headers or []])
        for line, row in enumerate(dataset, start=2):
            for column, value in enumerate(row, start=1):
                check_cell(value, line, column)
            clean.append([unescape_csv_cell(value) for value in row])
        return clean

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> str:
        safe = tablib.Dataset(headers=list(dataset.headers or []), title=dataset.title)
        for row in dataset:
            safe.append([escape_csv_cell(value) for value in row])
        return str(super().export_data(safe, **kwargs))


def _fit(row: tuple[Any, ...], width: int) -> list[Any]:
    values = list(row[:width])
    return values + [None] * (width - len(values))


SPREADSHEET_FORMATS = [SafeXLSX, SafeCSV]


class ExpiringCacheStorage(CacheStorage):
    """Where an uploaded file waits between the import preview and its confirmation: in the
    cache (Redis in production), never in a temporary folder, and only for IMPORT_PREVIEW_SECONDS.
    The admin removes it at once when the preview fails."""

    name: str | None

    def save(self, data: Any) -> None:
        if not self.name:
            self.name = uuid.uuid4().hex
        cache.set(self.CACHE_PREFIX + self.name, data, settings.IMPORT_PREVIEW_SECONDS)
