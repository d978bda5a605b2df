"""Registers of the daily party work (001, 002; issue 24 points 4 and 5): 无职党员设岗定责 with its
yearly review, 党员联系户 and the 五必谈五必访 visits, and the 实事 of 驻区单位 and in-service
members."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kit.masking import mask_address, mask_phone
from organizations.models import Organization, Unit
from organizations.rules import COMMUNITY_KINDS
from organizations.scope import People, ScopedQuerySet

from ..rules import (
    DutyGrade,
    VisitKind,
    deed_cutoff,
    deed_reminder_year,
    duty_review_year,
    months_before,
    year_span,
)
from .member import Member


def _community(related_name: str, label: str = "社区") -> models.ForeignKey[Organization]:
    return models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name=related_name,
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name=label,
    )


def _ends_after_starts(name: str, start: str, end: str, message: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=message,
    )


# --- 无职党员设岗定责 (002) -----------------------------------------------------------------------
class DutyPostQuerySet(ScopedQuerySet["DutyPost"]):
    scope_people = People(branch="member__branch_id")

    def held_on(self, day: object) -> DutyPostQuerySet:
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)

    def unreviewed(self, year: int) -> DutyPostQuerySet:
        """Posts held during `year` (by a member not transferred out before its end) with no
        review of it: owed once the year has ended."""
        first, last = year_span(year)
        reviewed = DutyReview.objects.filter(post=OuterRef("pk"), year=year)
        return (
            self.filter(starts_on__lte=last)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
            .exclude(member__transferred_out_on__lt=last)
            .filter(~Exists(reviewed))
        )

    def unreviewed_last_year(self) -> DutyPostQuerySet:
        return self.unreviewed(duty_review_year(timezone.localdate()))


class DutyPost(models.Model):
    """A post set for a member without office (未担任社区干部), with its duties (002 社区无职党员
    设岗定责制度: 按需设岗、因事设岗、以岗定责、责任到人), from the day the party organization
    decided it to the day it ended."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="duty_posts", verbose_name="党员"
    )
    title = models.CharField(
        "岗位名称",
        max_length=50,
        help_text="如提供就业信息岗、民事纠纷调解岗、治安防范巡逻岗、环保卫生监督岗、居务公开监督岗、"
        "社区文化宣传岗、未成年人教育岗、法制宣传岗、文体活动岗（《社区党建工作制度》），也可按需增设。",
    )
    duties = models.TextField("岗位职责")
    starts_on = models.DateField("上岗日期")
    ends_on = models.DateField("离岗日期", null=True, blank=True, help_text="在岗的留空。")
    certificate_number = models.CharField("上岗证书编号", max_length=50, blank=True)
    history = HistoricalRecords()

    objects = DutyPostQuerySet.as_manager()

    class Meta:
        verbose_name = "无职党员设岗定责"
        verbose_name_plural = "无职党员设岗定责"
        ordering = ["-starts_on", "member__name"]
        constraints = [
            _ends_after_starts("duty_post_ends_after_start", "starts_on", "ends_on",
                               "离岗日期不能早于上岗日期。"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.member} · {self.title}"

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "离岗日期不能早于上岗日期。"})


class DutyReviewQuerySet(ScopedQuerySet["DutyReview"]):
    scope_people = People(branch="post__member__branch_id")


class DutyReview(models.Model):
    """The yearly review of a post (002 五: 结合党员民主评议, 个人述职、群众测评和支部考评)."""

    post = models.ForeignKey(
        DutyPost, on_delete=models.CASCADE, related_name="reviews", verbose_name="岗位"
    )
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000)])
    reviewed_on = models.DateField("考核日期")
    grade = models.CharField("履职等次", max_length=32, choices=DutyGrade.choices)
    comment = models.TextField("考核意见", blank=True)
    history = HistoricalRecords()

    objects = DutyReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "岗位履职考核"
        verbose_name_plural = "岗位履职考核"
        ordering = ["-year", "post__member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "year"],
                name="one_duty_review_per_post_and_year",
                violation_error_message="该岗位本年度已有考核结果。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.post} {self.get_grade_display()}"

    def clean(self) -> None:
        if not (self.post_id and self.year):
            return
        post = self.post
        if post.starts_on.year > self.year or (post.ends_on and post.ends_on.year < self.year):
            raise ValidationError({"year": f"该党员{self.year}年不在此岗位，不能考核该年度。"})
        if self.reviewed_on and self.reviewed_on.year < self.year:
            raise ValidationError({"reviewed_on": "考核日期不能早于所考核的年度。"})


# --- 党员联系户, 五必谈五必访 (002) ------------------------------------------------------------------
class HouseholdQuerySet(ScopedQuerySet["Household"]):
    scope_people = People(branch="member__branch_id")

    def current(self, day: object) -> HouseholdQuerySet:
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)

    def unvisited(self, today: dt.date | None = None) -> HouseholdQuerySet:
        """Current households with no visit recorded in the last HOUSEHOLD_VISIT_MONTHS months
        (002 联系群众制度 2: 每月走访不少于1次); one taken on less than that long ago is not due."""
        day = today or timezone.localdate()
        since = months_before(day, settings.HOUSEHOLD_VISIT_MONTHS)
        visited = Visit.objects.filter(household=OuterRef("pk"), visited_on__gt=since)
        return self.current(day).filter(starts_on__lte=since).filter(~Exists(visited))


