"""Floating members, transfers of the membership record, annual review and the score sheet."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kit.masking import mask_phone
from organizations.models import Organization
from organizations.scope import People, ScopedQuerySet

from .. import rules
from ..rules import FloatingDirection, ReviewGrade, TransferDirection, TransferState
from .member import Member


class FloatingRecordQuerySet(ScopedQuerySet["FloatingRecord"]):
    # Kept by the branch an inflowing member is placed in, else by the member's own branch.
    scope_people = People(
        branch="member__branch_id",
        residence="placed_in_id",
        keeper=("placed_in_id", "member__branch_id"),
    )

    def current(self) -> FloatingRecordQuerySet:
        return self.filter(ended_on__isnull=True)

    def ended(self) -> FloatingRecordQuerySet:
        return self.filter(ended_on__isnull=False)

    def short_stays(self) -> FloatingRecordQuerySet:
        """Outflows planned for three months or less (002 六): organizational life stays here."""
        return self.filter(is_short_stay=True)

    def away_from_life_here(self) -> FloatingRecordQuerySet:
        """Outflows whose member takes part in organizational life elsewhere (not a short stay)."""
        return self.filter(direction=FloatingDirection.OUTFLOW, is_short_stay=False)


class FloatingRecord(models.Model):
    """流动党员: a member gone out (外出) or come in (流入) (001, 002).

    Out up to 6 months, or longer without a fixed place: keeps membership here with a 流动党员活动证.
    An inflowing member takes part in organizational life where placed, without vote there.
    """

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="floating_records", verbose_name="党员"
    )
    direction = models.CharField("方向", max_length=8, choices=FloatingDirection.choices)
    place = models.CharField("流向/来自地点", max_length=200)
    has_fixed_place = models.BooleanField("有固定住所或工作单位", default=False)
    since = models.DateField("流动开始日期")
    planned_return_on = models.DateField(
        "预计返回日期",
        null=True,
        blank=True,
        help_text="外出在三个月以内的，仍在本支部参加组织生活，不发《流动党员活动证》；长期外出的留空。",
    )
    contact = models.CharField("联系方式", max_length=100, blank=True)
    certificate_number = models.CharField("流动党员活动证编号", max_length=50, blank=True)
    certificate_expires_on = models.DateField("活动证有效期至", null=True, blank=True)
    certificate_checked = models.BooleanField("已查验活动证", default=False)
    placed_in = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inflowing_members",
        verbose_name="编入党组织",
        help_text="流入党员参加组织生活的党组织（无表决权、选举权和被选举权）。",
    )
    last_contact_on = models.DateField("最近联系日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    # Derived from since and planned_return_on on every save (rules.is_short_stay), for queries.
    is_short_stay = models.BooleanField("三个月以内的短期外出", default=False, editable=False)
    history = HistoricalRecords()

    objects = FloatingRecordQuerySet.as_manager()

    PERSONAL_FIELDS = {"contact": mask_phone}

    class Meta:
        verbose_name = "流动党员"
        verbose_name_plural = "流动党员"
        ordering = ["-since"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_direction_display()} {self.place}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.is_short_stay = self.direction == FloatingDirection.OUTFLOW and rules.is_short_stay(
            since=self.since,
            planned_return_on=self.planned_return_on,
            months=settings.FLOATING_SHORT_STAY_MONTHS,
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "is_short_stay"}
        super().save(*args, **kwargs)

    has_vote_here = False  # 002: no vote, no right to elect or be elected where placed

    def clean(self) -> None:
        errors = {}
        if self.direction == FloatingDirection.INFLOW:
            if not self.certificate_checked:
                errors["certificate_checked"] = "流入党员须先查验《流动党员活动证》。"
            if not self.placed_in_id:
                errors["placed_in"] = "请选择流入党员编入的党组织。"
        if self.last_contact_on and self.since and self.last_contact_on < self.since:
            errors["last_contact_on"] = "最近联系日期不能早于流动开始日期。"
        if self.planned_return_on and self.since and self.planned_return_on < self.since:
            errors["planned_return_on"] = "预计返回日期不能早于流动开始日期。"
        elif self.since and self.direction == FloatingDirection.OUTFLOW:
            short = rules.short_stay_certificate_error(
                since=self.since,
                planned_return_on=self.planned_return_on,
                certificate_number=self.certificate_number,
                months=settings.FLOATING_SHORT_STAY_MONTHS,
            )
            if short:
                errors["certificate_number"] = short
        if errors:
            raise ValidationError(errors)


class MembershipTransferQuerySet(ScopedQuerySet["MembershipTransfer"]):
    scope_people = People(branch="branch_id")


class MembershipTransfer(models.Model):
    """组织关系接转: a membership record sent out or received, with its letter (介绍信)."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="transfers", verbose_name="党员"
    )
    direction = models.CharField("方向", max_length=8, choices=TransferDirection.choices)
    branch = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="transfers", verbose_name="本方党组织"
    )
    other_organization = models.CharField("对方党组织", max_length=200)
    letter_number = models.CharField("介绍信编号", max_length=50)
    issued_on = models.DateField("开具日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    received_on = models.DateField("接收日期", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=16, choices=TransferState.choices, default=TransferState.SENT
    )
    history = HistoricalRecords()

    objects = MembershipTransferQuerySet.as_manager()

    class Meta:
        verbose_name = "组织关系接转"
        verbose_name_plural = "组织关系接转"
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "letter_number"],
                name="transfer_letter_unique",
                violation_error_message="该介绍信编号已登记。",
            ),
            models.CheckConstraint(
                condition=~Q(state=TransferState.RECEIVED) | Q(received_on__isnull=False),
                name="received_transfer_has_date",
                violation_error_message="已接收的组织关系须填写接收日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_direction_display()} {self.letter_number}"

    def clean(self) -> None:
        if self.received_on and self.issued_on and self.received_on < self.issued_on:
            raise ValidationError({"received_on": "接收日期不能早于介绍信开具日期。"})
        if self.state == TransferState.RECEIVED and not self.received_on:
            raise ValidationError({"received_on": "已接收的组织关系须填写接收日期。"})


class ReviewQuerySet(ScopedQuerySet["Review"]):
    scope_people = People(branch="branch_id")

    def unhandled(self) -> ReviewQuerySet:
        """不合格 with no handling case recorded (002 民主评议 五: 区别情况，提出处理意见)."""
        return self.filter(grade=ReviewGrade.UNQUALIFIED, handling__isnull=True)


class Review(models.Model):
    """民主评议党员: one member's result in one branch's annual review (001, 002).

    Probationary members take part but are not graded; 优秀 is at most one third of the graded.
    """

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="reviews", verbose_name="党员"
    )
    branch = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="reviews", verbose_name="党支部"
    )
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000)])
    grade = models.CharField("评议等次", max_length=32, choices=ReviewGrade.choices, blank=True)
    was_probationary = models.BooleanField("评议时为预备党员", default=False)
    note = models.CharField("组织意见", max_length=200, blank=True)
    history = HistoricalRecords()

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"
        ordering = ["-year", "branch__code", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="one_review_per_member_and_year",
                violation_error_message="该党员本年度已有评议结果。",
            ),
            models.CheckConstraint(
                condition=Q(was_probationary=False) | Q(grade=""),
                name="probationary_member_not_graded",
                violation_error_message="预备党员参加评议，但不评定等次。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.member} {self.get_grade_display() or '不定等次'}"

    def clean(self) -> None:
        if self.was_probationary and self.grade:
            raise ValidationError({"grade": "预备党员参加评议，但不评定等次。"})
        if not self.was_probationary and not self.grade:
            raise ValidationError({"grade": "请为正式党员评定等次。"})


class AssessmentQuerySet(ScopedQuerySet["Assessment"]):
    scope_people = People(branch="member__branch_id")


class Assessment(models.Model):
    """党员量化考核 (002): a score sheet of 100 points over ten items, one per member and year."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="assessments", verbose_name="党员"
    )
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000)])
    history = HistoricalRecords()

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "量化考核"
        verbose_name_plural = "量化考核"
        ordering = ["-year", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="one_assessment_per_member_and_year",
                violation_error_message="该党员本年度已有考核表。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.member}"


class AssessmentDeductionQuerySet(ScopedQuerySet["AssessmentDeduction"]):
    scope_people = People(branch="assessment__member__branch_id")


class AssessmentDeduction(models.Model):
    """A deduction on one item of a score sheet, with its reason."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="deductions", verbose_name="考核表"
    )
    item = models.PositiveSmallIntegerField(
        "考核项目",
        choices=[(n, f"{n}. {title}（{points}分）") for n, title, points in rules.ASSESSMENT_ITEMS],
    )
    points = models.DecimalField("扣分", max_digits=4, decimal_places=1)
    reason = models.CharField("扣分原因", max_length=200)
    history = HistoricalRecords()

    objects = AssessmentDeductionQuerySet.as_manager()

    class Meta:
        verbose_name = "扣分"
        verbose_name_plural = "扣分"
        ordering = ["item"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"],
                name="one_deduction_per_item",
                violation_error_message="每个考核项目只记一条扣分。",
            )
        ]

    def __str__(self) -> str:
        return f"第{self.item}项 扣{self.points}分"

    def clean(self) -> None:
        if self.item is None or self.points is None:
            return
        if error := rules.assessment_deduction_error(self.item, self.points):
            raise ValidationError({"points": error})


