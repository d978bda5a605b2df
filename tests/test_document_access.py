"""Who may have a document made and who may download it ("Trust, round 3"): a request needs the
kind's permission and the organization in the requester's people scope (a linked unit's party
organization, which a community sees for 双联双管, is not); the worker renders through the
requester's scope; a document is downloaded by its requester or by a user whose permission and
scope cover it, at an address that cannot be guessed, from a file with a random name."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from pypdf import PdfReader

from activities.feedback import services as feedback_services
from activities.printables import FEEDBACK_CARDS
from common.models import Document, DocumentStatus
from finance.printables import DUES_LEDGER, SPENDING_PLAN
from organizations.models import OrganizationAccess
from organizations.printables import ORGANIZATION_TREE
from tests.activities.test_feedback import H1, rate, registered
from tests.members.factories import MemberFactory

URL = "/admin/reports/"


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def download(client: Client, document: Document) -> Any:
    return client.get(reverse("admin:common_document_download", args=[document.token]))


@pytest.fixture
def incomes(tree: SimpleNamespace) -> SimpleNamespace:
    """A member of branch A and one of unit B's party organization, each with an income."""
    return SimpleNamespace(
        a=MemberFactory(name="李明", branch=tree.branch_a, monthly_income=Decimal("4321.00")),
        unit=MemberFactory(
            name="王医生",
            branch=tree.unit_b.party_organization,
            monthly_income=Decimal("9876.00"),
        ),
    )


def _ask(client: Client, organization: Any, kind: str, period: str = "2026-11") -> str:
    data = {"organization": organization.pk, "kind": kind, "period": period}
    return client.post(URL, data, follow=True).content.decode()


# --- 1. a request needs the kind's permission and the people scope --------------------------------
def test_a_community_cannot_have_a_linked_units_dues_ledger_made(
    tree: SimpleNamespace, secretary_a: Any, incomes: SimpleNamespace
) -> None:
    text = _ask(logged_in(secretary_a), tree.unit_b.party_organization, DUES_LEDGER)
    assert (
        "您无权生成乙医院党委的“党费台账”：该党组织党员的信息不在您的查看范围内，"
        "请选择您管理的党组织。"
    ) in text
    assert not Document.objects.exists()


def test_a_community_cannot_have_a_linked_units_feedback_cards_made(
    tree: SimpleNamespace, secretary_a: Any, secretary_b: Any
) -> None:
    registered(tree, "张卫国")
    feedback_services.feedback_cards_generate(period=H1)
    card = feedback_services.selectors.document_card_list(tree.community_a, "2026H1")[0]
    rate(card, secretary_a)
    text = _ask(logged_in(secretary_b), tree.unit_b.party_organization, FEEDBACK_CARDS, "2026H1")
    # 乙医院 is located in 乙社区: its organization is 乙社区's to manage, not its people.
    assert "该党组织党员的信息不在您的查看范围内" in text
    text = _ask(logged_in(secretary_a), tree.unit_b.party_organization, FEEDBACK_CARDS, "2026H1")
    assert "该党组织党员的信息不在您的查看范围内" in text
    assert not Document.objects.exists()


def test_a_unit_reviewer_without_the_dues_permission_cannot_have_the_ledger_made(
    tree: SimpleNamespace, reviewer_b: Any, incomes: SimpleNamespace
) -> None:
    reviewer_b.is_staff = True
    reviewer_b.save(update_fields=["is_staff"])
    text = _ask(logged_in(reviewer_b), tree.unit_b.party_organization, DUES_LEDGER)
    assert "党费台账" not in text.split("可打印的台账", 1)[1].split("我最近生成的台账", 1)[0]
    assert "请选择要生成的台账" in text
    assert not Document.objects.exists()


def test_the_service_refuses_a_kind_without_its_permission(
    tree: SimpleNamespace, reviewer_b: Any
) -> None:
    from common.documents import document_request
    from organizations.scope import ScopeError

    with pytest.raises(ScopeError, match="您无权生成“党费台账”"):
        document_request(
            organization=tree.unit_b.party_organization,
            kind=DUES_LEDGER,
            actor=reviewer_b,
            params={"month": "2026-11"},
        )
    assert not Document.objects.exists()


