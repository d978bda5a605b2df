"""党员花名册: the import and export of the roster, in the admin, as a resource and as commands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from import_export.formats.base_formats import XLSX

from kit.masking import mask_citizen_id
from members.models import Member, MemberCategory, PersonalDataAccess
from members.resources import ROSTER_HEADERS, MemberRosterResource, read_roster_file
from members.rules import Gender, MemberStatus
from tests.members.factories import MemberFactory, make_citizen_id

CONTRACT = "姓名, 性别, 民族, 出生日期, 公民身份号码, 学历, 党员状态, 入党日期, 转正日期, 所在党组织, 人员类别, 工作单位, 居住社区, 联系电话, 月收入"
BIRTH = dt.date(1980, 5, 6)


def roster_row(serial: int = 1, **changes: Any) -> dict[str, Any]:
    """A valid row for branch SD-A-1 of the test tree; keyword names are the Chinese headers."""
    row = {
        "姓名": f"张{serial}",
        "性别": "男",
        "民族": "汉族",
        "出生日期": f"{BIRTH:%Y-%m-%d}",
        "公民身份号码": make_citizen_id(BIRTH, Gender.MALE, serial),
        "学历": "大学本科",
        "党员状态": "正式党员",
        "入党日期": "2005-07-01",
        "转正日期": "2006-07-01",
        "所在党组织": "SD-A-1",
        "人员类别": "在职、流动",
        "工作单位": "甲小学",
        "居住社区": "甲社区党委",
        "联系电话": f"1381234{serial:04d}",
        "月收入": "5000",
    }
    row.update(changes)
    return row


def write_roster(path: Path, rows: list[dict[str, Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(ROSTER_HEADERS))
    for row in rows:
        sheet.append([row[h] for h in ROSTER_HEADERS])
    book.save(path)
    return path


def run_import(path: Path, user: Any = None) -> tuple[Any, list[str]]:
    resource = MemberRosterResource(user=user)
    result = resource.import_data(read_roster_file(path), dry_run=False)
    return result, resource.error_lines(result)


def totals(result: Any) -> tuple[int, int, int]:
    return (result.totals["new"], result.totals["update"], result.totals["skip"])


# --- the format -----------------------------------------------------------------------------------
def test_headers_are_the_contract_in_order() -> None:
    assert ", ".join(ROSTER_HEADERS) == CONTRACT


def test_valid_file_creates_members_with_categories(tree, secretary_a, tmp_path) -> None:
    path = write_roster(tmp_path / "r.xlsx", [roster_row(1), roster_row(2, 人员类别="离退休")])
    result, errors = run_import(path, secretary_a)
    assert errors == []
    assert totals(result) == (2, 0, 0)
    member = Member.objects.get(name="张1")
    assert member.branch == tree.branch_a
    assert member.residence_community == tree.community_a
    assert member.gender == Gender.MALE
    assert member.monthly_income == Decimal("5000")
    assert set(member.categories.values_list("name", flat=True)) == {"在职", "流动"}
    assert member.history.first().history_user == secretary_a


def test_excel_date_cells_and_numeric_phone_are_accepted(tree, secretary_a, tmp_path) -> None:
    excel_cell = dt.datetime(1980, 5, 6)  # noqa: DTZ001 (Excel date cells are naive)
    row = roster_row(1, 出生日期=excel_cell, 入党日期=dt.date(2005, 7, 1), 联系电话=13812340001)
    result, errors = run_import(write_roster(tmp_path / "r.xlsx", [row]), secretary_a)
    assert errors == []
    member = Member.objects.get()
    assert member.joined_on == dt.date(2005, 7, 1)
    assert member.phone == "13812340001"


def test_citizen_id_typed_as_an_excel_number_says_so(tree, secretary_a, tmp_path) -> None:
    row = roster_row(1)
    row["公民身份号码"] = float(row["公民身份号码"][:17] + "0")
    _, errors = run_import(write_roster(tmp_path / "r.xlsx", [row]), secretary_a)
    assert errors == [
        "第2行: 公民身份号码是数字格式，Excel 会改动其末几位：请将公民身份号码列设为文本后重新填写"
    ]


def test_full_width_citizen_id_imports_as_ascii(tree, secretary_a, tmp_path) -> None:
    row = roster_row(1)
    ascii_id = row["公民身份号码"]
    row["公民身份号码"] = "".join(chr(ord(c) + 0xFEE0) for c in ascii_id)
    _, errors = run_import(write_roster(tmp_path / "r.xlsx", [row]), secretary_a)
    assert errors == []
    assert Member.objects.get().citizen_id == ascii_id


def test_residence_in_a_community_the_user_does_not_manage_is_accepted(
    tree, secretary_a, tmp_path
) -> None:
    """A member of 甲 living in 乙: the community exists, so the import says so by accepting it."""
    path = write_roster(tmp_path / "r.xlsx", [roster_row(1, 居住社区="乙社区党总支")])
    assert run_import(path, secretary_a)[1] == []
    assert Member.objects.get().residence_community == tree.community_b
    path = write_roster(tmp_path / "r2.xlsx", [roster_row(2, 居住社区="丁社区党委")])
    assert run_import(path, secretary_a)[1] == [
        "第2行: 居住社区“丁社区党委”不存在，请填写社区名称或组织代码"
    ]


def test_community_code_is_accepted_for_residence(tree, secretary_a, tmp_path) -> None:
    path = write_roster(tmp_path / "r.xlsx", [roster_row(1, 居住社区="SD-A", 月收入="")])
    assert run_import(path, secretary_a)[1] == []
    member = Member.objects.get()
    assert member.residence_community == tree.community_a
    assert member.monthly_income is None


# --- every error names its spreadsheet row ---------------------------------------------------------
WRONG_CHECK = make_citizen_id(BIRTH, Gender.MALE, 2)[:17] + (
    "0" if make_citizen_id(BIRTH, Gender.MALE, 2)[17] != "0" else "1"
)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"公民身份号码": WRONG_CHECK}, "第3行: 公民身份号码校验位错误"),
        (
            {"公民身份号码": make_citizen_id(BIRTH, Gender.MALE, 2)[:17]},
            "第3行: 公民身份号码应为18位，现为17位",
        ),
        ({"出生日期": "1980-05-07"}, "第3行: 出生日期与公民身份号码不符"),
        ({"性别": "女"}, "第3行: 性别与公民身份号码不符"),
        ({"所在党组织": "NO-SUCH"}, "第3行: 所在党组织“NO-SUCH”不存在"),
        ({"所在党组织": "SD-B-1"}, "第3行: 所在党组织“SD-B-1”不存在"),
        ({"人员类别": "在职、退休"}, "第3行: 人员类别“退休”不存在"),
        ({"党员状态": "预备党员"}, "第3行: 预备党员不应有转正日期"),
        ({"入党日期": "1997-01-01", "转正日期": ""}, "第3行: 入党日期早于本人年满18周岁的日期"),
        ({"入党日期": "2005/07/01"}, "第3行: 入党日期“2005/07/01”格式错误"),
        ({"月收入": "五千"}, "第3行: 月收入“五千”格式错误"),
        ({"性别": "男性"}, "第3行: 性别“男性”无效"),
    ],
)
def test_bad_row_is_reported_with_its_line_and_nothing_is_written(
    tree, secretary_a, tmp_path, changes, message
) -> None:
    path = write_roster(tmp_path / "r.xlsx", [roster_row(1), roster_row(2, **changes)])
    result, errors = run_import(path, secretary_a)
    assert any(error.startswith(message) for error in errors), errors
    assert all(error.startswith("第3行: ") for error in errors), errors
    assert not Member.objects.exists()
    assert not PersonalDataAccess.objects.exists()


def test_out_of_scope_code_reads_exactly_like_an_unknown_one(tree, secretary_a, tmp_path) -> None:
    hidden = write_roster(tmp_path / "h.xlsx", [roster_row(1, 所在党组织="SD-B-1")])
    missing = write_roster(tmp_path / "m.xlsx", [roster_row(1, 所在党组织="SD-B-9")])
    hidden_errors = run_import(hidden, secretary_a)[1]
    missing_errors = run_import(missing, secretary_a)[1]
    assert [e.replace("SD-B-1", "X") for e in hidden_errors] == [
        e.replace("SD-B-9", "X") for e in missing_errors
    ]


def test_row_number_counts_the_header_and_blank_lines(tree, secretary_a, tmp_path) -> None:
    path = tmp_path / "r.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(ROSTER_HEADERS))
    sheet.append([roster_row(1)[h] for h in ROSTER_HEADERS])
    sheet.append([None] * len(ROSTER_HEADERS))
    sheet.append([roster_row(2, 公民身份号码=WRONG_CHECK)[h] for h in ROSTER_HEADERS])
    book.save(path)
    assert run_import(path, secretary_a)[1] == ["第4行: 公民身份号码校验位错误"]


def test_every_bad_row_is_listed(tree, secretary_a, tmp_path) -> None:
    rows = [
        roster_row(1, 月收入="abc"),
        roster_row(2),
        roster_row(3, 所在党组织="NO"),
        roster_row(4, 人员类别="神仙"),
    ]
    errors = run_import(write_roster(tmp_path / "r.xlsx", rows), secretary_a)[1]
    assert [e.split(":")[0] for e in errors] == ["第2行", "第4行", "第5行"]


def test_same_citizen_id_twice_in_a_file_is_an_error(tree, secretary_a, tmp_path) -> None:
    rows = [roster_row(1), roster_row(1, 姓名="另一人")]
    errors = run_import(write_roster(tmp_path / "r.xlsx", rows), secretary_a)[1]
    assert errors == ["第3行: 公民身份号码与第2行重复"]
    assert not Member.objects.exists()


def test_citizen_id_registered_outside_scope_is_refused_without_details(
    tree, secretary_a, tmp_path
) -> None:
    other = MemberFactory(branch=tree.branch_b, name="乙党员", birth_date=BIRTH)
    row = roster_row(1, 公民身份号码=other.citizen_id)
    errors = run_import(write_roster(tmp_path / "r.xlsx", [row]), secretary_a)[1]
    assert errors == ["第2行: 公民身份号码已在其他党组织登记，请先办理组织关系转接"]
    assert Member.objects.get(pk=other.pk).name == "乙党员"


def test_missing_columns_are_reported_and_nothing_read(tree, secretary_a, tmp_path) -> None:
    path = tmp_path / "r.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["姓名", "公民身份号码"])
    book.active.append(["张三", make_citizen_id(BIRTH, Gender.MALE, 1)])
    book.save(path)
    errors = run_import(path, secretary_a)[1]
    assert len(errors) == 1
    assert errors[0].startswith("第1行（表头）缺少列：性别、民族")


# --- updates and re-imports -------------------------------------------------------------------
def test_existing_citizen_id_updates_that_member(tree, secretary_a, tmp_path) -> None:
    member = MemberFactory(branch=tree.branch_a, birth_date=BIRTH, categories=["retired"])
    row = roster_row(1, 公民身份号码=member.citizen_id, 姓名=member.name, 联系电话="13900000000")
    result, errors = run_import(write_roster(tmp_path / "r.xlsx", [row]), secretary_a)
    assert errors == []
    assert totals(result) == (0, 1, 0)
    member.refresh_from_db()
    assert member.phone == "13900000000"
    assert set(member.categories.values_list("name", flat=True)) == {"在职", "流动"}
    assert member.history.first().history_user == secretary_a


def test_reimporting_the_same_file_changes_nothing(tree, secretary_a, tmp_path) -> None:
    rows = [roster_row(1), roster_row(2, 人员类别="离退休、年老病重", 月收入="")]
    path = write_roster(tmp_path / "r.xlsx", rows)
    assert totals(run_import(path, secretary_a)[0]) == (2, 0, 0)
    history = Member.history.count()

    result, errors = run_import(path, secretary_a)

    assert errors == []
    assert totals(result) == (0, 0, 2)
    assert Member.history.count() == history


def test_export_then_import_changes_nothing(tree, secretary_a, tmp_path) -> None:
    MemberFactory(
        branch=tree.branch_a,
        categories=["in_service", "floating"],
        residence_community=tree.community_a,
        monthly_income=Decimal("4321.50"),
        work_unit="甲小学",
    )
    MemberFactory(branch=tree.branch_a, status=MemberStatus.PROBATIONARY, education="")
    MemberFactory(branch=tree.group_a, categories=["retired"], phone="")
    # Seen for living in community A, held in community B: exported, unchanged, not an error.
    MemberFactory(branch=tree.branch_b, residence_community=tree.community_a)
    dataset = MemberRosterResource(user=secretary_a).export()
    path = tmp_path / "export.xlsx"
    path.write_bytes(XLSX().export_data(dataset))
    history = Member.history.count()

    result, errors = run_import(path, secretary_a)

    assert errors == []
    assert totals(result) == (0, 0, 4)
    assert Member.history.count() == history


def test_member_seen_but_not_managed_cannot_be_changed_by_import(
    tree, secretary_a, tmp_path
) -> None:
    member = MemberFactory(
        branch=tree.branch_b, residence_community=tree.community_a, birth_date=BIRTH
    )
    dataset = MemberRosterResource(user=secretary_a).export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    row["联系电话"] = "13700000000"
    errors = run_import(write_roster(tmp_path / "r.xlsx", [row]), secretary_a)[1]
    assert errors == ["第2行: 您无权修改该党员的信息：其组织关系不在您管理的党组织"]
    assert Member.objects.get(pk=member.pk).phone != "13700000000"


# --- export ----------------------------------------------------------------------------------------
def test_export_has_the_import_format(tree, secretary_a) -> None:
    MemberFactory(
        name="王五",
        branch=tree.branch_a,
        birth_date=BIRTH,
        categories=["in_service", "low_income"],
        residence_community=tree.community_a,
        monthly_income=Decimal("3000"),
        joined_on=dt.date(2005, 7, 1),
        full_member_on=dt.date(2006, 7, 1),
    )
    dataset = MemberRosterResource(user=secretary_a).export()
    assert tuple(dataset.headers) == ROSTER_HEADERS
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["性别"] == "男"
    assert row["出生日期"] == "1980-05-06"
    assert row["学历"] == "大学本科"
    assert row["党员状态"] == "正式党员"
    assert row["所在党组织"] == "SD-A-1"
    assert row["人员类别"] == "在职、低保"
    assert row["居住社区"] == "甲社区党委"
    assert row["月收入"] == "3000.00"
    assert len(row["公民身份号码"]) == 18


def test_export_contains_only_visible_members_and_is_logged(tree, secretary_b) -> None:
    MemberFactory(name="甲党员", branch=tree.branch_a)
    MemberFactory(name="乙党员", branch=tree.branch_b)
    dataset = MemberRosterResource(user=secretary_b).export()
    assert [row[0] for row in dataset] == ["乙党员"]
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action) == (secretary_b, PersonalDataAccess.Action.EXPORT)
    assert "1人" in log.detail


def test_import_is_logged_with_its_counts(tree, secretary_a, tmp_path) -> None:
    run_import(write_roster(tmp_path / "r.xlsx", [roster_row(1)]), secretary_a)
    log = PersonalDataAccess.objects.get()
    assert log.action == PersonalDataAccess.Action.IMPORT
    assert "新增 1 人" in log.detail


# --- commands ---------------------------------------------------------------------------------------
def test_import_command_lists_bad_rows_and_writes_nothing(tree, tmp_path, capsys) -> None:
    rows = [roster_row(1, 公民身份号码=WRONG_CHECK), roster_row(2), roster_row(3, 月收入="x")]
    path = write_roster(tmp_path / "r.xlsx", rows)
    with pytest.raises(CommandError, match="没有导入任何数据"):
        call_command("import_members", str(path))
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "第2行: 公民身份号码校验位错误"
    assert err[1].startswith("第4行: 月收入“x”格式错误")
    assert not Member.objects.exists()


def test_import_command_prints_a_one_line_summary(tree, tmp_path, capsys) -> None:
    path = write_roster(tmp_path / "r.xlsx", [roster_row(1), roster_row(2)])
    call_command("import_members", str(path))
    assert capsys.readouterr().out.strip() == "导入完成：新增 2 人，更新 0 人，未变 0 人。"
    call_command("import_members", str(path))
    assert capsys.readouterr().out.strip() == "导入完成：新增 0 人，更新 0 人，未变 2 人。"


def test_import_command_with_user_keeps_that_users_scope(
    tree, secretary_b, tmp_path, capsys
) -> None:
    path = write_roster(tmp_path / "r.xlsx", [roster_row(1)])
    with pytest.raises(CommandError):
        call_command("import_members", str(path), "--user", "secretary_b")
    assert "所在党组织“SD-A-1”不存在" in capsys.readouterr().err
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.xlsx"], "找不到文件"),
        (["roster.txt"], "不支持的文件类型"),
        (["r.xlsx", "--user", "nobody"], "不存在或已停用"),
    ],
)
def test_import_command_fails_clearly(db, tmp_path, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("import_members", *[str(tmp_path / args[0]), *args[1:]])


def test_export_command_round_trips_through_import(tree, tmp_path, capsys) -> None:
    MemberFactory(branch=tree.branch_a, categories=["retired"])
    MemberFactory(branch=tree.branch_b)
    path = tmp_path / "all.xlsx"
    call_command("export_members", str(path))
    assert capsys.readouterr().out.strip() == f"导出完成：2名党员，已写入{path}。"
    assert [c.value for c in next(openpyxl.load_workbook(path).active.rows)] == list(ROSTER_HEADERS)
    call_command("import_members", str(path))
    assert "未变 2 人" in capsys.readouterr().out


def test_export_command_with_user_exports_that_users_members(
    tree, secretary_b, tmp_path, capsys
) -> None:
    MemberFactory(branch=tree.branch_a)
    MemberFactory(branch=tree.branch_b)
    path = tmp_path / "b.csv"
    call_command("export_members", str(path), "--user", "secretary_b")
    assert "1名党员" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(ROSTER_HEADERS)


def test_export_command_refuses_unknown_suffix(db, tmp_path) -> None:
    with pytest.raises(CommandError, match="不支持的文件类型"):
        call_command("export_members", str(tmp_path / "x.pdf"))


# --- the admin import --------------------------------------------------------------------------
IMPORT_URL = "admin:members_member_import"


def admin_import(client: Any, path: Path) -> Any:
    with path.open("rb") as upload:
        return client.post(reverse(IMPORT_URL), {"import_file": upload, "format": "0"})


def test_admin_import_preview_shows_row_errors_and_refuses_confirm(
    client, tree, secretary_a, tmp_path
) -> None:
    client.force_login(secretary_a)
    rows = [roster_row(1), roster_row(2, 公民身份号码=WRONG_CHECK)]
    response = admin_import(client, write_roster(tmp_path / "r.xlsx", rows))
    page = response.content.decode()
    assert response.status_code == 200
    assert "第3行: 公民身份号码校验位错误" in page
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    assert not Member.objects.exists()


def test_admin_import_confirms_and_writes_through_service(
    client, tree, secretary_a, tmp_path
) -> None:
    client.force_login(secretary_a)
    response = admin_import(client, write_roster(tmp_path / "r.xlsx", [roster_row(1)]))
    assert not Member.objects.exists()
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    response = client.post(reverse("admin:members_member_process_import"), data, follow=True)
    assert response.status_code == 200
    member = Member.objects.get()
    assert member.history.first().history_user == secretary_a
    assert set(member.categories.values_list("name", flat=True)) == {"在职", "流动"}
    assert PersonalDataAccess.objects.filter(action="import", user=secretary_a).count() == 1


def test_admin_import_and_export_need_a_roster_permission(client, tree, reviewer_b) -> None:
    """A unit reviewer sees its unit's members but neither their personal data nor a roster."""
    client.force_login(reviewer_b)
    assert client.get(reverse("admin:members_member_changelist")).status_code == 200
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert client.get(reverse("admin:members_member_export")).status_code == 403


