"""双联双管: registration with the residence community, service posts, activity records."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kit.masking import mask_address
from organizations.models import Organization, Unit
from organizations.rules import COMMUNITY_KINDS
from organizations.scope import People, Scope, ScopedQuerySet, any_of

from ..rules import ActivityKind, PostClaimStatus
from .member import Member


class RegistrationCampaignQuerySet(ScopedQuerySet["RegistrationCampaign"]):
    scope_lookups = ("community_id",)


class RegistrationCampaign(models.Model):
    """A call for in-service members to report (报到) to their residence community by a deadline."""

    community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="registration_campaigns",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="社区",
    )
    name = models.CharField("名称", max_length=100)
    starts_on = models.DateField("开始日期")
    deadline = models.DateField("报到截止日期")
    history = HistoricalRecords()

    objects = RegistrationCampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "报到活动"
        verbose_name_plural = "报到活动"
        ordering = ["-deadline"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("starts_on")),
                name="campaign_deadline_after_start",
                violation_error_message="报到截止日期不能早于开始日期。",
            )
        ]

    def __str__(self) -> str:
        return self.name


class RegistrationQuerySet(ScopedQuerySet["Registration"]):
    # Seen by the community where the member reported and by the member's own unit organization;
    # kept by the community.
    scope_people = People(
        branch="member__branch_id", residence="community_id", keeper=("community_id",)
    )

    def active(self) -> RegistrationQuerySet:
        return self.filter(ended_on__isnull=True)

    def owing_deeds(self, year: int) -> RegistrationQuerySet:
        """Members who owe the year's 实事 to the community (001: 1-2 a year): registered there
        on the year's cut-off day (rules.owes_deeds), not transferred out by then."""
        from .work import reminder_cutoff

        cutoff = reminder_cutoff(year)
        return self.filter(registered_on__lte=cutoff).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=cutoff),
            Q(member__transferred_out_on__isnull=True) | Q(member__transferred_out_on__gt=cutoff),
        )

    def with_deeds(self, year: int) -> RegistrationQuerySet:
        from .work import MemberDeed, deeds_done

        return self.annotate(done=deeds_done(MemberDeed, "member_id", year))

    def short_of_deeds(self, year: int | None = None) -> RegistrationQuerySet:
        """Owing members with fewer than MEMBER_DEEDS_PER_YEAR 实事 of the year (default: the
        year reminded today)."""
        from .work import reminded_year

        year = year or reminded_year()
        rows = self.owing_deeds(year).with_deeds(year)
        return rows.filter(done__lt=settings.MEMBER_DEEDS_PER_YEAR)  # type: ignore[misc]


