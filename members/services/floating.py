"""Writes of 临时党小组 and their reports home, 停止/恢复党籍 and 不合格党员处置.

Each is kept by the branch of the members concerned (`require_editable` through the model's
QuerySet): a group by its 原党支部, a suspension by the member's branch, a case by its review's
branch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kit.services import model_delete, model_save
from organizations.scope import require_editable

from ..models import (
    FloatingRecord,
    Member,
    ReviewHandling,
    StandingSuspension,
    TemporaryGroup,
    TemporaryGroupReport,
)
from ..rules import (
    FloatingDirection,
    ReviewGrade,
    temporary_group_size_error,
    temporary_group_stay_error,
)


def _future(day: dt.date | None) -> bool:
    return day is not None and day > timezone.localdate()


def _same_place(a: str, b: str) -> bool:
    return a.strip() == b.strip()


# --- 临时党小组 ------------------------------------------------------------------------------------
def temporary_group_errors(group: TemporaryGroup, records: list[FloatingRecord]) -> dict[str, str]:
    """Three or more members of the group's branch, each on an open outflow at the group's
    place planned for six months or more from its start; the leader one of them."""
    problems = []
    for record in records:
        name = record.member.name
        if record.direction != FloatingDirection.OUTFLOW or record.ended_on is not None:
            problems.append(f"{name}没有正在外出的流动登记。")
        elif not _same_place(record.place, group.place):
            problems.append(f"{name}外出地点为“{record.place}”，与临时党小组所在地不同。")
        elif record.member.branch_id != group.branch_id:
            problems.append(f"{name}的组织关系不在{group.branch}。")
        elif error := temporary_group_stay_error(
            name=name,
            since=record.since,
            planned_return_on=record.planned_return_on,
            months=settings.TEMPORARY_GROUP_MIN_MONTHS,
        ):
            problems.append(error)
    members = {record.member_id for record in records}
    if error := temporary_group_size_error(
        len(members), minimum=settings.TEMPORARY_GROUP_MIN_MEMBERS
    ):
        problems.append(error)
    errors = {"records": "".join(problems)} if problems else {}
    if group.leader_id and group.leader_id not in members:
        errors["leader"] = "负责人须是临时党小组的成员。"
    return errors


@transaction.atomic
def temporary_group_save(
    *,
    group: TemporaryGroup,
    actor: Any,
    records: Iterable[FloatingRecord] | None = None,
    update_fields: list[str] | None = None,
) -> TemporaryGroup:
    """建立 or change a 临时党小组 with its members (their outflow records)."""
    if group.branch_id is None:
        group.full_clean(exclude=["records"])
    require_editable(actor, group, "为该党支部建立或修改临时党小组")
    chosen = list(records) if records is not None else list(group.records.all()) if group.pk else []
    if _future(group.formed_on):
        raise ValidationError({"formed_on": "建立日期不能晚于今天。"})
    if errors := temporary_group_errors(group, chosen):
        raise ValidationError(errors)
    model_save(group, actor=actor, update_fields=update_fields)
    if records is not None:
        group.records.set(chosen)
    return group


@transaction.atomic
def temporary_group_delete(*, group: TemporaryGroup, actor: Any) -> None:
    require_editable(actor, group, "删除该临时党小组")
    model_delete(group, actor=actor)


def temporary_group_report_errors(
    report: TemporaryGroupReport, attendees: list[Member]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if _future(report.reported_on):
        errors["reported_on"] = "汇报日期不能晚于今天。"
    if attendees and report.life_held_on is None:
        errors["life_held_on"] = "列名参加组织生活的党员时，请填写组织生活日期。"
    if attendees and report.group_id:
        in_group = set(report.group.records.values_list("member_id", flat=True))
        outside = [member.name for member in attendees if member.pk not in in_group]
        if outside:
            errors["attendees"] = f"{'、'.join(outside)}不是该临时党小组的成员。"
    return errors


@transaction.atomic
def temporary_group_report_save(
    *,
    report: TemporaryGroupReport,
    actor: Any,
    attendees: Iterable[Member] | None = None,
    update_fields: list[str] | None = None,
) -> TemporaryGroupReport:
    """Record a report home; the organizational life it records counts for those named."""
    if report.group_id is None:
        report.full_clean(exclude=["attendees"])
    require_editable(actor, report, "登记该临时党小组的汇报")
    named = list(attendees) if attendees is not None else []
    if errors := temporary_group_report_errors(report, named):
        raise ValidationError(errors)
    model_save(report, actor=actor, update_fields=update_fields)
    if attendees is not None:
        report.attendees.set(named)
    return report


@transaction.atomic
def temporary_group_report_delete(*, report: TemporaryGroupReport, actor: Any) -> None:
    require_editable(actor, report, "删除该临时党小组的汇报")
    model_delete(report, actor=actor)


# --- 停止党籍 and 恢复党籍 ---------------------------------------------------------------------------
def standing_suspension_errors(suspension: StandingSuspension) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("left_on", "decided_on", "approved_on", "returned_on", "restored_on"):
        if _future(getattr(suspension, name)):
            errors[name] = "日期不能晚于今天。"
    if suspension.member_id and suspension.decided_on:
        if suspension.decided_on < suspension.member.joined_on:
            errors["decided_on"] = "决定日期不能早于该党员的入党日期。"
        others = StandingSuspension.objects.filter(
            member_id=suspension.member_id, restored_on__isnull=True
        ).exclude(pk=suspension.pk)
        if others.exists():
            errors["member"] = f"{suspension.member}已停止党籍且尚未恢复，请在原记录上登记恢复。"
    return errors


@transaction.atomic
def standing_suspension_save(
    *, suspension: StandingSuspension, actor: Any, update_fields: list[str] | None = None
) -> StandingSuspension:
    """停止党籍 (from the approval) or, on the same record, 恢复党籍."""
    if suspension.member_id is None:
        suspension.full_clean()
    require_editable(actor, suspension, "停止或恢复该党员的党籍")
    if errors := standing_suspension_errors(suspension):
        raise ValidationError(errors)
    return model_save(suspension, actor=actor, update_fields=update_fields)


# --- 不合格党员处置 --------------------------------------------------------------------------------
def review_handling_errors(handling: ReviewHandling) -> dict[str, str]:
    errors: dict[str, str] = {}
    if handling.review_id and handling.review.grade != ReviewGrade.UNQUALIFIED:
        errors["review"] = "只有评议为不合格的党员才登记处置。"
    for name in ("opened_on", "met_member_on", "approved_on", "outcome_on"):
        if _future(getattr(handling, name)):
            errors[name] = "日期不能晚于今天。"
    return errors


@transaction.atomic
def review_handling_save(
    *, handling: ReviewHandling, actor: Any, update_fields: list[str] | None = None
) -> ReviewHandling:
    """Open or record a 不合格 handling case: its measure, deadline, approval and outcome."""
    if handling.review_id is None:
        handling.full_clean()
    require_editable(actor, handling, "登记该党员的不合格处置")
    if errors := review_handling_errors(handling):
        raise ValidationError(errors)
    return model_save(handling, actor=actor, update_fields=update_fields)
