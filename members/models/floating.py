"""临时党小组 of outflowing members, 停止党籍 and its restoration for members abroad, and the
handling of a 不合格 review grade (002 流动党员管理制度 五、七; 民主评议党员工作制度 五)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organizations.models import Organization
from organizations.scope import People, ScopedQuerySet

from .. import rules
from ..rules import HandlingMeasure, HandlingOutcome, SuspensionReason
from .member import Member
from .records import FloatingRecord, Review


class TemporaryGroupQuerySet(ScopedQuerySet["TemporaryGroup"]):
    scope_people = People(branch="branch_id")

    def undissolved(self) -> TemporaryGroupQuerySet:
        return self.filter(dissolved_on__isnull=True)

    def active(self, on: dt.date) -> TemporaryGroupQuerySet:
        return self.filter(formed_on__lte=on).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on)
        )


class TemporaryGroup(models.Model):
    """临时党小组 (002 五): three or more members of a branch away together at one place for six
    months or more, with the leader the branch names; the leader reports home regularly."""

    branch = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="temporary_groups",
        verbose_name="原党支部",
    )
    name = models.CharField("名称", max_length=100)
    place = models.CharField("外出地点", max_length=200)
    formed_on = models.DateField("建立日期")
    leader = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name="负责人"
    )
    records = models.ManyToManyField(
        FloatingRecord, related_name="temporary_groups", verbose_name="成员（外出登记）"
    )
    introduced_to = models.CharField(
        "介绍给当地党组织",
        max_length=200,
        blank=True,
        help_text="出具证明，介绍给所去地方或单位的党组织。",
    )
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    history = HistoricalRecords()

    objects = TemporaryGroupQuerySet.as_manager()

    class Meta:
        verbose_name = "临时党小组"
        verbose_name_plural = "临时党小组"
        ordering = ["-formed_on", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.place}）"

    def clean(self) -> None:
        if self.dissolved_on and self.formed_on and self.dissolved_on < self.formed_on:
            raise ValidationError({"dissolved_on": "撤销日期不能早于建立日期。"})


class TemporaryGroupReportQuerySet(ScopedQuerySet["TemporaryGroupReport"]):
    scope_people = People(branch="group__branch_id")

    def with_life(self) -> TemporaryGroupReportQuerySet:
        return self.filter(life_held_on__isnull=False)


class TemporaryGroupReport(models.Model):
    """A report home of a 临时党小组 (002 五: 定期向原单位党组织汇报). Organizational life it
    records counts for those named as attending, only (the 自行脱党 rule)."""

    group = models.ForeignKey(
        TemporaryGroup, on_delete=models.CASCADE, related_name="reports", verbose_name="临时党小组"
    )
    reported_on = models.DateField("汇报日期")
    content = models.TextField("汇报内容")
    life_held_on = models.DateField(
        "组织生活日期", null=True, blank=True, help_text="汇报中记载的临时党小组组织生活的日期。"
    )
    attendees = models.ManyToManyField(
        Member,
        blank=True,
        related_name="temporary_group_life",
        verbose_name="参加组织生活的党员",
        help_text="逐一列出参加的党员；只计入列名的党员的组织生活。",
    )
    history = HistoricalRecords()

    objects = TemporaryGroupReportQuerySet.as_manager()

    class Meta:
        verbose_name = "临时党小组汇报"
        verbose_name_plural = "临时党小组汇报"
        ordering = ["-reported_on"]

    def __str__(self) -> str:
        return f"{self.group.name} {self.reported_on:%Y-%m-%d}"

    def clean(self) -> None:
        if self.life_held_on and self.reported_on and self.life_held_on > self.reported_on:
            raise ValidationError({"life_held_on": "组织生活日期不能晚于汇报日期。"})


class StandingSuspensionQuerySet(ScopedQuerySet["StandingSuspension"]):
    scope_people = People(branch="member__branch_id")

    def unrestored(self) -> StandingSuspensionQuerySet:
        return self.filter(restored_on__isnull=True)

    def restored(self) -> StandingSuspensionQuerySet:
        return self.filter(restored_on__isnull=False)

    def stopped_on(self, day: dt.date) -> StandingSuspensionQuerySet:
        """Standing stopped on `day`: approved on or before it, not restored by then."""
        return self.filter(approved_on__lte=day).filter(
            Q(restored_on__isnull=True) | Q(restored_on__gt=day)
        )


class StandingSuspension(models.Model):
    """停止党籍 of a member abroad, and its restoration (002 流动党员管理制度 七): settled abroad,
    or out beyond their leave by a year or more. Stopped from the approval; the membership record
    and file go to the county-level organization department; restored after the member's return
    and written application, by an approved decision."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="suspensions", verbose_name="党员"
    )
    reason = models.CharField("原因", max_length=16, choices=SuspensionReason.choices)
    destination = models.CharField("前往国家（地区）", max_length=100)
    left_on = models.DateField("出境日期")
    leave_ends_on = models.DateField("假期截止日期", null=True, blank=True)
    decided_on = models.DateField("党支部决定日期")
    approved_by = models.CharField("审批党组织", max_length=100)
    approved_on = models.DateField("批准日期", null=True, blank=True)
    file_kept_by = models.CharField(
        "组织关系和档案保存单位",
        max_length=100,
        blank=True,
        help_text="县或相当县一级党委组织部门。",
    )
    returned_on = models.DateField("回国（境）日期", null=True, blank=True)
    restore_applied_on = models.DateField("申请恢复党籍日期", null=True, blank=True)
    restored_on = models.DateField("恢复党籍日期", null=True, blank=True)
    restore_approved_by = models.CharField("批准恢复的党组织", max_length=100, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    objects = StandingSuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = "停止和恢复党籍"
        verbose_name_plural = "停止和恢复党籍"
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        state = "已恢复党籍" if self.restored_on else "停止党籍"
        return f"{self.member} {state}"

    def clean(self) -> None:
        if self.left_on is None or self.decided_on is None or not self.reason:
            return
        errors = rules.standing_stop_errors(
            reason=self.reason,
            left_on=self.left_on,
            leave_ends_on=self.leave_ends_on,
            decided_on=self.decided_on,
            approved_on=self.approved_on,
            overstay_months=settings.ABROAD_OVERSTAY_MONTHS,
        ) | rules.standing_restore_errors(
            left_on=self.left_on,
            approved_on=self.approved_on,
            returned_on=self.returned_on,
            applied_on=self.restore_applied_on,
            restored_on=self.restored_on,
            restore_approved_by=self.restore_approved_by,
        )
        if errors:
            raise ValidationError(errors)


class ReviewHandlingQuerySet(ScopedQuerySet["ReviewHandling"]):
    scope_people = People(branch="review__branch_id")

    def open(self) -> ReviewHandlingQuerySet:
        return self.filter(outcome="")

    def overdue(self, today: dt.date) -> ReviewHandlingQuerySet:
        """Open the day after the deadline (rules.review_handling_overdue)."""
        return self.open().filter(deadline__lt=today)


class ReviewHandling(models.Model):
    """The handling of a 不合格 review grade (002 民主评议 五: 区别情况，提出处理意见报街道党工委审批):
    限期改正, 劝退 or 除名, shown to the member who may answer (申辩), with its deadline and
    outcome."""

    review = models.OneToOneField(
        Review,
        on_delete=models.PROTECT,
        related_name="handling",
        verbose_name="民主评议",
        limit_choices_to={"grade": rules.ReviewGrade.UNQUALIFIED},
    )
    measure = models.CharField("处置方式", max_length=16, choices=HandlingMeasure.choices)
    opened_on = models.DateField("处置开始日期")
    deadline = models.DateField("期限", help_text="限期改正的期满日；劝退、除名须作出结论的日期。")
    met_member_on = models.DateField("与本人见面日期", null=True, blank=True)
    defence = models.TextField("本人申辩", blank=True)
    approved_by = models.CharField("审批党组织", max_length=100, blank=True)
    approved_on = models.DateField("审批日期", null=True, blank=True)
    outcome = models.CharField(
        "处置结果", max_length=16, choices=HandlingOutcome.choices, blank=True
    )
    outcome_on = models.DateField("结果日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    objects = ReviewHandlingQuerySet.as_manager()

    class Meta:
        verbose_name = "不合格党员处置"
        verbose_name_plural = "不合格党员处置"
        ordering = ["deadline"]

    def __str__(self) -> str:
        return f"{self.review.member} {self.get_measure_display()}"

    def clean(self) -> None:
        if self.opened_on is None or self.deadline is None or not self.measure:
            return
        errors = rules.review_handling_errors(
            measure=self.measure,
            opened_on=self.opened_on,
            deadline=self.deadline,
            outcome=self.outcome,
            outcome_on=self.outcome_on,
            approved_on=self.approved_on,
        )
        if errors:
            raise ValidationError(errors)
