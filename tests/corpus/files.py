"""A corpus of bad import files (issue "Trust, round 3"), built on the fly from an import's
headers and a few valid rows, so that nothing binary is kept in the repository and every case
follows the import's current columns.

Each builder returns the bytes of an upload named `.xlsx` (the CSV case too: that is its point).
`python -m tests.corpus.files DIR` writes the roster's cases into DIR to open them by hand.
"""

from __future__ import annotations

import csv
import functools
import io
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl

Row = Sequence[Any]
MB = 1024 * 1024


def xlsx(
    headers: Sequence[str], rows: Sequence[Row], edit: Callable[[Any], None] | None = None
) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "导入"
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    if edit:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_renamed(headers: Sequence[str], rows: Sequence[Row]) -> bytes:
    """A CSV file saved with the .xlsx suffix."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def hidden_active_sheet(headers: Sequence[str], rows: Sequence[Row]) -> bytes:
    """The rows on a hidden sheet that the file opens on (activeTab); the visible one is a
    note. openpyxl never writes a hidden active sheet, so workbook.xml is edited after it."""

    def edit(book: Any) -> None:
        book.active.sheet_state = "hidden"
        book.create_sheet("说明", 0).append(["本表为填报说明"])

    return _rewrite(
        xlsx(headers, rows, edit),
        "xl/workbook.xml",
        lambda xml: xml.replace(b'activeTab="0"', b'activeTab="1"', 1),
    )


def _rewrite(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item, change(content) if item.filename == name else content)
    return out.getvalue()


def rows_on_a_hidden_sheet(headers: Sequence[str], rows: Sequence[Row]) -> bytes:
    """The sheet the file opens on has the headers alone; the rows sit on a hidden sheet."""

    def edit(book: Any) -> None:
        hidden = book.create_sheet("隐藏数据")
        hidden.append(list(headers))
        for row in rows:
            hidden.append(list(row))
        hidden.sheet_state = "hidden"

    return xlsx(headers, [], edit)


def merged(headers: Sequence[str], rows: Sequence[Row], column: int) -> bytes:
    """Rows 2 and 3 of `column` (1-based) merged, as people do when two rows share a value."""

    def edit(book: Any) -> None:
        book.active.merge_cells(start_row=2, end_row=3, start_column=column, end_column=column)

    return xlsx(headers, rows, edit)


def formula(headers: Sequence[str], rows: Sequence[Row], column: int) -> bytes:
    """Row 3's `column` holds a formula with no value saved (written by a program, not Excel)."""
    changed = [list(r) for r in rows]
    changed[1][column - 1] = '=A2&""'
    return xlsx(headers, changed)


def formula_with_saved_value(headers: Sequence[str], rows: Sequence[Row], value: str) -> bytes:
    """Row 3's first cell is a formula whose value Excel saved (`<v>`): what the user sees."""
    data = formula(headers, rows, 1)
    return _rewrite(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            b'<c r="A3"><f>A2&amp;""</f><v /></c>',
            f'<c r="A3" t="str"><f>A2&amp;""</f><v>{value}</v></c>'.encode(),
        ),
    )


def zip_bomb(headers: Sequence[str], unpacked_mb: int) -> bytes:
    """A real .xlsx whose sheet XML unpacks to `unpacked_mb` MB of blank rows but packs to a few
    hundred KB; written in 1 MB pieces, so building it takes no memory either. Built once per
    process for each header row and size (packing 300 MB costs seconds; each import is tried
    both ways with the same file)."""
    return _zip_bomb(tuple(headers), unpacked_mb)


@functools.cache
def _zip_bomb(headers: tuple[str, ...], unpacked_mb: int) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx(headers, [])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
                continue
            sheet = source.read(item)
            head, tail = sheet.split(b"</sheetData>")
            with target.open(item.filename, "w", force_zip64=True) as part:
                part.write(head)
                blank = b"<row/>" * (MB // 6)
                for _ in range(unpacked_mb):
                    part.write(blank)
                part.write(b"</sheetData>" + tail)
    return out.getvalue()


def corrupted(headers: Sequence[str], rows: Sequence[Row]) -> bytes:
    """A valid file with bytes of its sheet's packed data overwritten (a broken download)."""
    data = bytearray(xlsx(headers, rows))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 2, start + min(info.compress_size, 40)):
        data[offset] ^= 0x5A
    return bytes(data)


def write_roster_corpus(directory: Path) -> None:
    from members.resources import ROSTER_HEADERS
    from tests.members.test_import_export import roster_row

    rows = [[roster_row(i)[h] for h in ROSTER_HEADERS] for i in (1, 2)]
    directory.mkdir(parents=True, exist_ok=True)
    cases = {
        "csv_renamed.xlsx": csv_renamed(ROSTER_HEADERS, rows),
        "hidden_active_sheet.xlsx": hidden_active_sheet(ROSTER_HEADERS, rows),
        "rows_on_a_hidden_sheet.xlsx": rows_on_a_hidden_sheet(ROSTER_HEADERS, rows),
        "merged.xlsx": merged(ROSTER_HEADERS, rows, 10),
        "formula.xlsx": formula(ROSTER_HEADERS, rows, 1),
        "zip_bomb_300mb.xlsx": zip_bomb(ROSTER_HEADERS, 300),
        "corrupted.xlsx": corrupted(ROSTER_HEADERS, rows),
    }
    for name, data in cases.items():
        (directory / name).write_bytes(data)


if __name__ == "__main__":  # pragma: no cover - a helper for looking at the files by hand
    import django

    django.setup()
    write_roster_corpus(Path(sys.argv[1]))
