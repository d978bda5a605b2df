"""The finance admin pages a secretary and the sub-district use: taking a plan's step, approving
a reduction, recording a payment whose amount is computed, drawing up a 公示."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

from django.urls import reverse

from common.printables import print_url
from finance.models import (
    DuesPayment,
    DuesPublication,
    DuesRelief,
    FundApprover,
    FundBudget,
    SpendingItem,
    SpendingPlan,
)
from finance.rules import ChainStep, FundUse, PlanStatus
from finance.services import funds as fund_services
from organizations.roles import Role
from tests.finance.factories import DuesReliefFactory
from tests.members.factories import MemberFactory


def _plan(tree: SimpleNamespace, secretary: Any) -> SpendingPlan:
    FundBudget.objects.create(community=tree.community_a, year=2026)
    plan = fund_services.spending_plan_save(
        plan=SpendingPlan(community=tree.community_a, month=dt.date(2026, 5, 1)), actor=secretary
    )
    fund_services.spending_item_save(
        item=SpendingItem(
            plan=plan, description="学习资料", use=FundUse.EDUCATION_MATERIALS, amount=D("300")
        ),
        actor=secretary,
    )
    return plan


def test_secretary_submits_and_the_wrong_approver_is_refused_on_the_page(
    tree: SimpleNamespace, client: Any, secretary_a: Any, sub_district_officer: Any
) -> None:
    plan = _plan(tree, secretary_a)
    url = reverse("admin:finance_spendingplan_act", args=[plan.pk])
    client.force_login(secretary_a)
    page = client.get(url)
    assert page.status_code == 200
    assert "当前环节：<strong>社区党组织书记</strong>" in page.content.decode()
    client.post(url, {"decision": "approve", "comment": "请审核"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AT_ORGANIZATION_MEMBER
    client.force_login(sub_district_officer)  # a sub-district officer who holds no step
    response = client.post(url, {"decision": "approve", "comment": ""}, follow=True)
    assert "您不是“街道组织委员”环节的审批人" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AT_ORGANIZATION_MEMBER


def test_approver_sends_a_plan_back_from_the_page(
    tree: SimpleNamespace, client: Any, secretary_a: Any, sub_district_officer: Any
) -> None:
    plan = fund_services.spending_plan_act(plan=_plan(tree, secretary_a), actor=secretary_a)
    FundApprover.objects.create(
        user=sub_district_officer,
        sub_district=tree.sub_district,
        step=ChainStep.ORGANIZATION_MEMBER,
    )
    client.force_login(sub_district_officer)
    client.post(
        reverse("admin:finance_spendingplan_act", args=[plan.pk]),
        {"decision": "return", "comment": "金额有误"},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    assert plan.signatures.last().comment == "金额有误"


def test_plan_page_shows_the_balance(tree: SimpleNamespace, client: Any, secretary_a: Any) -> None:
    plan = _plan(tree, secretary_a)
    client.force_login(secretary_a)
    page = client.get(reverse("admin:finance_spendingplan_change", args=[plan.pk]))
    assert "本年度预算10000.00元" in page.content.decode()


def test_community_approves_a_reduction_by_the_action(
    tree: SimpleNamespace, client: Any, secretary_a: Any, branch_officer_a: Any
) -> None:
    relief = DuesReliefFactory(member=MemberFactory(branch=tree.branch_a, categories=["student"]))
    url = reverse("admin:finance_duesrelief_changelist")
    client.force_login(branch_officer_a)
    response = client.post(url, {"action": "approve", "_selected_action": [relief.pk]}, follow=True)
    assert "须由党支部的上一级党委" in response.content.decode()
    client.force_login(secretary_a)
    client.post(url, {"action": "approve", "_selected_action": [relief.pk]})
    relief.refresh_from_db()
    assert relief.status == "approved"
    assert relief.approved_by == secretary_a


def test_payment_form_computes_the_amount(
    tree: SimpleNamespace, client: Any, branch_officer_a: Any
) -> None:
    member = MemberFactory(
        branch=tree.branch_a, categories=["in_service"], monthly_income=D("5000")
    )
    client.force_login(branch_officer_a)
    response = client.post(
        reverse("admin:finance_duespayment_add"),
        {"member": member.pk, "kind": "dues", "period": "2026-03", "paid_on": "2026-03-10", "method": "in_person",
         "proxy_name": "", "amount": "1", "note": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DuesPayment.objects.get(member=member).amount == D("50.00")


def test_payment_form_refuses_back_pay_beyond_six_months(
    tree: SimpleNamespace, client: Any, branch_officer_a: Any
) -> None:
    member = MemberFactory(branch=tree.branch_a, categories=["student"])
    client.force_login(branch_officer_a)
    response = client.post(
        reverse("admin:finance_duespayment_add"),
        {"member": member.pk, "kind": "dues", "period": "2025-08", "paid_on": "2026-03-10", "method": "in_person",
         "proxy_name": "", "amount": "", "note": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "最多补交6个月" in response.content.decode()
    assert not DuesPayment.objects.exists()


def test_publication_is_drawn_up_from_the_add_page(
    tree: SimpleNamespace, client: Any, branch_officer_a: Any
) -> None:
    member = MemberFactory(name="赵交费", branch=tree.branch_a, categories=["student"])
    DuesPayment.objects.create(
        member=member,
        period=dt.date(2026, 2, 1),
        amount=D("0.20"),
        paid_on=dt.date(2026, 2, 3),
        method="in_person",
    )
    client.force_login(branch_officer_a)
    response = client.post(
        reverse("admin:finance_duespublication_add"),
        {"branch": tree.branch_a.pk, "first_month": "2026-01", "last_month": "2026-03",
         "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    publication = DuesPublication.objects.get()
    assert list(publication.lines.values_list("member_name", "amount")) == [("赵交费", D("0.20"))]
    assert DuesRelief.objects.count() == 0
    assert Role.MEMBER


def test_payment_import_previews_then_writes(
    tree: SimpleNamespace, client: Any, branch_officer_a: Any, tmp_path: Any
) -> None:
    import tablib

    from kit.spreadsheets import SafeXLSX

    member = MemberFactory(name="钱学生", branch=tree.branch_a, categories=["student"])
    data = tablib.Dataset(
        (member.citizen_id, "钱学生", "2026-03", "0.20", "2026-03-10"),
        headers=["公民身份号码", "姓名", "所属月份", "金额", "交纳日期"],
    )
    upload = tmp_path / "pay.xlsx"
    upload.write_bytes(SafeXLSX().export_data(data))
    client.force_login(branch_officer_a)
    url = reverse("admin:finance_duespayment_import")
    assert client.get(url).status_code == 200
    with upload.open("rb") as handle:
        preview = client.post(url, {"import_file": handle, "format": "0", "resource": "0"})
    assert preview.status_code == 200
    assert "confirm_form" in preview.context
    assert not DuesPayment.objects.exists()  # the preview writes nothing
    confirm = preview.context["confirm_form"].initial
    client.post(reverse("admin:finance_duespayment_process_import"), confirm)
    assert DuesPayment.objects.get(member=member).amount == D("0.20")


def test_ledger_pdf_is_requested_for_the_chosen_community(
    tree: SimpleNamespace, client: Any, secretary_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from common.models import Document

    MemberFactory(branch=tree.branch_a, categories=["student"])
    client.force_login(secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            print_url("dues_ledger", organization=tree.community_a.pk, period="2026-03")
        )
    assert response.status_code == 302
    document = Document.objects.get(kind="dues_ledger")
    assert document.organization == tree.community_a
    assert document.status == "done"
    assert document.file.name.endswith(".pdf")
