"""The import templates (issue 22 point 12): every import offers a template with an example row
that is never imported, a sheet of instructions, dropdowns on the enumerated columns and text
format on ID, phone and code columns; an organization is named by its code or its exact name."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import Meeting
from activities.resources import MeetingLedgerResource
from finance.models import DuesPayment
from finance.resources import DuesPaymentResource
from kit.spreadsheets import EXAMPLE_MARK, INSTRUCTIONS_TITLE, ONLY_EXAMPLE, SafeXLSX
from members.models import DutyPost, Household, Member, MemberDeed, UnitDeed, Visit
from members.resources import ROSTER_HEADERS, MemberRosterResource
from members.resources_work import (
    DutyPostResource,
    HouseholdResource,
    MemberDeedResource,
    UnitDeedResource,
    VisitResource,
)
from organizations.models import Organization
from organizations.resources import OrganizationResource
from organizations.rules import OrganizationKind
from publicity.models import CaseAssessment, DevelopmentCase, DevelopmentReport
from publicity.resources import DevelopmentResource
from publicity.resources_registers import CaseAssessmentResource, DevelopmentReportResource
from tests.organizations.factories import OrganizationFactory

# (admin url, resource, model, enumerated columns, text columns)
TEMPLATES = [
    pytest.param(
        "admin:members_member_import_template", MemberRosterResource, Member,
        {"性别", "学历", "党员状态", "所在党组织", "人员类别"},
        {"公民身份号码", "联系电话", "所在党组织"}, id="roster",
    ),
    pytest.param(
        "admin:organizations_organization_import_template", OrganizationResource, Organization,
        {"组织类型"}, {"组织代码", "上级组织代码"}, id="organizations",
    ),
    pytest.param(
        "admin:activities_meeting_import_template", MeetingLedgerResource, Meeting,
        {"会议类型", "党组织代码"}, {"党组织代码"}, id="meetings",
    ),
    pytest.param(
        "admin:finance_duespayment_import_template", DuesPaymentResource, DuesPayment,
        set(), {"公民身份号码"}, id="payments",
    ),
    pytest.param(
        "admin:publicity_developmentcase_import_template", DevelopmentResource, DevelopmentCase,
        {"所在党组织"}, {"公民身份号码", "所在党组织"}, id="development",
    ),
    pytest.param(
        "admin:publicity_developmentreport_import_template", DevelopmentReportResource,
        DevelopmentReport, set(), {"公民身份号码"}, id="reports",
    ),
    pytest.param(
        "admin:publicity_caseassessment_import_template", CaseAssessmentResource, CaseAssessment,
        {"考察结论"}, {"公民身份号码"}, id="assessments",
    ),
    pytest.param(
        "admin:members_dutypost_import_template", DutyPostResource, DutyPost, set(),
        {"公民身份号码"}, id="duty_posts",
    ),
    pytest.param(
        "admin:members_household_import_template", HouseholdResource, Household, set(),
        {"公民身份号码", "联系电话"}, id="households",
    ),
    pytest.param(
        "admin:members_visit_import_template", VisitResource, Visit, {"情形"}, {"公民身份号码"},
        id="visits",
    ),
    pytest.param(
        "admin:members_memberdeed_import_template", MemberDeedResource, MemberDeed, {"社区"},
        {"公民身份号码", "社区"}, id="member_deeds",
    ),
    pytest.param(
        "admin:members_unitdeed_import_template", UnitDeedResource, UnitDeed, {"社区"}, {"社区"},
        id="unit_deeds",
    ),
]  # fmt: skip


def _template(client: Any, user: Any, url: str) -> bytes:
    client.force_login(user)
    response = client.get(reverse(url))
    assert response.status_code == 200
    return bytes(response.content)


def _letters(sheet: Any) -> dict[str, str]:
    return {cell.value: cell.column_letter for cell in sheet[1]}


@pytest.mark.parametrize(("url", "resource", "model", "enumerated", "text"), TEMPLATES)
def test_template_has_example_instructions_dropdowns_and_text_columns(
    client: Any, tree: Any, secretary_a: Any, url: str, resource: Any, model: Any,
    enumerated: set[str], text: set[str],
) -> None:  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(_template(client, secretary_a, url)))
    sheet = book.worksheets[0]
    assert book.active.title == sheet.title == resource.title  # the sheet that is imported
    assert [c.value for c in sheet[1]] == list(resource.HEADERS)
    example = [c.value for c in sheet[2]]
    assert example[0].startswith(EXAMPLE_MARK)
    assert len([v for v in example if v]) >= len(resource.HEADERS) // 2  # a realistic row
    assert sheet.cell(row=2, column=1).font.i  # marked: grey italic

    letters = _letters(sheet)
    lists = {
        str(cell_range).split(":")[0].rstrip("0123456789"): rule
        for rule in sheet.data_validations.dataValidation
        for cell_range in rule.sqref.ranges
    }
    assert {h for h, letter in letters.items() if letter in lists} == enumerated
    for header in text:
        assert sheet.column_dimensions[letters[header]].number_format == "@", header
        assert sheet[f"{letters[header]}2"].number_format == "@", header

    instructions = book[INSTRUCTIONS_TITLE]
    rows = {row[0]: row for row in instructions.iter_rows(values_only=True) if row[0]}
    for header in resource.HEADERS:
        assert rows[header][1] in ("必填", "选填"), header


def test_roster_dropdowns_offer_the_choices_and_the_users_branches(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    book = openpyxl.load_workbook(
        io.BytesIO(_template(client, secretary_a, "admin:members_member_import_template"))
    )
    sheet = book.worksheets[0]
    rules = {
        next(iter(rule.sqref.ranges)).coord.split(":")[0]: rule
        for rule in sheet.data_validations.dataValidation
    }
    assert rules["B2"].formula1 == '"男,女"'
    assert rules["G2"].formula1 == '"预备党员,正式党员"'
    assert rules["G2"].showErrorMessage  # another status is refused while typing
    assert not rules["K2"].showErrorMessage  # 在职、流动: several categories may be typed
    organizations = list(book["可填党组织"].iter_rows(min_row=2, values_only=True))
    # Only where a member may be held (no community, no group), and only the user's own.
    assert organizations == [("SD-A-1", "甲社区第一党支部", "党支部")]
    instructions = {r[0]: r for r in book[INSTRUCTIONS_TITLE].iter_rows(values_only=True)}
    assert "组织代码" in instructions["所在党组织"][2]
    assert "名称" in instructions["所在党组织"][2]
    assert "重名" in instructions["所在党组织"][5]


@pytest.mark.parametrize(("url", "resource", "model", "enumerated", "text"), TEMPLATES)
def test_untouched_template_imports_nothing_and_says_so(
    client: Any, tree: Any, secretary_a: Any, url: str, resource: Any, model: Any,
    enumerated: set[str], text: set[str],
) -> None:  # fmt: skip
    before = model.objects.count()
    dataset = SafeXLSX().create_dataset(_template(client, secretary_a, url))
    importer = resource(user=secretary_a)
    result = importer.import_data(dataset, dry_run=False)
    assert importer.error_lines(result) == [ONLY_EXAMPLE]
    assert model.objects.count() == before


def test_untouched_roster_template_uploaded_in_the_admin_says_only_the_example(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    data = _template(client, secretary_a, "admin:members_member_import_template")
    response = client.post(
        reverse("admin:members_member_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("t.xlsx", data)},
    )
    page = response.content.decode()
    assert "只有模板的示例行" in page
    assert "没有导入任何数据" in page
    assert "confirm_form" not in response.context
    assert not Member.objects.exists()


def _filled_template(data: bytes, rows: list[dict[str, Any]], *, keep_example: bool) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    if not keep_example:  # the example overwritten: its mark taken off
        sheet["A2"] = sheet["A2"].value.removeprefix(EXAMPLE_MARK)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    book.active = 1  # saved with the instructions open: the data sheet is still the one read
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import_roster(data: bytes, user: Any) -> tuple[Any, MemberRosterResource, list[str]]:
    resource = MemberRosterResource(user=user)
    result = resource.import_data(SafeXLSX().create_dataset(data), dry_run=False)
    return result, resource, resource.error_lines(result)


def test_rows_below_the_example_are_imported_and_the_example_is_not(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    from tests.members.test_import_export import roster_row

    data = _template(client, secretary_a, "admin:members_member_import_template")
    result, resource, errors = _import_roster(
        _filled_template(data, [roster_row(1)], keep_example=True), secretary_a
    )
    assert errors == []
    assert list(Member.objects.values_list("name", flat=True)) == ["张1"]
    assert resource.summary(result) == "新增 1 人，更新 0 人，未变 0 人，第2行为模板示例行，未导入"


def test_the_example_row_is_valid_data_once_its_mark_is_taken_off(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    data = _template(client, secretary_a, "admin:members_member_import_template")
    result, _, errors = _import_roster(_filled_template(data, [], keep_example=False), secretary_a)
    assert errors == []
    member = Member.objects.get()
    assert (member.name, member.branch, member.citizen_id) == (
        "张丽华", tree.branch_a, "110105198506120026"
    )  # fmt: skip


def _roster_file(rows: list[dict[str, Any]]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(list(ROSTER_HEADERS))
    for row in rows:
        book.active.append([row[h] for h in ROSTER_HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_organization_by_code_or_by_exact_name_imports_the_same_row(
    tree: Any, secretary_a: Any
) -> None:
    from tests.members.test_import_export import roster_row

    by_name = _roster_file([roster_row(1, 所在党组织="甲社区第一党支部")])
    result, _, errors = _import_roster(by_name, secretary_a)
    assert errors == []
    assert Member.objects.get().branch == tree.branch_a
    result, _, errors = _import_roster(_roster_file([roster_row(1)]), secretary_a)  # SD-A-1
    assert errors == []
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 1)


def test_a_name_two_organizations_share_asks_for_the_code(tree: Any, secretary_a: Any) -> None:
    from tests.members.test_import_export import roster_row

    OrganizationFactory(
        name="甲社区第一党支部", code="SD-A-9", kind=OrganizationKind.BRANCH,
        parent=tree.community_a,
    )  # fmt: skip
    data = _roster_file([roster_row(1, 所在党组织="甲社区第一党支部")])
    _, _, errors = _import_roster(data, secretary_a)
    assert errors == [
        "第2行: 所在党组织“甲社区第一党支部”有2个同名党组织（代码SD-A-1、SD-A-9），请改填组织代码"
    ]
    assert not Member.objects.exists()


def test_a_name_outside_the_scope_is_refused_like_an_unknown_one(
    tree: Any, secretary_a: Any
) -> None:
    from tests.members.test_import_export import roster_row

    outside = roster_row(1, 所在党组织="乙社区第一党支部")  # community B's: not secretary A's
    _, _, errors = _import_roster(_roster_file([outside]), secretary_a)
    assert errors == [
        "第2行: 所在党组织“乙社区第一党支部”不存在或不在您的管理范围内，"
        "请填写党支部的组织代码或完整名称"
    ]
    assert not Member.objects.exists()


def test_a_meeting_names_its_organization_by_name(tree: Any, secretary_a: Any) -> None:
    from activities.resources import LEDGER_HEADERS

    dataset = SafeXLSX().create_dataset(
        _sheet(LEDGER_HEADERS, [["甲社区第一党支部", "党课", "2026-01-05", "党课", 5, 4, 1]])
    )
    resource = MeetingLedgerResource(user=secretary_a)
    result = resource.import_data(dataset, dry_run=False)
    assert resource.error_lines(result) == []
    assert Meeting.objects.get().organization == tree.branch_a


def test_a_parent_organization_may_be_named_by_name(tree: Any, secretary_a: Any) -> None:
    from organizations.resources import ORGANIZATION_HEADERS

    rows = [["SD-A-2", "甲社区第二党支部", "党支部", "甲社区党委", "2020-07-01"]]
    resource = OrganizationResource(user=secretary_a)
    result = resource.import_data(
        SafeXLSX().create_dataset(_sheet(ORGANIZATION_HEADERS, rows)), dry_run=False
    )
    assert resource.error_lines(result) == []
    assert Organization.objects.get(code="SD-A-2").parent == tree.community_a


def _sheet(headers: Any, rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(list(headers))
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_exported_sheet_keeps_what_is_typed_into_it_as_text() -> None:
    """An export edited and imported back: a new 18-digit ID typed into it stays text."""
    import tablib

    dataset = tablib.Dataset(["张丽华", "110105198506120026"], headers=["姓名", "公民身份号码"])
    sheet = openpyxl.load_workbook(io.BytesIO(SafeXLSX().export_data(dataset))).active
    assert sheet.column_dimensions["B"].number_format == "@"
    assert sheet["B2"].value == "110105198506120026"
