"""党费 after the audit ("Rules, round 2" and "Trust, round 3"): who approves a reduction, a member
whose dues cannot be computed, dates and amounts a payment may carry, 冲正 instead of deletion,
and a 党费收缴公示 that covers only the user's people and leaves the public site at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from finance import selectors
from finance.dashboard import finance_panel
from finance.models import DuesPayment, DuesRelief
from finance.rules import CENTRAL_REMITTANCE_THRESHOLD, PaymentMethod
from finance.services import dues as services
from members.models import Member
from organizations.roles import Role
from organizations.scope import ScopeError
from tests.members.factories import MemberFactory

MARCH = dt.date(2026, 3, 1)


def _relief(member: Member, **kw: Any) -> DuesRelief:
    values = {
        "member": member, "kind": "waive", "first_month": dt.date(2026, 2, 1),
        "last_month": dt.date(2026, 4, 1), "monthly_amount": D("0"), "reason": "重病住院",
        "branch_decided_on": dt.date(2026, 1, 20), "branch_decision": "支部委员会会议决定",
    }  # fmt: skip
    values.update(kw)
    return DuesRelief(**values)


def _worker(branch: Any, income: str = "4000", **kw: Any) -> Member:
    return MemberFactory(branch=branch, categories=["in_service"], monthly_income=D(income), **kw)


# --- 减免: the 上一级党委 approves, never a 党总支, never the recorder ---------------------------------
def test_a_general_branch_does_not_approve_its_branch_relief_the_sub_district_does(
    tree: SimpleNamespace, make_user: Any, secretary_b: Any, sub_district_officer: Any
) -> None:
    officer_b = make_user(Role.BRANCH_OFFICER, tree.branch_b, "branch_b")
    relief = services.dues_relief_save(relief=_relief(_worker(tree.branch_b)), actor=officer_b)
    with pytest.raises(ScopeError, match="上一级党委（测试街道党工委）"):
        services.dues_relief_approve(relief=relief, actor=secretary_b)
    relief.refresh_from_db()
    assert relief.status == "pending"
    services.dues_relief_approve(relief=relief, actor=sub_district_officer)
    relief.refresh_from_db()
    assert (relief.status, relief.approved_by) == ("approved", sub_district_officer)


def test_the_user_who_recorded_the_branch_decision_cannot_approve_it(
    tree: SimpleNamespace, make_user: Any, secretary_a: Any
) -> None:
    relief = services.dues_relief_save(relief=_relief(_worker(tree.branch_a)), actor=secretary_a)
    assert relief.recorded_by == secretary_a
    with pytest.raises(ScopeError, match="您登记了支部的减免决定"):
        services.dues_relief_approve(relief=relief, actor=secretary_a)
    officer = make_user(Role.COMMUNITY_OFFICER, tree.community_a, "zhuangan_a")
    services.dues_relief_approve(relief=relief, actor=officer)
    relief.refresh_from_db()
    assert (relief.status, relief.approved_by) == ("approved", officer)


def test_a_relief_recorded_before_the_recorder_was_kept_is_judged_by_its_audit_trail(
    tree: SimpleNamespace, make_user: Any, secretary_a: Any
) -> None:
    from kit.services import model_save

    relief = model_save(_relief(_worker(tree.branch_a)), actor=secretary_a)
    assert relief.recorded_by is None
    with pytest.raises(ScopeError, match="您登记了支部的减免决定"):
        services.dues_relief_approve(relief=relief, actor=secretary_a)


def test_a_branch_under_a_community_committee_is_approved_by_that_committee_only(
    tree: SimpleNamespace, branch_officer_a: Any, sub_district_officer: Any, secretary_a: Any
) -> None:
    relief = services.dues_relief_save(
        relief=_relief(_worker(tree.branch_a)), actor=branch_officer_a
    )
    with pytest.raises(ScopeError, match="上一级党委（甲社区党委）"):
        services.dues_relief_approve(relief=relief, actor=sub_district_officer)
    services.dues_relief_reject(relief=relief, actor=secretary_a)
    with pytest.raises(ValidationError, match="已审批"):
        services.dues_relief_approve(relief=relief, actor=secretary_a)
    relief.refresh_from_db()
    assert relief.status == "rejected"


# --- dues that cannot be computed: a data error, never "owes nothing" -----------------------------
def test_no_income_for_a_bracket_category_is_a_data_error_on_the_ledger(
    tree: SimpleNamespace,
) -> None:
    member = MemberFactory(branch=tree.branch_a, categories=["retired"], monthly_income=None)
    row = next(r for r in selectors.dues_ledger(MARCH) if r.member_id == member.pk)
    cells = row.cells()
    assert cells[6] == ""  # not 0.00: the member does not "owe nothing"
    assert cells[7].startswith("数据错误：")
    assert "未登记月收入" in cells[7]


def test_no_income_refuses_every_payment_saying_the_dues_cannot_be_computed(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    member = MemberFactory(branch=tree.branch_a, categories=["in_service"], monthly_income=None)
    with pytest.raises(ValidationError) as caught:
        services.dues_payment_record(
            member=member, period=MARCH, paid_on=dt.date(2026, 3, 10),
            method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
        )  # fmt: skip
    text = " ".join(caught.value.messages)
    assert "无法计算" in text
    assert "未登记月收入" in text
    assert "不需交纳" not in text
    assert not DuesPayment.objects.exists()


def test_workbench_counts_the_members_whose_dues_cannot_be_computed(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    MemberFactory(branch=tree.branch_a, categories=["in_service"], monthly_income=None)
    MemberFactory(branch=tree.branch_a, categories=["student"], monthly_income=None)  # 0.20 fixed
    _worker(tree.branch_a)
    MemberFactory(branch=tree.branch_b, categories=["retired"], monthly_income=None)  # not theirs
    request = RequestFactory().get("/")
    request.user = branch_officer_a
    panel = finance_panel(request)
    assert panel is not None
    [todo] = [t for t in panel.todos if "无法计算党费" in t.label]
    assert todo.count == 1


def test_the_workbench_link_lists_the_members_to_fix(
    tree: SimpleNamespace, client: Any, branch_officer_a: Any
) -> None:
    MemberFactory(name="缺收入", branch=tree.branch_a, categories=["retired"], monthly_income=None)
    _worker(tree.branch_a, name="有收入")
    client.force_login(branch_officer_a)
    page = client.get(reverse("admin:finance_memberdues_changelist") + "?dues_error=1")
    text = page.content.decode()
    assert "缺收入" in text
    assert "有收入" not in text


def test_the_workbench_condition_finds_exactly_the_ledgers_data_errors(
    tree: SimpleNamespace,
) -> None:
    from finance.models import DuesAssessment, IncomeChange

    def member(categories: list[str], income: str | None = None, **kw: Any) -> Member:
        value = D(income) if income is not None else None
        return MemberFactory(
            branch=tree.branch_a, categories=categories, monthly_income=value, **kw
        )

    erroneous = {
        member(["in_service"]).pk,
        member(["retired", "aged_or_ill"]).pk,
        member(["floating"]).pk,
        member([]).pk,
        member(["farmer"]).pk,  # no amount ever set
    }
    member(["in_service"], "4000")
    member(["student"])
    member(["unemployed", "floating"])
    changed = member(["in_service"])
    IncomeChange.objects.create(member=changed, effective_month=dt.date(2026, 2, 1),
                                monthly_income=D("3000"))  # fmt: skip
    fixed = member(["retired"])
    DuesAssessment.objects.create(member=fixed, year=2026, basis="retired", rate="0.5%",
                                  monthly_amount=D("10.00"), fixed_on=dt.date(2026, 1, 2))  # fmt: skip
    farmer = member(["farmer"])
    DuesAssessment.objects.create(member=farmer, year=2025, basis="farmer", rate="固定",
                                  monthly_amount=D("0.50"), fixed_on=dt.date(2025, 1, 2))  # fmt: skip
    member(["in_service"], joined_on=dt.date(2026, 4, 20), status="probationary",
           full_member_on=None)  # fmt: skip
    ledger = {r.member_id for r in selectors.dues_ledger(MARCH) if not r.line.computable}
    found = set(Member.objects.filter(selectors.dues_error_q(MARCH)).values_list("pk", flat=True))
    assert ledger == erroneous
    assert found == erroneous


# --- dates and amounts -------------------------------------------------------------------------
def test_a_payment_dated_in_the_future_is_refused(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    member = _worker(tree.branch_a)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="晚于今天"):
        services.dues_payment_record(
            member=member, period=today.replace(day=1), paid_on=today + dt.timedelta(days=1),
            method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="晚于今天"):
        services.dues_voluntary_record(
            member=member, amount=D("100"), paid_on=dt.date(2099, 1, 1),
            method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
        )  # fmt: skip
    payment = services.dues_payment_record(
        member=member, period=today.replace(day=1), paid_on=today,
        method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
    )  # fmt: skip
    assert payment.paid_on == today


def test_a_voluntary_payment_above_the_cap_is_refused_and_1000_still_goes_to_the_centre(
    tree: SimpleNamespace, branch_officer_a: Any, settings: Any
) -> None:
    member = _worker(tree.branch_a)
    cap = D(settings.FINANCE_VOLUNTARY_MAX_AMOUNT)
    with pytest.raises(ValidationError, match="超过上限"):
        services.dues_voluntary_record(
            member=member, amount=D("9999999999.99"), paid_on=MARCH,
            method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="超过上限"):
        services.dues_voluntary_record(
            member=member, amount=cap + D("0.01"), paid_on=MARCH,
            method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
        )  # fmt: skip
    at_cap = services.dues_voluntary_record(
        member=member, amount=cap, paid_on=MARCH, method=PaymentMethod.IN_PERSON,
        actor=branch_officer_a,
    )  # fmt: skip
    below = services.dues_voluntary_record(
        member=member, amount=CENTRAL_REMITTANCE_THRESHOLD - D("0.01"), paid_on=MARCH,
        method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
    )  # fmt: skip
    assert (at_cap.is_central_remittance, below.is_central_remittance) == (True, False)


def test_a_payment_recorded_meanwhile_by_another_user_is_told_not_an_error_page(
    tree: SimpleNamespace, client: Any, branch_officer_a: Any, secretary_a: Any,
    monkeypatch: Any,
) -> None:  # fmt: skip
    from finance.admin.dues import DuesPaymentAdmin

    member = _worker(tree.branch_a)
    original = DuesPaymentAdmin.save_model

    def save_after_another(self: Any, request: Any, obj: Any, form: Any, change: bool) -> None:
        services.dues_payment_record(  # the other user's save lands between check and save
            member=member, period=MARCH, paid_on=dt.date(2026, 3, 9),
            method=PaymentMethod.IN_PERSON, actor=secretary_a,
        )  # fmt: skip
        original(self, request, obj, form, change)

    monkeypatch.setattr(DuesPaymentAdmin, "save_model", save_after_another)
    client.force_login(branch_officer_a)
    response = client.post(
        reverse("admin:finance_duespayment_add"),
        {"member": member.pk, "kind": "dues", "period": "2026-03", "paid_on": "2026-03-10",
         "method": PaymentMethod.IN_PERSON, "proxy_name": "", "amount": "", "note": ""},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert "已交纳，不能重复登记" in response.content.decode()


# --- 冲正 instead of deletion --------------------------------------------------------------------
def test_a_payment_is_reversed_with_reason_and_actor_and_the_month_is_open_again(
    tree: SimpleNamespace, branch_officer_a: Any
) -> None:
    member = _worker(tree.branch_a)
    payment = services.dues_payment_record(
        member=member, period=MARCH, paid_on=dt.date(2026, 3, 10),
        method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="冲正原因"):
        services.dues_payment_reverse(payment=payment, actor=branch_officer_a, reason=" ")
    services.dues_payment_reverse(payment=payment, actor=branch_officer_a, reason="重复登记")
    payment.refresh_from_db()
    assert (payment.reversal_reason, payment.reversed_by) == ("重复登记", branch_officer_a)
    assert payment.reversed_at is not None
    settled, _quarterly = selectors._settlements([member.pk], dt.date(2026, 3, 31))
    assert settled.get(member.pk, {}) == {}  # the month is open again
    with pytest.raises(ValidationError, match="已冲正"):
        services.dues_payment_reverse(payment=payment, actor=branch_officer_a, reason="再次")
    again = services.dues_payment_record(
        member=member, period=MARCH, paid_on=dt.date(2026, 3, 11),
        method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
    )  # fmt: skip
    assert DuesPayment.objects.count() == 2  # the reversed one is kept
    assert list(DuesPayment.objects.regular()) == [again]


def test_reversal_is_refused_outside_the_scope(
    tree: SimpleNamespace, branch_officer_a: Any, secretary_b: Any
) -> None:
    payment = services.dues_payment_record(
        member=_worker(tree.branch_a), period=MARCH, paid_on=dt.date(2026, 3, 10),
        method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
    )  # fmt: skip
    with pytest.raises(ScopeError):
        services.dues_payment_reverse(payment=payment, actor=secretary_b, reason="错误")


def test_no_one_deletes_a_payment_in_the_admin_the_action_reverses_it(
    tree: SimpleNamespace, client: Any, branch_officer_a: Any
) -> None:
    payment = services.dues_payment_record(
        member=_worker(tree.branch_a), period=MARCH, paid_on=dt.date(2026, 3, 10),
        method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
    )  # fmt: skip
    client.force_login(branch_officer_a)
    delete = client.get(reverse("admin:finance_duespayment_delete", args=[payment.pk]))
    assert delete.status_code == 403
    url = reverse("admin:finance_duespayment_changelist")
    bulk = client.post(url, {"action": "delete_selected", "_selected_action": [payment.pk]})
    assert DuesPayment.objects.filter(pk=payment.pk).exists()
    assert bulk.status_code in (200, 302)
    ask = client.post(url, {"action": "reverse_payments", "_selected_action": [payment.pk]})
    assert "冲正原因" in ask.content.decode()
    payment.refresh_from_db()
    assert payment.reversed_at is None  # asked for the reason first
    done = client.post(
        url,
        {"action": "reverse_payments", "_selected_action": [payment.pk], "confirm": "1",
         "reason": "金额登记错误"},
        follow=True,
    )  # fmt: skip
    assert "已冲正1笔" in done.content.decode()
    payment.refresh_from_db()
    assert (payment.reversal_reason, payment.reversed_by) == ("金额登记错误", branch_officer_a)


# --- 党费收缴公示: the user's people only; withdrawn at once ----------------------------------------
def test_publication_for_a_located_unit_covers_only_its_members_living_in_the_community(
    tree: SimpleNamespace, secretary_a: Any, superuser: Any
) -> None:
    unit_org = tree.unit_a.party_organization
    here = _worker(unit_org, name="甲住本社区", residence_community=tree.community_a)
    elsewhere = _worker(unit_org, name="甲住别处", residence_community=tree.community_b)
    for member in (here, elsewhere):
        services.dues_payment_record(
            member=member, period=MARCH, paid_on=dt.date(2026, 3, 10),
            method=PaymentMethod.IN_PERSON, actor=superuser,
        )  # fmt: skip
    publication = services.dues_publication_create(
        branch=unit_org, first_month=MARCH, last_month=MARCH, actor=secretary_a
    )
    names = list(publication.lines.values_list("member_name", flat=True))
    assert names == ["甲住本社区"]


def test_a_withdrawn_publication_leaves_the_public_board_at_once(
    tree: SimpleNamespace, client: Any, branch_officer_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    member = _worker(tree.branch_a, name="公示甲")
    services.dues_payment_record(
        member=member, period=MARCH, paid_on=dt.date(2026, 3, 10),
        method=PaymentMethod.IN_PERSON, actor=branch_officer_a,
    )  # fmt: skip
    board = reverse("public:board", args=[tree.community_a.code])
    with django_capture_on_commit_callbacks(execute=True):
        publication = services.dues_publication_create(
            branch=tree.branch_a, first_month=MARCH, last_month=MARCH, actor=branch_officer_a
        )
        services.dues_publication_publish(publication=publication, actor=branch_officer_a)
    assert "公示甲" in client.get(board).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.dues_publication_withdraw(publication=publication, actor=branch_officer_a)
    assert "公示甲" not in client.get(board).content.decode()
