"""党组织 import and export (DOMAIN.md, organization tree format), through the shared toolkit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from kit.imports import read_spreadsheet
from organizations.models import Organization
from organizations.resources import ORGANIZATION_HEADERS, OrganizationResource
from organizations.rules import OrganizationKind as K

CONTRACT = "组织代码, 名称, 组织类型, 上级组织代码, 成立日期"


def write(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(list(ORGANIZATION_HEADERS))
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def run(path: Path, user: Any = None) -> tuple[Any, list[str]]:
    resource = OrganizationResource(user=user)
    result = resource.import_data(read_spreadsheet(path), dry_run=False)
    return result, resource.error_lines(result)


NEW_TREE = [
    ["XS", "新区街道党工委", "街道党工委", "", "2020-01-01"],
    ["XS-A", "新苑社区党委", "社区党委", "XS", "2020-03-01"],
    ["XS-A-1", "新苑社区第一党支部", "党支部", "XS-A", ""],
    ["XS-A-1-1", "第一党小组", "党小组", "XS-A-1", ""],
]


def test_headers_are_the_contract_in_order() -> None:
    assert ", ".join(ORGANIZATION_HEADERS) == CONTRACT


def test_a_tree_imports_with_parents_on_earlier_rows(db: None, tmp_path: Path) -> None:
    result, errors = run(write(tmp_path / "t.xlsx", NEW_TREE))
    assert errors == []
    group = Organization.objects.get(code="XS-A-1-1")
    assert group.kind == K.GROUP
    assert group.parent.parent.code == "XS-A"
    assert Organization.objects.get(code="XS-A").established_on.isoformat() == "2020-03-01"


def test_reimporting_the_same_file_changes_nothing(db: None, tmp_path: Path) -> None:
    path = write(tmp_path / "t.xlsx", NEW_TREE)
    run(path)
    result, errors = run(path)
    assert errors == []
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 4)


def test_a_parent_on_a_later_row_is_refused_and_nothing_written(db: None, tmp_path: Path) -> None:
    rows = [NEW_TREE[0], NEW_TREE[2], NEW_TREE[1]]
    _, errors = run(write(tmp_path / "t.xlsx", rows))
    assert errors == ["第3行: 上级组织代码“XS-A”不存在：上级须是已有的党组织，或在本文件中更早的行"]
    assert not Organization.objects.filter(code__startswith="XS").exists()


def test_tree_rules_give_the_rows_error(db: None, tmp_path: Path) -> None:
    rows = [
        NEW_TREE[0],
        ["XS-G", "挂在街道下的党小组", "党小组", "XS", ""],
        ["XS-X", "未知类型", "党委会", "XS", ""],
    ]
    _, errors = run(write(tmp_path / "t.xlsx", rows))
    assert len(errors) == 2
    assert errors[0].startswith("第3行: 上级组织代码：")
    assert errors[1].startswith("第4行: 组织类型“党委会”无效")
    assert not Organization.objects.exists()


def test_export_imports_back_unchanged(tree: Any, tmp_path: Path) -> None:
    call_command("export_organizations", str(tmp_path / "all.xlsx"))
    before = sorted(Organization.objects.values_list("code", "name", "kind", "parent_id"))
    result, errors = run(tmp_path / "all.xlsx")
    assert errors == []
    assert result.totals["new"] == result.totals["update"] == 0
    assert sorted(Organization.objects.values_list("code", "name", "kind", "parent_id")) == before


def test_export_lists_parents_first(tree: Any) -> None:
    codes = [row[0] for row in OrganizationResource().export()]
    for child in Organization.objects.filter(parent__isnull=False):
        assert codes.index(child.parent.code) < codes.index(child.code)


def test_secretary_imports_only_under_what_they_manage(
    tree: Any, secretary_a: Any, tmp_path: Path
) -> None:
    rows = [
        ["SD-A-9", "甲社区第九党支部", "党支部", "SD-A", ""],
        ["SD-B-9", "乙社区第九党支部", "党支部", "SD-B", ""],
    ]
    _, errors = run(write(tmp_path / "t.xlsx", rows), secretary_a)
    assert errors == ["第3行: 上级组织代码“SD-B”不存在：上级须是已有的党组织，或在本文件中更早的行"]
    assert not Organization.objects.filter(code__in=["SD-A-9", "SD-B-9"]).exists()


def test_command_lists_bad_rows_writes_nothing_and_exits_non_zero(
    db: None, tmp_path: Path, capsys: Any
) -> None:
    path = write(tmp_path / "t.xlsx", [NEW_TREE[0], ["", "无代码", "党支部", "XS", ""]])
    with pytest.raises(CommandError, match="1处错误"):
        call_command("import_organizations", str(path))
    assert "第3行: 组织代码不能为空" in capsys.readouterr().err
    assert not Organization.objects.exists()


def test_command_prints_a_one_line_summary(db: None, tmp_path: Path, capsys: Any) -> None:
    call_command("import_organizations", str(write(tmp_path / "t.xlsx", NEW_TREE)))
    assert capsys.readouterr().out.strip() == "导入完成：新增 4 个，更新 0 个，未变 0 个。"


def test_admin_import_previews_then_writes(
    client: Any, tree: Any, sub_district_officer: Any, tmp_path: Path
) -> None:
    rows = [["SD-C", "丙社区党委", "社区党委", "SD", "2021-05-01"]]
    data = write(tmp_path / "t.xlsx", rows).read_bytes()
    client.force_login(sub_district_officer)
    url = reverse("admin:organizations_organization_import")
    preview = client.post(
        url, {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("t.xlsx", data)}
    )
    assert "confirm_form" in preview.context
    assert not Organization.objects.filter(code="SD-C").exists()
    confirm = preview.context["confirm_form"].initial
    client.post(reverse("admin:organizations_organization_process_import"), confirm)
    assert Organization.objects.get(code="SD-C").parent == tree.sub_district


def test_unit_reviewer_cannot_import(client: Any, reviewer_b: Any) -> None:
    client.force_login(reviewer_b)
    assert client.get(reverse("admin:organizations_organization_import")).status_code == 403
