"""The development registers through spreadsheets (issue 24 point 3): 思想汇报 and 培养考察 of the
cases the importing user sees, each row by the register's service (a period the case does not owe
is refused as on the case page); a row outside the scope or a bad row is refused with its line and
a Chinese reason and nothing of the file is written; the same file again changes nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
import tablib

from publicity.models import CaseAssessment, DevelopmentCase, DevelopmentReport
from publicity.resources_registers import CaseAssessmentResource, DevelopmentReportResource
from tests.members.factories import MemberFactory
from tests.publicity.factories import DevelopmentCaseFactory
from tests.publicity.test_registers import reach

D = dt.date


def run(resource_class: Any, rows: list[dict[str, str]], user: Any) -> tuple[list[str], str]:
    resource = resource_class(user=user)
    data = tablib.Dataset(headers=list(resource.HEADERS))
    for values in rows:
        data.append([values.get(h, "") for h in resource.HEADERS])
    result = resource.import_data(data, dry_run=False)
    return resource.error_lines(result), resource.summary(result)


def _activist(tree: SimpleNamespace, name: str, branch: Any) -> DevelopmentCase:
    case = DevelopmentCaseFactory(
        name=name, branch=branch, residence_community=branch.parent, registers_from=D(2025, 1, 1)
    )
    return reach(case, {1: D(2024, 12, 1), 2: D(2024, 12, 5), 3: D(2025, 1, 5)})


@pytest.fixture
def cases(tree: SimpleNamespace) -> SimpleNamespace:
    MemberFactory(name="李明", branch=tree.branch_a, joined_on=D(1990, 7, 1))
    return SimpleNamespace(
        a=_activist(tree, "林晓雨", tree.branch_a), b=_activist(tree, "周子豪", tree.branch_b)
    )


def report_row(case: DevelopmentCase, **changes: str) -> dict[str, str]:
    return {"姓名": case.name, "公民身份号码": case.citizen_id, "季度": "2025Q1",
            "收到日期": "2025-03-20", "题目或摘要": "学习体会", "阅读人": "李明",
            "阅读日期": "2025-03-25", "评语": "认识较深刻"} | changes  # fmt: skip


def test_reports_import_with_their_due_dates_once(cases: SimpleNamespace, secretary_a: Any) -> None:
    rows = [
        report_row(cases.a),
        report_row(cases.a, 季度="2025q2", 收到日期="2025-07-16", 阅读日期="2025-07-20"),
    ]
    assert run(DevelopmentReportResource, rows, secretary_a) == (
        [],
        "新增 2 篇，更新 0 篇，未变 0 篇",
    )
    late = DevelopmentReport.objects.get(case=cases.a, period="2025Q2")
    assert (late.due_on, late.is_late, late.read_by.name) == (D(2025, 7, 15), True, "李明")
    assert run(DevelopmentReportResource, rows, secretary_a)[1] == "新增 0 篇，更新 0 篇，未变 2 篇"
    exported = DevelopmentReportResource(user=secretary_a).export()
    assert list(exported.headers) == list(DevelopmentReportResource.HEADERS)
    assert sorted(exported["季度"]) == ["2025Q1", "2025Q2"]


def test_a_case_outside_the_scope_refuses_the_file(
    cases: SimpleNamespace, secretary_a: Any
) -> None:
    rows = [report_row(cases.a), report_row(cases.b, 阅读人="", 阅读日期="", 评语="")]
    errors, _ = run(DevelopmentReportResource, rows, secretary_a)
    assert errors == ["第3行: 没有该公民身份号码的发展党员，或其不在您的管理范围内"]
    assert not DevelopmentReport.objects.exists()


def test_bad_rows_are_named_in_chinese_and_nothing_is_written(
    cases: SimpleNamespace, secretary_a: Any
) -> None:
    rows = [
        report_row(cases.a),
        report_row(cases.a, 季度="2024Q4", 收到日期="2024-12-20"),
        report_row(cases.a, 季度="2025Q5"),
        report_row(cases.a, 季度="2025Q3", 收到日期="2025-08-01", 阅读人="", 阅读日期=""),
    ]
    errors, _ = run(DevelopmentReportResource, rows, secretary_a)
    assert errors == [
        "第3行: 季度：2024Q4期末该同志尚未确定为入党积极分子，无需提交思想汇报",
        "第4行: 季度：期间“2025Q5”格式不对，应写作2026Q3",
        "第5行: 填写了阅读日期或评语，请选择阅读人",
    ]
    assert not DevelopmentReport.objects.exists()


def test_assessments_import_by_half_year(cases: SimpleNamespace, branch_officer_a: Any) -> None:
    row = {"姓名": "林晓雨", "公民身份号码": cases.a.citizen_id, "半年": "2025H1",
           "考察日期": "2025-07-10", "考察人": "李明", "考察结论": "好", "考察情况": "表现好"}  # fmt: skip
    assert run(CaseAssessmentResource, [row], branch_officer_a)[0] == []
    assessment = CaseAssessment.objects.get()
    assert (assessment.due_on, assessment.conclusion) == (D(2025, 7, 30), "good")
    errors, _ = run(CaseAssessmentResource, [row | {"考察结论": "优秀"}], branch_officer_a)
    assert errors == ["第2行: 考察结论“优秀”无效，应为好、较好、一般、差之一"]
    assert CaseAssessment.objects.get().conclusion == "good"