class Household(models.Model):
    """A household a member keeps in touch with (002 党员服务区联系户制度: mainly old, ill or
    needy members' households; 联系群众制度: each committee member 定点联系2-3户)."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="households", verbose_name="联系党员"
    )
    head_name = models.CharField("户主姓名", max_length=50)
    address = models.CharField("住址", max_length=200)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    contacted_member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_households",
        verbose_name="户内党员",
        help_text="党员户（离退休行动不便、病弱残疾、家庭困难的党员）填写。",
    )
    situation = models.CharField(
        "户情", max_length=200, blank=True, help_text="人口、生活、就业等。"
    )
    starts_on = models.DateField("联系起始日期")
    ends_on = models.DateField("结束联系日期", null=True, blank=True)
    history = HistoricalRecords()

    objects = HouseholdQuerySet.as_manager()

    PERSONAL_FIELDS = {"address": mask_address, "phone": mask_phone}

    class Meta:
        verbose_name = "党员联系户"
        verbose_name_plural = "党员联系户"
        ordering = ["member__name", "-starts_on"]
        constraints = [
            _ends_after_starts("household_ends_after_start", "starts_on", "ends_on",
                               "结束联系日期不能早于联系起始日期。"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.head_name}户（{self.member}联系）"

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "结束联系日期不能早于联系起始日期。"})


class VisitQuerySet(ScopedQuerySet["Visit"]):
    scope_people = People(branch="visitor__branch_id")


class Visit(models.Model):
    """One talk or visit (002 “五必谈、五必访”, and the routine visits of a 联系户): when, who,
    with which member or household, on which occasion, and what came of it."""

    visited_on = models.DateField("日期")
    visitor = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="visits_made", verbose_name="谈话走访人"
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name="联系户",
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visits_received",
        verbose_name="谈话走访对象（党员）",
    )
    kind = models.CharField("情形", max_length=32, choices=VisitKind.choices)
    notes = models.TextField("谈话走访情况")
    history = HistoricalRecords()

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = "谈心走访"
        verbose_name_plural = "谈心走访"
        ordering = ["-visited_on"]
        indexes = [models.Index(fields=["household", "visited_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(member__isnull=False),
                name="visit_has_a_household_or_member",
                violation_error_message="请选择联系户或谈话走访的党员。",
            )
        ]

    def __str__(self) -> str:
        target = self.household or self.member
        return f"{self.visited_on} {self.visitor} → {target}"

    def clean(self) -> None:
        if self.household_id is None and self.member_id is None:
            raise ValidationError("请选择联系户或谈话走访的党员。")
        if self.kind == VisitKind.ROUTINE and self.household_id is None:
            raise ValidationError({"household": "联系户定期走访请选择联系户。"})


# --- 实事 (001, 002) --------------------------------------------------------------------------------
def deeds_done(model: type[models.Model], owner: str, year: int) -> Any:
    """How many 实事 of `model` the row's `owner` (`unit_id`, `member_id`) did in `year` for the
    row's own community: a correlated COUNT, so it adds to any other annotation unchanged."""
    first, last = year_span(year)
    counted = (
        model._default_manager.filter(
            **{owner: OuterRef(owner)},
            community_id=OuterRef("community_id"),
            done_on__range=(first, last),
        )
        .order_by()
        .values(owner)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


def reminder_cutoff(year: int) -> dt.date:
    return deed_cutoff(year, settings.DEED_REMINDER_MONTH, settings.DEED_REMINDER_DAY)


def reminded_year(today: dt.date | None = None) -> int:
    """The year whose 实事 are reminded today, or (out of season) the current year."""
    day = today or timezone.localdate()
    month, date = settings.DEED_REMINDER_MONTH, settings.DEED_REMINDER_DAY
    return deed_reminder_year(day, month, date) or day.year


class UnitPledgeQuerySet(ScopedQuerySet["UnitPledge"]):
    scope_lookups = ("community_id",)

    def owing(self, year: int) -> UnitPledgeQuerySet:
        """Units that owe the year's 实事: pledged on its cut-off day (rules.owes_deeds)."""
        cutoff = reminder_cutoff(year)
        return self.filter(starts_on__lte=cutoff).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=cutoff)
        )

    def with_deeds(self, year: int) -> UnitPledgeQuerySet:
        return self.annotate(done=deeds_done(UnitDeed, "unit_id", year))

    def short_of_deeds(self, year: int | None = None) -> UnitPledgeQuerySet:
        """Owing units with fewer than UNIT_DEEDS_PER_YEAR 实事 of the year (default: the year
        reminded today)."""
        year = year or reminded_year()
        rows = self.owing(year).with_deeds(year)
        return rows.filter(done__lt=settings.UNIT_DEEDS_PER_YEAR)  # type: ignore[misc]


