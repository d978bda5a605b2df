"""The development registers as an officer uses them: a 思想汇报 filed on the case page (a quarter
the case does not owe is refused in the form), the 政审 page telling whether step 10 may be
recorded, the 工作台's overdue to-do opening the cases that owe, and the register's PDF."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from common.printables import print_url
from publicity import rules, services
from publicity.dashboard import publicity_panel
from publicity.models import DevelopmentCase, DevelopmentReport, PoliticalReview
from publicity.printables import CASE_REGISTER
from tests.publicity.factories import DevelopmentCaseFactory, voters
from tests.publicity.test_admin import _inline, _pdf_text
from tests.publicity.test_registers import reach

D = dt.date


@pytest.fixture
def activist(tree: SimpleNamespace) -> DevelopmentCase:
    case = DevelopmentCaseFactory(
        name="林晓雨", branch=tree.branch_a, residence_community=tree.community_a,
        registers_from=D(2024, 12, 1),
    )  # fmt: skip
    return reach(case, {1: D(2024, 12, 1), 2: D(2024, 12, 5), 3: D(2025, 4, 1)})


def _with_report(case: DevelopmentCase, period: str, received_on: dt.date) -> dict[str, str]:
    data = _inline(case, 0, D(2024, 1, 1))
    data.update({"steps-TOTAL_FORMS": "0", "reports-TOTAL_FORMS": "1",
                 "reports-0-period": period, "reports-0-received_on": f"{received_on:%Y-%m-%d}",
                 "reports-0-title": "学习体会", "reports-0-comment": ""})  # fmt: skip
    return data


def test_an_officer_files_a_report_on_the_case_page(
    client: Client, activist: DevelopmentCase, branch_officer_a: Any
) -> None:
    client.force_login(branch_officer_a)
    url = reverse("admin:publicity_developmentcase_change", args=[activist.pk])
    page = client.get(url).content.decode()
    assert "思想汇报（积极分子、发展对象每季度一篇" in page
    assert "思想汇报和考察台账（PDF）" in page
    refused = client.post(url, _with_report(activist, "2025Q1", D(2025, 4, 2)))
    assert refused.status_code == 200
    assert "2025Q1期末该同志尚未确定为入党积极分子" in refused.content.decode()
    response = client.post(url, _with_report(activist, "2025Q2", D(2025, 7, 16)))
    assert response.status_code == 302
    report = DevelopmentReport.objects.get(case=activist)
    assert (report.period, report.due_on, report.is_late) == ("2025Q2", D(2025, 7, 15), True)
    assert report.history.count() == 1


def test_the_review_page_says_whether_step_10_may_be_recorded(
    client: Client, activist: DevelopmentCase, secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    one = voters(activist.branch, 1)[0]
    data = {
        "case": str(activist.pk), "reviewed_on": "2025-03-15", "findings": "历史清白",
        "conclusion": "passed", "reviewers-TOTAL_FORMS": "1", "reviewers-INITIAL_FORMS": "0",
        "reviewers-MIN_NUM_FORMS": "0", "reviewers-MAX_NUM_FORMS": "1000",
        "reviewers-0-member": str(one.pk),
    }  # fmt: skip
    response = client.post(reverse("admin:publicity_politicalreview_add"), data)
    assert response.status_code == 302
    review = PoliticalReview.objects.get(case=activist)
    assert review.reviewers.get().member == one
    page = client.get(reverse("admin:publicity_politicalreview_change", args=[review.pk]))
    assert "尚不能记录：政治审查应由2名以上正式党员进行，现有1名" in page.content.decode()


def test_the_overdue_to_do_opens_the_cases_that_owe(
    client: Client, activist: DevelopmentCase, secretary_a: Any, secretary_b: Any
) -> None:
    request = RequestFactory().get("/admin/")
    request.user = secretary_a
    todos = {todo.label: todo for todo in publicity_panel(request).todos}
    today = timezone.localdate()
    owed = rules.reports_owed(services.register_dates(activist), today)
    assert todos["思想汇报逾期未交"].count == sum(o.due_on < today for o in owed) > 0
    halves = rules.assessments_owed(services.register_dates(activist), today)
    assert todos["培养考察逾期未做"].count == sum(o.due_on < today for o in halves) > 0
    client.force_login(secretary_a)
    listing = client.get(todos["思想汇报逾期未交"].url)
    assert [case.pk for case in listing.context["cl"].result_list] == [activist.pk]
    request.user = secretary_b
    todos = {todo.label: todo for todo in publicity_panel(request).todos}
    assert todos["思想汇报逾期未交"].count == 0


def test_the_register_prints(
    client: Client, activist: DevelopmentCase, branch_officer_a: Any, secretary_b: Any
) -> None:
    DevelopmentReport.objects.create(
        case=activist, period="2025Q2", kind="thought", received_on=D(2025, 6, 20),
        due_on=D(2025, 7, 15), title="学习体会",
    )  # fmt: skip
    client.force_login(branch_officer_a)
    text = _pdf_text(client.get(print_url(CASE_REGISTER, case=activist.pk)))
    assert "入党积极分子培养考察台账" in text
    assert "2025Q2" in text
    assert "未登记" in text  # 2025Q3 and later
    client.force_login(secretary_b)
    assert client.get(print_url(CASE_REGISTER, case=activist.pk)).status_code in (403, 404)
