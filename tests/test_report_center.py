"""报表中心: every registered ledger on one page, generated in the background for an organization
and period, with its progress, a download link when ready and the reason in Chinese when not."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from activities.feedback import services
from activities.printables import FEEDBACK_CARDS
from common.models import Document, DocumentStatus
from common.printables import printable_list
from kit.periods import period_code, period_text
from organizations.printables import ORGANIZATION_TREE
from tests.activities.test_feedback import H1, rate, registered

URL = "/admin/reports/"


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_report_center_lives_under_the_admin(db: None) -> None:
    assert reverse("report_center") == URL
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_user_who_is_not_staff_is_sent_to_the_login(make_user: Any, tree: Any) -> None:
    from organizations.roles import Role

    member = make_user(Role.MEMBER, tree.branch_a, "member_a")
    response = logged_in(member).get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_every_kind_the_form_can_make_is_listed(secretary_a: Any) -> None:
    text = logged_in(secretary_a).get(URL).content.decode()
    for kind in printable_list():
        offered = f'value="{kind.name}"' in text
        assert offered == kind.is_form_made, kind.name
        if offered:
            assert kind.label in text
    assert "在职党员社区表现反馈卡" in text
    assert "组织架构及班子成员" in text


def test_the_organizations_offered_are_the_users_own(
    secretary_a: Any, tree: SimpleNamespace
) -> None:
    text = logged_in(secretary_a).get(URL).content.decode()
    assert tree.community_a.name in text
    assert tree.community_b.name not in text


def test_a_ledger_is_generated_for_the_organization_and_period(
    tree: SimpleNamespace, secretary_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registered(tree, "张卫国")
    services.feedback_cards_generate(period=H1)
    rate(services.selectors.document_card_list(tree.community_a, "2026H1")[0], secretary_a)
    client = logged_in(secretary_a)
    data = {"organization": tree.community_a.pk, "period": "2026H1", "kind": FEEDBACK_CARDS}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data, follow=True)
    assert "已开始生成“在职党员社区表现反馈卡”" in response.content.decode()
    document = Document.objects.get()
    assert (document.status, document.params) == (DocumentStatus.DONE, {"period": "2026H1"})
    text = client.get(URL).content.decode()
    download = reverse("admin:common_document_download", args=[document.token])
    assert download in text
    pdf = b"".join(client.get(download).streaming_content)
    page_text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "张卫国" in page_text
    assert "甲社区党委" in page_text


def test_a_failure_is_shown_in_chinese_and_keeps_no_file(
    tree: SimpleNamespace, secretary_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = logged_in(secretary_a)
    data = {"organization": tree.community_a.pk, "period": "2025H2", "kind": FEEDBACK_CARDS}
    # Eager: the task's error propagates to the test; the page shows what a worker records.
    with (
        pytest.raises(ValueError, match="没有可打印的反馈卡"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(URL, data)
    document = Document.objects.get()
    assert document.status == DocumentStatus.FAILED
    assert not document.file
    text = client.get(URL).content.decode()
    assert "生成失败：甲社区党委2025年下半年没有可打印的反馈卡。" in text
    assert "ValueError" not in text


def test_a_running_ledger_shows_its_progress_and_the_page_refreshes(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    client = logged_in(secretary_a)
    client.post(URL, {"organization": tree.community_a.pk, "kind": ORGANIZATION_TREE})
    Document.objects.update(status=DocumentStatus.RUNNING, progress=40)
    text = client.get(URL).content.decode()
    assert '<progress max="100" value="40">' in text
    assert 'http-equiv="refresh"' in text


def test_an_organization_out_of_scope_is_refused(tree: SimpleNamespace, secretary_a: Any) -> None:
    data = {"organization": tree.community_b.pk, "kind": ORGANIZATION_TREE}
    response = logged_in(secretary_a).post(URL, data, follow=True)
    assert "请选择党组织" in response.content.decode()
    assert not Document.objects.exists()


def test_the_page_runs_the_same_queries_for_many_documents(
    tree: SimpleNamespace, secretary_a: Any, django_assert_max_num_queries: Any
) -> None:
    client = logged_in(secretary_a)
    client.post(URL, {"organization": tree.community_a.pk, "kind": ORGANIZATION_TREE})
    with django_assert_max_num_queries(60) as few:
        client.get(URL)
    count = len(few.captured_queries)  # now: the next request clears Django's query log
    for _ in range(15):
        client.post(URL, {"organization": tree.branch_a.pk, "kind": ORGANIZATION_TREE})
    with django_assert_max_num_queries(count):
        client.get(URL)


def test_a_month_is_also_passed_as_the_dues_ledgers_month(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    client = logged_in(secretary_a)
    data = {"organization": tree.community_a.pk, "period": "2026-11", "kind": ORGANIZATION_TREE}
    client.post(URL, data)
    assert Document.objects.get().params == {"period": "2026-11", "month": "2026-11"}


def test_a_ledger_that_needs_more_than_a_period_says_so_in_chinese(db: None) -> None:
    from common.reportcenter import error_reason

    assert error_reason(Document(error="KeyError: 'plan'")) == (
        "该台账需从其业务页面生成（缺少参数'plan'）。"
    )


# --- the center offers nothing it cannot make --------------------------------------------------
# The period a user types for each printable (the form's help text: a year, a month, a half).
PERIODS = {"dues_ledger": "2026-03", "feedback_cards": "2026H1"}


@pytest.fixture
def printable_data(tree: SimpleNamespace, secretary_a: Any) -> None:
    """Something for each printable to print in community A: a rated feedback card of 2026H1,
    a member with an income (the dues ledger, the roster)."""
    from decimal import Decimal

    from tests.members.factories import MemberFactory

    MemberFactory(name="李明", branch=tree.branch_a, monthly_income=Decimal("4321.00"))
    registered(tree, "张卫国")
    services.feedback_cards_generate(period=H1)
    rate(services.selectors.document_card_list(tree.community_a, "2026H1")[0], secretary_a)


@pytest.mark.parametrize("role", ["sub_district_officer", "secretary_a", "branch_officer_a"])
def test_every_printable_offered_is_made_through_the_center(
    request: Any,
    role: str,
    printable_data: None,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Each button of the center, pressed with the user's own organization and the period a
    printable asks for, gives a finished file (the templates render; WeasyPrint is left out)."""
    monkeypatch.setattr("kit.pdf.html_to_pdf", lambda html: b"%PDF-1.7 stub")
    user = request.getfixturevalue(role)
    organization = user.organization_accesses.get().organization
    client = logged_in(user)
    page = client.get(URL).context
    buttons = [value for _, kind_buttons in page["kinds"] for value, _ in kind_buttons]
    assert buttons, role
    for value in buttons:
        name = value.partition(":")[0]
        data = {"organization": organization.pk, "period": PERIODS.get(name, "2026"), "kind": value}
        with django_capture_on_commit_callbacks(execute=True):
            text = client.post(URL, data, follow=True).content.decode()
        assert "已开始生成" in text, (role, value)
    documents = Document.objects.filter(requested_by=user)
    assert documents.count() == len(buttons)
    failed = {d.kind: d.error for d in documents if d.status != DocumentStatus.DONE}
    assert failed == {}
    assert all(d.file for d in documents)
    if role == "branch_officer_a":  # no card to rate; its own roster (issue 22.14)
        offered = {b.partition(":")[0] for b in buttons}
        assert "feedback_cards" not in offered
        assert "member_roster" in offered


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2026年上半年", "2026H1"),
        ("2026年11月", "2026-11"),
        ("２０２６年 第三季度", "2026Q3"),
        ("2026年", "2026"),
        ("2026h1", "2026H1"),
    ],
)
def test_the_period_is_typed_as_people_write_it_and_shown_back_so(
    tree: SimpleNamespace, secretary_a: Any, typed: str, code: str
) -> None:
    """Issue 22: the period field takes 2026年上半年 as well as the code the ledgers read, and
    suggests the recent periods in words."""
    client = logged_in(secretary_a)
    data = {"organization": tree.community_a.pk, "period": typed, "kind": ORGANIZATION_TREE}
    response = client.post(URL, data)
    assert Document.objects.get().params["period"] == code
    page = client.get(response["Location"]).content.decode()
    assert f'value="{period_text(code)}"' in page  # the field shows it in words
    assert '<datalist id="period-choices">' in page
    assert f'<option value="{timezone.localdate().year}年">' in page


def test_period_code_reads_back_every_text_period_text_writes() -> None:
    for code in ("2026", "2026H1", "2026H2", "2026Q1", "2026Q4", "2026-01", "2026-12"):
        assert period_code(period_text(code)) == code
    assert period_code("2026年13月") == "2026年13月"  # not a period: left for the ledger to refuse
    assert period_code("2026年第五季度") == "2026年第五季度"
