"""A member's 党费 page (issue 22 point 7) as a secretary sees it: the year's 核定 and its basis,
each month owed, paid and in arrears, and 登记交纳 of several months in one form, refused whole
with the reason; scoped and permission-checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

from django.urls import reverse
from django.utils import timezone

from finance import rules
from finance.models import DuesPayment
from finance.services import dues as services
from members.models import Member
from tests.finance.factories import DuesAssessmentFactory
from tests.members.factories import MemberFactory


def _member(tree: SimpleNamespace) -> Member:
    member = MemberFactory(
        name="钱交费",
        branch=tree.branch_a,
        categories=["in_service"],
        monthly_income=D("4000"),
        joined_on=dt.date(2015, 7, 1),
    )
    DuesAssessmentFactory(member=member, year=2026)  # 1% of 4000: 40.00 a month
    return member


def _page(member: Member) -> str:
    return reverse("admin:finance_memberdues_change", args=[member.pk])


def _pay(member: Member) -> str:
    return reverse("admin:finance_memberdues_pay", args=[member.pk])


def _form(months: list[str], **kw: str) -> dict[str, Any]:
    return {"months": months, "paid_on": "2026-07-10", "method": "in_person", "proxy_name": "",
            "voluntary_amount": "", "note": "", "range_from": "", "range_to": "", **kw}  # fmt: skip


def test_the_page_shows_the_assessment_the_months_and_the_arrears(
    tree: SimpleNamespace, client: Any, secretary_a: Any
) -> None:
    member = _member(tree)
    services.dues_payments_record(
        member=member, periods=[dt.date(2026, 1, 1)], paid_on=dt.date(2026, 1, 8),
        method="proxy", proxy_name="钱家属", actor=secretary_a,
    )  # fmt: skip
    client.force_login(secretary_a)
    response = client.get(_page(member), {"year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年度核定" in html
    assert "每月 <strong>40.00</strong> 元" in html
    assert "在职（工资收入），月收入 4000.00 元，交纳比例 1%" in html
    assert "2026-01-08" in html
    assert "委托他人代交（代交人：钱家属）" in html
    page = response.context["page"]
    assert page.months[0].status == "已交"
    assert page.arrears_months[0] == dt.date(2026, 2, 1)  # judged from January, the first paid
    assert f"欠交 <strong>{len(page.arrears_months)}</strong> 个月" in html
    assert f"合计 <strong>{page.arrears_total}</strong> 元" in html
    assert page.arrears_total == D("40.00") * len(page.arrears_months)
    assert 'name="months" value="2026-01"' not in html  # paid: nothing to tick
    # Today, as a browser's date field takes it (another format would leave it empty).
    assert f'type="date" name="paid_on" value="{timezone.localdate():%Y-%m-%d}"' in html
    assert "登记交纳" in html


def test_three_months_of_back_pay_in_one_form(
    tree: SimpleNamespace, client: Any, branch_officer_a: Any
) -> None:
    member = _member(tree)
    client.force_login(branch_officer_a)
    response = client.post(_pay(member), _form(["2026-04", "2026-05", "2026-06"]), follow=True)
    assert response.redirect_chain[-1][0].startswith(_page(member))
    assert "已登记钱交费2026年4月、2026年5月、2026年6月的党费，共3个月120.00元。" in (
        response.content.decode()
    )
    assert sorted(DuesPayment.objects.filter(member=member).values_list("period", flat=True)) == [
        dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1),
    ]  # fmt: skip


def test_a_range_passes_over_the_months_already_paid(
    tree: SimpleNamespace, client: Any, branch_officer_a: Any
) -> None:
    member = _member(tree)
    services.dues_payments_record(
        member=member, periods=[dt.date(2026, 5, 1)], paid_on=dt.date(2026, 5, 8),
        method="in_person", actor=branch_officer_a,
    )  # fmt: skip
    client.force_login(branch_officer_a)
    form = _form([], range_from="2026-04", range_to="2026-06")
    client.post(f"{_pay(member)}?year=2026", form)
    assert DuesPayment.objects.filter(member=member).count() == 3


def test_the_seventh_month_back_is_refused_on_the_page_and_nothing_saved(
    tree: SimpleNamespace, client: Any, branch_officer_a: Any
) -> None:
    member = _member(tree)
    today = timezone.localdate()
    this, too_old = rules.month_start(today), rules.add_months(rules.month_start(today), -7)
    client.force_login(branch_officer_a)
    form = _form([f"{too_old:%Y-%m}", f"{this:%Y-%m}"], paid_on=f"{today:%Y-%m-%d}")
    response = client.post(_pay(member), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "未登记任何交纳，请修改后重新提交" in html
    old = rules.month_label(too_old)
    assert f"{old}已超过期限：请取消勾选{old}" in html
    label = rules.month_label(this)
    assert f'value="{this:%Y-%m}" id="month-{this:%Y-%m}" aria-label="选择{label}" checked' in html
    assert not DuesPayment.objects.filter(member=member).exists()


def test_another_communitys_secretary_can_neither_see_nor_record(
    tree: SimpleNamespace, client: Any, secretary_b: Any
) -> None:
    member = _member(tree)
    client.force_login(secretary_b)
    assert client.get(_page(member)).status_code == 404
    assert client.post(_pay(member), _form(["2026-06"])).status_code == 404
    assert not DuesPayment.objects.filter(member=member).exists()


def test_a_unit_reviewer_may_not_record(
    tree: SimpleNamespace, client: Any, reviewer_b: Any
) -> None:
    member = MemberFactory(branch=tree.unit_b.party_organization, categories=["in_service"],
                           monthly_income=D("4000"))  # fmt: skip
    client.force_login(reviewer_b)
    assert client.post(_pay(member), _form(["2026-06"])).status_code in (403, 404)
    assert not DuesPayment.objects.filter(member=member).exists()


def test_the_read_only_change_form_still_refuses_a_post(
    tree: SimpleNamespace, client: Any, secretary_a: Any
) -> None:
    member = _member(tree)
    client.force_login(secretary_a)
    assert client.post(_page(member), _form(["2026-06"])).status_code == 403
    assert not DuesPayment.objects.filter(member=member).exists()


def test_the_page_costs_the_same_queries_whatever_the_payments(
    tree: SimpleNamespace, client: Any, secretary_a: Any, django_assert_max_num_queries: Any
) -> None:
    member = _member(tree)
    services.dues_payments_record(
        member=member, periods=[dt.date(2026, 5, 1)], paid_on=dt.date(2026, 5, 8),
        method="in_person", actor=secretary_a,
    )  # fmt: skip
    client.force_login(secretary_a)
    client.get(_page(member))  # warm the session and the user's scope
    with django_assert_max_num_queries(60) as few:
        client.get(_page(member), {"year": "2026"})
    services.dues_payments_record(
        member=member, periods=[dt.date(2026, m, 1) for m in (6, 7, 8, 9, 10, 11)],
        paid_on=dt.date(2026, 11, 30), method="in_person", actor=secretary_a,
        voluntary_amount=D("20"),
    )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_page(member), {"year": "2026"})
