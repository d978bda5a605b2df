"""社区党建示范小区 (003): the sub-district's yearly round, a community's application of a 小区, and
the year-end evaluation against the 18 standards (one score row per standard)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from simple_history.models import HistoricalRecords

from organizations.models import Compound, Organization
from organizations.rules import OrganizationKind
from organizations.scope import Scope, ScopedQuerySet, any_of, within

from ..rules import SHOWCASE_STANDARDS, ShowcaseNaming, ShowcaseResult


class ShowcaseRoundQuerySet(ScopedQuerySet["ShowcaseRound"]):
    scope_lookups = ("sub_district_id",)

    @classmethod
    def visible_condition(cls, scope: Scope) -> Q:
        """A round is read in its sub-district and by the communities under it (they apply to
        it); it is written by the sub-district."""
        own = within("sub_district_id", scope.visible)
        if scope.visible is None or not scope.visible:
            return own
        parents = Organization.objects.filter(within("pk", scope.visible)).values("parent_id")
        return any_of(own, Q(sub_district_id__in=parents))


class ShowcaseRound(models.Model):
    """一个街道一年的示范小区创建 (每个街道每年至少要创建1-2个)."""

    sub_district = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="showcase_rounds",
        limit_choices_to={"kind": OrganizationKind.SUB_DISTRICT},
        verbose_name="街道党工委",
    )
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000)])
    planned = models.PositiveSmallIntegerField(
        "计划创建数", default=1, help_text="每个街道每年至少创建1-2个示范小区。"
    )
    application_deadline = models.DateField(
        "申报截止日期", help_text="各社区年初申报创建小区；留空按系统设置。", null=True, blank=True
    )
    note = models.TextField("创建工作计划", blank=True)
    history = HistoricalRecords()

    objects = ShowcaseRoundQuerySet.as_manager()

    class Meta:
        verbose_name = "示范小区创建年度"
        verbose_name_plural = "示范小区创建年度"
        ordering = ["-year", "sub_district__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["sub_district", "year"],
                name="one_showcase_round_per_year",
                violation_error_message="该街道本年度已有示范小区创建。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sub_district}{self.year}年度示范小区创建"

    def clean(self) -> None:
        if self.sub_district_id and self.sub_district.kind != OrganizationKind.SUB_DISTRICT:
            raise ValidationError({"sub_district": "示范小区创建由街道党工委组织。"})
        deadline = self.application_deadline
        if deadline and self.year and deadline.year != self.year:
            raise ValidationError({"application_deadline": "申报截止日期应在本年度内。"})


class ShowcaseApplicationQuerySet(ScopedQuerySet["ShowcaseApplication"]):
    scope_lookups = ("compound__community_id",)

    def unscored(self) -> ShowcaseApplicationQuerySet:
        """待评分: a standard is still without its score."""
        return self.filter(
            Exists(ShowcaseScore.objects.filter(application=OuterRef("pk"), result=""))
        )

    def scored(self) -> ShowcaseApplicationQuerySet:
        return self.exclude(pk__in=self.unscored().values("pk"))

    def awaiting_naming(self) -> ShowcaseApplicationQuerySet:
        """待检查验收和命名."""
        return self.filter(naming="")


class ShowcaseApplication(models.Model):
    """A community's application of one 小区 (年初申报), its year-end evaluation (the score rows),
    the district's inspection (区委组织部检查验收) and the naming (命名)."""

    round = models.ForeignKey(
        ShowcaseRound,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="创建年度",
    )
    compound = models.ForeignKey(
        Compound,
        on_delete=models.PROTECT,
        related_name="showcase_applications",
        verbose_name="小区",
    )
    applied_on = models.DateField("申报日期")
    plan = models.TextField("创建措施", blank=True)
    evaluated_on = models.DateField(
        "评审日期", null=True, blank=True, help_text="预填按此日的记录（年度内截至此日）。"
    )
    summary = models.TextField("评审意见", blank=True)
    inspected_on = models.DateField("检查验收日期", null=True, blank=True)
    inspectors = models.CharField("检查验收人员", max_length=200, blank=True)
    finding = models.TextField("检查验收意见", blank=True)
    naming = models.CharField("命名结果", max_length=16, choices=ShowcaseNaming.choices, blank=True)
    named_on = models.DateField("命名日期", null=True, blank=True)
    naming_document = models.CharField("命名文号", max_length=100, blank=True)
    history = HistoricalRecords()

    objects = ShowcaseApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "示范小区申报与评审"
        verbose_name_plural = "示范小区申报与评审"
        ordering = ["-round__year", "compound__community__code", "compound__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "compound"],
                name="one_showcase_application_per_compound",
                violation_error_message="该小区已申报本年度的示范小区创建。",
            ),
            models.CheckConstraint(
                condition=Q(naming="") | Q(inspected_on__isnull=False, named_on__isnull=False),
                name="showcase_named_after_inspection",
                violation_error_message="命名须在检查验收之后，并填写命名日期。",
            ),
        ]

    def __str__(self) -> str:
        year = self.round.year if self.round_id else ""
        return f"{year}年度 {self.compound}" if self.compound_id else f"{year}年度示范小区申报"

    def clean(self) -> None:
        errors = {}
        if self.naming and not self.inspected_on:
            errors["naming"] = "请先登记区委组织部的检查验收。"
        if self.naming and not self.named_on:
            errors["named_on"] = "请填写命名日期。"
        if self.inspected_on and not self.inspectors.strip():
            errors["inspectors"] = "请填写检查验收人员。"
        if self.named_on and self.inspected_on and self.named_on < self.inspected_on:
            errors["named_on"] = "命名日期不能早于检查验收日期。"
        if errors:
            raise ValidationError(errors)


class ShowcaseScoreQuerySet(ScopedQuerySet["ShowcaseScore"]):
    scope_lookups = ("application__compound__community_id",)


class ShowcaseScore(models.Model):
    """One standard of one evaluation: what the records show (pre-filled, with the address of the
    rows), and the score given by hand, with its note and attachment."""

    application = models.ForeignKey(
        ShowcaseApplication,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name="示范小区申报",
    )
    number = models.PositiveSmallIntegerField(
        "标准", choices=[(n, f"{n}. {text[:24]}…") for n, text in SHOWCASE_STANDARDS.items()]
    )
    prefill = models.CharField(
        "系统预填",
        max_length=16,
        choices=ShowcaseResult.choices,
        default=ShowcaseResult.BY_HAND,
        editable=False,
    )
    evidence = models.TextField("依据", blank=True, editable=False)
    evidence_url = models.CharField("依据记录地址", max_length=500, blank=True, editable=False)
    result = models.CharField(
        "评定",
        max_length=16,
        blank=True,
        choices=[(ShowcaseResult.MET, "达标"), (ShowcaseResult.NOT_MET, "未达标")],
    )
    note = models.CharField("评分说明", max_length=200, blank=True)
    attachment = models.FileField("佐证材料", upload_to="members/showcase/", blank=True)
    history = HistoricalRecords()

    objects = ShowcaseScoreQuerySet.as_manager()

    class Meta:
        verbose_name = "示范小区评审标准"
        verbose_name_plural = "示范小区评审标准"
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"],
                name="one_showcase_score_per_standard",
                violation_error_message="每条标准只评一次。",
            )
        ]

    def __str__(self) -> str:
        return f"标准{self.number}"