def test_a_community_has_its_own_dues_ledger_made_with_its_members_incomes(
    tree: SimpleNamespace,
    secretary_a: Any,
    incomes: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = logged_in(secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, tree.community_a, DUES_LEDGER)
    document = Document.objects.get()
    assert document.status == DocumentStatus.DONE
    text = pdf_text(b"".join(download(client, document).streaming_content))
    assert "李明" in text
    assert "王医生" not in text


def test_the_worker_renders_through_the_requesters_scope_when_it_runs(
    tree: SimpleNamespace,
    secretary_a: Any,
    superuser: Any,
    incomes: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Access withdrawn between the request and the rendering: the ledger prints nobody."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _ask(logged_in(secretary_a), tree.community_a, DUES_LEDGER)
    OrganizationAccess.objects.filter(user=secretary_a).delete()
    for callback in callbacks:
        callback()
    document = Document.objects.get()
    assert document.status == DocumentStatus.DONE
    text = pdf_text(document.file.read())
    assert "李明" not in text
    assert "4321" not in text


def test_the_task_is_given_the_requesters_id(
    tree: SimpleNamespace,
    secretary_a: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from common import tasks
    from common.documents import document_request

    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tasks.render_document, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            organization=tree.community_a, kind=ORGANIZATION_TREE, actor=secretary_a
        )
    assert queued == [(document.pk, secretary_a.pk)]


# --- 2. downloads --------------------------------------------------------------------------------
@pytest.fixture
def ledger_a(
    tree: SimpleNamespace,
    secretary_a: Any,
    incomes: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
) -> Document:
    with django_capture_on_commit_callbacks(execute=True):
        _ask(logged_in(secretary_a), tree.community_a, DUES_LEDGER)
    return Document.objects.get()


def test_the_download_address_is_a_random_token_not_the_id(ledger_a: Document) -> None:
    url = reverse("admin:common_document_download", args=[ledger_a.token])
    assert re.fullmatch(r"/admin/common/document/[0-9a-f-]{36}/download/", url)
    with pytest.raises(NoReverseMatch):
        reverse("admin:common_document_download", args=[ledger_a.pk])


def test_another_community_cannot_download_the_ledger(ledger_a: Document, secretary_b: Any) -> None:
    assert download(logged_in(secretary_b), ledger_a).status_code == 404


def test_a_branch_officer_cannot_download_the_communitys_ledger(
    ledger_a: Document, branch_officer_a: Any
) -> None:
    # Branch A's officer holds the dues permission, but the community's people are not theirs.
    assert download(logged_in(branch_officer_a), ledger_a).status_code == 404


def test_the_sub_district_may_download_the_communitys_ledger(
    ledger_a: Document, sub_district_officer: Any
) -> None:
    response = download(logged_in(sub_district_officer), ledger_a)
    assert response.status_code == 200
    assert "李明" in pdf_text(b"".join(response.streaming_content))


def test_the_requester_may_download_after_losing_the_permission(
    ledger_a: Document, secretary_a: Any
) -> None:
    OrganizationAccess.objects.filter(user=secretary_a).update(role="branch_officer")
    assert download(logged_in(secretary_a), ledger_a).status_code == 200


def test_the_file_has_a_random_name_and_is_served_as_an_attachment(
    ledger_a: Document, secretary_a: Any
) -> None:
    assert re.fullmatch(r"documents/[0-9a-f]{32}\.pdf", ledger_a.file.name)
    response = download(logged_in(secretary_a), ledger_a)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "%E5%85%9A%E8%B4%B9%E5%8F%B0%E8%B4%A6" in disposition  # 党费台账, quoted


def test_the_old_address_by_id_is_gone(ledger_a: Document, secretary_a: Any) -> None:
    response = logged_in(secretary_a).get(f"/admin/common/document/{ledger_a.pk}/download/")
    assert response.status_code in (302, 404)  # the admin's catch-all, never the file
    assert not response.streaming


def test_the_admin_list_hides_documents_others_may_not_read(
    ledger_a: Document, secretary_b: Any, sub_district_officer: Any
) -> None:
    assert not Document.objects.visible_to(secretary_b).exists()
    assert list(Document.objects.visible_to(sub_district_officer)) == [ledger_a]


# --- 5. the report center offers only what its form can make -------------------------------------
def test_the_spending_plan_is_not_offered_by_the_report_center(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    text = logged_in(secretary_a).get(URL).content.decode()
    assert "党建经费支出计划（含审批签署）" not in text
    assert f'value="{SPENDING_PLAN}"' not in text
    assert f'value="{DUES_LEDGER}"' in text
    response = _ask(logged_in(secretary_a), tree.community_a, SPENDING_PLAN)
    assert "请选择要生成的台账" in response
    assert not Document.objects.exists()


def test_every_kind_offered_can_be_made_from_the_form(
    tree: SimpleNamespace, superuser: Any
) -> None:
    from common.printables import printable_list
    from common.reportcenter import offered_kinds

    offered = {kind.name for kind in offered_kinds(superuser)}
    assert all(param.is_form_param for kind in offered_kinds(superuser) for param in kind.params)
    # What needs an object (a plan, a meeting, a notice, a member) or selected rows is made from
    # its page; everything else is offered.
    from_a_page = {
        kind.name
        for kind in printable_list()
        if any(not param.is_form_param for param in kind.params)
    }
    assert {kind.name for kind in printable_list()} - offered == from_a_page
    assert {
        SPENDING_PLAN,
        "registration_cards",
        "notice_poster",
        "member_login_slips",
    } <= from_a_page
