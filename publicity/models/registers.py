"""The development registers a 组织员 keeps for each case (002 教育培养入党积极分子制度, 发展党员制度):
the quarterly 思想汇报 / 发展对象书面汇报, the half-yearly 培养考察, the 政审 (step 10) with its
reviewers, and the 考察写实人. What a case owes and when is publicity/rules.py's."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from members.models import Member
from organizations.scope import People, ScopedQuerySet

from .. import rules
from .development import DevelopmentCase

# Rows of a case: seen and written where the case's branch is (as its steps).
CASE_ROWS = People(branch="case__branch_id", residence="case__residence_community_id")


class DevelopmentReportQuerySet(ScopedQuerySet["DevelopmentReport"]):
    scope_people = CASE_ROWS


class CaseAssessmentQuerySet(ScopedQuerySet["CaseAssessment"]):
    scope_people = CASE_ROWS


class PoliticalReviewQuerySet(ScopedQuerySet["PoliticalReview"]):
    scope_people = CASE_ROWS


class CaseObserverQuerySet(ScopedQuerySet["CaseObserver"]):
    scope_people = CASE_ROWS


class DevelopmentReport(models.Model):
    """One quarter's 思想汇报 (入党积极分子) or written report (发展对象): received, read, commented."""

    case = models.ForeignKey(
        DevelopmentCase, on_delete=models.CASCADE, related_name="reports", verbose_name="发展党员"
    )
    period = models.CharField("季度", max_length=8, help_text="如 2026Q3（2026年第三季度）。")
    kind = models.CharField(
        "类别", max_length=16, choices=rules.ReportKind.choices, editable=False, blank=True
    )
    received_on = models.DateField("收到日期")
    due_on = models.DateField("应交日期", null=True, editable=False)
    title = models.CharField("题目或摘要", max_length=200, blank=True)
    read_by = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="阅读人",
        help_text="阅读并写评语的党员（培养联系人或支部委员）。",
    )
    read_on = models.DateField("阅读日期", null=True, blank=True)
    comment = models.TextField("评语", blank=True)
    history = HistoricalRecords()

    objects = DevelopmentReportQuerySet.as_manager()

    class Meta:
        verbose_name = "思想汇报"
        verbose_name_plural = "思想汇报（积极分子、发展对象按季度）"
        ordering = ["case", "period"]
        constraints = [
            models.UniqueConstraint(fields=["case", "period"], name="one_report_per_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.period}{self.get_kind_display()}"

    @property
    def is_late(self) -> bool:
        return self.due_on is not None and rules.is_late(self.due_on, self.received_on)

    def clean(self) -> None:
        if self.read_on and self.read_on < self.received_on:
            raise ValidationError({"read_on": "阅读日期不能早于收到日期"})
        if (self.read_on or self.comment.strip()) and self.read_by_id is None:
            raise ValidationError({"read_by": "填写了阅读日期或评语，请选择阅读人"})


class CaseAssessment(models.Model):
    """A half year's 培养考察 of an activist, by the 培养联系人 or the branch, with a conclusion."""

    case = models.ForeignKey(
        DevelopmentCase,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name="发展党员",
    )
    period = models.CharField("半年", max_length=8, help_text="如 2026H1（2026年上半年）。")
    assessed_on = models.DateField("考察日期")
    due_on = models.DateField("应考察日期", null=True, editable=False)
    assessor = models.CharField(
        "考察人", max_length=100, help_text="培养联系人的姓名，或“××党支部”。"
    )
    conclusion = models.CharField(
        "考察结论", max_length=16, choices=rules.AssessmentConclusion.choices
    )
    findings = models.TextField("考察情况", blank=True)
    history = HistoricalRecords()

    objects = CaseAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "培养考察"
        verbose_name_plural = "培养考察（积极分子每半年）"
        ordering = ["case", "period"]
        constraints = [
            models.UniqueConstraint(fields=["case", "period"], name="one_assessment_per_half"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.period}培养考察"

    @property
    def is_late(self) -> bool:
        return self.due_on is not None and rules.is_late(self.due_on, self.assessed_on)


class PoliticalReview(models.Model):
    """政治审查 (step 10): who did it, when, what they found, and the conclusion."""

    case = models.OneToOneField(
        DevelopmentCase,
        on_delete=models.CASCADE,
        related_name="political_review",
        verbose_name="发展对象",
    )
    reviewed_on = models.DateField("政审日期")
    findings = models.TextField(
        "政审情况",
        blank=True,
        help_text="本人及配偶、直系亲属和社会关系的政治情况，座谈了解的情况。",
    )
    conclusion = models.CharField("政审结论", max_length=16, choices=rules.ReviewConclusion.choices)
    history = HistoricalRecords()

    objects = PoliticalReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "政治审查"
        verbose_name_plural = "政治审查"
        ordering = ["-reviewed_on"]

    def __str__(self) -> str:
        return f"{self.case}的政治审查（{self.reviewed_on:%Y-%m-%d}）"


class NamedMember(models.Model):
    """A 正式党员 named for a duty: one of the system's members, or a member of another
    organization recorded with that organization."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="本系统党员",
    )  # fmt: skip
    outside_name = models.CharField("其他党组织党员姓名", max_length=50, blank=True)
    outside_organization = models.CharField("所在党组织", max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        if self.member is not None:
            return str(self.member.name)
        return f"{self.outside_name}（{self.outside_organization}）"

    def clean(self) -> None:
        outside = bool(self.outside_name.strip() or self.outside_organization.strip())
        if self.member_id and outside:
            raise ValidationError("选择本系统党员，或填写其他党组织党员的姓名和所在党组织，二选一")
        if not self.member_id and not (
            self.outside_name.strip() and self.outside_organization.strip()
        ):
            raise ValidationError("请选择本系统党员，或填写其他党组织党员的姓名和所在党组织")


class ReviewerQuerySet(ScopedQuerySet["PoliticalReviewer"]):
    scope_people = People(
        branch="review__case__branch_id", residence="review__case__residence_community_id"
    )


class PoliticalReviewer(NamedMember):
    review = models.ForeignKey(
        PoliticalReview, on_delete=models.CASCADE, related_name="reviewers", verbose_name="政治审查"
    )
    history = HistoricalRecords()

    objects = ReviewerQuerySet.as_manager()

    class Meta:
        verbose_name = "政审人"
        verbose_name_plural = "政审人（政审日期时的正式党员，不少于两名）"


class CaseObserver(NamedMember):
    """考察写实人 (002: 确定两名正式党员做为考察写实人): a 正式党员 on the day appointed."""

    case = models.ForeignKey(
        DevelopmentCase, on_delete=models.CASCADE, related_name="observers", verbose_name="发展党员"
    )
    appointed_on = models.DateField("确定日期")
    history = HistoricalRecords()

    objects = CaseObserverQuerySet.as_manager()

    class Meta:
        verbose_name = "考察写实人"
        verbose_name_plural = "考察写实人（确定时的正式党员）"
        ordering = ["case", "appointed_on"]
