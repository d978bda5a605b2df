"""临时党小组, short stays and their 活动证, 停止/恢复党籍 (002 流动党员管理制度 五、六、七; issue 24
point 6): who is counted, from which date, at the edges."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from activities.rules import MeetingKind
from activities.selectors.meetings import is_outflowing_on
from members.models import FloatingRecord, Member, StandingSuspension, TemporaryGroup
from members.rules import (
    FloatingDirection,
    ReviewGrade,
    SuspensionReason,
    months_after,
)
from members.selectors.lapse import self_lapse_report
from members.selectors.records import review_excellent_quota_get
from members.services.floating import (
    standing_suspension_save,
    temporary_group_report_save,
    temporary_group_save,
)
from members.services.records import floating_record_save, review_save
from tests.activities.factories import AttendanceFactory, MeetingFactory
from tests.members.factories import (
    FloatingRecordFactory,
    MemberFactory,
    ReviewFactory,
    StandingSuspensionFactory,
    TemporaryGroupFactory,
    TemporaryGroupReportFactory,
)

OLD = dt.date(2010, 1, 1)
SINCE = dt.date(2026, 1, 10)


def _away(branch: Any, name: str, *, place: str = "广东省深圳市", **kw: Any) -> FloatingRecord:
    member = MemberFactory(name=name, branch=branch, joined_on=OLD, categories=["floating"])
    return FloatingRecordFactory(member=member, place=place, since=SINCE, **kw)


def _group(branch: Any, records: list[FloatingRecord], actor: Any) -> TemporaryGroup:
    group = TemporaryGroup(
        branch=branch,
        name="深圳临时党小组",
        place="广东省深圳市",
        formed_on=SINCE,
        leader=records[0].member,
    )
    return temporary_group_save(group=group, actor=actor, records=records)


# --- 临时党小组 ------------------------------------------------------------------------------------
def test_three_members_away_together_form_a_temporary_group(tree, secretary_a) -> None:
    records = [_away(tree.branch_a, name) for name in ("甲", "乙", "丙")]
    group = _group(tree.branch_a, records, secretary_a)
    assert settings.TEMPORARY_GROUP_MIN_MEMBERS == 3
    assert sorted(group.records.values_list("member__name", flat=True)) == ["丙", "乙", "甲"]


def test_two_members_are_not_enough_for_a_temporary_group(tree, secretary_a) -> None:
    records = [_away(tree.branch_a, name) for name in ("甲", "乙")]
    with pytest.raises(ValidationError) as refused:
        _group(tree.branch_a, records, secretary_a)
    assert "3名以上" in str(refused.value)
    assert not TemporaryGroup.objects.exists()


def test_a_stay_of_six_months_less_a_day_is_not_in_a_temporary_group(tree, secretary_a) -> None:
    months = settings.TEMPORARY_GROUP_MIN_MONTHS
    six = months_after(SINCE, months)
    short = _away(tree.branch_a, "差一天", planned_return_on=six - dt.timedelta(days=1))
    others = [_away(tree.branch_a, "甲"), _away(tree.branch_a, "乙", planned_return_on=six)]
    with pytest.raises(ValidationError) as refused:
        _group(tree.branch_a, [*others, short], secretary_a)
    assert "差一天" in str(refused.value)
    assert f"不满{months}个月" in str(refused.value)
    assert "乙" not in str(refused.value)  # exactly six months is six months


def test_a_member_away_at_another_place_or_back_home_is_refused(tree, secretary_a) -> None:
    records = [_away(tree.branch_a, "甲"), _away(tree.branch_a, "乙")]
    elsewhere = _away(tree.branch_a, "在广州", place="广东省广州市")
    back = _away(tree.branch_a, "已返回", ended_on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as refused:
        _group(tree.branch_a, [*records, elsewhere, back], secretary_a)
    text = str(refused.value)
    assert "在广州外出地点为“广东省广州市”" in text
    assert "已返回没有正在外出的流动登记" in text


def test_the_leader_is_one_of_the_group(tree, secretary_a) -> None:
    records = [_away(tree.branch_a, name) for name in ("甲", "乙", "丙")]
    group = TemporaryGroup(
        branch=tree.branch_a,
        name="深圳临时党小组",
        place="广东省深圳市",
        formed_on=SINCE,
        leader=MemberFactory(branch=tree.branch_a),
    )
    with pytest.raises(ValidationError) as refused:
        temporary_group_save(group=group, actor=secretary_a, records=records)
    assert "负责人须是临时党小组的成员" in str(refused.value)


def test_another_communitys_secretary_cannot_form_the_group(tree, secretary_b) -> None:
    records = [_away(tree.branch_a, name) for name in ("甲", "乙", "丙")]
    with pytest.raises(Exception, match="无权"):
        _group(tree.branch_a, records, secretary_b)


def _general_meeting(branch: Any, day: dt.date, *present: Member) -> None:
    meeting = MeetingFactory(organization=branch, held_on=day, kind=MeetingKind.GENERAL_MEETING)
    for member in present:
        AttendanceFactory(meeting=meeting, member=member)


def test_a_report_home_counts_as_life_for_those_named_only(tree, secretary_a) -> None:
    records = [_away(tree.branch_a, name) for name in ("列名", "未列名", "负责人")]
    group = _group(tree.branch_a, records, secretary_a)
    members = [record.member for record in records]
    _general_meeting(tree.branch_a, dt.date(2026, 1, 8), *members)  # the records start
    report = TemporaryGroupReportFactory.build(
        group=group, reported_on=dt.date(2026, 6, 30), life_held_on=dt.date(2026, 6, 20)
    )
    temporary_group_report_save(report=report, actor=secretary_a, attendees=[members[0]])
    rows = self_lapse_report(members=Member.objects.all(), today=dt.date(2026, 7, 10)).rows
    flagged = {row.member.name for row in rows if row.condition == "life"}
    assert flagged == {"未列名", "负责人"}


def test_a_report_naming_someone_outside_the_group_is_refused(tree, secretary_a) -> None:
    group = TemporaryGroupFactory(branch=tree.branch_a)
    report = TemporaryGroupReportFactory.build(group=group, life_held_on=dt.date(2026, 2, 20))
    stranger = MemberFactory(name="外人", branch=tree.branch_a)
    with pytest.raises(ValidationError, match="外人不是该临时党小组的成员"):
        temporary_group_report_save(report=report, actor=secretary_a, attendees=[stranger])


# --- a stay of three months or less ---------------------------------------------------------------
def _outflow(member: Member, planned: dt.date | None, certificate: str = "") -> FloatingRecord:
    return FloatingRecord(
        member=member,
        direction=FloatingDirection.OUTFLOW,
        place="浙江省杭州市",
        since=SINCE,
        planned_return_on=planned,
        last_contact_on=SINCE,
        certificate_number=certificate,
    )


def test_a_stay_of_exactly_three_months_gets_no_certificate(tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a)
    three = months_after(SINCE, settings.FLOATING_SHORT_STAY_MONTHS)
    with pytest.raises(ValidationError) as refused:
        floating_record_save(record=_outflow(member, three, "LD-001"), actor=secretary_a)
    assert "不发《流动党员活动证》" in str(refused.value)
    kept = floating_record_save(record=_outflow(member, three), actor=secretary_a)
    assert kept.is_short_stay


def test_a_stay_of_three_months_and_a_day_gets_a_certificate(tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a)
    longer = months_after(SINCE, settings.FLOATING_SHORT_STAY_MONTHS) + dt.timedelta(days=1)
    record = floating_record_save(record=_outflow(member, longer, "LD-002"), actor=secretary_a)
    assert not record.is_short_stay
    assert FloatingRecord.objects.short_stays().count() == 0


def test_a_short_stay_member_is_expected_at_home_and_cannot_be_excused(tree, secretary_a) -> None:
    short = MemberFactory(branch=tree.branch_a)
    long = MemberFactory(branch=tree.branch_a)
    three = months_after(SINCE, settings.FLOATING_SHORT_STAY_MONTHS)
    floating_record_save(record=_outflow(short, three), actor=secretary_a)
    floating_record_save(record=_outflow(long, None, "LD-003"), actor=secretary_a)
    day = SINCE + dt.timedelta(days=20)
    assert not is_outflowing_on(short.pk, day)
    assert is_outflowing_on(long.pk, day)


# --- 停止党籍 and 恢复党籍 ---------------------------------------------------------------------------
def _suspension(member: Member, **kw: Any) -> StandingSuspension:
    values = {
        "reason": SuspensionReason.OVERSTAY,
        "destination": "澳大利亚",
        "left_on": dt.date(2024, 1, 10),
        "leave_ends_on": dt.date(2024, 7, 10),
        "decided_on": dt.date(2025, 7, 10),
        "approved_by": "某县委组织部",
        "approved_on": dt.date(2025, 7, 20),
    }
    return StandingSuspension(member=member, **{**values, **kw})


def test_overstay_stops_standing_a_year_after_the_leave_not_a_day_sooner(tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a, joined_on=OLD)
    assert settings.ABROAD_OVERSTAY_MONTHS == 12
    early = _suspension(member, decided_on=dt.date(2025, 7, 9), approved_on=dt.date(2025, 7, 9))
    with pytest.raises(ValidationError, match="2025-07-10起方可决定"):
        standing_suspension_save(suspension=early, actor=secretary_a)
    standing_suspension_save(suspension=_suspension(member), actor=secretary_a)


def test_standing_stopped_from_the_approval_until_the_restoration(tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a, joined_on=OLD)
    suspension = standing_suspension_save(suspension=_suspension(member), actor=secretary_a)
    approved = suspension.approved_on

    def has_vote(day: dt.date) -> bool:
        return Member.objects.full_on(day).filter(pk=member.pk).exists()

    assert has_vote(approved - dt.timedelta(days=1))
    assert not has_vote(approved)
    suspension.returned_on = dt.date(2026, 2, 1)
    suspension.restore_applied_on = dt.date(2026, 2, 10)
    suspension.restored_on = dt.date(2026, 3, 1)
    suspension.restore_approved_by = "某县委组织部"
    standing_suspension_save(
        suspension=suspension,
        actor=secretary_a,
        update_fields=["returned_on", "restore_applied_on", "restored_on", "restore_approved_by"],
    )
    assert not has_vote(dt.date(2026, 2, 28))
    assert has_vote(dt.date(2026, 3, 1))


def test_restoration_needs_the_return_and_an_application_first(tree, secretary_a) -> None:
    member = MemberFactory(branch=tree.branch_a, joined_on=OLD)
    suspension = _suspension(
        member, restored_on=dt.date(2026, 3, 1), restore_approved_by="某县委组织部"
    )
    with pytest.raises(ValidationError) as refused:
        standing_suspension_save(suspension=suspension, actor=secretary_a)
    assert "书面申请" in str(refused.value)


def test_a_stopped_member_is_out_of_the_review_and_its_excellent_quota(tree, secretary_a) -> None:
    members = [MemberFactory(branch=tree.branch_a, joined_on=OLD) for _ in range(6)]
    StandingSuspensionFactory(member=members[0], approved_on=dt.date(2025, 9, 20))
    quota = review_excellent_quota_get(branch_id=tree.branch_a.pk, year=2025)
    assert (quota.graded, quota.quota) == (5, 1)  # 6 full members, 1 stopped: ⌊5/3⌋
    review = ReviewFactory.build(member=members[0], branch=tree.branch_a, year=2025)
    review.grade = ReviewGrade.QUALIFIED
    with pytest.raises(ValidationError, match="党籍处于停止状态"):
        review_save(review=review, actor=secretary_a)


def test_a_stopped_member_is_not_flagged_and_a_restored_one_judged_from_restoration(
    tree,
) -> None:
    stopped = MemberFactory(name="停止", branch=tree.branch_a, joined_on=OLD)
    restored = MemberFactory(name="恢复", branch=tree.branch_a, joined_on=OLD)
    StandingSuspensionFactory(member=stopped)
    StandingSuspensionFactory(
        member=restored,
        returned_on=dt.date(2026, 1, 5),
        restore_applied_on=dt.date(2026, 1, 6),
        restored_on=dt.date(2026, 1, 20),
        restore_approved_by="某县委组织部",
    )
    _general_meeting(tree.branch_a, dt.date(2025, 1, 8), MemberFactory(branch=tree.branch_a))
    flagged = lambda day: {  # noqa: E731
        row.member.name
        for row in self_lapse_report(members=Member.objects.all(), today=day).rows
        if row.condition == "life"
    }
    assert "停止" not in flagged(dt.date(2026, 8, 1))
    assert "恢复" not in flagged(dt.date(2026, 7, 19))  # six months less a day since 20 January
    assert "恢复" in flagged(dt.date(2026, 7, 20))


def test_the_admin_page_refuses_two_and_forms_three(client, tree, secretary_a) -> None:
    from django.urls import reverse

    records = [_away(tree.branch_a, name) for name in ("甲", "乙", "丙")]
    data = {
        "branch": tree.branch_a.pk,
        "name": "深圳临时党小组",
        "place": "广东省深圳市",
        "formed_on": "2026-01-10",
        "leader": records[0].member_id,
        "records": [record.pk for record in records[:2]],
    }
    client.force_login(secretary_a)
    url = reverse("admin:members_temporarygroup_add")
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "3名以上" in refused.content.decode()
    done = client.post(url, {**data, "records": [record.pk for record in records]})
    assert done.status_code == 302
    assert TemporaryGroup.objects.get().records.count() == 3
