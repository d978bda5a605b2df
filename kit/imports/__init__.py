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
  through the app's bulk service (`save_rows`): the number of queries does not grow with rows;
- skips the import template's example row (first cell beginning with 示例：) and says so; offers
  that template (`template_file()`, kit/imports/template.py) built from its widgets and its
  `TEMPLATE_COLUMNS`.

`ImportCommand` and `ExportCommand` wrap a resource as `python manage.py ...` with `--user`;
`RegisterImportCommand` one of an app's registers (`RegisterResource`, kit/imports/register.py).
"""

from .bulk import ImportedRow, bulk_full_clean
from .commands import ExportCommand, ImportCommand, RegisterImportCommand, command_user
from .files import read_spreadsheet, spreadsheet_format, write_spreadsheet
from .resource import RowNumberedResource
from .template import TemplateColumn, template_bytes
from .widgets import (
    NAME_SEPARATOR,
    AmountWidget,
    CodeWidget,
    CountWidget,
    DateWidget,
    LabelWidget,
    NameWidget,
    OrganizationIndex,
    OrganizationWidget,
    TextWidget,
    cell_text,
    column,
    split_names,
    widget_help,
)

__all__ = [
    "NAME_SEPARATOR",
    "AmountWidget",
    "CodeWidget",
    "CountWidget",
    "DateWidget",
    "ExportCommand",
    "ImportCommand",
    "ImportedRow",
    "LabelWidget",
    "NameWidget",
    "OrganizationIndex",
    "OrganizationWidget",
    "RegisterImportCommand",
    "RowNumberedResource",
    "TemplateColumn",
    "TextWidget",
    "bulk_full_clean",
    "cell_text",
    "column",
    "command_user",
    "read_spreadsheet",
    "split_names",
    "spreadsheet_format",
    "template_bytes",
    "widget_help",
    "write_spreadsheet",
]