def _second_branch_of_a(tree: Any) -> Any:
    from organizations.rules import OrganizationKind
    from tests.organizations.factories import OrganizationFactory

    return OrganizationFactory(
        name="甲社区第二党支部", code="SD-A-2", kind=OrganizationKind.BRANCH,
        parent=tree.community_a,
    )  # fmt: skip


def _export_csv(client: Any) -> str:
    url = reverse("admin:members_member_export")
    form = client.get(url).context["form"]
    data = {"format": "1", "resource": "0"}  # 1: CSV
    data.update({name: "on" for name in form.fields if name.startswith("memberrosterresource_")})
    response = client.post(url, data)
    assert response.status_code == 200
    return str(response.content.decode("utf-8-sig"))


def test_branch_officer_exports_its_own_branchs_roster_only(client, tree, branch_officer_a) -> None:
    """Issue 22.14: a branch officer exports its own branch's roster (logged), and no other."""
    own = MemberFactory(name="甲党员", branch=tree.branch_a)
    MemberFactory(name="甲二党员", branch=_second_branch_of_a(tree))
    MemberFactory(name="乙党员", branch=tree.branch_b)
    client.force_login(branch_officer_a)
    assert "导出" in client.get(reverse("admin:members_member_changelist")).content.decode()
    content = _export_csv(client)
    assert content.splitlines()[0] == ",".join(ROSTER_HEADERS)
    assert own.citizen_id in content  # the file is the import's: the key in full
    assert "甲二党员" not in content
    assert "乙党员" not in content
    assert PersonalDataAccess.objects.filter(action="export", user=branch_officer_a).count() == 1


