"""The admin of floating members, transfers, reviews and score sheets, as each user sees it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import (
    Assessment,
    AssessmentDeduction,
    FloatingRecord,
    MembershipTransfer,
    Review,
    TransferState,
)
from members.rules import FloatingDirection, MemberStatus, ReviewGrade, months_before
from tests.members.factories import (
    AssessmentFactory,
    FloatingRecordFactory,
    MemberFactory,
    ReviewFactory,
)
from tests.members.factories import MembershipTransferFactory as TransferFactory

MODELS = ["floatingrecord", "membershiptransfer", "review", "assessment"]


def changelist(model: str) -> str:
    return reverse(f"admin:members_{model}_changelist")


def change(obj) -> str:
    return reverse(f"admin:members_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def records_a(tree) -> dict:
    member = MemberFactory(branch=tree.branch_a, name="甲党员")
    sheet = AssessmentFactory(member=member)
    AssessmentDeduction.objects.create(assessment=sheet, item=4, points=Decimal("3"), reason="缺会")
    return {
        "floatingrecord": FloatingRecordFactory(member=member, place="甲去处"),
        "membershiptransfer": TransferFactory(member=member, letter_number="JIA-001"),
        "review": ReviewFactory(member=member),
        "assessment": sheet,
    }


@pytest.fixture
def records_b(tree) -> dict:
    member = MemberFactory(branch=tree.branch_b, name="乙党员")
    return {
        "floatingrecord": FloatingRecordFactory(member=member, place="乙去处"),
        "membershiptransfer": TransferFactory(member=member, letter_number="YI-001"),
        "review": ReviewFactory(member=member),
        "assessment": AssessmentFactory(member=member),
    }


# --- smoke and scope ----------------------------------------------------------------------------
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("who", ["superuser", "secretary_a", "branch_officer_a"])
def test_pages_open(client, request, records_a, model, who) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(changelist(model)).status_code == 200
    assert client.get(reverse(f"admin:members_{model}_add")).status_code == 200
    assert client.get(change(records_a[model])).status_code == 200
    history = reverse(f"admin:members_{model}_history", args=[records_a[model].pk])
    assert client.get(history).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_secretary_b_sees_only_own_community(client, records_a, records_b, secretary_b, model):
    client.force_login(secretary_b)
    page = client.get(changelist(model)).content.decode()
    assert "乙党员" in page
    assert "甲党员" not in page
    assert client.get(change(records_a[model])).status_code == 404
    history = reverse(f"admin:members_{model}_history", args=[records_a[model].pk])
    assert client.get(history).status_code == 404


def test_branch_filter_offers_only_visible_branches(client, records_a, secretary_a) -> None:
    client.force_login(secretary_a)
    page = client.get(changelist("review")).content.decode()
    assert "甲社区第一党支部" in page
    assert "乙社区第一党支部" not in page


# --- 流动党员 ---------------------------------------------------------------------------------------
def _floating_post(member, **extra) -> dict:
    return {
        "member": member.pk,
        "direction": FloatingDirection.OUTFLOW,
        "place": "江苏省南京市",
        "since": "2026-02-01",
        "last_contact_on": "2026-02-01",
        "contact": "13900001111",
        "certificate_number": "LD-2026-01",
        "certificate_expires_on": "2027-02-01",
        **extra,
    }


def test_outflow_added_through_admin_is_audited(client, tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a)
    client.force_login(secretary_a)
    response = client.post(reverse("admin:members_floatingrecord_add"), _floating_post(member))
    assert response.status_code == 302, response.content.decode()[:3000]
    record = FloatingRecord.objects.get(member=member)
    assert record.history.get().history_user == secretary_a


def test_outflow_with_placement_shows_error_in_form(client, tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a)
    client.force_login(secretary_a)
    data = _floating_post(member, placed_in=tree.branch_a.pk)
    response = client.post(reverse("admin:members_floatingrecord_add"), data)
    assert response.status_code == 200
    assert "外出流动党员不填写编入党组织" in response.content.decode()
    assert not FloatingRecord.objects.exists()


def test_inflow_without_certificate_check_shows_error(client, tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a)
    client.force_login(secretary_a)
    data = _floating_post(member, direction=FloatingDirection.INFLOW, placed_in=tree.branch_a.pk)
    response = client.post(reverse("admin:members_floatingrecord_add"), data)
    assert "流入党员须先查验《流动党员活动证》。" in response.content.decode()


def test_placed_inflow_has_no_vote(client, tree, secretary_a) -> None:
    record = FloatingRecordFactory(
        member=MemberFactory(branch=tree.branch_b),
        direction=FloatingDirection.INFLOW,
        certificate_checked=True,
        placed_in=tree.branch_a,
    )
    client.force_login(secretary_a)
    assert "无表决权" in client.get(changelist("floatingrecord")).content.decode()
    assert "无表决权" in client.get(change(record)).content.decode()


@pytest.mark.parametrize(("days_after_cutoff", "flagged"), [(0, True), (1, False)])
def test_should_transfer_filter_at_six_months(
    client, tree, secretary_a, days_after_cutoff, flagged
) -> None:
    cutoff = months_before(timezone.localdate(), 6)
    FloatingRecordFactory(
        member=MemberFactory(branch=tree.branch_a, name="待转党员"),
        since=cutoff + dt.timedelta(days=days_after_cutoff),
        last_contact_on=timezone.localdate(),
    )
    client.force_login(secretary_a)
    page = client.get(changelist("floatingrecord") + "?should_transfer=yes").content.decode()
    assert ("待转党员" in page) is flagged
    page = client.get(changelist("floatingrecord") + "?should_transfer=no").content.decode()
    assert ("待转党员" in page) is not flagged


@pytest.mark.parametrize(("days_after_cutoff", "flagged"), [(0, True), (1, False)])
def test_lost_contact_filter_at_six_months(
    client, tree, secretary_a, days_after_cutoff, flagged
) -> None:
    cutoff = months_before(timezone.localdate(), 6)
    FloatingRecordFactory(
        member=MemberFactory(branch=tree.branch_a, name="失联党员"),
        since=cutoff - dt.timedelta(days=30),
        has_fixed_place=False,
        last_contact_on=cutoff + dt.timedelta(days=days_after_cutoff),
    )
    client.force_login(secretary_a)
    page = client.get(changelist("floatingrecord") + "?lost_contact=yes").content.decode()
    assert "失联满6个月" in page
    assert ("失联党员" in page) is flagged


def test_record_contact_action(client, tree, secretary_a) -> None:
    record = FloatingRecordFactory(member=MemberFactory(branch=tree.branch_a))
    client.force_login(secretary_a)
    response = client.post(
        changelist("floatingrecord"),
        {"action": "record_contact", "_selected_action": [record.pk]},
        follow=True,
    )
    assert "已处理1条记录。" in response.content.decode()
    record.refresh_from_db()
    assert record.last_contact_on == timezone.localdate()
    assert record.history.latest().history_user == secretary_a


# --- 组织关系接转 -----------------------------------------------------------------------------------
def test_receive_and_cancel_actions(client, tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a)
    received = TransferFactory(member=member)
    cancelled = TransferFactory(member=member)
    client.force_login(secretary_a)
    for action, transfer in (("receive_today", received), ("cancel", cancelled)):
        client.post(
            changelist("membershiptransfer"),
            {"action": action, "_selected_action": [transfer.pk]},
        )
    received.refresh_from_db()
    assert (received.state, received.received_on) == (TransferState.RECEIVED, timezone.localdate())
    assert MembershipTransfer.objects.get(pk=cancelled.pk).state == TransferState.CANCELLED
    response = client.post(
        changelist("membershiptransfer"),
        {"action": "cancel", "_selected_action": [received.pk]},
        follow=True,
    )
    assert "不能再更改" in response.content.decode()
    assert MembershipTransfer.objects.get(pk=received.pk).state == TransferState.RECEIVED


def test_final_transfer_page_is_read_only(client, tree, secretary_a) -> None:
    transfer = TransferFactory(
        member=MemberFactory(branch=tree.branch_a),
        state=TransferState.CANCELLED,
    )
    client.force_login(secretary_a)
    page = client.get(change(transfer))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]


def test_transfer_added_through_admin(client, tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a)
    client.force_login(secretary_a)
    data = {
        "member": member.pk,
        "direction": "out",
        "branch": tree.branch_a.pk,
        "other_organization": "某市某区某街道党工委",
        "letter_number": "ZC-2026-008",
        "issued_on": "2026-04-01",
        "valid_until": "2026-05-01",
    }
    response = client.post(reverse("admin:members_membershiptransfer_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    transfer = MembershipTransfer.objects.get(letter_number="ZC-2026-008")
    assert transfer.state == TransferState.SENT
    assert transfer.history.get().history_user == secretary_a


# --- 民主评议 --------------------------------------------------------------------------------------
def test_excellent_beyond_quota_is_explained_in_form(client, tree, secretary_a) -> None:
    members = MemberFactory.create_batch(3, branch=tree.branch_a)
    ReviewFactory(member=members[0], grade=ReviewGrade.EXCELLENT)
    client.force_login(secretary_a)
    data = {"member": members[1].pk, "year": 2026, "grade": ReviewGrade.EXCELLENT}
    response = client.post(reverse("admin:members_review_add"), data)
    assert response.status_code == 200
    assert "本支部2026年12月31日在册的正式党员3人，优秀最多1人，已有1人" in (
        response.content.decode()
    )
    assert not Review.objects.filter(member=members[1]).exists()


def test_probationary_member_reviewed_without_grade_in_admin(client, tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a, status=MemberStatus.PROBATIONARY)
    client.force_login(secretary_a)
    data = {"member": member.pk, "year": 2026, "grade": ""}
    response = client.post(reverse("admin:members_review_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    review = Review.objects.get(member=member)
    assert review.was_probationary
    assert review.branch == tree.branch_a
    assert review.history.get().history_user == secretary_a
    assert "不定等次（预备党员）" in client.get(changelist("review")).content.decode()


def test_summary_action_counts_grades(client, tree, secretary_a) -> None:
    reviews = [
        ReviewFactory(member=MemberFactory(branch=tree.branch_a), grade=grade)
        for grade in (ReviewGrade.EXCELLENT, ReviewGrade.QUALIFIED)
    ]
    client.force_login(secretary_a)
    response = client.post(
        changelist("review"),
        {"action": "summarize", "_selected_action": [r.pk for r in reviews]},
        follow=True,
    )
    row = response.context["rows"][0]  # the action opens the summary table of the selection
    assert (row.branch.name, row.year) == ("甲社区第一党支部", 2026)
    assert (row.counts["excellent"], row.counts["qualified"]) == (1, 1)
    assert "民主评议党员结果汇总表" in response.content.decode()


# --- 量化考核 --------------------------------------------------------------------------------------
def _sheet_post(sheet: Assessment, rows: list[tuple[int, str, str]]) -> dict:
    data = {
        "deductions-TOTAL_FORMS": str(len(rows)),
        "deductions-INITIAL_FORMS": "0",
    }
    for i, (item, points, reason) in enumerate(rows):
        data |= {
            f"deductions-{i}-assessment": sheet.pk,
            f"deductions-{i}-item": item,
            f"deductions-{i}-points": points,
            f"deductions-{i}-reason": reason,
        }
    return data


def test_sheet_shows_score_and_item_maximums(client, records_a, secretary_a) -> None:
    client.force_login(secretary_a)
    page = client.get(change(records_a["assessment"])).content.decode()
    assert re.search(
        r'得分</label>\s*</div>\s*<div[^>]*>\s*<div class="readonly[^"]*">97</div>', page
    )
    assert "<td>4</td><td>坚持过组织生活</td><td>15</td><td>3</td><td>12</td><td>缺会</td>" in page
    listing = client.get(changelist("assessment")).content.decode()
    assert re.search(r'<td class="field-score[^>]*>\s*97\s*</td>', listing)


def test_deduction_beyond_maximum_is_refused_in_admin(client, tree, secretary_a) -> None:
    sheet = AssessmentFactory(member=MemberFactory(branch=tree.branch_a))
    client.force_login(secretary_a)
    response = client.post(change(sheet), _sheet_post(sheet, [(2, "7.5", "未保持一致")]))
    assert response.status_code == 200
    assert "第2项满分7分，扣分不能超过满分" in response.content.decode()
    assert not sheet.deductions.exists()


def test_deduction_added_in_admin_is_audited(client, tree, secretary_a) -> None:
    sheet = AssessmentFactory(member=MemberFactory(branch=tree.branch_a))
    client.force_login(secretary_a)
    response = client.post(change(sheet), _sheet_post(sheet, [(2, "7", "未保持一致")]))
    assert response.status_code == 302, response.content.decode()[:3000]
    deduction = sheet.deductions.get()
    assert deduction.history.get().history_user == secretary_a


def test_sheet_pdf_is_scoped(client, records_a, secretary_a, secretary_b) -> None:
    from common.printables import print_url

    url = print_url("assessment_sheet", assessment=records_a["assessment"].pk)
    client.force_login(secretary_b)
    assert client.get(url).status_code == 404
    client.force_login(secretary_a)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- query counts -------------------------------------------------------------------------------
def test_member_autocomplete_offers_only_visible_members(client, records_a, secretary_b) -> None:
    client.force_login(secretary_b)
    params = {
        "app_label": "members",
        "model_name": "floatingrecord",
        "field_name": "member",
        "term": "甲",
    }
    assert client.get(reverse("admin:autocomplete"), params).json()["results"] == []


def test_problem_flags_are_red_text_in_the_first_columns(client, tree, secretary_a) -> None:
    """A green tick would read as good news: a problem is red text, shown before the details."""
    FloatingRecordFactory(
        member=MemberFactory(branch=tree.branch_a, name="待转党员"),
        since=dt.date(2024, 1, 1),
        has_fixed_place=True,
        last_contact_on=timezone.localdate(),
    )
    client.force_login(secretary_a)
    page = client.get(changelist("floatingrecord"))
    html = page.content.decode()
    assert re.search(
        r'<td class="field-should_transfer_flag[^>]*>\s*<span class="flag-on">⚠ 应转移</span>', html
    )
    columns = list(page.context["cl"].list_display)
    assert columns.index("should_transfer_flag") < columns.index("place")


def test_review_summary_is_a_page_and_a_pdf(client, tree, secretary_a, secretary_b) -> None:
    from tests.organizations.test_reports import pdf_text

    for grade in ("excellent", "qualified", "qualified"):
        ReviewFactory(member=MemberFactory(branch=tree.branch_a), year=2025, grade=grade)
    client.force_login(secretary_a)
    url = reverse("admin:members_review_summary") + "?year=2025"
    page = client.get(url)
    assert page.status_code == 200
    row = page.context["rows"][0]
    assert (row.branch, row.counts["excellent"], row.counts["qualified"]) == (tree.branch_a, 1, 2)
    from common.printables import print_url

    assert print_url("review_summary", period=2025) in page.content.decode()
    _, text = pdf_text(client.get(print_url("review_summary", period=2025)).content)
    assert "民主评议党员结果汇总表" in text
    assert "2025年度" in text
    assert "甲社区第一党支部" in text
    client.force_login(secretary_b)
    _, text = pdf_text(client.get(print_url("review_summary", period=2025)).content)
    assert "甲社区第一党支部" not in text  # another community's branches are not counted


def test_review_summary_of_another_community_is_empty(client, tree, secretary_b) -> None:
    ReviewFactory(member=MemberFactory(branch=tree.branch_a), year=2025)
    client.force_login(secretary_b)
    page = client.get(reverse("admin:members_review_summary") + "?year=2025")
    assert page.context["rows"] == []
