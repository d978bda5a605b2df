"""双联双管 writes: registration, service posts and activity records, each within the actor's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members.models import (
    ActivityRecord,
    PersonalDataAccess,
    PostClaim,
    PostClaimStatus,
    PostKind,
    Registration,
    RegistrationCampaign,
)
from members.services import dual as services
from members.services.dual import PostClaimError
from organizations.services import ScopeError
from tests.members.factories import MemberFactory, RegistrationFactory


@pytest.fixture
def resident(tree):
    """An in-service member of 乙医院 (unit B, linked to community A) who lives in community A."""
    return MemberFactory(
        name="张在职",
        categories=["in_service"],
        branch=tree.unit_b.party_organization,
        residence_community=tree.community_a,
        work_unit="乙医院",
    )


def new_registration(tree, member, **kwargs) -> Registration:
    values = {
        "member": member,
        "community": tree.community_a,
        "unit": tree.unit_b,
        "residence": "甲小区3栋2单元501",
        "registered_on": dt.date(2026, 3, 1),
        **kwargs,
    }
    return Registration(**values)


def test_secretary_registers_resident_and_is_recorded_as_author(tree, secretary_a, resident):
    registration = services.registration_save(
        registration=new_registration(tree, resident, speciality="外科医生"), actor=secretary_a
    )
    assert Registration.objects.get().speciality == "外科医生"
    assert registration.history.get().history_user == secretary_a


def test_other_community_secretary_cannot_register_in_community_a(tree, secretary_b, resident):
    with pytest.raises(ScopeError, match="不在您的管理范围内"):
        services.registration_save(registration=new_registration(tree, resident), actor=secretary_b)
    assert not Registration.objects.exists()


def test_member_outside_scope_cannot_be_registered(tree, secretary_a):
    stranger = MemberFactory(
        categories=["in_service"], branch=tree.branch_b, residence_community=tree.community_b
    )
    with pytest.raises(ScopeError, match="该党员不在您的管理范围内"):
        services.registration_save(registration=new_registration(tree, stranger), actor=secretary_a)


def test_unit_not_linked_to_community_is_refused(tree, secretary_a, resident):
    with pytest.raises(ScopeError, match="没有双联双管关系"):
        services.registration_save(
            registration=new_registration(tree, resident, unit=tree.unit_c), actor=secretary_a
        )


def test_only_in_service_members_register(tree, secretary_a):
    retired = MemberFactory(
        name="李退休", categories=["retired"], branch=tree.branch_a, residence_community=None
    )
    with pytest.raises(ValidationError, match="李退休不是在职党员"):
        services.registration_save(registration=new_registration(tree, retired), actor=secretary_a)


def test_one_active_registration_per_member_and_community(tree, secretary_a, resident):
    first = services.registration_save(
        registration=new_registration(tree, resident), actor=secretary_a
    )
    with pytest.raises(ValidationError, match="该党员已在本社区报到登记"):
        services.registration_save(
            registration=new_registration(tree, resident, registered_on=dt.date(2026, 4, 1)),
            actor=secretary_a,
        )
    services.registration_end(registration=first, ended_on=dt.date(2026, 5, 1), actor=secretary_a)
    services.registration_save(
        registration=new_registration(tree, resident, registered_on=dt.date(2026, 9, 1)),
        actor=secretary_a,
    )
    assert Registration.objects.filter(member=resident).count() == 2
    assert Registration.objects.active().get().registered_on == dt.date(2026, 9, 1)


def test_ending_twice_is_refused(tree, secretary_a, resident):
    registration = RegistrationFactory(
        member=resident, community=tree.community_a, unit=tree.unit_b
    )
    services.registration_end(
        registration=registration, ended_on=dt.date(2026, 5, 1), actor=secretary_a
    )
    with pytest.raises(ValidationError, match="已于2026-05-01迁出"):
        services.registration_end(
            registration=registration, ended_on=dt.date(2026, 6, 1), actor=secretary_a
        )


def test_campaign_of_another_community_is_refused(tree, secretary_a, superuser, resident):
    campaign = services.registration_campaign_save(
        campaign=RegistrationCampaign(
            community=tree.community_b,
            name="乙社区报到",
            starts_on=dt.date(2026, 1, 1),
            deadline=dt.date(2026, 3, 31),
        ),
        actor=superuser,
    )
    with pytest.raises(ValidationError, match="所选报到活动属于其他社区"):
        services.registration_save(
            registration=new_registration(tree, resident, campaign=campaign), actor=secretary_a
        )


def test_campaign_for_another_community_is_refused(tree, secretary_a):
    campaign = RegistrationCampaign(
        community=tree.community_b,
        name="越权活动",
        starts_on=dt.date(2026, 1, 1),
        deadline=dt.date(2026, 3, 31),
    )
    with pytest.raises(ScopeError):
        services.registration_campaign_save(campaign=campaign, actor=secretary_a)


def test_campaign_deadline_before_start_is_refused_in_chinese(tree, secretary_a):
    campaign = RegistrationCampaign(
        community=tree.community_a,
        name="倒挂",
        starts_on=dt.date(2026, 4, 1),
        deadline=dt.date(2026, 3, 31),
    )
    with pytest.raises(ValidationError, match="报到截止日期不能早于开始日期"):
        services.registration_campaign_save(campaign=campaign, actor=secretary_a)


def test_moving_a_registration_to_another_community_is_refused(tree, secretary_a, resident):
    registration = RegistrationFactory(
        member=resident, community=tree.community_b, unit=tree.unit_b
    )
    registration.community = tree.community_a
    with pytest.raises(ScopeError):
        services.registration_save(
            registration=registration, actor=secretary_a, update_fields=["community"]
        )


def test_printing_cards_is_logged(tree, secretary_a, resident):
    registration = RegistrationFactory(
        member=resident, community=tree.community_a, unit=tree.unit_b
    )
    services.registration_cards_print(registrations=[registration], actor=secretary_a)
    access = PersonalDataAccess.objects.get()
    assert access.member == resident
    assert access.action == PersonalDataAccess.Action.PRINT
    assert registration.card_number in access.detail


# --- 设岗定责 -------------------------------------------------------------------------------------
def test_ten_default_post_kinds_are_seeded(db):
    assert PostKind.objects.filter(community=None).count() == 10


def test_community_adds_its_own_post_kind(tree, secretary_a):
    kind = services.post_kind_save(
        kind=PostKind(name="助老服务岗", community=tree.community_a), actor=secretary_a
    )
    assert PostKind.objects.visible_to(secretary_a).filter(pk=kind.pk).exists()
    with pytest.raises(ScopeError):
        services.post_kind_save(
            kind=PostKind(name="助老服务岗", community=tree.community_b), actor=secretary_a
        )


def test_default_post_kinds_are_read_only_for_secretaries(tree, secretary_a, superuser):
    default = PostKind.objects.get(name="党建联络岗")
    default.duties = "改写职责"
    with pytest.raises(ScopeError, match="十类通用服务岗位由系统统一设置"):
        services.post_kind_save(kind=default, actor=secretary_a, update_fields=["duties"])
    with pytest.raises(ScopeError, match="十类通用服务岗位由系统统一设置"):
        services.post_kind_save(kind=PostKind(name="新通用岗"), actor=secretary_a)
    with pytest.raises(ScopeError, match="不能删除"):
        services.post_kind_delete(kind=default, actor=secretary_a)
    services.post_kind_save(kind=default, actor=superuser, update_fields=["duties"])
    assert PostKind.objects.get(pk=default.pk).duties == "改写职责"


def test_secretary_cannot_turn_local_kind_into_default(tree, secretary_a):
    kind = services.post_kind_save(
        kind=PostKind(name="助老服务岗", community=tree.community_a), actor=secretary_a
    )
    kind.community = None
    with pytest.raises(ScopeError):
        services.post_kind_save(kind=kind, actor=secretary_a, update_fields=["community"])


def test_post_kind_with_claims_is_not_deleted(tree, secretary_a, resident):
    kind = services.post_kind_save(
        kind=PostKind(name="助老服务岗", community=tree.community_a), actor=secretary_a
    )
    claim_post(tree, secretary_a, resident, kind)
    with pytest.raises(ValidationError, match="已有党员认领"):
        services.post_kind_delete(kind=kind, actor=secretary_a)


def claim_post(tree, actor, member, kind=None) -> PostClaim:
    return services.post_claim_save(
        claim=PostClaim(
            member=member,
            community=tree.community_a,
            kind=kind or PostKind.objects.get(name="政策宣传岗"),
            commitment="每月宣讲一次惠民政策",
            claimed_on=dt.date(2026, 4, 1),
        ),
        actor=actor,
    )


def test_new_claim_is_pending_whatever_was_posted(tree, secretary_a, resident, superuser):
    claim = PostClaim(
        member=resident,
        community=tree.community_a,
        kind=PostKind.objects.get(name="政策宣传岗"),
        commitment="承诺",
        claimed_on=dt.date(2026, 4, 1),
        status=PostClaimStatus.APPROVED,
        decided_by=superuser,
    )
    services.post_claim_save(claim=claim, actor=secretary_a)
    claim.refresh_from_db()
    assert claim.status == PostClaimStatus.PENDING
    assert claim.decided_by is None


def test_approval_records_who_and_when(tree, secretary_a, resident):
    claim = claim_post(tree, secretary_a, resident)
    services.post_claim_approve(claim=claim, actor=secretary_a, on=dt.date(2026, 4, 3))
    claim.refresh_from_db()
    assert claim.status == PostClaimStatus.APPROVED
    assert claim.decided_by == secretary_a
    assert claim.decided_on == dt.date(2026, 4, 3)


def test_only_pending_claims_are_decided(tree, secretary_a, resident):
    claim = claim_post(tree, secretary_a, resident)
    services.post_claim_reject(claim=claim, actor=secretary_a)
    with pytest.raises(
        PostClaimError, match="张在职认领的“政策宣传岗”状态是“未批准”，只有待审核的认领可以审核"
    ):
        services.post_claim_approve(claim=claim, actor=secretary_a)
    with pytest.raises(PostClaimError):
        services.post_claim_reject(claim=claim, actor=secretary_a)
    assert PostClaim.objects.get().status == PostClaimStatus.REJECTED


def test_decided_claim_cannot_be_edited(tree, secretary_a, resident):
    claim = claim_post(tree, secretary_a, resident)
    services.post_claim_approve(claim=claim, actor=secretary_a)
    claim.commitment = "改口"
    with pytest.raises(PostClaimError, match="该认领的状态是“已批准”，只有待审核的认领可以修改"):
        services.post_claim_save(claim=claim, actor=secretary_a, update_fields=["commitment"])


def test_other_community_cannot_decide_claims(tree, secretary_a, secretary_b, resident):
    claim = claim_post(tree, secretary_a, resident)
    with pytest.raises(ScopeError):
        services.post_claim_approve(claim=claim, actor=secretary_b)
    assert PostClaim.objects.get().status == PostClaimStatus.PENDING


def test_unit_reviewer_cannot_decide_claims(tree, secretary_a, reviewer_b, resident):
    claim = claim_post(tree, secretary_a, resident)
    with pytest.raises(ScopeError):
        services.post_claim_approve(claim=claim, actor=reviewer_b)


def test_same_post_cannot_be_claimed_twice_while_open(tree, secretary_a, resident):
    claim_post(tree, secretary_a, resident)
    with pytest.raises(ValidationError, match="该党员已认领这个岗位"):
        claim_post(tree, secretary_a, resident)


def test_another_communitys_local_kind_is_refused(tree, secretary_a, secretary_b, resident):
    kind_b = services.post_kind_save(
        kind=PostKind(name="乙社区特色岗", community=tree.community_b), actor=secretary_b
    )
    with pytest.raises(ValidationError, match="该岗位是其他社区增设的"):
        claim_post(tree, secretary_a, resident, kind_b)


# --- 参与社区活动记录 ------------------------------------------------------------------------------
def test_activity_record_is_saved_within_scope(tree, secretary_a, secretary_b, resident):
    record = ActivityRecord(
        member=resident,
        community=tree.community_a,
        kind="activity",
        date=dt.date(2026, 5, 1),
        title="义诊",
        hours=3,
    )
    with pytest.raises(ScopeError):
        services.activity_record_save(record=record, actor=secretary_b)
    services.activity_record_save(record=record, actor=secretary_a)
    assert ActivityRecord.objects.get().title == "义诊"
    with pytest.raises(ScopeError):
        services.activity_record_delete(record=record, actor=secretary_b)
    services.activity_record_delete(record=record, actor=secretary_a)
    assert not ActivityRecord.objects.exists()


def test_activity_hours_over_a_day_are_refused(tree, secretary_a, resident):
    record = ActivityRecord(
        member=resident, community=tree.community_a, date=dt.date(2026, 5, 1), title="x", hours=25
    )
    with pytest.raises(ValidationError, match="时长应在0到24小时之间"):
        services.activity_record_save(record=record, actor=secretary_a)


# --- issue 9.1: who registers ----------------------------------------------------------------------
def test_a_member_of_the_communitys_own_branch_does_not_register(tree, secretary_a):
    own = MemberFactory(
        name="王本社区",
        categories=["in_service"],
        branch=tree.branch_a,
        residence_community=tree.community_a,
    )
    with pytest.raises(ValidationError) as info:
        services.registration_save(registration=new_registration(tree, own), actor=secretary_a)
    assert info.value.message_dict["member"] == [
        "王本社区的组织关系在甲社区第一党支部，不在驻区单位党组织，由所在党支部管理，"
        "无需到居住社区报到。"
    ]
    assert not Registration.objects.exists()


def test_a_transferred_out_member_does_not_register(tree, secretary_a, resident):
    resident.transferred_out_on = dt.date(2026, 2, 1)
    resident.save(update_fields=["transferred_out_on"])
    with pytest.raises(ValidationError, match="张在职已于2026-02-01转出"):
        services.registration_save(registration=new_registration(tree, resident), actor=secretary_a)