def test_branch_officer_imports_into_its_branch_and_another_branch_is_refused(
    client, tree, branch_officer_a, tmp_path
) -> None:
    _second_branch_of_a(tree)
    client.force_login(branch_officer_a)
    rows = [roster_row(1), roster_row(2, 所在党组织="SD-A-2")]
    response = admin_import(client, write_roster(tmp_path / "bad.xlsx", rows))
    page = response.content.decode()
    assert "第3行: 所在党组织“SD-A-2”不存在或不在您的管理范围内" in page
    assert not response.context.get("confirm_form")
    assert not Member.objects.exists()

    response = admin_import(client, write_roster(tmp_path / "ok.xlsx", [roster_row(1)]))
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    client.post(reverse("admin:members_member_process_import"), data, follow=True)
    member = Member.objects.get()
    assert member.branch == tree.branch_a
    assert member.history.first().history_user == branch_officer_a
    assert PersonalDataAccess.objects.filter(action="import", user=branch_officer_a).count() == 1


def test_branch_officer_import_may_not_change_a_stored_phone(
    tree, branch_officer_a, tmp_path
) -> None:
    """The roster's permission exchanges the file; changing a stored ID or phone still needs the
    personal-data permission, as on the member's page (the row says so)."""
    row = roster_row(1)
    MemberFactory(
        name=row["姓名"], branch=tree.branch_a, citizen_id=row["公民身份号码"],
        birth_date=BIRTH, phone=row["联系电话"],
    )  # fmt: skip
    changed = write_roster(tmp_path / "r.xlsx", [{**row, "联系电话": "13900000000"}])
    _, errors = run_import(changed, branch_officer_a)
    assert errors == ["第2行: 您无权修改党员的公民身份号码和联系电话"]
    assert Member.objects.get().phone == row["联系电话"]


