"""Spreadsheet files in and out, safely: the formats every import and export uses.

Out: a cell that a spreadsheet program would run as a formula never becomes one. In .xlsx a text
cell beginning with "=" is written as text (Excel shows it, never evaluates it), so the value
round-trips unchanged; in .csv, which has no types, a cell beginning with = + - @ (or a tab or
carriage return) gets a leading apostrophe, which the import takes off again.

In: a file is refused with a Chinese reason, before it is parsed, when it is larger than
IMPORT_MAX_UPLOAD_BYTES or, for .xlsx (a zip), when its parts would unpack to more than
IMPORT_MAX_UNPACKED_BYTES or a part unpacks to more than IMPORT_MAX_COMPRESSION_RATIO times its
packed size (a zip bomb: a small file holding a huge sheet); a part that unpacks to more than it
declares stops at the declared size (Python's zipfile) and the file is refused as damaged. While
it is read, when it has more than IMPORT_MAX_ROWS rows or a cell longer than
IMPORT_MAX_CELL_CHARS. Only what the user sees is imported: the active sheet must be visible
(never a hidden one), merged cells are refused (only their first cell holds the value, the
others would be read as empty), and a formula is read as its value saved in the file; one
without a saved value is refused rather than read as empty.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape

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


NO_ROWS = (
    "表格中只有表头，没有要导入的数据行；导入的是打开文件时显示的工作表，请确认数据在这张表上。"
)

# The import template (kit/imports/template.py): its example row begins with EXAMPLE_MARK and is
# never imported; its help sheets are never the sheet that is imported, even when the file was
# saved with one of them open.
EXAMPLE_MARK = "示例："
INSTRUCTIONS_TITLE = "填写说明"
ORGANIZATIONS_TITLE = "可填党组织"
HELP_SHEETS = (INSTRUCTIONS_TITLE, ORGANIZATIONS_TITLE)
ONLY_EXAMPLE = (
    "表格中只有模板的示例行（第一格以“示例：”开头的行不会导入），没有要导入的数据；"
    "请在示例行下方填写，或直接覆盖示例行（删去“示例：”）后再导入。"
)


def is_example_row(row: Sequence[Any]) -> bool:
    """The template's example row: its first cell begins with 示例 (the colon may be half-width)."""
    first = row[0] if row else None
    return isinstance(first, str) and first.strip().startswith(EXAMPLE_MARK[:2])


def check_has_rows(dataset: tablib.Dataset) -> tablib.Dataset:
    if dataset.headers and not len(dataset):
        raise SpreadsheetError(NO_ROWS)
    return dataset


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


NOT_XLSX = "文件不是有效的 .xlsx 文件（或已损坏），请用 Excel 或 WPS 另存为 .xlsx 后再导入。"
# A part smaller than this is never refused for its ratio (tiny XML parts compress very well).
RATIO_CHECKED_FROM_BYTES = MB