class Registration(models.Model):
    """报到登记卡: an in-service member registered with the community where they live (001, 002).

    The card prints in two parts: 主卡 kept by the community, 回执 stamped and returned to the
    unit's party organization.
    """

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="registrations", verbose_name="党员"
    )
    community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="registrations",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="报到社区",
    )
    campaign = models.ForeignKey(
        RegistrationCampaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name="报到活动",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="registrations", verbose_name="工作单位"
    )
    residence = models.CharField("居住地址", max_length=200)
    speciality = models.CharField("职业特长", max_length=200, blank=True)
    service_offer = models.CharField("服务意愿", max_length=200, blank=True)
    registered_on = models.DateField("报到日期")
    receipt_returned_on = models.DateField("回执交回单位日期", null=True, blank=True)
    ended_on = models.DateField(
        "迁出日期",
        null=True,
        blank=True,
        help_text="党员搬离本社区时填写，应到新居住地社区重新报到。",
    )
    is_section_level_cadre = models.BooleanField(
        "副科级及以上干部",
        default=False,
        help_text="其社区表现反馈卡同时报送组织部门（本系统中为街道党工委工作人员）。",
    )
    history = HistoricalRecords()

    objects = RegistrationQuerySet.as_manager()

    PERSONAL_FIELDS = {"residence": mask_address}

    class Meta:
        verbose_name = "报到登记"
        verbose_name_plural = "报到登记"
        ordering = ["-registered_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "community"],
                condition=Q(ended_on__isnull=True),
                name="one_active_registration_per_member_and_community",
                violation_error_message="该党员已在本社区报到登记。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.community}"

    @property
    def card_number(self) -> str:
        return f"{self.community.code}-{self.registered_on:%Y}-{self.pk:05d}"

    def clean(self) -> None:
        if self.unit_id and self.unit.party_organization_id is None:
            raise ValidationError({"unit": "该单位尚未登记党组织，请先在“驻区单位”中补全。"})
        if self.ended_on and self.registered_on and self.ended_on < self.registered_on:
            raise ValidationError({"ended_on": "迁出日期不能早于报到日期。"})


class PostKindQuerySet(ScopedQuerySet["PostKind"]):
    scope_lookups = ("community_id",)

    @classmethod
    def visible_condition(cls, scope: Scope) -> Q:
        """The ten kinds every community has, and the kinds the user's communities added; the
        ten are changed by a superuser only (no community: not editable by anyone else)."""
        return any_of(Q(community_id__isnull=True), super().visible_condition(scope))


class PostKind(models.Model):
    """设岗定责: a kind of service post (the ten of 001 have no community; others are local)."""

    name = models.CharField("岗位名称", max_length=50)
    community = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="post_kinds",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="增设社区",
        help_text="全街道通用的十类岗位留空。",
    )
    duties = models.TextField("岗位职责", blank=True)

    objects = PostKindQuerySet.as_manager()

    class Meta:
        verbose_name = "服务岗位"
        verbose_name_plural = "服务岗位"
        ordering = ["community_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="post_kind_name_unique_in_community",
                violation_error_message="本社区已有同名岗位。",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PostClaimQuerySet(ScopedQuerySet["PostClaim"]):
    scope_people = People(
        branch="member__branch_id", residence="community_id", keeper=("community_id",)
    )

    def approved(self) -> PostClaimQuerySet:
        return self.filter(status=PostClaimStatus.APPROVED)


class PostClaim(models.Model):
    """A member's claim of a service post, with a public commitment; the community approves it."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="post_claims", verbose_name="党员"
    )
    community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="post_claims",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="社区",
    )
    kind = models.ForeignKey(
        PostKind, on_delete=models.PROTECT, related_name="claims", verbose_name="岗位"
    )
    commitment = models.TextField("公开承诺", help_text="在监督台上向居民公开。")
    status = models.CharField(
        "状态", max_length=16, choices=PostClaimStatus.choices, default=PostClaimStatus.PENDING
    )
    claimed_on = models.DateField("认领日期")
    decided_on = models.DateField("审核日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    history = HistoricalRecords()

    objects = PostClaimQuerySet.as_manager()

    class Meta:
        verbose_name = "岗位认领"
        verbose_name_plural = "岗位认领"
        ordering = ["-claimed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind"],
                condition=Q(status__in=["pending", "approved"]),
                name="one_open_claim_per_member_and_post",
                violation_error_message="该党员已认领这个岗位。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.kind}"

    def clean(self) -> None:
        if self.kind_id and self.kind.community_id not in (None, self.community_id):
            raise ValidationError({"kind": "该岗位是其他社区增设的，请选择本社区的岗位。"})


class ActivityRecordQuerySet(ScopedQuerySet["ActivityRecord"]):
    scope_people = People(
        branch="member__branch_id", residence="community_id", keeper=("community_id",)
    )


class ActivityRecord(models.Model):
    """参与社区活动记录卡: one community activity a member took part in, with its hours."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="activity_records", verbose_name="党员"
    )
    community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="activity_records",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="社区",
    )
    kind = models.CharField(
        "类型",
        max_length=16,
        choices=ActivityKind.choices,
        default=ActivityKind.ACTIVITY,
        help_text="为社区办实事请在“日常工作登记 → 在职党员实事”登记。",
    )
    date = models.DateField("日期")
    title = models.CharField("活动内容", max_length=200)
    hours = models.DecimalField("时长（小时）", max_digits=5, decimal_places=1, default=0)
    history = HistoricalRecords()

    objects = ActivityRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "社区活动记录"
        verbose_name_plural = "社区活动记录"
        ordering = ["-date"]
        indexes = [models.Index(fields=["member", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24),
                name="activity_hours_in_a_day",
                violation_error_message="时长应在0到24小时之间。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.member} {self.title}"
