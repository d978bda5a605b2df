"""发展党员 import (DOMAIN.md format): every time limit at its edge, row-numbered errors, nothing
written on a bad row, idempotent; an approved case makes a 预备党员 from the meeting's date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kit.imports import read_spreadsheet
from members.models import Member
from members.rules import Gender, MemberStatus
from publicity.models import DevelopmentCase, DevelopmentStep
from publicity.resources import DEVELOPMENT_HEADERS, DevelopmentResource
from tests.members.factories import MemberFactory, make_citizen_id

CONTRACT = (
    "姓名, 公民身份号码, 所在党组织, 申请入党日期, 谈话日期, 确定积极分子日期, 培养联系人, "
    "确定发展对象日期, 入党介绍人, 培训学时, 支部大会日期, 上级审批日期"
)
ID_A = make_citizen_id(dt.date(1995, 3, 8), Gender.FEMALE, 41)
ID_B = make_citizen_id(dt.date(1996, 4, 9), Gender.MALE, 42)


@pytest.fixture(autouse=True)
def named_members(tree: SimpleNamespace) -> None:
    """The cultivators and introducers the rows name: 正式党员 of the branch."""
    for name in ("王一", "王二", "张三", "李四"):
        MemberFactory(name=name, branch=tree.branch_a, joined_on=dt.date(1990, 7, 1))


def row(**changes: Any) -> list[Any]:
    base = {
        "姓名": "李芳", "公民身份号码": ID_A, "所在党组织": "SD-A-1", "申请入党日期": "2022-01-10",
        "谈话日期": "2022-02-10", "确定积极分子日期": "2022-04-01", "培养联系人": "王一、王二",
        "确定发展对象日期": "2023-04-01", "入党介绍人": "张三、李四", "培训学时": "24",
        "支部大会日期": "2023-07-01", "上级审批日期": "2023-10-01",
    }  # fmt: skip
    base.update(changes)
    return [base[h] for h in DEVELOPMENT_HEADERS]


def write(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(list(DEVELOPMENT_HEADERS))
    for values in rows:
        book.active.append(values)
    book.save(path)
    return path


def run(path: Path, user: Any = None) -> list[str]:
    resource = DevelopmentResource(user=user)
    result = resource.import_data(read_spreadsheet(path), dry_run=False)
    return resource.error_lines(result)


def test_the_headers_are_the_contract_in_order() -> None:
    assert ", ".join(DEVELOPMENT_HEADERS) == CONTRACT


def test_an_approved_case_makes_a_probationary_member_from_the_meeting(
    tree: SimpleNamespace, tmp_path: Path
) -> None:
    assert run(write(tmp_path / "d.xlsx", [row()])) == []
    case = DevelopmentCase.objects.get(citizen_id=ID_A)
    assert case.last_step == 17
    assert case.steps.get(number=5).people == "王一、王二"
    member = Member.objects.get(citizen_id=ID_A)
    assert member.status == MemberStatus.PROBATIONARY
    assert member.joined_on == dt.date(2023, 7, 1)
    assert member.gender == Gender.FEMALE
    assert member.birth_date == dt.date(1995, 3, 8)


def test_a_row_stops_at_the_step_its_case_reached(tree: SimpleNamespace, tmp_path: Path) -> None:
    partial = row(确定发展对象日期="", 入党介绍人="", 培训学时="", 支部大会日期="", 上级审批日期="")
    assert run(write(tmp_path / "d.xlsx", [partial])) == []
    case = DevelopmentCase.objects.get(citizen_id=ID_A)
    assert case.last_step == 5
    assert case.stage == "activist"
    assert not Member.objects.filter(citizen_id=ID_A).exists()


def test_reimporting_changes_nothing(tree: SimpleNamespace, tmp_path: Path) -> None:
    path = write(tmp_path / "d.xlsx", [row()])
    run(path)
    steps = list(DevelopmentStep.objects.values_list("pk", "number", "date"))
    out = _command(path)
    assert "新增 0 人，更新 0 人，未变 1 人" in out
    assert list(DevelopmentStep.objects.values_list("pk", "number", "date")) == steps


def test_a_later_file_continues_a_case(tree: SimpleNamespace, tmp_path: Path) -> None:
    run(write(tmp_path / "a.xlsx", [row(支部大会日期="", 上级审批日期="")]))
    assert run(write(tmp_path / "b.xlsx", [row()])) == []
    assert DevelopmentCase.objects.get(citizen_id=ID_A).last_step == 17


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"申请入党日期": "2013-03-07"}, "年满18周岁"),  # the day before the 18th birthday
        ({"谈话日期": "2022-02-11"}, "1个月内"),  # a day past one month
        ({"确定发展对象日期": "2023-03-31"}, "最早2023-04-01"),  # a day short of one year
        ({"培养联系人": "王一、王二、王三"}, "1至2名"),
        ({"入党介绍人": "张三"}, "2名正式党员作入党介绍人"),
        ({"培训学时": "23"}, "24个学时"),
        ({"上级审批日期": "2023-10-02"}, "3个月内审批"),  # a day past three months
        ({"谈话日期": "2022-01-09"}, "不能早于上一步"),
        ({"谈话日期": ""}, "已填写确定积极分子日期，但之前的谈话日期为空"),
        ({"所在党组织": "NOPE"}, "不存在或不在您的管理范围内"),
        ({"公民身份号码": ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")}, "校验"),
    ],
)
def test_a_row_that_breaks_a_rule_is_refused_naming_it(
    tree: SimpleNamespace, tmp_path: Path, changes: dict[str, str], message: str
) -> None:
    errors = run(write(tmp_path / "d.xlsx", [row(公民身份号码=ID_B), row(**changes)]))
    assert len(errors) == 1, errors
    assert errors[0].startswith("第3行: ")
    assert message in errors[0]
    assert not DevelopmentCase.objects.exists()  # not even the good row
    assert not Member.objects.filter(citizen_id=ID_A).exists()


def test_the_edges_themselves_pass(tree: SimpleNamespace, tmp_path: Path) -> None:
    edge = row(
        申请入党日期="2013-03-08",  # the 18th birthday
        谈话日期="2013-04-08",  # exactly one month
        确定积极分子日期="2013-05-01",
        确定发展对象日期="2014-05-01",  # exactly one year
        支部大会日期="2014-07-01",
        上级审批日期="2014-10-01",  # exactly three months
    )
    assert run(write(tmp_path / "d.xlsx", [edge])) == []


def test_another_communitys_branch_is_refused_for_a_secretary(
    tree: SimpleNamespace, tmp_path: Path, secretary_b: Any
) -> None:
    errors = run(write(tmp_path / "d.xlsx", [row()]), user=secretary_b)
    assert errors
    assert "不在您的管理范围内" in errors[0]


def _command(path: Path) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_development", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_prints_every_bad_row_and_writes_nothing(
    tree: SimpleNamespace, tmp_path: Path
) -> None:
    from io import StringIO

    path = write(
        tmp_path / "d.xlsx", [row(谈话日期="2022-03-01"), row(公民身份号码=ID_B, 入党介绍人="")]
    )
    err = StringIO()
    with pytest.raises(CommandError, match="没有导入任何数据"):
        call_command("import_development", str(path), stdout=StringIO(), stderr=err)
    assert "第2行" in err.getvalue()
    assert "第3行" in err.getvalue()
    assert not DevelopmentCase.objects.exists()


def test_the_export_reads_back_as_the_same_file(tree: SimpleNamespace, tmp_path: Path) -> None:
    run(write(tmp_path / "d.xlsx", [row()]))
    dataset = DevelopmentResource().export()
    assert list(dataset.headers) == [*DEVELOPMENT_HEADERS, "台账起始日期"]
    today = f"{timezone.localdate():%Y-%m-%d}"  # the import day: the registers kept from it
    assert list(dataset[0]) == [*(str(v) for v in row()), today]


def test_an_introducer_who_is_not_a_full_member_is_refused(
    tree: SimpleNamespace, tmp_path: Path
) -> None:
    MemberFactory(
        name="周预备", branch=tree.branch_a, status=MemberStatus.PROBATIONARY,
        joined_on=dt.date(2023, 1, 5), full_member_on=None,
    )  # fmt: skip
    errors = run(write(tmp_path / "d.xlsx", [row(入党介绍人="张三、周预备")]))
    assert errors == [
        "第2行: 入党介绍人“周预备”在2023-04-01不是正式党员：入党介绍人须由正式党员担任"
    ]
    errors = run(write(tmp_path / "e.xlsx", [row(入党介绍人="张三、查无此人")]))
    assert "入党介绍人“查无此人”不是登记的党员" in errors[0]
    assert not DevelopmentCase.objects.filter(citizen_id=ID_A).exists()


def test_an_introducer_of_another_organization_is_recorded_with_it(
    tree: SimpleNamespace, tmp_path: Path
) -> None:
    assert run(write(tmp_path / "d.xlsx", [row(入党介绍人="张三、赵外（市教育局机关党委）")])) == []
    case = DevelopmentCase.objects.get(citizen_id=ID_A)
    assert case.steps.get(number=9).people == "张三、赵外（市教育局机关党委）"


def test_the_branch_cannot_import_the_committees_approval(
    tree: SimpleNamespace, tmp_path: Path, branch_officer_a: Any, secretary_a: Any
) -> None:
    errors = run(write(tmp_path / "d.xlsx", [row()]), user=branch_officer_a)
    assert len(errors) == 1
    assert errors[0].startswith("第2行: 第13步“上级党委预审”应由审批的上级党委（甲社区党委）")
    assert not DevelopmentCase.objects.filter(citizen_id=ID_A).exists()
    assert run(write(tmp_path / "e.xlsx", [row()]), user=secretary_a) == []
