"""The demo's 临时党小组, short stay, 停止/恢复党籍 and 不合格 handling (issue 24 points 6-7), with
the gaps a real year has: a report home that names only two of the three, a quarter without a
report, a 限期改正 past its deadline and a 不合格 grade with no case yet.

After the members' demo (20): it uses their branches and last year's reviews. Idempotent: it
does nothing once its group exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from kit.services import model_save

from .models import (
    FloatingRecord,
    Member,
    Review,
    ReviewHandling,
    StandingSuspension,
    TemporaryGroup,
    TemporaryGroupReport,
)
from .rules import (
    FloatingDirection,
    HandlingMeasure,
    HandlingOutcome,
    MemberStatus,
    ReviewGrade,
    SuspensionReason,
)
from .services.floating import temporary_group_report_save, temporary_group_save

GROUP_NAME = "苏州工业园区临时党小组"
PLACE = "江苏省苏州市工业园区"
NEEDED = 6  # three in the group, one short stay, one stopped, one restored


def build() -> list[Any]:
    if TemporaryGroup.objects.filter(name=GROUP_NAME).exists():
        return []
    actor = get_user_model().objects.get(username="admin")
    today = timezone.localdate()
    branch_members = _quiet_members()
    if not branch_members:
        return []
    _group(branch_members[:3], actor, today)
    _short_stay(branch_members[3], actor, today)
    _standing(branch_members[4], branch_members[5], actor, today)
    _unqualified(actor, today)
    return []


def _quiet_members() -> list[Member]:
    """Current full members of the first community branch with six of them who have no
    floating record and no 优秀 grade."""
    quiet = (
        Member.objects.current()
        .filter(branch__code__startswith="CN-", status=MemberStatus.FULL)
        .filter(floating_records__isnull=True)
        .exclude(reviews__grade=ReviewGrade.EXCELLENT)
        .order_by("branch__code", "pk")
    )
    by_branch: dict[int, list[Member]] = {}
    for member in quiet:
        found = by_branch.setdefault(member.branch_id, [])
        found.append(member)
        if len(found) == NEEDED:
            return found
    return []


def _group(members: list[Member], actor: Any, today: dt.date) -> None:
    since = today - dt.timedelta(days=300)
    records = [
        model_save(
            FloatingRecord(
                member=member,
                direction=FloatingDirection.OUTFLOW,
                place=PLACE,
                has_fixed_place=False,
                since=since,
                contact=member.phone,
                certificate_number=f"LD{since.year}SZ{index + 1:02d}",
                certificate_expires_on=since + dt.timedelta(days=730),
                last_contact_on=today - dt.timedelta(days=12),
            ),
            actor=actor,
        )  # fmt: skip
        for index, member in enumerate(members)
    ]
    group = TemporaryGroup(
        branch_id=members[0].branch_id, name=GROUP_NAME, place=PLACE,
        formed_on=since - dt.timedelta(days=3), leader=members[0],
        introduced_to="苏州工业园区某街道流动党员党支部",
    )  # fmt: skip
    temporary_group_save(group=group, actor=actor, records=records)
    # Every two months or so; the third report skips a quarter; the last names two of three.
    for step, (days_ago, named) in enumerate(((240, 3), (180, 3), (60, 3), (15, 2))):
        reported = today - dt.timedelta(days=days_ago)
        report = TemporaryGroupReport(
            group=group, reported_on=reported, life_held_on=reported - dt.timedelta(days=5),
            content=f"第{step + 1}次汇报：集中学习党章和上级文件，成员工作和思想情况稳定。",
        )  # fmt: skip
        temporary_group_report_save(report=report, actor=actor, attendees=members[:named])


def _short_stay(member: Member, actor: Any, today: dt.date) -> None:
    since = today - dt.timedelta(days=20)
    model_save(
        FloatingRecord(
            member=member, direction=FloatingDirection.OUTFLOW, place="浙江省杭州市",
            has_fixed_place=True, since=since, planned_return_on=since + dt.timedelta(days=60),
            contact=member.phone, last_contact_on=since,
        ),
        actor=actor,
    )  # fmt: skip


def _standing(stopped: Member, restored: Member, actor: Any, today: dt.date) -> None:
    """One member settled abroad this year (standing stopped), one restored two years ago."""
    approved = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=60))
    model_save(
        StandingSuspension(
            member=stopped, reason=SuspensionReason.SETTLED, destination="加拿大",
            left_on=approved - dt.timedelta(days=400), decided_on=approved - dt.timedelta(days=15),
            approved_by="城南区委组织部", approved_on=approved, file_kept_by="城南区委组织部",
        ),
        actor=actor,
    )  # fmt: skip
    year = today.year - 2
    model_save(
        StandingSuspension(
            member=restored, reason=SuspensionReason.OVERSTAY, destination="新加坡",
            left_on=dt.date(year - 2, 1, 5), leave_ends_on=dt.date(year - 2, 7, 5),
            decided_on=dt.date(year, 1, 10), approved_by="城南区委组织部",
            approved_on=dt.date(year, 2, 1), returned_on=dt.date(year, 9, 1),
            restore_applied_on=dt.date(year, 9, 10), restored_on=dt.date(year, 11, 1),
            restore_approved_by="城南区委组织部", file_kept_by="城南区委组织部",
        ),
        actor=actor,
    )  # fmt: skip


def _unqualified(actor: Any, today: dt.date) -> None:
    """Three of last year's 合格 become 不合格: one corrected, one past its deadline, one with no
    case yet (the 工作台 shows the last two)."""
    reviews = list(
        Review.objects.filter(year=today.year - 1, grade=ReviewGrade.QUALIFIED)
        .filter(member__branch__code__startswith="CN-", member__transferred_out_on__isnull=True)
        .order_by("-member_id")[:3]
    )
    for review in reviews:
        review.grade = ReviewGrade.UNQUALIFIED
        review.note = "无正当理由多次不参加组织生活"
        model_save(review, actor=actor, update_fields=["grade", "note"])
    opened = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=120))
    cases = [
        (HandlingOutcome.CORRECTED, opened + dt.timedelta(days=90)),
        ("", max(opened + dt.timedelta(days=1), today - dt.timedelta(days=1))),
    ]
    for review, (outcome, deadline) in zip(reviews, cases, strict=False):
        done = outcome and min(deadline, today)
        model_save(
            ReviewHandling(
                review=review, measure=HandlingMeasure.CORRECT, opened_on=opened,
                deadline=deadline, met_member_on=opened, approved_by="城南街道党工委",
                approved_on=opened, outcome=outcome, outcome_on=done or None,
            ),
            actor=actor,
        )  # fmt: skip