def check_xlsx_parts(data: bytes) -> None:
    """Refuse an .xlsx whose parts unpack to more than the limit, or one part far more than its
    packed size, without unpacking them (the sizes the zip declares; Python's zipfile stops a
    part that unpacks to more at the declared size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        raise SpreadsheetError(NOT_XLSX) from None
    unpacked = sum(part.file_size for part in parts)
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise SpreadsheetError(
            f"文件解压后有 {unpacked / MB:.0f} MB，超过 {limit / MB:.0f} MB 的上限"
            "（可能含有大量空白或隐藏内容），请只保留需要导入的表格后再导入。"
        )
    ratio_limit = settings.IMPORT_MAX_COMPRESSION_RATIO
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= RATIO_CHECKED_FROM_BYTES and ratio > ratio_limit:
            raise SpreadsheetError(
                f"文件中的 {part.filename} 解压后是压缩时的 {ratio:.0f} 倍（上限 {ratio_limit} 倍），"
                "不像正常的表格（可能含有大量重复的空白内容）；请把要导入的数据复制到新建的表格后再导入。"
            )


def check_rows(rows: int) -> None:
    if rows > settings.IMPORT_MAX_ROWS:
        raise SpreadsheetError(f"文件超过 {settings.IMPORT_MAX_ROWS} 行数据，请拆分后分批导入。")


def check_cell(value: Any, line: int, column: int) -> None:
    if isinstance(value, str) and len(value) > settings.IMPORT_MAX_CELL_CHARS:
        raise SpreadsheetError(
            f"第{line}行第{column}列的内容超过 {settings.IMPORT_MAX_CELL_CHARS} 个字符，请检查该单元格。"
        )


def display_width(value: Any) -> int:
    """A cell's width in Excel's character units (a CJK character counts two)."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class SafeXLSX(XLSX):
    """.xlsx with text cells that never run as formulas, readable text-formatted columns, a
    named sheet, and the import limits above."""

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> tablib.Dataset:

        check_file_size(len(in_stream))
        check_xlsx_parts(in_stream)
        try:
            return _read_xlsx(in_stream)
        except SpreadsheetError:
            raise
        except (
            zipfile.BadZipFile,
            zlib.error,
            KeyError,
            OSError,
            EOFError,
            ValueError,
            SyntaxError,
        ):
            # a damaged part (a bad CRC, one that unpacks to more than it declares and so ends
            # cut off: XML parse errors are SyntaxErrors), a missing sheet: one Chinese line
            raise SpreadsheetError(NOT_XLSX) from None

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        import openpyxl
        from openpyxl.utils import get_column_letter

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = (dataset.title or "Sheet1")[:31]
        headers = list(dataset.headers or [])
        widths = [display_width(h) for h in headers]
        for row_number, row in enumerate([headers, *dataset], start=1):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text, not a formula
                if column <= len(widths):
                    widths[column - 1] = max(widths[column - 1], display_width(value))
        for column, width in enumerate(widths, start=1):
            letter = get_column_letter(column)
            sheet.column_dimensions[letter].width = min(
                max(width + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH
            )
            # What is typed into an exported sheet stays as typed: an 18-digit ID or a phone
            # with a leading zero is not turned into a number (the import reads text anyway).
            sheet.column_dimensions[letter].number_format = "@"
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
        return check_has_rows(clean)

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> str:
        safe = tablib.Dataset(headers=list(dataset.headers or []), title=dataset.title)
        for row in dataset:
            safe.append([escape_csv_cell(value) for value in row])
        return str(super().export_data(safe, **kwargs))


def _read_xlsx(data: bytes) -> tablib.Dataset:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas = None
    try:
        sheet = _imported_sheet(book)
        if sheet is None or getattr(sheet, "sheet_state", "visible") != "visible":
            title = getattr(sheet, "title", "")
            raise SpreadsheetError(
                f"要导入的工作表“{title}”是隐藏的，导入的内容会与您看到的不同；请在 Excel 中"
                "取消隐藏，把要导入的数据放在打开文件时显示的工作表上再导入。"
            )
        has_formulas, merged = _scan_sheet(sheet)
        check_merged(merged)
        rows = sheet.iter_rows(values_only=True)
        if has_formulas:
            formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            rows = _with_formulas(rows, formulas.worksheets[book.index(sheet)])
        dataset = tablib.Dataset()
        dataset.headers = list(next(rows, ()))
        for line, row in enumerate(rows, start=2):
            check_rows(line - 1)
            for column, value in enumerate(row, start=1):
                check_cell(value, line, column)
            dataset.append(_fit(row, len(dataset.headers)))
    finally:
        book.close()
        if formulas is not None:
            formulas.close()
    return check_has_rows(dataset)


def _imported_sheet(book: Any) -> Any:
    """The active sheet; when the template was saved with a help sheet open, the first other."""
    sheet = book.active
    if getattr(sheet, "title", "") in HELP_SHEETS:
        others = [s for s in book.worksheets if s.title not in HELP_SHEETS]
        sheet = others[0] if others else sheet
    return sheet


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
SCAN_CHUNK = MB


def _scan_sheet(sheet: Any) -> tuple[bool, list[str]]:
    """Whether the sheet's XML holds a formula, and its merged ranges, in one streamed pass
    (never the whole sheet in memory)."""
    has_formulas, merged, tail = False, [], b""
    source = sheet._get_source()
    try:
        while chunk := source.read(SCAN_CHUNK):
            text = tail + chunk
            has_formulas = has_formulas or bool(_FORMULA.search(text))
            merged += [m.decode() for m in _MERGE.findall(text) if m.decode() not in merged]
            tail = text[-64:]
    finally:
        source.close()
    return has_formulas, merged


def check_merged(ranges: list[str]) -> None:
    if not ranges:
        return
    shown = "、".join(ranges[:5]) + ("等" if len(ranges) > 5 else "")
    first = re.findall(r"[0-9]+", ranges[0])
    raise SpreadsheetError(
        f"表格中有合并单元格（{shown}，从第{first[0]}行起），合并后只有第一格有内容，其余各格会被当作空白；"
        "请取消合并，在每一格填写后再导入。"
    )


def _with_formulas(values: Any, formulas: Any) -> Any:
    """The rows' values; a formula cell without a value saved in the file is refused."""
    for line, (row, formula_row) in enumerate(
        zip(values, formulas.iter_rows(values_only=True), strict=False), start=1
    ):
        for column, (value, formula) in enumerate(zip(row, formula_row, strict=False), start=1):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                raise SpreadsheetError(
                    f"第{line}行第{column}列是公式（{formula[:30]}），文件中没有它的计算结果；"
                    "请在 Excel 或 WPS 中打开后保存，或复制后“选择性粘贴为数值”，再导入。"
                )
        yield row


def _fit(row: tuple[Any, ...], width: int) -> list[Any]:
    values = list(row[:width])
    return values + [None] * (width - len(values))


SPREADSHEET_FORMATS = [SafeXLSX, SafeCSV]


# --- one sheet written fast, for printables (kit/printables.py's XlsxRenderer) -----------------
# A whole sub-district's 党费台账 is 100,000 rows: openpyxl takes minutes for that on a small
# server (write-only mode too: 34 s measured), so the sheet is written as plain SpreadsheetML,
# every cell an inline string (text: never a formula, whatever it begins with; "0.20" stays as
# written). Column widths follow the header and the first rows.
_XML_INVALID = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))
_WIDTH_SAMPLE_ROWS = 200
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELATIONSHIP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"/>'
    "</Relationships>"
)


