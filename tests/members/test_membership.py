"""Issue 9: who holds a member, membership dates, members who leave by transfer, the review quota
on the review year's last day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members.models import FloatingRecord, Member, MembershipTransfer, Review, TransferDirection
from members.resources import MemberRosterResource
from members.rules import MemberStatus, ReviewGrade
from members.selectors.records import review_excellent_quota_get
from members.services import records as services
from members.services.member import member_save
from members.services.records import ReviewQuotaError, TransferStateError
from organizations.rules import OrganizationKind as K
from tests.members.factories import (
    FloatingRecordFactory,
    MemberFactory,
    MembershipTransferFactory,
    ReviewFactory,
)
from tests.organizations.factories import OrganizationFactory


def errors_of(member: Member) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        member.full_clean()
    return info.value.message_dict


def transfer_out(member: Member, actor: Any, on: dt.date = dt.date(2026, 3, 10)) -> Member:
    transfer = MembershipTransferFactory(member=member, issued_on=dt.date(2026, 3, 1))
    services.membership_transfer_receive(transfer=transfer, actor=actor, received_on=on)
    return Member.objects.get(pk=member.pk)


# --- 9.5: only a 党支部 (or a unit org with no branch below it) holds members --------------------
@pytest.mark.parametrize(
    ("holder", "message"),
    [
        (
            "group_a",
            "党小组不是组织关系所在的党组织：请把所在党组织选为“甲社区第一党支部”，"
            "再把党员编入党小组“甲社区第一党小组”。",
        ),
        (
            "community_a",
            "甲社区党委是社区党委，不直接管理党员：党员的组织关系只能在党支部"
            "（或下设无党支部的单位党组织）。",
        ),
        (
            "sub_district",
            "测试街道党工委是街道党工委，不直接管理党员：党员的组织关系只能在党支部"
            "（或下设无党支部的单位党组织）。",
        ),
    ],
)
def test_only_a_branch_holds_members(tree, holder: str, message: str) -> None:
    member = MemberFactory.build(branch=getattr(tree, holder))
    assert errors_of(member)["branch"] == [message]


def test_a_unit_org_holds_members_only_while_it_has_no_branch(tree) -> None:
    unit_org = tree.unit_b.party_organization
    MemberFactory.build(branch=unit_org).full_clean()
    OrganizationFactory(name="乙医院外科党支部", kind=K.BRANCH, parent=unit_org)
    assert errors_of(MemberFactory.build(branch=unit_org))["branch"] == [
        "乙医院党委下设党支部，党员的组织关系应在其下的党支部。"
    ]


def test_a_member_may_be_placed_in_a_group_of_its_own_branch(tree) -> None:
    MemberFactory.build(branch=tree.branch_a, group=tree.group_a).full_clean()
    member = MemberFactory.build(branch=tree.branch_a, group=tree.group_b)
    assert errors_of(member)["group"] == [
        "党小组“乙社区第一党小组”不属于甲社区第一党支部，请选择本支部的党小组。"
    ]


def test_a_secretary_cannot_save_a_member_held_by_the_community(tree, secretary_a) -> None:
    member = MemberFactory.build(branch=tree.community_a)
    with pytest.raises(ValidationError, match="不直接管理党员"):
        member_save(member=member, actor=secretary_a)
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "SD-A-1-1",
            "第2行: 党小组不是组织关系所在的党组织：请把所在党组织选为“甲社区第一党支部”，"
            "再把党员编入党小组“甲社区第一党小组”",
        ),
        (
            "SD-A",
            "第2行: 所在党组织：甲社区党委是社区党委，不直接管理党员：党员的组织关系只能在党支部"
            "（或下设无党支部的单位党组织）",
        ),
    ],
)
def test_the_import_refuses_a_holder_that_is_not_a_branch(
    tree, secretary_a, tmp_path, code: str, message: str
) -> None:
    from tests.members.test_import_export import roster_row, run_import, write_roster

    path = write_roster(tmp_path / "r.xlsx", [roster_row(1, 所在党组织=code)])
    _, errors = run_import(path, secretary_a)
    assert errors == [message]
    assert not Member.objects.exists()


def test_the_admin_explains_a_unit_org_with_branches(client, tree, superuser) -> None:
    from tests.members.test_member_admin import _post_data

    unit_org = tree.unit_b.party_organization
    member = MemberFactory(name="乙医院党员", branch=unit_org)
    OrganizationFactory(name="乙医院外科党支部", kind=K.BRANCH, parent=unit_org)
    client.force_login(superuser)
    url = reverse("admin:members_member_change", args=[member.pk])
    response = client.post(url, _post_data(member, name="改名"))
    assert response.status_code == 200
    assert "乙医院党委下设党支部，党员的组织关系应在其下的党支部。" in response.content.decode()
    assert Member.objects.get(pk=member.pk).name == "乙医院党员"


def test_an_incoming_transfer_takes_the_member_out_of_the_old_group(tree, secretary_b) -> None:
    member = MemberFactory(branch=tree.branch_a, group=tree.group_a)
    transfer = MembershipTransferFactory(
        member=member, direction=TransferDirection.IN, branch=tree.branch_b
    )
    services.membership_transfer_receive(
        transfer=transfer, actor=secretary_b, received_on=dt.date(2026, 3, 3)
    )
    member.refresh_from_db()
    assert (member.branch, member.group) == (tree.branch_b, None)


# --- 9.9: membership dates ---------------------------------------------------------------------
def test_a_join_date_in_the_future_is_refused(tree) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    member = MemberFactory.build(
        branch=tree.branch_a,
        status=MemberStatus.PROBATIONARY,
        joined_on=tomorrow,
        full_member_on=None,
    )
    assert errors_of(member)["joined_on"] == ["入党日期不能晚于今天"]


def test_full_membership_one_month_after_joining_is_refused(tree) -> None:
    member = MemberFactory.build(
        branch=tree.branch_a,
        birth_date=dt.date(1980, 5, 20),
        joined_on=dt.date(2010, 7, 1),
        full_member_on=dt.date(2010, 8, 1),
    )
    assert errors_of(member)["full_member_on"] == [
        "转正日期应为预备期满之日：入党满一年的2011-07-01，"
        "或延长预备期6至12个月后的2012-01-01至2012-07-01之间"
    ]


def test_a_member_sixteen_on_joining_is_refused(tree) -> None:
    member = MemberFactory.build(
        branch=tree.branch_a,
        birth_date=dt.date(2008, 6, 1),
        status=MemberStatus.PROBATIONARY,
        joined_on=dt.date(2024, 6, 1),
        full_member_on=None,
    )
    assert errors_of(member)["joined_on"] == ["入党日期早于本人年满18周岁的日期"]


def test_probationary_since_2019_is_flagged_in_the_member_list(client, tree, secretary_a) -> None:
    MemberFactory(
        name="老预备党员",
        branch=tree.branch_a,
        status=MemberStatus.PROBATIONARY,
        joined_on=dt.date(2019, 5, 1),
        full_member_on=None,
    )
    MemberFactory(name="新预备党员", branch=tree.branch_a, status=MemberStatus.PROBATIONARY,
                  joined_on=timezone.localdate() - dt.timedelta(days=30), full_member_on=None)  # fmt: skip
    client.force_login(secretary_a)
    changelist = reverse("admin:members_member_changelist")
    page = client.get(changelist).content.decode()
    assert "预备期已于2020-05-01满一年，最长延长期也已于2021-05-01届满，仍未转正" in page
    flagged = client.get(changelist, {"probation": "overdue"}).content.decode()
    assert "老预备党员" in flagged
    assert "新预备党员" not in flagged


# --- 9.2: a received 转出 makes the member leave ------------------------------------------------
def test_a_received_transfer_out_makes_the_member_leave(tree, secretary_a) -> None:
    member = transfer_out(MemberFactory(name="转出党员", branch=tree.branch_a), secretary_a)
    assert member.transferred_out_on == dt.date(2026, 3, 10)
    assert member.branch == tree.branch_a  # kept with its history where it was held
    assert not Member.objects.current().filter(pk=member.pk).exists()
    assert Member.objects.transferred_out().filter(pk=member.pk).exists()
    assert member.history.latest().history_user == secretary_a
    assert MembershipTransfer.objects.filter(member=member).exists()


def test_a_sent_but_unreceived_letter_keeps_the_member(tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a)
    MembershipTransferFactory(member=member)
    assert Member.objects.current().filter(pk=member.pk).exists()


def test_a_transferred_out_member_cannot_be_transferred_out_again(tree, secretary_a) -> None:
    member = transfer_out(MemberFactory(branch=tree.branch_a), secretary_a)
    again = MembershipTransferFactory.build(member=member, letter_number="JS-AGAIN")
    with pytest.raises(TransferStateError, match="已于2026-03-10转出"):
        services.membership_transfer_save(transfer=again, actor=secretary_a)


def test_a_member_transferred_back_in_is_current_again(tree, secretary_a) -> None:
    member = transfer_out(MemberFactory(branch=tree.branch_a), secretary_a)
    back = MembershipTransferFactory(
        member=member, direction=TransferDirection.IN, issued_on=dt.date(2026, 5, 1)
    )
    services.membership_transfer_receive(
        transfer=back, actor=secretary_a, received_on=dt.date(2026, 5, 5)
    )
    assert Member.objects.current().filter(pk=member.pk).exists()


def test_transfer_out_ends_the_members_current_outflow(tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a)
    record = FloatingRecordFactory(member=member)
    transfer_out(member, secretary_a)
    assert FloatingRecord.objects.get(pk=record.pk).ended_on == dt.date(2026, 3, 10)


def test_the_roster_export_leaves_out_transferred_members(tree, secretary_a) -> None:
    MemberFactory(name="在册党员", branch=tree.branch_a)
    transfer_out(MemberFactory(name="转出党员", branch=tree.branch_a), secretary_a)
    names = [row[0] for row in MemberRosterResource(user=secretary_a).export()]
    assert names == ["在册党员"]


def test_member_list_shows_current_members_and_finds_the_transferred_out(
    client, tree, secretary_a
) -> None:
    MemberFactory(name="在册党员", branch=tree.branch_a)
    transfer_out(MemberFactory(name="转出党员", branch=tree.branch_a), secretary_a)
    client.force_login(secretary_a)
    changelist = reverse("admin:members_member_changelist")
    default = client.get(changelist).content.decode()
    assert "在册党员" in default
    assert "转出党员" not in default
    out = client.get(changelist, {"roster": "out"}).content.decode()
    assert "转出党员" in out
    assert "已转出（2026-03-10）" in out
    assert "在册党员" not in out


def test_the_admin_export_by_default_leaves_out_transferred_members(
    client, tree, secretary_a
) -> None:
    MemberFactory(name="在册党员", branch=tree.branch_a)
    transfer_out(MemberFactory(name="转出党员", branch=tree.branch_a), secretary_a)
    client.force_login(secretary_a)
    url = reverse("admin:members_member_export")
    form = client.get(url).context["form"]
    data = {"format": "1", "resource": "0"}  # 1: CSV
    data.update({name: "on" for name in form.fields if name.startswith("memberrosterresource_")})
    body = client.post(url, data).content.decode("utf-8-sig")
    assert "在册党员" in body
    assert "转出党员" not in body


def test_the_workbench_counts_only_current_members(rf, tree, secretary_a) -> None:
    from members.dashboard import members_panel

    MemberFactory(branch=tree.branch_a, categories=["retired"])
    transfer_out(MemberFactory(branch=tree.branch_a, categories=["retired"]), secretary_a)
    request = rf.get("/admin/")
    request.user = secretary_a
    panel = members_panel(request)
    assert panel is not None
    assert {f.label: f.value for f in panel.figures}["党员"] == 1
    assert dict(panel.charts[0].bars)["离退休"] == 1


def test_a_roster_row_of_a_transferred_out_member_is_refused(tree, secretary_a) -> None:
    member = transfer_out(MemberFactory(name="转出党员", branch=tree.branch_a), secretary_a)
    resource = MemberRosterResource(user=secretary_a)
    dataset = resource.export(queryset=Member.objects.filter(pk=member.pk))
    result = resource.import_data(dataset, dry_run=True)
    assert resource.error_lines(result) == [
        "第2行: 转出党员已于2026-03-10转出本组织，花名册不再包含该党员；如已转回，请办理组织关系转入"
    ]


def test_a_transferred_out_member_does_not_count_for_the_quota(tree, secretary_a) -> None:
    members = MemberFactory.create_batch(3, branch=tree.branch_a)
    transfer_out(members[2], secretary_a)  # left on 2026-03-10: not a member on 2026-12-31
    assert review_excellent_quota_get(branch_id=tree.branch_a.pk, year=2026).graded == 2
    assert review_excellent_quota_get(branch_id=tree.branch_a.pk, year=2025).graded == 3


def test_a_transferred_out_member_is_not_reviewed_for_a_later_year(tree, secretary_a) -> None:
    member = transfer_out(MemberFactory(branch=tree.branch_a), secretary_a)
    review = Review(member=member, year=2026, grade=ReviewGrade.QUALIFIED)
    with pytest.raises(ValidationError, match="已于2026-03-10转出，不参加本支部2026年度评议"):
        services.review_save(review=review, actor=secretary_a)


# --- 9.3: the 优秀 quota counts full members on the review year's last day ---------------------
def _full_member(branch: Any, full_member_on: dt.date, **kwargs: Any) -> Member:
    joined = full_member_on.replace(year=full_member_on.year - 1)
    return MemberFactory(branch=branch, joined_on=joined, full_member_on=full_member_on, **kwargs)


def test_quota_counts_those_full_on_the_years_last_day(tree, secretary_a) -> None:
    """CN-CH-ZB2 in 2025: 24 full members on 2025-12-31, 2 more from 2026: 8 优秀, not 9."""
    full = [_full_member(tree.branch_a, dt.date(2025, 12, 31)) for _ in range(24)]
    late = [_full_member(tree.branch_a, dt.date(2026, 1, 1)) for _ in range(2)]
    for member in full[:8]:
        ReviewFactory(member=member, year=2025, grade=ReviewGrade.EXCELLENT)
    for member in late:
        ReviewFactory(member=member, year=2025, grade="", was_probationary=True)
    with pytest.raises(ReviewQuotaError) as caught:
        services.review_save(
            review=Review(member=full[8], year=2025, grade=ReviewGrade.EXCELLENT), actor=secretary_a
        )
    assert caught.value.message_dict["grade"] == [
        "本支部2025年12月31日在册的正式党员24人，优秀最多8人，已有8人，请改评其他等次。"
    ]


def test_a_member_probationary_all_the_review_year_is_not_graded(tree, secretary_a) -> None:
    member = _full_member(tree.branch_a, dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="预备党员参加评议，但不评定等次"):
        services.review_save(
            review=Review(member=member, year=2025, grade=ReviewGrade.EXCELLENT), actor=secretary_a
        )
    review = services.review_save(review=Review(member=member, year=2025), actor=secretary_a)
    assert review.was_probationary
    assert (
        services.review_save(
            review=Review(member=member, year=2026, grade=ReviewGrade.QUALIFIED), actor=secretary_a
        ).grade
        == ReviewGrade.QUALIFIED
    )


def test_the_review_form_explains_that_the_member_was_probationary(
    client, tree, secretary_a
) -> None:
    member = _full_member(tree.branch_a, dt.date(2026, 3, 1))
    client.force_login(secretary_a)
    data = {"member": member.pk, "year": 2025, "grade": ReviewGrade.EXCELLENT}
    response = client.post(reverse("admin:members_review_add"), data)
    assert response.status_code == 200
    assert "预备党员参加评议，但不评定等次" in response.content.decode()
    assert not Review.objects.exists()


def test_a_member_who_joined_after_the_review_year_is_not_reviewed(tree, secretary_a) -> None:
    member = MemberFactory(
        branch=tree.branch_a,
        status=MemberStatus.PROBATIONARY,
        joined_on=dt.date(2026, 2, 1),
        full_member_on=None,
    )
    with pytest.raises(ValidationError, match="2025年12月31日尚未入党"):
        services.review_save(review=Review(member=member, year=2025), actor=secretary_a)


# --- 9.9: an outflow without a 流动党员活动证 is flagged ------------------------------------------
def test_an_outflow_without_a_certificate_is_flagged(client, tree, secretary_a) -> None:
    today = timezone.localdate()
    FloatingRecordFactory(member=MemberFactory(name="无证外出", branch=tree.branch_a))
    FloatingRecordFactory(
        member=MemberFactory(name="证已过期", branch=tree.branch_a),
        certificate_number="LD-1",
        certificate_expires_on=today - dt.timedelta(days=1),
    )
    FloatingRecordFactory(
        member=MemberFactory(name="持证外出", branch=tree.branch_a),
        certificate_number="LD-2",
        certificate_expires_on=today,
    )
    FloatingRecordFactory(
        member=MemberFactory(name="流入党员", branch=tree.branch_b),
        direction="in",
        certificate_checked=True,
        placed_in=tree.branch_a,
    )
    client.force_login(secretary_a)
    changelist = reverse("admin:members_floatingrecord_changelist")
    flagged = client.get(changelist, {"certificate": "missing"}).content.decode()
    assert "无证外出" in flagged
    assert "证已过期" in flagged
    assert "持证外出" not in flagged
    assert "流入党员" not in flagged
    page = client.get(changelist).content.decode()
    assert "未发《流动党员活动证》" in page
    assert "活动证已过期" in page