class FloatingLifeEntryQuerySet(ScopedQuerySet["FloatingLifeEntry"]):
    scope_people = People(branch="floating_record__member__branch_id")


class FloatingLifeEntry(models.Model):
    """One entry of an outflowing member's 流动党员活动证: organizational life they took part in
    where they are, as the home branch records it (001 四: it counts for 自行脱党; a phone call
    does not)."""

    floating_record = models.ForeignKey(
        FloatingRecord,
        on_delete=models.CASCADE,
        related_name="life_entries",
        verbose_name="流动党员",
    )
    held_on = models.DateField("参加日期")
    organization = models.CharField("参加组织生活的党组织", max_length=200)
    content = models.CharField("内容", max_length=200, blank=True)
    history = HistoricalRecords()

    objects = FloatingLifeEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "活动证记载的组织生活"
        verbose_name_plural = "活动证记载的组织生活"
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.organization}"


class LapseDecisionQuerySet(ScopedQuerySet["LapseDecision"]):
    scope_people = People(branch="member__branch_id")


class LapseDecision(models.Model):
    """The branch meeting's decision on a 自行脱党 flag (002 社区党员管理制度 8): the flag stands
    until it is recorded; afterwards the condition is judged again from the day after."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="lapse_decisions", verbose_name="党员"
    )
    condition = models.CharField("条件", max_length=8, choices=rules.LapseCondition.choices)
    decided_on = models.DateField("支部大会决定日期")
    decision = models.CharField("处理决定", max_length=16, choices=rules.LapseOutcome.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = LapseDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "自行脱党处理决定"
        verbose_name_plural = "自行脱党处理决定"
        ordering = ["-decided_on", "member__name"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_condition_display()} {self.get_decision_display()}"
