"""The daily-work registers through spreadsheets (issue 24 point 4): 无职党员设岗定责, 党员联系户,
谈心走访 and 在职党员实事 imported within the importing user's scope, each row by its service; a
row outside the scope or a bad row is refused with its line and a Chinese reason and nothing of
the file is written; importing the same file again changes nothing; the export reads back, with
the ID, address and phone masked for a user who sees them masked."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
import tablib
from django.core.management import CommandError, call_command

from members.models import DutyPost, Household, MemberDeed, UnitDeed, Visit
from members.resources_work import (
    DutyPostResource,
    HouseholdResource,
    MemberDeedResource,
    UnitDeedResource,
    VisitResource,
)
from tests.members.factories import MemberFactory, RegistrationFactory
from tests.members.factories_work import HouseholdFactory

D = dt.date


def dataset(resource: Any, rows: list[dict[str, str]]) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(resource.HEADERS))
    for values in rows:
        data.append([values.get(h, "") for h in resource.HEADERS])
    return data


def run(resource_class: Any, rows: list[dict[str, str]], user: Any) -> tuple[list[str], str]:
    resource = resource_class(user=user)
    result = resource.import_data(dataset(resource, rows), dry_run=False)
    return resource.error_lines(result), resource.summary(result)


@pytest.fixture
def people(tree: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(
        a=MemberFactory(name="张丽华", branch=tree.branch_a),
        other_a=MemberFactory(name="李明", branch=tree.branch_a),
        b=MemberFactory(name="王强", branch=tree.branch_b),
    )


def who(member: Any) -> dict[str, str]:
    return {"姓名": member.name, "公民身份号码": member.citizen_id}


def post_row(member: Any, **changes: str) -> dict[str, str]:
    return who(member) | {"岗位名称": "民事纠纷调解岗", "岗位职责": "调解邻里纠纷",
                          "上岗日期": "2025-03-01", "上岗证书编号": "CH-001"} | changes  # fmt: skip


def test_duty_posts_import_once_and_read_back(people: SimpleNamespace, secretary_a: Any) -> None:
    rows = [post_row(people.a), post_row(people.other_a, 岗位名称="治安防范巡逻岗")]
    assert run(DutyPostResource, rows, secretary_a) == (
        [],
        "新增 2 个岗位，更新 0 个岗位，未变 0 个岗位",
    )
    post = DutyPost.objects.get(member=people.a)
    assert (post.title, post.starts_on, post.history.count()) == (
        "民事纠纷调解岗",
        D(2025, 3, 1),
        1,
    )
    assert (
        run(DutyPostResource, rows, secretary_a)[1] == "新增 0 个岗位，更新 0 个岗位，未变 2 个岗位"
    )
    ended = [post_row(people.a, 离岗日期="2025-12-31")]
    assert run(DutyPostResource, ended, secretary_a)[1].startswith("新增 0 个岗位，更新 1 个岗位")
    exported = DutyPostResource(user=secretary_a).export()
    assert list(exported.headers) == list(DutyPostResource.HEADERS)
    assert people.a.citizen_id in exported["公民身份号码"]  # a secretary sees it whole


def test_a_row_outside_the_scope_refuses_the_whole_file(
    people: SimpleNamespace, secretary_a: Any
) -> None:
    errors, _ = run(DutyPostResource, [post_row(people.a), post_row(people.b)], secretary_a)
    assert errors == ["第3行: 没有该公民身份号码的党员，或其组织关系不在您的管理范围内"]
    assert not DutyPost.objects.exists()


def test_a_bad_row_is_named_in_chinese_and_nothing_is_written(
    people: SimpleNamespace, secretary_a: Any
) -> None:
    rows = [
        post_row(people.a),
        post_row(people.other_a, 上岗日期="2025/13/01"),
        post_row(people.other_a, 姓名="李敏", 岗位名称="环保卫生监督岗"),
        post_row(people.a, 岗位名称="文体活动岗", 离岗日期="2025-01-01"),
    ]
    errors, _ = run(DutyPostResource, rows, secretary_a)
    assert errors[0] == "第3行: 上岗日期“2025/13/01”格式错误，应为YYYY-MM-DD，如2020-07-01"
    assert errors[1] == "第4行: 姓名“李敏”与该公民身份号码登记的姓名“李明”不符"
    assert errors[2] == "第5行: 离岗日期不能早于上岗日期"
    assert not DutyPost.objects.exists()


def household_row(member: Any, **changes: str) -> dict[str, str]:
    return who(member) | {"户主姓名": "王秀英", "住址": "春晖小区3幢2单元501室",
                          "联系电话": "13800571234", "户情": "独居老人",
                          "联系起始日期": "2025-01-10"} | changes  # fmt: skip


def test_households_are_masked_in_the_export_and_read_back_unchanged(
    people: SimpleNamespace, branch_officer_a: Any
) -> None:
    assert run(HouseholdResource, [household_row(people.a)], branch_officer_a)[0] == []
    household = Household.objects.get()
    assert household.address == "春晖小区3幢2单元501室"
    exported = HouseholdResource(user=branch_officer_a).export()  # no personal data seen whole
    row = dict(zip(exported.headers, exported[0], strict=True))
    assert people.a.citizen_id not in row["公民身份号码"]
    assert row["住址"] != household.address
    assert row["联系电话"] != household.phone
    masked = household_row(people.a, 住址=row["住址"], 联系电话=row["联系电话"])
    assert run(HouseholdResource, [masked], branch_officer_a)[1].endswith("未变 1 户")
    household.refresh_from_db()
    assert (household.address, household.phone) == ("春晖小区3幢2单元501室", "13800571234")


def visit_row(member: Any, **changes: str) -> dict[str, str]:
    return who(member) | {"日期": "2025-05-12", "情形": "联系户定期走访", "联系户户主": "王秀英",
                          "谈话走访情况": "了解老人身体情况"} | changes  # fmt: skip


def test_visits_name_the_visitors_household_or_the_member_visited(
    people: SimpleNamespace, secretary_a: Any
) -> None:
    HouseholdFactory(member=people.a, head_name="王秀英", starts_on=D(2025, 1, 10))
    talk = visit_row(
        people.a, 情形="必访：本人或家属重病住院时", 联系户户主="", 谈话走访对象="李明"
    )
    rows = [visit_row(people.a), talk]
    assert run(VisitResource, rows, secretary_a) == ([], "新增 2 次，更新 0 次，未变 0 次")
    assert Visit.objects.filter(member=people.other_a, household=None).exists()
    assert run(VisitResource, rows, secretary_a)[1] == "新增 0 次，更新 0 次，未变 2 次"
    early = [visit_row(people.a, 日期="2025-01-09"), visit_row(people.other_a)]
    errors, _ = run(VisitResource, early, secretary_a)
    assert errors[0].startswith("第2行: ")
    assert "联系期间不含2025-01-09" in errors[0]
    assert errors[1] == "第3行: 联系户户主：李明没有户主为“王秀英”的联系户"
    assert Visit.objects.count() == 2


def deed_row(member: Any, **changes: str) -> dict[str, str]:
    return who(member) | {"社区": "SD-A", "日期": "2025-06-18", "实事": "为小区老人义诊",
                          "具体内容": "测血压", "受益对象": "老年居民"} | changes  # fmt: skip


def test_member_deeds_are_for_the_community_of_registration(
    tree: SimpleNamespace, people: SimpleNamespace, secretary_a: Any
) -> None:
    RegistrationFactory(
        member=people.a, community=tree.community_a, unit=tree.unit_a, registered_on=D(2025, 1, 1)
    )
    rows = [deed_row(people.a), deed_row(people.other_a)]
    errors, _ = run(MemberDeedResource, rows, secretary_a)
    assert errors == ["第3行: 李明2025-06-18未在甲社区党委报到登记"]
    assert not MemberDeed.objects.exists()
    assert run(MemberDeedResource, rows[:1], secretary_a)[0] == []
    errors, _ = run(MemberDeedResource, [deed_row(people.a, 社区="SD-B")], secretary_a)
    assert errors[0].startswith("第2行: 社区")
    assert MemberDeed.objects.count() == 1


def test_unit_deeds_name_a_unit_the_user_sees_and_the_command_says_every_bad_row(
    tree: SimpleNamespace, secretary_a: Any, tmp_path: Any
) -> None:
    row = {"社区": "SD-A", "驻区单位": "甲小学", "日期": "2025-06-18", "实事": "开放操场",
           "具体内容": "周末向居民开放", "受益对象": "居民"}  # fmt: skip
    assert run(UnitDeedResource, [row], secretary_a)[0] == []
    assert UnitDeed.objects.get().unit == tree.unit_a
    errors, _ = run(UnitDeedResource, [row | {"实事": "义诊"}, row | {"驻区单位": "丙公司"}],
                    secretary_a)  # fmt: skip
    assert errors == ["第3行: 驻区单位：您管理范围内没有名为“丙公司”的单位"]
    assert UnitDeed.objects.count() == 1
    path = tmp_path / "deeds.csv"
    data = tablib.Dataset(headers=list(UnitDeedResource.HEADERS))
    data.append([row["社区"], row["驻区单位"], "2025-13-01", "x", "", ""])
    path.write_text(data.export("csv"), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="驻区单位实事有1处错误，没有导入任何数据"):
        call_command("import_work_register", "unit_deeds", str(path), "--user", "secretary_a",
                     stderr=err)  # fmt: skip
    assert "第2行: 日期“2025-13-01”格式错误" in err.getvalue()
