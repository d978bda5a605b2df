"""小区 import and export (organizations/resources.py CompoundResource): the communities' list of
residential compounds, keyed by (所在社区, 小区名称), within the importing user's scope."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from kit.imports import read_spreadsheet
from organizations.models import Compound
from organizations.resources import COMPOUND_HEADERS, CompoundResource

pytestmark = pytest.mark.django_db


def write(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(list(COMPOUND_HEADERS))
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def run(path: Path, user: Any) -> tuple[Any, list[str]]:
    resource = CompoundResource(user=user)
    result = resource.import_data(read_spreadsheet(path), dry_run=False)
    return result, resource.error_lines(result)


def test_a_good_file_imports_and_again_changes_nothing(
    tree: SimpleNamespace, secretary_a: Any, tmp_path: Path
) -> None:
    rows: list[list[Any]] = [
        ["SD-A", "和平里", 860, "和平路18号"],
        ["甲社区党委", "锦绣家园", "", ""],
    ]
    path = write(tmp_path / "c.xlsx", rows)
    _, errors = run(path, secretary_a)
    assert errors == []
    found = Compound.objects.order_by("name").values_list("community__code", "name", "households")
    assert list(found) == [("SD-A", "和平里", 860), ("SD-A", "锦绣家园", None)]
    assert Compound.objects.get(name="和平里").history.get().history_user == secretary_a
    again, errors = run(path, secretary_a)
    assert (errors, again.totals["skip"]) == ([], 2)
    write(path, [["SD-A", "和平里", 900, "和平路18号"]])
    again, errors = run(path, secretary_a)
    assert (errors, again.totals["update"]) == ([], 1)
    assert Compound.objects.get(name="和平里").households == 900


def test_a_community_outside_the_scope_is_refused_and_nothing_written(
    tree: SimpleNamespace, secretary_a: Any, tmp_path: Path
) -> None:
    rows = [["SD-A", "和平里", 860, ""], ["SD-B", "乙小区", 100, ""]]
    _, errors = run(write(tmp_path / "c.xlsx", rows), secretary_a)
    assert errors == [
        "第3行: 所在社区“SD-B”不存在或不在您的管理范围内，请填写社区党委或社区党总支的组织代码或完整名称"
    ]
    assert not Compound.objects.exists()


def test_a_bad_row_says_why_and_nothing_is_written(
    tree: SimpleNamespace, secretary_a: Any, tmp_path: Path
) -> None:
    rows: list[list[Any]] = [["SD-A", "和平里", 860, ""], ["SD-A", "", "八百", ""]]
    _, errors = run(write(tmp_path / "c.xlsx", rows), secretary_a)
    assert errors == ["第3行: 小区名称不能为空", "第3行: 户数“八百”应为不小于0的整数"]
    assert not Compound.objects.exists()


def test_the_export_is_the_import_and_lists_only_the_scope(
    tree: SimpleNamespace, secretary_a: Any, superuser: Any, tmp_path: Path
) -> None:
    run(write(tmp_path / "a.xlsx", [["SD-A", "和平里", 860, "和平路18号"]]), secretary_a)
    run(write(tmp_path / "b.xlsx", [["SD-B", "乙小区", 100, ""]]), superuser)
    dataset = CompoundResource(user=secretary_a).export()
    assert list(dataset.headers) == list(COMPOUND_HEADERS)
    assert [list(row) for row in dataset] == [["SD-A", "和平里", "860", "和平路18号"]]


def test_the_admin_offers_the_template_with_the_communities(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    client = Client()
    client.force_login(secretary_a)
    response = client.get(reverse("admin:organizations_compound_import_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == list(COMPOUND_HEADERS)
    codes = [row[0] for row in book.worksheets[-1].iter_rows(values_only=True)]
    assert "SD-A" in codes
    assert "SD-B" not in codes


def test_the_command_imports_within_the_user_s_scope(
    tree: SimpleNamespace, secretary_a: Any, tmp_path: Path, capsys: Any
) -> None:
    from django.core.management import CommandError, call_command

    path = write(tmp_path / "c.xlsx", [["SD-B", "乙小区", 100, ""]])
    with pytest.raises(CommandError, match="小区表有1处错误，没有导入任何数据"):
        call_command("import_compounds", str(path), "--user", "secretary_a")
    assert "第2行: 所在社区“SD-B”不存在或不在您的管理范围内" in capsys.readouterr().err
    call_command("import_compounds", str(path))
    assert "新增 1 个小区" in capsys.readouterr().out
