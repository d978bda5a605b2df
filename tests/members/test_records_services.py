"""Services of floating members, transfers, reviews and score sheets: rules, state, scope, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.models import (
    Assessment,
    AssessmentDeduction,
    FloatingRecord,
    Member,
    MembershipTransfer,
    Review,
    TransferDirection,
    TransferState,
)
from members.rules import FloatingDirection, MemberStatus, ReviewGrade
from members.services import records as services
from members.services.records import ReviewQuotaError, TransferStateError
from organizations.services import ScopeError
from tests.members.factories import (
    AssessmentFactory,
    FloatingRecordFactory,
    MemberFactory,
    ReviewFactory,
)
from tests.members.factories import MembershipTransferFactory as TransferFactory


# --- 流动党员 ---------------------------------------------------------------------------------------
def test_outflow_registered_with_author_in_history(tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a)
    record = FloatingRecord(
        member=member,
        direction=FloatingDirection.OUTFLOW,
        place="浙江省杭州市",
        since=dt.date(2026, 2, 1),
        last_contact_on=dt.date(2026, 2, 1),
        certificate_number="LD-001",
        certificate_expires_on=dt.date(2027, 2, 1),
    )
    services.floating_record_save(record=record, actor=secretary_a)
    assert record.history.get().history_user == secretary_a


def test_inflow_needs_checked_certificate_and_placement(tree, secretary_a) -> None:
    record = FloatingRecord(
        member=MemberFactory(branch=tree.branch_b),
        direction=FloatingDirection.INFLOW,
        place="安徽省合肥市",
        since=dt.date(2026, 2, 1),
        last_contact_on=dt.date(2026, 2, 1),
    )
    with pytest.raises(ValidationError) as caught:
        services.floating_record_save(record=record, actor=secretary_a)
    assert "请选择流入党员编入的党组织。" in caught.value.messages
    assert "流入党员须先查验《流动党员活动证》。" in caught.value.messages


def test_inflow_placed_in_own_branch_is_saved_for_member_held_elsewhere(tree, secretary_a) -> None:
    record = FloatingRecord(
        member=MemberFactory(branch=tree.branch_b),
        direction=FloatingDirection.INFLOW,
        place="安徽省合肥市",
        since=dt.date(2026, 2, 1),
        last_contact_on=dt.date(2026, 2, 1),
        certificate_checked=True,
        placed_in=tree.branch_a,
    )
    services.floating_record_save(record=record, actor=secretary_a)
    assert FloatingRecord.objects.visible_to(secretary_a).filter(pk=record.pk).exists()


def test_inflow_cannot_be_placed_in_another_community(tree, secretary_a) -> None:
    record = FloatingRecord(
        member=MemberFactory(branch=tree.branch_a),
        direction=FloatingDirection.INFLOW,
        place="安徽省合肥市",
        since=dt.date(2026, 2, 1),
        last_contact_on=dt.date(2026, 2, 1),
        certificate_checked=True,
        placed_in=tree.branch_b,
    )
    with pytest.raises(ScopeError, match="不在您的管理范围内"):
        services.floating_record_save(record=record, actor=secretary_a)


def test_outflow_with_placement_is_refused(tree, secretary_a) -> None:
    record = FloatingRecordFactory.build(
        member=MemberFactory(branch=tree.branch_a), placed_in=tree.branch_a
    )
    with pytest.raises(ValidationError, match="外出流动党员不填写编入党组织"):
        services.floating_record_save(record=record, actor=secretary_a)


def test_secretary_b_cannot_change_community_a_outflow(tree, secretary_b) -> None:
    record = FloatingRecordFactory(member=MemberFactory(branch=tree.branch_a))
    record.place = "改到别处"
    with pytest.raises(ScopeError):
        services.floating_record_save(record=record, actor=secretary_b, update_fields=["place"])
    with pytest.raises(ScopeError):
        services.floating_record_contact(record=record, actor=secretary_b)
    assert FloatingRecord.objects.get(pk=record.pk).place == "广东省深圳市"


def test_record_contact_sets_today_and_is_audited(tree, secretary_a) -> None:
    record = FloatingRecordFactory(member=MemberFactory(branch=tree.branch_a))
    services.floating_record_contact(record=record, actor=secretary_a)
    record.refresh_from_db()
    assert record.last_contact_on == timezone.localdate()
    assert record.history.latest().history_user == secretary_a


def test_contact_on_ended_record_is_refused(tree, secretary_a) -> None:
    record = FloatingRecordFactory(
        member=MemberFactory(branch=tree.branch_a), ended_on=dt.date(2026, 3, 1)
    )
    with pytest.raises(ValidationError, match="流动已于2026-03-01结束"):
        services.floating_record_contact(record=record, actor=secretary_a)


# --- 组织关系接转 -----------------------------------------------------------------------------------
def test_outgoing_letter_registered_then_received(tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a)
    transfer = TransferFactory.build(member=member)
    services.membership_transfer_save(transfer=transfer, actor=secretary_a)
    services.membership_transfer_receive(
        transfer=transfer, actor=secretary_a, received_on=dt.date(2026, 3, 10)
    )
    transfer.refresh_from_db()
    assert (transfer.state, transfer.received_on) == (TransferState.RECEIVED, dt.date(2026, 3, 10))
    assert transfer.history.latest().history_user == secretary_a
    assert Member.objects.get(pk=member.pk).branch == tree.branch_a  # nothing else changes


def test_receiving_on_issue_day_is_allowed_day_before_is_not(tree, secretary_a) -> None:
    early = TransferFactory(member=MemberFactory(branch=tree.branch_a))
    with pytest.raises(TransferStateError, match="不能早于介绍信开具日期2026-03-01"):
        services.membership_transfer_receive(
            transfer=early, actor=secretary_a, received_on=dt.date(2026, 2, 28)
        )
    services.membership_transfer_receive(
        transfer=early, actor=secretary_a, received_on=dt.date(2026, 3, 1)
    )
    assert MembershipTransfer.objects.get(pk=early.pk).state == TransferState.RECEIVED


@pytest.mark.parametrize("final", [TransferState.RECEIVED, TransferState.CANCELLED])
def test_final_transfer_cannot_change_state_again(tree, secretary_a, final) -> None:
    transfer = TransferFactory(
        member=MemberFactory(branch=tree.branch_a),
        state=final,
        received_on=dt.date(2026, 3, 2) if final == TransferState.RECEIVED else None,
    )
    with pytest.raises(TransferStateError, match="不能再更改"):
        services.membership_transfer_receive(transfer=transfer, actor=secretary_a)
    with pytest.raises(TransferStateError, match="不能再更改"):
        services.membership_transfer_cancel(transfer=transfer, actor=secretary_a)
    transfer.other_organization = "改写"
    with pytest.raises(TransferStateError, match="不能再更改"):
        services.membership_transfer_save(
            transfer=transfer, actor=secretary_a, update_fields=["other_organization"]
        )
    assert MembershipTransfer.objects.get(pk=transfer.pk).state == final


def test_cancel_open_transfer(tree, secretary_a) -> None:
    transfer = TransferFactory(member=MemberFactory(branch=tree.branch_a))
    services.membership_transfer_cancel(transfer=transfer, actor=secretary_a)
    assert MembershipTransfer.objects.get(pk=transfer.pk).state == TransferState.CANCELLED


def test_state_cannot_be_changed_by_editing(tree, secretary_a) -> None:
    transfer = TransferFactory(member=MemberFactory(branch=tree.branch_a))
    transfer.state, transfer.received_on = TransferState.RECEIVED, dt.date(2026, 3, 5)
    with pytest.raises(TransferStateError, match="确认接收"):
        services.membership_transfer_save(transfer=transfer, actor=secretary_a)


def test_new_transfer_must_start_as_sent(tree, secretary_a) -> None:
    transfer = TransferFactory.build(
        member=MemberFactory(branch=tree.branch_a),
        state=TransferState.RECEIVED,
        received_on=dt.date(2026, 3, 5),
    )
    with pytest.raises(TransferStateError, match="已开出介绍信"):
        services.membership_transfer_save(transfer=transfer, actor=secretary_a)


def test_outgoing_letter_comes_from_the_members_branch(tree, secretary_a) -> None:
    other_branch_a = tree.group_a  # inside community A, but not where the member is held
    transfer = TransferFactory.build(
        member=MemberFactory(branch=tree.branch_a), branch=other_branch_a
    )
    with pytest.raises(ValidationError, match="应由该党组织转出"):
        services.membership_transfer_save(transfer=transfer, actor=secretary_a)


def test_incoming_received_moves_member_into_receiving_branch(tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.group_a)
    transfer = TransferFactory(member=member, direction=TransferDirection.IN, branch=tree.branch_a)
    services.membership_transfer_receive(
        transfer=transfer, actor=secretary_a, received_on=dt.date(2026, 3, 3)
    )
    member.refresh_from_db()
    assert member.branch == tree.branch_a
    assert member.history.latest().history_user == secretary_a


def test_secretary_b_cannot_touch_community_a_transfers(tree, secretary_b) -> None:
    transfer = TransferFactory(member=MemberFactory(branch=tree.branch_a))
    with pytest.raises(ScopeError):
        services.membership_transfer_receive(transfer=transfer, actor=secretary_b)
    with pytest.raises(ScopeError):
        services.membership_transfer_cancel(transfer=transfer, actor=secretary_b)
    new = TransferFactory.build(member=MemberFactory(branch=tree.branch_a))
    with pytest.raises(ScopeError):
        services.membership_transfer_save(transfer=new, actor=secretary_b)
    assert MembershipTransfer.objects.get(pk=transfer.pk).state == TransferState.SENT


# --- 民主评议 --------------------------------------------------------------------------------------
def _grade(member: Member, grade: str, actor, year: int = 2026) -> Review:
    review = Review(member=member, year=year, grade=grade)
    return services.review_save(review=review, actor=actor)


@pytest.mark.parametrize(("full_members", "allowed"), [(2, 0), (3, 1), (5, 1), (6, 2)])
def test_excellent_quota_is_one_third_of_full_members(
    tree, secretary_a, full_members, allowed
) -> None:
    members = MemberFactory.create_batch(full_members, branch=tree.branch_a)
    for member in members[:allowed]:
        _grade(member, ReviewGrade.EXCELLENT, secretary_a)
    with pytest.raises(ReviewQuotaError) as caught:
        _grade(members[allowed], ReviewGrade.EXCELLENT, secretary_a)
    assert caught.value.message_dict["grade"] == [
        f"本支部2026年12月31日在册的正式党员{full_members}人，优秀最多{allowed}人，"
        f"已有{allowed}人，请改评其他等次。"
    ]
    assert Review.objects.filter(grade=ReviewGrade.EXCELLENT).count() == allowed


def test_probationary_members_do_not_count_towards_quota(tree, secretary_a) -> None:
    full = MemberFactory.create_batch(2, branch=tree.branch_a)
    MemberFactory.create_batch(4, branch=tree.branch_a, status=MemberStatus.PROBATIONARY)
    with pytest.raises(ReviewQuotaError, match="正式党员2人，优秀最多0人"):
        _grade(full[0], ReviewGrade.EXCELLENT, secretary_a)


def test_quota_is_per_year(tree, secretary_a) -> None:
    members = MemberFactory.create_batch(3, branch=tree.branch_a)
    _grade(members[0], ReviewGrade.EXCELLENT, secretary_a, year=2025)
    _grade(members[1], ReviewGrade.EXCELLENT, secretary_a, year=2026)
    assert Review.objects.filter(grade=ReviewGrade.EXCELLENT).count() == 2


def test_member_graded_then_moved_still_counts_for_that_year(tree, secretary_a) -> None:
    members = MemberFactory.create_batch(3, branch=tree.branch_a)
    _grade(members[0], ReviewGrade.QUALIFIED, secretary_a)
    Member.objects.filter(pk=members[0].pk).update(branch=tree.group_a)
    _grade(members[1], ReviewGrade.EXCELLENT, secretary_a)  # 3 counted: 2 here + 1 graded
    assert Review.objects.get(member=members[1]).grade == ReviewGrade.EXCELLENT


def test_changing_the_one_excellent_keeps_it_within_quota(tree, secretary_a) -> None:
    members = MemberFactory.create_batch(3, branch=tree.branch_a)
    review = _grade(members[0], ReviewGrade.EXCELLENT, secretary_a)
    review.note = "表现突出"
    services.review_save(review=review, actor=secretary_a, update_fields=["note"])
    assert Review.objects.get(pk=review.pk).note == "表现突出"


def test_probationary_member_takes_part_without_grade(tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a, status=MemberStatus.PROBATIONARY)
    review = _grade(member, "", secretary_a)
    assert review.was_probationary
    assert review.branch == tree.branch_a
    assert review.history.get().history_user == secretary_a


def test_probationary_member_cannot_be_graded(tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a, status=MemberStatus.PROBATIONARY)
    with pytest.raises(ValidationError, match="预备党员参加评议，但不评定等次"):
        _grade(member, ReviewGrade.QUALIFIED, secretary_a)


def test_full_member_must_be_graded(tree, secretary_a) -> None:
    with pytest.raises(ValidationError, match="请为正式党员评定等次"):
        _grade(MemberFactory(branch=tree.branch_a), "", secretary_a)


def test_secretary_b_cannot_review_community_a_member(tree, secretary_b) -> None:
    with pytest.raises(ScopeError):
        _grade(MemberFactory(branch=tree.branch_a), ReviewGrade.QUALIFIED, secretary_b)
    review = ReviewFactory(member=MemberFactory(branch=tree.branch_a))
    review.grade = ReviewGrade.UNQUALIFIED
    with pytest.raises(ScopeError):
        services.review_save(review=review, actor=secretary_b, update_fields=["grade"])


# --- 量化考核 --------------------------------------------------------------------------------------
def test_deductions_within_item_maximum_are_saved_and_audited(tree, secretary_a) -> None:
    assessment = services.assessment_save(
        assessment=Assessment(member=MemberFactory(branch=tree.branch_a), year=2026),
        actor=secretary_a,
    )
    deduction = AssessmentDeduction(
        assessment=assessment, item=1, points=Decimal("8"), reason="全年未参加学习"
    )
    services.assessment_deduction_save(deduction=deduction, actor=secretary_a)
    assert deduction.history.get().history_user == secretary_a
    assert assessment.history.get().history_user == secretary_a


def test_deduction_beyond_item_maximum_is_refused(tree, secretary_a) -> None:
    assessment = AssessmentFactory(member=MemberFactory(branch=tree.branch_a))
    deduction = AssessmentDeduction(
        assessment=assessment, item=1, points=Decimal("8.5"), reason="超出"
    )
    with pytest.raises(ValidationError, match="第1项满分8分，扣分不能超过满分"):
        services.assessment_deduction_save(deduction=deduction, actor=secretary_a)


def test_secretary_b_cannot_change_community_a_sheet(tree, secretary_b) -> None:
    assessment = AssessmentFactory(member=MemberFactory(branch=tree.branch_a))
    deduction = AssessmentDeduction(assessment=assessment, item=2, points=1, reason="x")
    with pytest.raises(ScopeError):
        services.assessment_deduction_save(deduction=deduction, actor=secretary_b)
    saved = AssessmentDeduction.objects.create(assessment=assessment, item=3, points=1, reason="y")
    with pytest.raises(ScopeError):
        services.assessment_deduction_delete(deduction=saved, actor=secretary_b)
    with pytest.raises(ScopeError):
        services.assessment_save(
            assessment=Assessment(member=MemberFactory(branch=tree.branch_a), year=2025),
            actor=secretary_b,
        )
    assert AssessmentDeduction.objects.filter(pk=saved.pk).exists()


def test_deleting_deduction_records_who_deleted(tree, secretary_a) -> None:
    assessment = AssessmentFactory(member=MemberFactory(branch=tree.branch_a))
    saved = AssessmentDeduction.objects.create(assessment=assessment, item=3, points=2, reason="y")
    services.assessment_deduction_delete(deduction=saved, actor=secretary_a)
    deleted = AssessmentDeduction.history.filter(history_type="-").get()
    assert deleted.history_user == secretary_a