def test_branch_officer_roundtrips_its_export_through_the_import(
    client, tree, branch_officer_a, tmp_path
) -> None:
    """What a branch officer exports imports back unchanged (the masked pages are not the file)."""
    MemberFactory(name="甲党员", branch=tree.branch_a)
    client.force_login(branch_officer_a)
    path = tmp_path / "roster.csv"
    path.write_text(_export_csv(client), encoding="utf-8")
    with path.open("rb") as upload:
        response = client.post(reverse(IMPORT_URL), {"import_file": upload, "format": "1"})
    result = response.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["skip"]


def test_admin_export_is_scoped_and_logged(client, tree, secretary_b) -> None:
    MemberFactory(name="甲党员", branch=tree.branch_a)
    MemberFactory(name="乙党员", branch=tree.branch_b)
    client.force_login(secretary_b)
    content = _export_csv(client)
    assert content.splitlines()[0] == ",".join(ROSTER_HEADERS)
    assert "乙党员" in content
    assert "甲党员" not in content
    assert PersonalDataAccess.objects.filter(action="export", user=secretary_b).count() == 1


def test_categories_of_migration_match_rules(db) -> None:
    """The names the roster reads are the labels of rules.Category."""
    from members.rules import Category

    assert set(MemberCategory.objects.values_list("name", flat=True)) == {
        str(label) for label in Category.labels
    }


def test_import_preview_masks_personal_columns_for_a_user_who_sees_them_masked(
    client, tree, branch_officer_a, secretary_a, tmp_path
) -> None:
    """The preview is a page: a branch officer (the roster's permission, not the personal-data
    one) sees the IDs and phones they uploaded masked, as on the member list; the confirmed
    import still writes them whole. A secretary (personal-data permission) sees them in full."""
    row = roster_row(1)
    path = write_roster(tmp_path / "r.xlsx", [row])
    citizen_id, phone = row["公民身份号码"], row["联系电话"]
    client.force_login(branch_officer_a)
    response = admin_import(client, path)
    preview = response.content.decode()
    assert mask_citizen_id(citizen_id) in preview
    assert citizen_id not in preview
    assert phone not in preview
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    client.post(reverse("admin:members_member_process_import"), data, follow=True)
    assert Member.objects.get().citizen_id == citizen_id

    client.force_login(secretary_a)
    assert citizen_id in admin_import(client, path).content.decode()