class UnitPledge(models.Model):
    """A 驻区单位 in 共驻共建 with a community (002 党组织共驻共建制度 3: 每年必须向社区党总支至少
    做2件实事), from the day it joined to the day it left: who owes the 实事, and since when."""

    community = _community("unit_pledges")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="pledges", verbose_name="驻区单位"
    )
    starts_on = models.DateField("共建起始日期")
    ends_on = models.DateField("共建结束日期", null=True, blank=True)
    note = models.CharField("共建协议", max_length=200, blank=True)
    history = HistoricalRecords()

    objects = UnitPledgeQuerySet.as_manager()

    class Meta:
        verbose_name = "共驻共建单位"
        verbose_name_plural = "共驻共建单位"
        ordering = ["community__code", "unit__name"]
        constraints = [
            _ends_after_starts("unit_pledge_ends_after_start", "starts_on", "ends_on",
                               "共建结束日期不能早于起始日期。"),
            models.UniqueConstraint(
                fields=["community", "unit"],
                condition=Q(ends_on__isnull=True),
                name="one_open_pledge_per_unit_and_community",
                violation_error_message="该单位已与本社区共驻共建。",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.unit} · {self.community}"

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "共建结束日期不能早于起始日期。"})


class DeedFields(models.Model):
    """What a 实事 records: when, what, what was done, and for whom."""

    done_on = models.DateField("日期")
    title = models.CharField("实事", max_length=200)
    content = models.TextField("具体内容", blank=True)
    beneficiaries = models.CharField("受益对象", max_length=200, blank=True)

    class Meta:
        abstract = True


class UnitDeedQuerySet(ScopedQuerySet["UnitDeed"]):
    scope_lookups = ("community_id",)


class UnitDeed(DeedFields):
    """One 实事 a 驻区单位 did for a community."""

    community = _community("unit_deeds")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="deeds", verbose_name="驻区单位"
    )
    history = HistoricalRecords()

    objects = UnitDeedQuerySet.as_manager()

    class Meta:
        verbose_name = "驻区单位实事"
        verbose_name_plural = "驻区单位实事"
        ordering = ["-done_on"]
        indexes = [models.Index(fields=["community", "unit", "done_on"])]

    def __str__(self) -> str:
        return f"{self.done_on} {self.unit} {self.title}"


class MemberDeedQuerySet(ScopedQuerySet["MemberDeed"]):
    # As an activity record: seen by the community and the member's unit organization, kept by
    # the community.
    scope_people = People(
        branch="member__branch_id", residence="community_id", keeper=("community_id",)
    )


class MemberDeed(DeedFields):
    """One 实事 an in-service member did for the community where they registered (001: 1-2 a
    year)."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="deeds", verbose_name="党员"
    )
    community = _community("member_deeds")
    history = HistoricalRecords()

    objects = MemberDeedQuerySet.as_manager()

    class Meta:
        verbose_name = "在职党员实事"
        verbose_name_plural = "在职党员实事"
        ordering = ["-done_on"]
        indexes = [models.Index(fields=["member", "done_on"])]

    def __str__(self) -> str:
        return f"{self.done_on} {self.member} {self.title}"
