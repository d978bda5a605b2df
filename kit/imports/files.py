"""Reading and writing a spreadsheet file by its suffix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit.spreadsheets import SafeCSV, SafeXLSX, SpreadsheetError

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
