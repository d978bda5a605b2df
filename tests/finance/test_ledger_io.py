"""The dues_ledger command and admin export (the 党费台账 contract), the payment import with its
row-numbered errors, the 公示 list for the public board, the plan PDF and the workbench panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
import tablib
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.dashboard import panel_list
from finance import selectors
from finance.dashboard import finance_panel
from finance.models import DuesPayment, FundApprover, FundBudget, SpendingItem, SpendingPlan
from finance.resources import DuesPaymentResource
from finance.rules import ChainStep, FundUse, PaymentMethod
from finance.services import dues as dues_services
from finance.services import funds as fund_services
from members.models import Member
from members.rules import MemberStatus
from organizations.roles import Role
from tests.members.factories import MemberFactory
from tests.printing import make

MARCH = dt.date(2026, 3, 1)


def _members(tree: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(
        worker=MemberFactory(name="张在职", branch=tree.branch_a, categories=["in_service"], monthly_income=D("10000.01")),
        student=MemberFactory(name="李学生", branch=tree.branch_a, categories=["student"]),
        newcomer=MemberFactory(
            name="王新", branch=tree.branch_b, categories=["retired"], monthly_income=D("5000"),
            status=MemberStatus.PROBATIONARY, joined_on=dt.date(2026, 5, 8), full_member_on=None,
        ),
    )  # fmt: skip


def _sheet(path: Path) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


def test_dues_ledger_command_writes_the_contract(tree: SimpleNamespace, tmp_path: Path) -> None:
    _members(tree)
    out = StringIO()
    call_command("dues_ledger", "2026-03", str(tmp_path / "l.xlsx"), stdout=out)
    rows = _sheet(tmp_path / "l.xlsx")
    assert rows[0] == (
        "姓名",
        "所在党组织",
        "党员状态",
        "人员类别",
        "月收入",
        "缴纳比例",
        "应缴金额",
        "备注",
    )
    assert rows[1:] == [  # by branch code, then name
        ("张在职", "SD-A-1", "正式党员", "在职", "10000.01", "2%", "200.00", None),
        ("李学生", "SD-A-1", "正式党员", "学生", None, "固定", "0.20", None),
        (
            "王新",
            "SD-B-1",
            "预备党员",
            "离退休",
            None,
            None,
            "0.00",
            "2026-05-08入党，本月尚不需交纳",
        ),
    ]
    assert "党费台账2026-03：3人，应缴合计200.20元" in out.getvalue()


def test_the_streamed_ledger_is_the_ledger_chunk_by_chunk(tree: SimpleNamespace) -> None:
    """Read in chunks (here of 2, across their edges) the rows are those of the whole ledger,
    in its order, from two queries whatever the number of chunks (the categories' list and the
    ledger's; on PostgreSQL in a transaction of its own, planned as STREAM_PLANNING says: the
    statements around them are no reads)."""
    _members(tree)
    MemberFactory(
        name="赵退休", branch=tree.branch_b, categories=["retired"], monthly_income=D("4000")
    )
    whole = selectors.dues_ledger(MARCH)
    with CaptureQueriesContext(connection) as captured:
        streamed = list(selectors.dues_ledger_stream(MARCH, chunk_size=2))
    around = ("SAVEPOINT", "RELEASE SAVEPOINT", *selectors.STREAM_PLANNING)
    assert len([q for q in captured if not q["sql"].startswith(around)]) == 2
    assert [(r.member_id, r.cells()) for r in streamed] == [(r.member_id, r.cells()) for r in whole]
    assert len(streamed) == 4


def test_dues_ledger_command_writes_the_csv_as_the_shared_format(
    tree: SimpleNamespace, tmp_path: Path
) -> None:
    """The streamed .csv is byte for byte what the shared safe format writes of the ledger."""
    from finance.resources import ledger_dataset
    from kit.imports import write_spreadsheet

    _members(tree)
    MemberFactory(name="=SUM(A1)", branch=tree.branch_a, categories=["student"])
    call_command("dues_ledger", "2026-03", str(tmp_path / "l.csv"), stdout=StringIO())
    write_spreadsheet(tmp_path / "d.csv", ledger_dataset(selectors.dues_ledger(MARCH), MARCH))
    assert (tmp_path / "l.csv").read_bytes() == (tmp_path / "d.csv").read_bytes()
    assert "'=SUM(A1)" in (tmp_path / "l.csv").read_text(encoding="utf-8-sig")


def test_dues_ledger_command_refuses_a_bad_month(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("dues_ledger", "2026-13", str(tmp_path / "l.xlsx"))


def test_admin_export_is_the_same_ledger_within_scope(
    tree: SimpleNamespace,
    client: Any,
    secretary_a: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from common.models import Document
    from common.printables import print_url

    _members(tree)
    client.force_login(secretary_a)
    url = print_url("dues_ledger", organization=tree.sub_district.pk, period="2026-03")
    assert client.get(f"{url}&format=xlsx").status_code == 404  # not the whole sub-district
    url = print_url("dues_ledger", organization=tree.community_a.pk, period="2026-03")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"{url}&format=xlsx")
    assert response.status_code == 302  # queued: downloaded from the documents' list
    document = Document.objects.get(kind="dues_ledger")
    assert document.file.name.endswith(".xlsx")
    download = client.get(reverse("admin:common_document_download", args=[document.token]))
    assert "党费台账-甲社区党委-2026-03.xlsx" in unquote(download["Content-Disposition"])
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"".join(download.streaming_content))
    names = [row[0] for row in _sheet(path)[1:]]
    assert names == ["张在职", "李学生"]  # not 王新 of community B


# --- payment import (the 党费交纳 contract) ----------------------------------------------------------
PAYMENT_HEADERS = ["公民身份号码", "姓名", "所属月份", "金额", "交纳日期"]


def _dataset(*rows: tuple[str, ...]) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=PAYMENT_HEADERS)


def test_payment_import_records_and_reimport_changes_nothing(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    people = _members(tree)
    w, s = people.worker, people.student
    data = _dataset(
        (w.citizen_id, w.name, "2026-03", "200.00", "2026-03-10"),
        (s.citizen_id, s.name, "2026-04", "0.20", "2026-03-12"),  # the next month, in advance
    )
    result = DuesPaymentResource(user=secretary_a).import_data(
        data, dry_run=False, raise_errors=False
    )
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert DuesPayment.objects.count() == 2
    assert DuesPayment.objects.get(member=s).period == dt.date(2026, 4, 1)
    again = DuesPaymentResource(user=secretary_a)
    result = again.import_data(data, dry_run=False, raise_errors=False)
    assert again.error_lines(result) == []
    assert DuesPayment.objects.count() == 2
    assert "未变 2 笔" in again.summary(result)


def test_payment_import_names_each_bad_row_and_writes_nothing(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    people = _members(tree)
    w, s, n = people.worker, people.student, people.newcomer
    data = _dataset(
        (w.citizen_id, w.name, "2026-03", "150.00", "2026-03-10"),
        (s.citizen_id, s.name, "2026-03", "0.20", "2026-01-31"),
        (s.citizen_id, "错名", "2026-03", "0.20", "2026-03-12"),
        (n.citizen_id, n.name, "2026-03", "25.00", "2026-03-12"),
        (s.citizen_id, s.name, "2026-05", "0.20", "2099-01-01"),
        (s.citizen_id, s.name, "2026/05", "0.20", "2026-05-02"),
    )
    resource = DuesPaymentResource(user=secretary_a)
    result = resource.import_data(data, dry_run=False, raise_errors=False)
    lines = resource.error_lines(result)
    assert "第2行: 金额150.00元与2026年3月核定的应缴金额200.00元不符" in lines
    assert any(line.startswith("第3行:") and "早于2026-02-01" in line for line in lines)
    assert any(
        line.startswith("第4行:") and "姓名“错名”与该公民身份号码登记的姓名“李学生”不符" in line
        for line in lines
    )
    assert any(line.startswith("第5行:") and "管理范围" in line for line in lines)
    assert any(line.startswith("第6行:") and "晚于今天" in line for line in lines)
    assert any(line.startswith("第7行:") and "YYYY-MM" in line for line in lines)
    assert DuesPayment.objects.count() == 0


def test_payment_import_refuses_a_member_whose_dues_cannot_be_computed(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    member = MemberFactory(branch=tree.branch_a, categories=["in_service"], monthly_income=None)
    resource = DuesPaymentResource(user=secretary_a)
    data = _dataset((member.citizen_id, member.name, "2026-03", "0.00", "2026-03-10"))
    lines = resource.error_lines(resource.import_data(data, dry_run=False, raise_errors=False))
    assert any(line.startswith("第2行:") and "无法计算" in line for line in lines)
    assert not DuesPayment.objects.exists()


def test_payment_import_with_another_user_stays_in_their_scope(
    tree: SimpleNamespace, make_user: Any
) -> None:
    people = _members(tree)
    officer_b = make_user(Role.BRANCH_OFFICER, tree.branch_b, "branch_b")
    w = people.worker
    resource = DuesPaymentResource(user=officer_b)
    data = _dataset((w.citizen_id, w.name, "2026-03", "200.00", "2026-03-10"))
    lines = resource.error_lines(resource.import_data(data, dry_run=False, raise_errors=False))
    assert any(line.startswith("第2行:") and "管理范围" in line for line in lines)
    assert not DuesPayment.objects.exists()


def _write(path: Path, data: tablib.Dataset) -> Path:
    from kit.spreadsheets import SafeXLSX

    path.write_bytes(SafeXLSX().export_data(data))
    return path


def test_import_payments_command_prints_a_summary_and_is_idempotent(
    tree: SimpleNamespace, tmp_path: Path
) -> None:
    people = _members(tree)
    w, s = people.worker, people.student
    path = _write(
        tmp_path / "pay.xlsx",
        _dataset(
            (w.citizen_id, w.name, "2026-03", "200.00", "2026-03-10"),
            (s.citizen_id, s.name, "2026-03", "0.20", "2026-03-12"),
        ),
    )
    out = StringIO()
    call_command("import_payments", str(path), stdout=out)
    assert out.getvalue().strip() == "导入完成：新增 2 笔，更新 0 笔，未变 0 笔。"
    out = StringIO()
    call_command("import_payments", str(path), stdout=out)
    assert out.getvalue().strip() == "导入完成：新增 0 笔，更新 0 笔，未变 2 笔。"
    assert DuesPayment.objects.count() == 2


def test_import_payments_command_exits_non_zero_and_writes_nothing_on_a_bad_row(
    tree: SimpleNamespace, tmp_path: Path, secretary_a: Any
) -> None:
    people = _members(tree)
    w, s = people.worker, people.student
    path = _write(
        tmp_path / "pay.xlsx",
        _dataset(
            (w.citizen_id, w.name, "2026-03", "200.00", "2026-03-10"),
            (s.citizen_id, s.name, "2026-03", "0.30", "2026-03-12"),
        ),
    )
    err = StringIO()
    with pytest.raises(CommandError, match="没有导入任何数据"):
        call_command("import_payments", str(path), "--user", "secretary_a", stderr=err)
    assert "第3行: 金额0.30元与2026年3月核定的应缴金额0.20元不符" in err.getvalue()
    assert not DuesPayment.objects.exists()


# --- 公示 -------------------------------------------------------------------------------------------
def test_publication_list_shows_published_names_and_amounts_only(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    people = _members(tree)
    for month in (1, 2, 3):
        dues_services.dues_payment_record(
            member=people.worker, period=dt.date(2026, month, 1), paid_on=dt.date(2026, 3, 20),
            method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
        )  # fmt: skip
    publication = dues_services.dues_publication_create(
        branch=tree.branch_a,
        first_month=dt.date(2026, 1, 1),
        last_month=MARCH,
        actor=branch_officer_a,
    )
    assert selectors.dues_publication_list(tree.community_a.pk) == []  # not yet published
    dues_services.dues_publication_publish(
        publication=publication, actor=branch_officer_a, on=dt.date(2026, 4, 2)
    )
    [shown] = selectors.dues_publication_list(tree.community_a.pk)
    assert shown == selectors.PublishedDues(
        branch="甲社区第一党支部", period="2026年1月至2026年3月", published_on=dt.date(2026, 4, 2),
        lines=(("张在职", D("600.00")),), total=D("600.00"),
    )  # fmt: skip
    assert selectors.dues_publication_list(tree.community_b.pk) == []
    dues_services.dues_publication_withdraw(publication=publication, actor=branch_officer_a)
    assert selectors.dues_publication_list(tree.community_a.pk) == []


# --- the plan PDF and the workbench ----------------------------------------------------------------
@pytest.fixture
def paid_plan(
    tree: SimpleNamespace, make_user: Any, secretary_a: Any, superuser: Any
) -> SpendingPlan:
    FundBudget.objects.create(community=tree.community_a, year=2026)
    plan = fund_services.spending_plan_save(
        plan=SpendingPlan(community=tree.community_a, month=MARCH), actor=secretary_a
    )
    fund_services.spending_item_save(
        item=SpendingItem(
            plan=plan, description="党报党刊", use=FundUse.EDUCATION_MATERIALS, amount=D("300")
        ),
        actor=secretary_a,
    )
    users = [secretary_a]
    for step in (
        ChainStep.ORGANIZATION_MEMBER,
        ChainStep.DEPUTY_SECRETARY,
        ChainStep.DIRECTOR,
        ChainStep.FINANCE_OFFICE,
    ):
        user = make_user(Role.SUB_DISTRICT_OFFICER, tree.sub_district, f"u-{step}")
        user.first_name = {"organization_member": "周组织", "deputy_secretary": "吴副书记",
                           "director": "郑主任", "finance_office": "王财政"}[step]  # fmt: skip
        user.save()
        FundApprover.objects.create(user=user, sub_district=tree.sub_district, step=step)
        users.append(user)
    for user in users:
        plan = fund_services.spending_plan_act(plan=plan, actor=user)
    return plan


def test_plan_pdf_carries_the_four_signatures(paid_plan: SpendingPlan) -> None:
    import io

    from pypdf import PdfReader

    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(make("spending_plan", plan=paid_plan))).pages
    )
    for label in (
        "社区党组织书记",
        "街道组织委员",
        "党工委分管副书记",
        "街道主任",
        "周组织",
        "吴副书记",
        "郑主任",
    ):
        assert label in text
    assert "王财政" in text  # the payment line


def test_the_plans_action_queues_each_selected_plan(
    paid_plan: SpendingPlan,
    client: Any,
    secretary_a: Any,
    branch_officer_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from common.models import Document

    changelist = reverse("admin:finance_spendingplan_changelist")
    data = {"action": "print_spending_plan", "_selected_action": [paid_plan.pk]}
    client.force_login(secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, data, follow=True)
    assert "已提交1份“党建经费支出计划（含审批签署）”" in response.content.decode()
    document = Document.objects.get(kind="spending_plan")
    assert (document.organization, document.status) == (paid_plan.community, "done")
    assert document.params == {"plan": paid_plan.pk}
    from pypdf import PdfReader

    with document.file.open("rb") as pdf:
        text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "王财政" in text


def test_plan_pdf_is_a_registered_document(
    paid_plan: SpendingPlan, secretary_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from common.documents import document_request
    from common.models import Document

    with django_capture_on_commit_callbacks(execute=True):
        document_request(
            organization=paid_plan.community,
            kind="spending_plan",
            actor=secretary_a,
            params={"plan": paid_plan.pk},
        )
    document = Document.objects.get(kind="spending_plan")
    assert document.status == "done"
    assert document.file.name.endswith(".pdf")


def test_workbench_panel_links_arrears_and_charts(
    tree: SimpleNamespace,
    rf: Any,
    secretary_a: Any,
    django_assert_max_num_queries: Any,
    settings: Any,
) -> None:
    settings.FINANCE_DUES_RECORDS_SINCE = "2025-01"
    member = MemberFactory(
        branch=tree.branch_a, categories=["student"], joined_on=dt.date(2010, 1, 1)
    )
    payer = MemberFactory(branch=tree.branch_a, categories=["student"])
    # The branch's dues are judged from its first payment recorded (never from no records).
    DuesPayment.objects.create(
        member=payer, period=dt.date(2025, 1, 1), amount=D("0.20"), paid_on=dt.date(2025, 1, 5),
        method="in_person",
    )  # fmt: skip
    request = rf.get("/admin/")
    request.user = secretary_a
    finance_panel(request)  # the user's permissions and scope, cached on the user
    # The arrears read the month's ledger, the payments and each member's start in the branch.
    with django_assert_max_num_queries(25) as few:
        panel = finance_panel(request)
    for _ in range(5):
        MemberFactory(branch=tree.branch_a, categories=["retired"], monthly_income=D("4000"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        finance_panel(request)
    assert panel is not None
    assert panel.title in [p.title for p in panel_list(request)]
    lapsed = panel.todos[0]
    assert lapsed.count == 2  # the payer paid January 2025 only
    assert lapsed.url.endswith("/admin/finance/memberdues/?arrears=lapsed")
    titles = [chart.title for chart in panel.charts]
    assert any("党费收缴率" in t for t in titles)
    assert any("各用途支出与预算" in t for t in titles)
    assert member.pk


def test_collection_counts_each_member_who_paid_a_month_once(
    tree: SimpleNamespace, rf: Any, secretary_a: Any
) -> None:
    """This month's 已交 figure and the chart's rates count members, not payments: a payment
    reversed and made again, and voluntary extras besides the month's dues, count once; an
    extra alone or a reversed payment alone not at all (the members counted directly as the
    oracle)."""
    from django.utils import timezone

    from finance import rules

    this_month = rules.month_start(timezone.localdate())
    last_month = rules.add_months(this_month, -1)
    joined = dt.date(2010, 1, 1)
    people = [
        MemberFactory(branch=tree.branch_a, categories=["student"], joined_on=joined)
        for _ in range(5)
    ]

    def pay(member: Member, period: dt.date, kind: str = "dues", **extra: Any) -> None:
        DuesPayment.objects.create(
            member=member, period=period, amount=D("0.20"), paid_on=period, method="in_person",
            kind=kind, **extra,
        )  # fmt: skip

    for period in (last_month, this_month):
        pay(people[0], period, reversed_at=timezone.now())  # reversed, then paid again
        pay(people[0], period)
        pay(people[1], period)
        pay(people[1], period, kind="voluntary")
        pay(people[2], period, kind="voluntary")  # an extra only: not the month's dues
        pay(people[3], period, reversed_at=timezone.now())  # reversed only
    request = rf.get("/admin/")
    request.user = secretary_a
    panel = finance_panel(request)
    assert panel is not None
    roster = Member.objects.filter(branch__in=[tree.branch_a]).count()
    [figure] = [f for f in panel.figures if "已交" in f.label]
    assert figure.value == f"2/{roster}人"
    [chart] = [c for c in panel.charts if "党费收缴率" in c.title]
    paid = (
        DuesPayment.objects.regular()
        .filter(period=last_month)
        .values("member_id")
        .distinct()
        .count()
    )
    assert paid == 2
    assert dict(chart.bars)[f"{last_month:%Y-%m}"] == round(100 * paid / roster)


def test_arrears_list_is_filtered_like_the_todo(
    tree: SimpleNamespace,
    client: Any,
    secretary_a: Any,
    settings: Any,
    django_assert_max_num_queries: Any,
) -> None:
    settings.FINANCE_DUES_RECORDS_SINCE = "2025-01"
    lapsed = MemberFactory(
        name="久未交", branch=tree.branch_a, categories=["student"], joined_on=dt.date(2010, 1, 1)
    )
    paying = MemberFactory(
        name="按时交", branch=tree.branch_a, categories=["student"], joined_on=dt.date(2010, 1, 1)
    )
    from django.utils import timezone

    from finance.rules import add_months, month_start

    last = add_months(month_start(timezone.localdate()), -1)
    month = dt.date(2025, 1, 1)
    while month <= last:  # the branch's records begin in January 2025
        DuesPayment.objects.create(
            member=paying, period=month, amount=D("0.20"), paid_on=month, method="in_person"
        )
        month = add_months(month, 1)
    client.force_login(secretary_a)
    response = client.get(reverse("admin:finance_memberdues_changelist") + "?arrears=lapsed")
    assert response.status_code == 200
    names = [m.name for m in response.context["cl"].result_list]
    assert names == ["久未交"]
    assert lapsed.pk
    assert "按时交" not in names
    assert Member.objects.count() == 2


def test_ledger_sheet_keeps_a_formula_like_name_as_text(
    tree: SimpleNamespace, tmp_path: Path
) -> None:
    MemberFactory(name="=HYPERLINK(1)", branch=tree.branch_a, categories=["student"])
    call_command("dues_ledger", "2026-03", str(tmp_path / "l.xlsx"), stdout=StringIO())
    sheet = openpyxl.load_workbook(tmp_path / "l.xlsx").active
    assert sheet.title == "党费台账2026-03"
    assert (sheet.cell(2, 1).value, sheet.cell(2, 1).data_type) == ("=HYPERLINK(1)", "s")


def test_ledger_csv_is_written_too(tree: SimpleNamespace, tmp_path: Path) -> None:
    _members(tree)
    call_command("dues_ledger", "2026-03", str(tmp_path / "l.csv"), stdout=StringIO())
    text = (tmp_path / "l.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "姓名,所在党组织,党员状态,人员类别,月收入,缴纳比例,应缴金额,备注"
    assert "张在职,SD-A-1,正式党员,在职,10000.01,2%,200.00," in text
