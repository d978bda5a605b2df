"""A case's registers are kept in the system from its own day (issue 24 point 3's gap): a period
that ended before it is “系统启用前（纸质台账）”, neither done nor overdue, at the day's edges; a
case created here, one imported (the import day, or the file's date), the site's floor. And the
overdue counts computed by the database agree with publicity/rules.py's `_owed` on cases built at
their date edges, in one query whatever the number of cases."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from typing import Any

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.printables import print_url
from members.rules import Gender
from publicity import rules, services
from publicity.dashboard import publicity_panel
from publicity.models import CaseAssessment, DevelopmentCase, DevelopmentReport, DevelopmentStep
from publicity.printables import CASE_REGISTER
from publicity.resources import DEVELOPMENT_HEADERS, DevelopmentResource
from publicity.rules import RegisterDates, RegisterLimits
from publicity.selectors import case_register_list, register_overdue_totals
from tests.members.factories import MemberFactory, make_citizen_id
from tests.publicity.factories import DevelopmentCaseFactory
from tests.publicity.test_admin import _pdf_text
from tests.publicity.test_registers import reach

D = dt.date
LIM = RegisterLimits(report_grace_days=15, assessment_grace_days=30)
DAY = dt.timedelta(days=1)
ID_A = make_citizen_id(D(1995, 3, 8), Gender.FEMALE, 41)
ID_B = make_citizen_id(D(1996, 4, 9), Gender.MALE, 42)
ID_C = make_citizen_id(D(1997, 5, 10), Gender.MALE, 43)


def _paper(dates: RegisterDates, until: dt.date) -> dict[str, bool]:
    return {o.period.code: o.on_paper for o in rules.reports_owed(dates, until, LIM)}


# --- the rule at the edges of the case's day ------------------------------------------------------
@pytest.mark.parametrize(
    ("registers_from", "q1_on_paper"),
    [
        (D(2025, 3, 30), False),  # the quarter ends the day after: kept here
        (D(2025, 3, 31), False),  # ends on the day: kept here
        (D(2025, 4, 1), True),  # ended the day before: on paper
    ],
)
def test_a_quarter_ending_before_the_cases_day_is_on_paper(
    registers_from: dt.date, q1_on_paper: bool
) -> None:
    dates = RegisterDates(activist_on=D(2024, 11, 5), registers_from=registers_from)
    paper = _paper(dates, D(2025, 9, 30))
    assert paper["2025Q1"] is q1_on_paper
    assert paper["2024Q4"] is True
    assert paper["2025Q2"] is False
    owed = rules.reports_owed(dates, D(2025, 9, 30), LIM)
    overdue = rules.overdue_count(owed, set(), D(2025, 12, 1))
    assert overdue == (2 if q1_on_paper else 3)  # neither done nor overdue: not counted


def test_a_case_in_the_system_from_day_one_owes_every_period() -> None:
    dates = RegisterDates(activist_on=D(2025, 2, 1), registers_from=D(2024, 12, 20))
    assert not any(_paper(dates, D(2025, 12, 31)).values())
    halves = rules.assessments_owed(dates, D(2025, 12, 31), LIM)
    assert [(o.period.code, o.on_paper) for o in halves] == [("2025H1", False), ("2025H2", False)]


def test_the_sites_floor_still_applies_after_the_cases_day() -> None:
    dates = RegisterDates(activist_on=D(2024, 2, 1), registers_from=D(2024, 3, 1))
    floor = RegisterLimits(15, 30, registers_from=D(2024, 7, 1))
    owed = rules.reports_owed(dates, D(2024, 12, 31), floor)
    assert [o.period.code for o in owed if o.on_paper] == ["2024Q1", "2024Q2"]


def test_a_report_recorded_for_a_period_on_paper_shows_as_done(tree: SimpleNamespace) -> None:
    case = DevelopmentCaseFactory(
        branch=tree.branch_a, residence_community=tree.community_a, registers_from=D(2025, 7, 1)
    )
    reach(case, {1: D(2024, 12, 1), 2: D(2024, 12, 5), 3: D(2025, 1, 5)})
    services.development_report_save(
        report=DevelopmentReport(case=case, period="2025Q1", received_on=D(2025, 3, 20)),
        actor=None,
    )
    register = case_register_list(DevelopmentCase.objects.filter(pk=case.pk), D(2025, 12, 1))[0]
    lines = {line.owed.period.code: line for line in register.reports}
    assert lines["2025Q1"].entry is not None
    assert not lines["2025Q1"].on_paper
    assert lines["2025Q2"].on_paper
    assert not lines["2025Q2"].is_overdue(D(2025, 12, 1))
    assert lines["2025Q3"].is_overdue(D(2025, 12, 1))


# --- where the case's day comes from ----------------------------------------------------------------
def test_a_case_created_here_keeps_its_registers_from_that_day(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    case = services.development_case_save(
        case=DevelopmentCaseFactory.build(branch=tree.branch_a, registers_from=None),
        actor=secretary_a,
    )
    assert case.registers_from == timezone.localdate()
    case.registers_from = timezone.localdate() + DAY
    with pytest.raises(ValidationError, match="台账起始日期不能晚于建档当天"):
        services.development_case_save(case=case, actor=secretary_a)
    case.registers_from = D(2024, 1, 1)  # earlier: the secretary says so
    services.development_case_save(case=case, actor=secretary_a, update_fields=["registers_from"])
    assert DevelopmentCase.objects.get(pk=case.pk).registers_from == D(2024, 1, 1)


def _import(rows: list[dict[str, str]], user: Any, headers: tuple[str, ...]) -> list[str]:
    dataset = tablib.Dataset(headers=list(headers))
    for values in rows:
        dataset.append([values.get(h, "") for h in headers])
    resource = DevelopmentResource(user=user)
    return resource.error_lines(resource.import_data(dataset, dry_run=False))


def test_an_imported_case_keeps_its_registers_from_the_import_day_or_the_files(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    for name in ("王一", "王二"):
        MemberFactory(name=name, branch=tree.branch_a, joined_on=D(1990, 7, 1))
    base = {"所在党组织": "SD-A-1", "申请入党日期": "2023-12-01", "谈话日期": "2023-12-20",
            "确定积极分子日期": "2024-01-10", "培养联系人": "王一、王二"}  # fmt: skip
    plain = base | {"姓名": "李芳", "公民身份号码": ID_A}
    given = base | {"姓名": "王强", "公民身份号码": ID_B, "台账起始日期": "2024-01-10"}
    headers = (*DEVELOPMENT_HEADERS, "台账起始日期")
    assert _import([plain, given], secretary_a, headers) == []
    today = timezone.localdate()
    imported = DevelopmentCase.objects.get(name="李芳")
    assert imported.registers_from == today
    owed = rules.reports_owed(services.register_dates(imported), today)
    assert len(owed) > 4
    assert all(o.on_paper for o in owed)  # every quarter so far ended before the import day
    assert DevelopmentCase.objects.get(name="王强").registers_from == D(2024, 1, 10)
    request = RequestFactory().get("/admin/")
    request.user = secretary_a
    todos = {todo.label: todo.count for todo in publicity_panel(request).todos}
    assert todos["思想汇报逾期未交"] == len(owed)  # 王强's; none of 李芳's paper quarters
    later = given | {"台账起始日期": f"{today + DAY:%Y-%m-%d}", "公民身份号码": ID_C}
    errors = _import([later], secretary_a, headers)
    assert errors
    assert "台账起始日期不能晚于建档当天" in errors[0]
    assert errors[0].startswith("第2行")


def test_the_register_prints_the_paper_periods_as_such(
    client: Client, tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    case = DevelopmentCaseFactory(
        branch=tree.branch_a, residence_community=tree.community_a, registers_from=D(2025, 7, 1)
    )
    reach(case, {1: D(2024, 12, 1), 2: D(2024, 12, 5), 3: D(2025, 1, 5)})
    client.force_login(branch_officer_a)
    text = _pdf_text(client.get(print_url(CASE_REGISTER, case=case.pk)))
    assert "系统启用前（纸质台账）" in text
    assert "未登记" in text  # 2025Q3 and later are kept here


# --- the database's count is the rule's ------------------------------------------------------------
QUARTER_EDGES = (D(2024, 3, 30), D(2024, 3, 31), D(2024, 4, 1), D(2024, 6, 30), D(2024, 7, 1))


def _case_at(tree: SimpleNamespace, serial: int, spec: dict[str, Any]) -> DevelopmentCase:
    case = DevelopmentCaseFactory(
        branch=tree.branch_a, residence_community=tree.community_a,
        registers_from=spec["registers_from"], deferred_on=spec.get("deferred_on"),
        stage=rules.Stage.ACTIVIST,
    )  # fmt: skip
    steps = {rules.ACTIVIST: spec["activist_on"]}
    if spec.get("probationary_on"):
        steps[rules.APPROVAL] = spec["probationary_on"]
    DevelopmentStep.objects.bulk_create(
        DevelopmentStep(case=case, number=n, date=on) for n, on in steps.items()
    )
    for code in spec.get("reports", ()):
        DevelopmentReport.objects.create(case=case, period=code, received_on=spec["activist_on"])
    for code in spec.get("assessments", ()):
        CaseAssessment.objects.create(
            case=case, period=code, assessed_on=spec["activist_on"], assessor="支部",
            conclusion=rules.AssessmentConclusion.GOOD,
        )  # fmt: skip
    return case


def _specs() -> list[dict[str, Any]]:
    """Cases at the edges: step 3 and the case's day around a quarter's and a half year's end,
    a 预备党员 or a deferral on, before and after a period's last day, entries recorded for a
    period kept here and for one on paper."""
    specs = []
    for activist_on, kept in itertools.product(QUARTER_EDGES, QUARTER_EDGES):
        specs.append({"activist_on": activist_on, "registers_from": kept})
    for stop in (D(2024, 9, 29), D(2024, 9, 30), D(2024, 10, 1)):
        base = {"activist_on": D(2024, 1, 10), "registers_from": D(2024, 1, 1)}
        specs.append(base | {"probationary_on": stop})
        specs.append(base | {"deferred_on": stop})
    specs.append({"activist_on": D(2024, 1, 10), "registers_from": D(2024, 5, 1),
                  "reports": ("2024Q1", "2024Q2", "2024Q4"), "assessments": ("2024H1",)})  # fmt: skip
    specs.append({"activist_on": D(2023, 12, 31), "registers_from": D(2023, 1, 1),
                  "reports": ("2023Q4", "2024Q3"), "assessments": ("2023H2", "2024H2")})  # fmt: skip
    return specs


def _python_counts(case: DevelopmentCase, today: dt.date) -> tuple[int, int]:
    dates = services.register_dates(case)
    reports = set(case.reports.values_list("period", flat=True))
    assessments = set(case.assessments.values_list("period", flat=True))
    return (
        rules.overdue_count(rules.reports_owed(dates, today), reports, today),
        rules.overdue_count(rules.assessments_owed(dates, today), assessments, today),
    )


@pytest.mark.parametrize("floor", [None, D(2024, 4, 1)])
def test_the_databases_counts_are_the_rules(
    tree: SimpleNamespace, settings: Any, floor: dt.date | None
) -> None:
    settings.PUBLICITY_REGISTERS_FROM = floor
    cases = [_case_at(tree, n, spec) for n, spec in enumerate(_specs())]
    # Each day around a due date: the due date itself (on time) and the day after (overdue).
    grace = rules.register_limits().report_grace_days
    days = [D(2024, 9, 30) + dt.timedelta(days=grace + d) for d in (0, 1)]
    days += [D(2024, 12, 31) + dt.timedelta(days=30 + d) for d in (0, 1)] + [D(2025, 8, 20)]
    for today in days:
        counted = {
            pk: (reports, assessments)
            for pk, reports, assessments in DevelopmentCase.objects.with_register_overdue(
                today
            ).values_list("pk", "reports_overdue", "assessments_overdue")
        }
        expected = {case.pk: _python_counts(case, today) for case in cases}
        assert counted == expected, today
    assert any(sum(c) for c in counted.values())


def _listing_queries(client: Client, url: str, number: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert page.count("⚠ 思想汇报") == number  # every case owes: its column says how many
    return len(queries)


def test_the_to_dos_and_the_case_list_count_in_a_constant_number_of_queries(
    tree: SimpleNamespace, client: Client, secretary_a: Any, django_assert_num_queries: Any
) -> None:
    today = timezone.localdate()
    client.force_login(secretary_a)
    url = reverse("admin:publicity_developmentcase_changelist") + "?register=overdue"
    queries = {}
    for number in (10, 40):
        for n in range(DevelopmentCase.objects.count(), number):
            _case_at(tree, n, {"activist_on": today - dt.timedelta(days=200 + n),
                               "registers_from": today - dt.timedelta(days=300)})  # fmt: skip
        with django_assert_num_queries(1):
            reports, _ = register_overdue_totals(DevelopmentCase.objects.all(), today)
        assert reports >= 2 * number
        client.get(url)  # the session and the scope, cached
        queries[number] = _listing_queries(client, url, number)
    assert queries[10] == queries[40]
