"""The import template a user downloads to fill in (DOMAIN.md, "Import and export").

- Sheet 1, named like the export (the sheet that is imported): the header, then one example row,
  grey and italic, whose first cell begins with EXAMPLE_MARK: the import skips such a row (an
  untouched template imports nothing and says so). ID, phone and code columns are formatted as
  text ("@") so that Excel keeps 18 digits and leading zeros; a column with a fixed list of values
  has a dropdown (data validation). Each header carries a note with its format.
- Sheet 2, 填写说明: for each column whether it is required, its format, its allowed values and
  an example.
- Sheet 3, 可填党组织 (when a column names organizations): the organizations the user may name,
  code and full name; the organization column's dropdown offers their codes.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from typing import Any

from kit.spreadsheets import (
    EXAMPLE_MARK,
    INSTRUCTIONS_TITLE,
    ORGANIZATIONS_TITLE,
    display_width,
)

# The rows of sheet 1 that the dropdowns and the text format cover (a template is filled by hand).
TEMPLATE_ROWS = 5000
# A dropdown's values written into the rule itself: Excel allows at most 255 characters.
INLINE_LIST_LIMIT = 255


@dataclasses.dataclass(frozen=True)
class TemplateColumn:
    """How one column is filled in, as the template and its instructions say it."""

    header: str
    required: bool = False
    format: str = "文字"
    values: tuple[str, ...] = ()  # the allowed values: a dropdown
    strict: bool = True  # the dropdown refuses other values (False: several, or a name, allowed)
    text: bool = False  # the cells are text ("@"): IDs, phones, codes
    example: str = ""
    note: str = ""
    organizations: bool = False  # names an organization: the dropdown lists 可填党组织's codes


def template_bytes(
    title: str,
    columns: Sequence[TemplateColumn],
    organizations: Sequence[tuple[str, str, str]] = (),
) -> bytes:
    """The template as .xlsx bytes; `organizations` are (code, name, kind) the user may name."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31]
    _write_data_sheet(sheet, columns, bool(organizations), len(organizations))
    _write_instructions(book.create_sheet(INSTRUCTIONS_TITLE), title, columns)
    if organizations:
        _write_organizations(book.create_sheet(ORGANIZATIONS_TITLE), organizations)
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_data_sheet(
    sheet: Any, columns: Sequence[TemplateColumn], has_orgs: bool, org_count: int
) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="F2F2F2")
    example_font = Font(italic=True, color="808080")
    for number, column in enumerate(columns, start=1):
        letter = get_column_letter(number)
        head = sheet.cell(row=1, column=number, value=column.header)
        head.font, head.fill = header_font, header_fill
        head.comment = Comment(_header_note(column), "填写说明", height=120, width=260)
        example = column.example
        if number == 1:
            example = f"{EXAMPLE_MARK}{example}"
        cell = sheet.cell(row=2, column=number, value=example or None)
        cell.font = example_font
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
            cell.number_format = "@"
        width = max(display_width(column.header), display_width(example), 8) + 2
        sheet.column_dimensions[letter].width = min(width, 40)
        _add_dropdown(sheet, letter, column, has_orgs, org_count)
    sheet.freeze_panes = "A2"


def _header_note(column: TemplateColumn) -> str:
    parts = ["必填" if column.required else "选填", column.format]
    if column.values:
        parts.append("可选：" + "、".join(column.values))
    if column.note:
        parts.append(column.note)
    return "；".join(p for p in parts if p)


def _add_dropdown(
    sheet: Any, letter: str, column: TemplateColumn, has_orgs: bool, org_count: int
) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    if column.organizations and has_orgs:
        source = f"'{ORGANIZATIONS_TITLE}'!$A$2:$A${org_count + 1}"
    elif column.values and len(",".join(column.values)) + 2 <= INLINE_LIST_LIMIT:
        source = '"' + ",".join(column.values) + '"'
    else:
        return
    rule = DataValidation(
        type="list",
        formula1=source,
        allow_blank=not column.required,
        showErrorMessage=column.strict and not column.organizations,
        errorTitle=column.header,
        error=f"{column.header}应为下拉列表中的一项",
        showInputMessage=True,
        promptTitle=column.header[:32],
        prompt=_header_note(column)[:255],
    )
    rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(rule)


INSTRUCTION_HEADERS = ("列名", "是否必填", "格式", "可选值", "示例", "说明")


def _write_instructions(sheet: Any, title: str, columns: Sequence[TemplateColumn]) -> None:
    from openpyxl.styles import Alignment, Font

    lines = [
        f"{title}导入模板：填写说明",
        f"1. 在第一张工作表“{title[:31]}”中从第2行起每行填写一条记录，表头（第1行）不要修改。",
        f"2. 第2行灰色斜体为示例行（第一格以“{EXAMPLE_MARK}”开头），导入时自动跳过；"
        "可以直接覆盖（删去第一格的“示例：”），也可以保留或删除。",
        "3. 日期写成 YYYY-MM-DD（如 2020-07-01）；公民身份号码、电话、组织代码等列已设为文本格式，"
        "请勿改为数字格式。",
        "4. 带下拉箭头的列请从列表中选择。整个文件没有错误时才会导入；重复导入同一文件不会改变数据。",
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(list(INSTRUCTION_HEADERS))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column in columns:
        sheet.append(
            [column.header, "必填" if column.required else "选填", column.format,
             "、".join(column.values), column.example, column.note]
        )  # fmt: skip
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            cell.number_format = "@"
    for letter, width in zip("ABCDEF", (16, 10, 30, 36, 24, 48), strict=True):
        sheet.column_dimensions[letter].width = width


def _write_organizations(sheet: Any, organizations: Sequence[tuple[str, str, str]]) -> None:
    from openpyxl.styles import Font

    sheet.append(["组织代码", "名称", "组织类型"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for code, name, kind in organizations:
        sheet.append([code, name, kind])
    sheet.column_dimensions["A"].number_format = "@"
    for letter, width in zip("ABC", (18, 36, 14), strict=True):
        sheet.column_dimensions[letter].width = width
