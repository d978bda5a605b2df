"""在职党员社区表现反馈卡 (002 在职党员社区活动反馈制度): every period the community rates each
registered in-service member and sends the card to the member's unit party organization, which
acknowledges it and may answer with the member's performance at work."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kit.periods import period_text
from members.models import Member, Registration
from organizations.models import Organization, Unit
from organizations.rules import COMMUNITY_KINDS
from organizations.scope import People, ScopedQuerySet

from ..rules import AssemblyAttendance, FeedbackRating, FeedbackStatus

# The four items the community rates (002), in the order the card prints them.
RATING_FIELDS = ("participation", "law_abiding", "neighbourliness", "cooperation")


class FeedbackCardQuerySet(ScopedQuerySet["FeedbackCard"]):
    # Seen by the community that rates it and by the unit party organization it goes to (and the
    # organizations above either); written by the community only.
    scope_people = People(
        branch="unit_organization_id", residence="community_id", keeper=("community_id",)
    )

    def delivered(self) -> FeedbackCardQuerySet:
        """Sent to the unit (acknowledged or not): what the unit and the member may see."""
        return self.exclude(status=FeedbackStatus.DRAFT)

    def for_period(self, code: str) -> FeedbackCardQuerySet:
        return self.filter(period=code)


def _rating(label: str) -> models.CharField[str, str]:
    return models.CharField(label, max_length=16, choices=FeedbackRating.choices, blank=True)


class FeedbackCard(models.Model):
    """One member's card for one period, pre-filled from their registration, service posts,
    activity records and attendance of that period."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="feedback_cards", verbose_name="党员"
    )
    period = models.CharField("期间", max_length=8, help_text="如2026H2（下半年）")
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="feedback_cards",
        verbose_name="报到登记",
    )
    community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="feedback_cards",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="报到社区",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="feedback_cards", verbose_name="工作单位"
    )
    unit_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="received_feedback_cards",
        verbose_name="单位党组织",
    )
    is_section_level_cadre = models.BooleanField("副科级及以上干部", default=False)
    # Pre-filled when the card is made (what the community saw when it rated).
    posts = models.CharField("服务岗位", max_length=300, blank=True)
    activity_count = models.PositiveIntegerField("参加社区活动次数", default=0)
    activity_hours = models.DecimalField(
        "参加社区活动时长（小时）", max_digits=7, decimal_places=1, default=0
    )
    deeds = models.TextField(
        "为社区办实事",
        blank=True,
        help_text="本期在报到社区登记的实事（《推行双联双管 构建区域大党建新格局》：每年1-2件）。",
    )
    in_service_assembly = models.CharField(
        "在职党员大会",
        max_length=16,
        choices=AssemblyAttendance.choices,
        blank=True,
        help_text="本期报到社区召开在职党员大会时的出席情况（《推行双联双管 构建区域大党建新格局》："
        "年底召开一次在职党员大会）；本期未召开的留空。",
    )
    meetings_expected = models.PositiveIntegerField("应参加组织生活次数", default=0)
    meetings_attended = models.PositiveIntegerField("实际参加次数", default=0)
    meetings_on_leave = models.PositiveIntegerField("请假次数", default=0)
    participation = _rating("参与活动")
    law_abiding = _rating("遵纪守法")
    neighbourliness = _rating("邻里关系")
    cooperation = _rating("服从管理")
    community_comment = models.TextField("社区评语", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.DRAFT
    )
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="送达人",
    )
    unit_comment = models.TextField("单位意见", blank=True, help_text="党员在单位的工作表现。")
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="签收人",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = FeedbackCardQuerySet.as_manager()

    class Meta:
        verbose_name = "在职党员社区表现反馈卡"
        verbose_name_plural = "在职党员社区表现反馈卡"
        ordering = ["-period", "community_id", "member__name"]
        constraints = [
            # Re-running a period, or two workers at once, never makes a second card.
            models.UniqueConstraint(
                fields=["member", "period"],
                name="one_feedback_card_per_member_and_period",
                violation_error_message="该党员本期的反馈卡已经生成。",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="feedback_period_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["unit_organization", "period"])]

    def __str__(self) -> str:
        return f"{self.member} {period_text(self.period)}"

    @property
    def is_rated(self) -> bool:
        return all(getattr(self, name) for name in RATING_FIELDS) and bool(
            self.community_comment.strip()
        )

    @property
    def activity_summary(self) -> str:
        return f"{self.activity_count}次，共{self.activity_hours}小时"

    @property
    def attendance_text(self) -> str:
        if not self.meetings_expected and not self.meetings_attended:
            return "本期无组织生活记录"
        return (
            f"应参加{self.meetings_expected}次，实际参加{self.meetings_attended}次，"
            f"请假{self.meetings_on_leave}次"
        )

    @property
    def assembly_text(self) -> str:
        """The 在职党员大会 line, or "" when none was held in the period (the line is not shown)."""
        return self.get_in_service_assembly_display() if self.in_service_assembly else ""

    def ratings(self) -> list[tuple[str, str]]:
        """(item, rating) in print order; an item not yet rated reads 未评价."""
        return [
            (
                str(self._meta.get_field(name).verbose_name),  # type: ignore[union-attr]
                getattr(self, f"get_{name}_display")() or "未评价",
            )
            for name in RATING_FIELDS
        ]

    def clean(self) -> None:
        if self.status != FeedbackStatus.DRAFT and not self.is_rated:
            raise ValidationError("四项评价和社区评语填写完整后才能送达单位。")