@functools.lru_cache(maxsize=4096)  # codes, statuses, rates and amounts repeat row after row
def _xml_text(value: str) -> str:
    return escape(value.translate(_XML_INVALID))


@functools.lru_cache(maxsize=65536)  # a cell's text written once (names repeat too)
def _cell_xml(text: str) -> str:
    if not text:
        return "<c/>"
    return f'<c t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>'


def _sheet_row(cells: Sequence[Any]) -> str:
    return (
        "<row>"
        + "".join([_cell_xml("" if value is None else str(value)) for value in cells])
        + "</row>"
    )


def _columns(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    widths = [display_width(header) for header in headers]
    for row in rows[:_WIDTH_SAMPLE_ROWS]:
        for n, value in enumerate(row[: len(widths)]):
            widths[n] = max(widths[n], display_width(value))
    return "".join(
        f'<col min="{n}" max="{n}" width="{min(max(w + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)}" '
        'customWidth="1"/>'
        for n, w in enumerate(widths, start=1)
    )


def xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> bytes:
    """One sheet named `title` (at most 31 characters): the header row, then `rows`, all text."""
    buffer = io.BytesIO()
    xlsx_write(buffer, headers, rows, title)
    return buffer.getvalue()


def xlsx_write(
    out: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str
) -> None:
    """`xlsx_bytes` written to the file `out` as `rows` come (a generator: a 1,000,000-row
    ledger in constant memory); the widths from the first rows."""
    rows = iter(rows)
    first = list(itertools.islice(rows, _WIDTH_SAMPLE_ROWS))
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{_xml_text(title[:31])}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _RELATIONSHIP.format(kind="officeDocument", target="xl/workbook.xml"),
        "xl/_rels/workbook.xml.rels": _RELATIONSHIP.format(
            kind="worksheet", target="worksheets/sheet1.xml"
        ),
        "xl/workbook.xml": workbook,
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            package.writestr(name, text)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"<cols>{_columns(headers, first)}</cols><sheetData>".encode()
            )
            sheet.write(_sheet_row(headers).encode())
            for batch in _batches(itertools.chain(first, rows)):
                sheet.write("".join(_sheet_row(row) for row in batch).encode())
            sheet.write(b"</sheetData></worksheet>")


def csv_write(out: IO[str], headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """SafeCSV's export written to the text file `out` as `rows` come (utf-8-sig is the file's
    encoding): formula-like cells carry the apostrophe, the lines end as tablib's do."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_csv_cell(h) for h in headers])
    for batch in _batches(rows):
        writer.writerows([escape_csv_cell(value) for value in row] for row in batch)


def _batches(rows: Iterable[Sequence[Any]], size: int = 1000) -> Iterator[list[Sequence[Any]]]:
    rows = iter(rows)
    while batch := list(itertools.islice(rows, size)):
        yield batch


class ExpiringCacheStorage(CacheStorage):
    """Where an uploaded file waits between the import preview and its confirmation: in the
    cache (Redis in production), never in a temporary folder, and only for IMPORT_PREVIEW_SECONDS.
    The admin removes it at once when the preview fails."""

    name: str | None

    def save(self, data: Any) -> None:
        if not self.name:
            self.name = uuid.uuid4().hex
        cache.set(self.CACHE_PREFIX + self.name, data, settings.IMPORT_PREVIEW_SECONDS)
