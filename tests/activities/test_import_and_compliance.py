"""会议台账 import (DOMAIN.md format) and the 会议落实情况 selector, export and command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from activities.models import Meeting, MeetingSource
from activities.resources import LEDGER_HEADERS
from activities.rules import MeetingKind as K
from activities.rules import Status
from activities.selectors.compliance import HEADERS, compliance_list, compliance_rows
from kit.imports import read_spreadsheet
from organizations.models import Organization
from organizations.rules import OrganizationKind
from tests.activities.factories import MeetingFactory
from tests.members.factories import MemberFactory
from tests.organizations.factories import JointCommitteeFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def write(path: Path, rows: list[list[Any]], headers=LEDGER_HEADERS) -> Path:
    book = openpyxl.Workbook()
    book.active.append(list(headers))
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


LEDGER = [
    ["SD-A-1", "支部党员大会", "2026-01-15", "第一季度党员大会", 20, 15, 3],
    ["SD-A-1", "支部委员会", "2026-01-05", "1月支委会", 5, 2, 1],  # not more than half
    ["SD-A-1-1", "党小组会", "2026-01-10", "1月党小组学习", 8, 5, 0],
    ["SD-A-1", "党课", "2026-02-20", "专题党课", 20, 10, 2],  # exactly half: not held
]


def test_headers_are_the_contract_in_order() -> None:
    assert (
        ", ".join(LEDGER_HEADERS)
        == "党组织代码, 会议类型, 召开日期, 主题, 应到人数, 实到人数, 请假人数"
    )
    assert ", ".join(HEADERS) == "党组织代码, 党组织名称, 会议类型, 期间, 要求次数, 有效次数, 状态"


def test_import_keeps_under_quorum_meetings_marked_not_held(tree, tmp_path, capsys) -> None:
    call_command("import_meetings", str(write(tmp_path / "l.xlsx", LEDGER)))
    assert (
        capsys.readouterr().out.strip() == "导入完成：新增 4 次会议，更新 0 次会议，未变 0 次会议。"
    )
    held = dict(Meeting.objects.values_list("topic", "is_quorate"))
    assert held == {
        "第一季度党员大会": True,
        "1月支委会": False,
        "1月党小组学习": True,
        "专题党课": False,
    }
    meeting = Meeting.objects.get(topic="第一季度党员大会")
    assert (meeting.expected_count, meeting.present_count, meeting.leave_count) == (20, 15, 3)
    assert meeting.source == MeetingSource.IMPORTED


def test_reimporting_the_same_file_changes_nothing(tree, tmp_path, capsys) -> None:
    path = write(tmp_path / "l.xlsx", LEDGER)
    call_command("import_meetings", str(path))
    before = list(Meeting.objects.order_by("pk").values())
    call_command("import_meetings", str(path))
    assert capsys.readouterr().out.strip().endswith("新增 0 次会议，更新 0 次会议，未变 4 次会议。")
    assert list(Meeting.objects.order_by("pk").values()) == before


def test_a_big_committee_meeting_imports_with_its_four_fifths(tree, tmp_path) -> None:
    JointCommitteeFactory(community=tree.community_a, kind="big_committee")
    rows = [
        ["SD-A", "大党委会议", "2026-03-25", "一季度", 9, 7, 2],
        ["SD-A", "大党委会议", "2026-06-25", "二季度", 5, 4, 0],
    ]
    call_command("import_meetings", str(write(tmp_path / "l.xlsx", rows)))
    assert dict(Meeting.objects.values_list("topic", "is_quorate")) == {
        "一季度": False,
        "二季度": True,
    }


def test_bad_rows_are_listed_by_row_and_nothing_is_written(tree, tmp_path, capsys) -> None:
    rows = [
        LEDGER[0],
        ["SD-A-1", "支部委员会", "2026-01-05", "支委会", 5, 4, 2],
        ["NOPE", "党课", "2026-02-20", "党课", 20, 10, 2],
        ["SD-A-1", "茶话会", "2026/02/20", "x", 20, 10, 2],
        ["SD-A-1", "党小组会", "2026-02-20", "组会", 8, 4, 0],
        ["SD-A", "联席会", "2026-03-20", "联席会", 8, "四", 0],
    ]
    with pytest.raises(CommandError, match="没有导入任何数据"):
        call_command("import_meetings", str(write(tmp_path / "bad.xlsx", rows)))
    errors = capsys.readouterr().err
    assert "第3行: 实到人数与请假人数之和（6）超过了应到人数（5）" in errors
    assert (
        "第4行: 党组织代码“NOPE”不存在或不在您的管理范围内，请填写党组织的组织代码或完整名称"
        in errors
    )
    assert "第5行: 会议类型“茶话会”无效" in errors
    assert "召开日期“2026/02/20”格式错误" in errors
    assert "第6行: 党组织代码：党小组会由党小组召开，请选择相应的党组织" in errors
    assert "第7行: 实到人数“四”应为不小于0的整数" in errors
    assert not Meeting.objects.exists()


def test_a_secretary_imports_only_their_communitys_meetings(tree, secretary_b, tmp_path) -> None:
    with pytest.raises(CommandError):
        call_command("import_meetings", str(write(tmp_path / "l.xlsx", LEDGER)), user="secretary_b")
    assert not Meeting.objects.exists()


def test_admin_import_previews_then_writes(client, tree, secretary_a, tmp_path) -> None:
    data = write(tmp_path / "l.xlsx", LEDGER[:1]).read_bytes()
    client.force_login(secretary_a)
    url = reverse("admin:activities_meeting_import")
    preview = client.post(
        url, {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("l.xlsx", data)}
    )
    assert "confirm_form" in preview.context
    assert not Meeting.objects.exists()
    client.post(
        reverse("admin:activities_meeting_process_import"), preview.context["confirm_form"].initial
    )
    assert Meeting.objects.get().topic == "第一季度党员大会"


def test_export_imports_back_unchanged(tree, tmp_path, capsys) -> None:
    call_command("import_meetings", str(write(tmp_path / "l.xlsx", LEDGER)))
    from activities.resources import MeetingLedgerResource

    dataset = MeetingLedgerResource().export()
    assert list(dataset.headers) == list(LEDGER_HEADERS)
    path = tmp_path / "back.xlsx"
    path.write_bytes(dataset.export("xlsx"))
    call_command("import_meetings", str(path))
    assert capsys.readouterr().out.strip().endswith("未变 4 次会议。")


# --- compliance ----------------------------------------------------------------------------------
def _rows(as_of: dt.date, organizations=None):
    organizations = organizations or Organization.objects.all()
    return compliance_rows(compliance_list(organizations, 2026, as_of))


def _status(rows, code, kind, period):
    (row,) = [r for r in rows if r.code == code and r.kind == kind and r.period.label == period]
    return row.status


@pytest.fixture
def rosters(tree):
    """A member in each branch and group of the tree: an empty one owes no meetings."""
    MemberFactory(branch=tree.branch_a, group=tree.group_a)
    MemberFactory(branch=tree.branch_b, group=tree.group_b)


def test_compliance_counts_only_meetings_held_with_their_quorum(tree, rosters) -> None:
    MeetingFactory(organization=tree.branch_a, kind=K.THEME_DAY, held_on=dt.date(2026, 1, 3))
    MeetingFactory(
        organization=tree.branch_a, kind=K.THEME_DAY, held_on=dt.date(2026, 2, 7), is_quorate=False
    )
    rows = _rows(dt.date(2026, 3, 15))
    assert _status(rows, "SD-A-1", K.THEME_DAY, "2026-01") == Status.DONE
    assert _status(rows, "SD-A-1", K.THEME_DAY, "2026-02") == Status.OVERDUE
    assert _status(rows, "SD-A-1", K.THEME_DAY, "2026-03") == Status.IN_PROGRESS
    assert not [r for r in rows if r.period.label == "2026-04"]  # not begun by the as-of date
    assert _status(rows, "SD-A-1", K.GENERAL_MEETING, "2026Q1") == Status.IN_PROGRESS
    assert _status(rows, "SD-A-1", K.ORGANIZATIONAL_LIFE, "2026") == Status.IN_PROGRESS
    assert _status(rows, "SD-A-1-1", K.GROUP_MEETING, "2026-02") == Status.OVERDUE


def test_a_branch_owes_committee_meetings_from_seven_full_members(tree) -> None:
    for _ in range(6):
        MemberFactory(branch=tree.branch_a)
    kinds = {r.kind for r in _rows(dt.date(2026, 2, 1)) if r.code == "SD-A-1"}
    assert K.COMMITTEE_MEETING not in kinds
    MemberFactory(branch=tree.branch_a)
    rows = _rows(dt.date(2026, 2, 1))
    assert _status(rows, "SD-A-1", K.COMMITTEE_MEETING, "2026-01") == Status.OVERDUE


def test_a_community_owes_joint_meetings_only_with_that_committee(tree) -> None:
    JointCommitteeFactory(community=tree.community_a, kind="big_committee")
    rows = _rows(dt.date(2026, 4, 1))
    assert _status(rows, "SD-A", K.BIG_COMMITTEE_MEETING, "2026Q1") == Status.OVERDUE
    assert not [r for r in rows if r.code == "SD-A" and r.kind == K.JOINT_MEETING]
    joint_kinds = {K.JOINT_MEETING, K.BIG_COMMITTEE_MEETING}
    assert not [r for r in rows if r.code == "SD-B" and r.kind in joint_kinds]


def test_attendance_rates_include_imported_meetings(tree) -> None:
    MeetingFactory(
        organization=tree.branch_a, held_on=dt.date(2026, 1, 3), expected_count=10,
        present_count=7, source=MeetingSource.IMPORTED,
    )  # fmt: skip
    (entry,) = [
        e
        for e in compliance_list(Organization.objects.all(), 2026, dt.date(2026, 3, 1))
        if e.organization.code == "SD-A-1"
    ]
    assert entry.attendance_rate == 70
    assert entry.attendance_ok is False


def test_compliance_is_a_constant_number_of_queries(tree, django_assert_num_queries) -> None:
    def grow(n):
        for i in range(n):
            branch = OrganizationFactory(kind=OrganizationKind.BRANCH, parent=tree.community_a)
            OrganizationFactory(kind=OrganizationKind.GROUP, parent=branch)
            MemberFactory(branch=branch)
            MeetingFactory(
                organization=branch, kind=K.THEME_DAY, held_on=dt.date(2026, 1, 3 + i % 20)
            )

    grow(2)
    with django_assert_num_queries(8) as few:
        _rows(dt.date(2026, 6, 30))
    grow(20)
    with django_assert_num_queries(len(few.captured_queries)):
        rows = _rows(dt.date(2026, 6, 30))
    assert len({r.code for r in rows}) > 20


@pytest.mark.parametrize("branches", [10, 40])
def test_compliance_names_a_page_of_organizations_by_id(
    tree, branches, monkeypatch, django_assert_num_queries
) -> None:
    """A page's organizations are named by id in each query, a whole scope's are a subquery
    (IDS_NAMED, here 50: the tree's and 10 branches with their groups are fewer, 40 more): the
    same rows and the same number of queries either way."""
    from activities.selectors import compliance

    for i in range(branches):
        branch = OrganizationFactory(kind=OrganizationKind.BRANCH, parent=tree.community_a)
        OrganizationFactory(kind=OrganizationKind.GROUP, parent=branch)
        MemberFactory(branch=branch)
        MeetingFactory(organization=branch, kind=K.THEME_DAY, held_on=dt.date(2026, 1, 3 + i % 20))
    as_of = dt.date(2026, 6, 30)
    monkeypatch.setattr(compliance, "IDS_NAMED", 50)
    with django_assert_num_queries(8) as captured:
        rows = _rows(as_of)
    named = [
        q["sql"] for q in captured.captured_queries if "organizations_jointcommittee" in q["sql"]
    ]
    assert ("SELECT U0" in named[0]) is (branches == 40)  # a subquery past IDS_NAMED
    monkeypatch.setattr(compliance, "IDS_NAMED", 10_000)
    assert _rows(as_of) == rows
    assert len({r.code for r in rows}) > branches


def test_compliance_command_writes_the_export_for_every_organization(
    tree, rosters, tmp_path, capsys
) -> None:
    MeetingFactory(organization=tree.branch_a, kind=K.THEME_DAY, held_on=dt.date(2026, 1, 3))
    path = tmp_path / "c.xlsx"
    call_command("compliance", "2026", str(path), "--as-of", "2026-02-15")
    assert "导出完成：2026年会议落实情况" in capsys.readouterr().out
    dataset = read_spreadsheet(path)
    assert list(dataset.headers) == list(HEADERS)
    rows = [tuple(r) for r in dataset]
    assert ("SD-A-1", "甲社区第一党支部", "主题党日", "2026-01", 1, 1, "已完成") in rows
    assert ("SD-A-1", "甲社区第一党支部", "主题党日", "2026-02", 1, 0, "进行中") in rows
    assert ("SD-B-1-1", "乙社区第一党小组", "党小组会", "2026-01", 1, 0, "逾期") in rows
    assert ("SD-A-1", "甲社区第一党支部", "支部党员大会", "2026Q1", 1, 0, "进行中") in rows


def test_compliance_command_refuses_a_bad_date(tmp_path, db) -> None:
    with pytest.raises(CommandError, match="统计日"):
        call_command("compliance", "2026", str(tmp_path / "c.xlsx"), "--as-of", "2026-13-01")
