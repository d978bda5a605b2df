"""发展党员 cases with their 25 steps and branch votes; 公示 notices, their opinions (the record
book); 党务公开 board items."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kit.masking import mask_phone
from members.models import Member
from members.person import Person
from organizations.models import Organization
from organizations.rules import COMMUNITY_KINDS
from organizations.scope import People, ScopedQuerySet

from .. import rules
from ..rules import OpinionStatus, Stage


# --- 发展党员 ----------------------------------------------------------------------------------------
class DevelopmentCaseQuerySet(ScopedQuerySet["DevelopmentCase"]):
    scope_people = People(branch="branch_id", residence="residence_community_id")

    def in_progress(self) -> DevelopmentCaseQuerySet:
        return self.exclude(stage=Stage.FULL).filter(deferred_on__isnull=True)

    def chased_for_registers(self) -> DevelopmentCaseQuerySet:
        """Activists and candidates not deferred: those whose missing registers are to-dos."""
        return self.filter(deferred_on__isnull=True, stage__in=(Stage.ACTIVIST, Stage.CANDIDATE))

    def with_register_overdue(self, today: dt.date) -> DevelopmentCaseQuerySet:
        """Each case's `reports_overdue` (思想汇报) and `assessments_overdue` (培养考察), counted
        by the database in the same query: the periods of publicity/rules.py's `_owed` (the
        definition) that are kept in the system, past their due date on `today` and not
        recorded. See publicity/models/register_counts.py."""
        from .register_counts import overdue_annotations

        return self.annotate(**overdue_annotations(today))

    def owing_registers(self, today: dt.date) -> DevelopmentCaseQuerySet:
        """The chased cases with an overdue 思想汇报 or 培养考察 on `today`, annotated."""
        overdue = Q(reports_overdue__gt=0) | Q(assessments_overdue__gt=0)
        return self.chased_for_registers().with_register_overdue(today).filter(overdue)


class DevelopmentCase(Person):
    """One person's way from 入党申请人 to 正式党员, held by the branch they applied to. The
    identity fields and their checks (`clean`) are a member's (members.person.Person)."""

    position = models.CharField("职务或工作岗位", max_length=100, blank=True)
    residence_community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="development_residents",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="居住社区",
    )
    branch = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="development_cases",
        verbose_name="所在党支部",
    )
    stage = models.CharField(
        "阶段", max_length=16, choices=Stage.choices, default=Stage.APPLICANT, editable=False
    )
    last_step = models.PositiveSmallIntegerField("已完成步骤", default=0, editable=False)
    due_on = models.DateField(
        "下一步期限", null=True, blank=True, editable=False, help_text="下一步最迟完成的日期。"
    )
    assessment = models.TextField(
        "支部培养教育和考察情况", blank=True, help_text="公示时向群众公开。"
    )
    extension_months = models.PositiveSmallIntegerField(
        "延长预备期（月）", default=0, editable=False
    )
    deferred_on = models.DateField("暂缓发展日期", null=True, blank=True, editable=False)
    deferred_reason = models.TextField("暂缓发展原因", blank=True, editable=False)
    member = models.OneToOneField(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="development_case",
        verbose_name="党员档案",
    )
    registers_from = models.DateField(
        "台账起始日期",
        default=timezone.localdate,
        blank=True,
        help_text="思想汇报和培养考察从这一天起在系统中登记：此前结束的季度、半年记在纸质台账上，"
        "显示为“系统启用前（纸质台账）”，不算逾期。默认为建档当天；要在系统中补录更早的思想汇报"
        "和培养考察时，可改为更早的日期，但不能晚于建档当天。",
    )
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = DevelopmentCaseQuerySet.as_manager()

    class Meta:
        verbose_name = "发展党员"
        verbose_name_plural = "发展党员"
        ordering = ["branch__code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_step__lte=rules.LAST_STEP), name="development_step_in_range"
            ),
        ]

    def clean(self) -> None:
        super().clean()
        created_on = timezone.localdate(self.created_at) if self.created_at else None
        latest = created_on or timezone.localdate()
        if self.registers_from is None:  # left empty: the day it was created here
            self.registers_from = latest
        if self.registers_from > latest:
            raise ValidationError(
                {"registers_from": f"台账起始日期不能晚于建档当天（{latest:%Y-%m-%d}）"}
            )

    def facts(self, steps: list[DevelopmentStep] | None = None) -> rules.CaseFacts:
        steps = list(self.steps.all()) if steps is None else steps
        return rules.CaseFacts(
            birth_date=self.birth_date,
            dates={s.number: s.date for s in steps},
            extension_months=self.extension_months,
        )

    def next_step(self) -> rules.NextStep | None:
        """Uses the prefetched steps when the list prefetched them."""
        return None if self.deferred_on else rules.next_step(self.facts())

    @property
    def is_deferred(self) -> bool:
        return self.deferred_on is not None


class DevelopmentStepQuerySet(ScopedQuerySet["DevelopmentStep"]):
    scope_people = People(branch="case__branch_id", residence="case__residence_community_id")


class DevelopmentStep(models.Model):
    """One of the 25 steps, with its date, the people it involved and the document it produced."""

    case = models.ForeignKey(
        DevelopmentCase, on_delete=models.CASCADE, related_name="steps", verbose_name="发展党员"
    )
    number = models.PositiveSmallIntegerField("步骤", choices=rules.STEP_CHOICES)
    date = models.DateField("日期")
    people = models.CharField(
        "相关人员",
        max_length=200,
        blank=True,
        help_text=(
            "多人用“、”分隔。培养联系人、考察写实人、入党介绍人和政审人须是该步骤日期时的正式党员："
            "填写本系统中党员的姓名；其他党组织的党员写作“姓名（所在党组织）”。"
        ),
    )
    training_days = models.PositiveSmallIntegerField("培训天数", default=0)
    training_hours = models.PositiveSmallIntegerField("培训学时", default=0)
    extended_approval = models.BooleanField(
        "审批期限经批准延长", default=False, help_text="第17步：上级党委审批期限延长至6个月。"
    )
    document = models.FileField("材料", upload_to="publicity/steps/", blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = DevelopmentStepQuerySet.as_manager()

    class Meta:
        verbose_name = "发展步骤"
        verbose_name_plural = "发展步骤"
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_record_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {rules.step_label(self.number)}"

    @property
    def people_names(self) -> list[str]:
        from kit.imports import split_names

        return split_names(self.people)


class BranchVoteQuerySet(ScopedQuerySet["BranchVote"]):
    scope_people = People(branch="case__branch_id", residence="case__residence_community_id")


class BranchVote(models.Model):
    """The 支部大会's vote on one candidate: acceptance (step 15) or full membership (step 23)."""

    case = models.ForeignKey(
        DevelopmentCase, on_delete=models.CASCADE, related_name="votes", verbose_name="发展党员"
    )
    step = models.PositiveSmallIntegerField(
        "会议", choices=[(n, rules.STEPS[n - 1].label) for n in rules.VOTE_STEPS]
    )
    held_on = models.DateField("会议日期")
    entitled = models.ManyToManyField(
        Member,
        related_name="+",
        verbose_name="有表决权的正式党员",
        blank=True,
        editable=False,
        help_text="会议当日本支部的全体正式党员，减去有规定事由不参加表决的：由系统确定。",
    )
    attended = models.ManyToManyField(Member, related_name="+", verbose_name="到会党员", blank=True)
    written_opinions = models.TextField(
        "未到会党员的书面意见", blank=True, help_text="每行一人：姓名：意见（赞成/反对/弃权）。"
    )
    written_count = models.PositiveSmallIntegerField("书面意见人数", default=0)
    yes = models.PositiveSmallIntegerField("赞成票", default=0)
    no = models.PositiveSmallIntegerField("反对票", default=0)
    abstain = models.PositiveSmallIntegerField("弃权票", default=0)
    entitled_count = models.PositiveSmallIntegerField("应到人数", default=0, editable=False)
    attended_count = models.PositiveSmallIntegerField("实到人数", default=0, editable=False)
    history = HistoricalRecords(m2m_fields=[entitled, attended])

    objects = BranchVoteQuerySet.as_manager()

    class Meta:
        verbose_name = "支部大会表决"
        verbose_name_plural = "支部大会表决"
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="one_vote_per_case_and_step"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_step_display()}（{self.held_on:%Y-%m-%d}）"

    def count(self) -> rules.VoteCount:
        return rules.VoteCount(
            entitled=self.entitled_count,
            present=self.attended_count,
            written=self.written_count,
            yes=self.yes,
            no=self.no,
            abstain=self.abstain,
        )

    @property
    def failure(self) -> str | None:
        return rules.vote_failure(self.count())

    @property
    def passed(self) -> bool:
        return self.failure is None


class VoteExclusionQuerySet(ScopedQuerySet["VoteExclusion"]):
    scope_people = People(
        branch="vote__case__branch_id", residence="vote__case__residence_community_id"
    )


class VoteExclusion(models.Model):
    """A full member left out of those entitled to vote, with a reason from the fixed list
    (DOMAIN.md Publicity): the secretary never picks the voters, only records these."""

    vote = models.ForeignKey(
        BranchVote, on_delete=models.CASCADE, related_name="exclusions", verbose_name="支部大会表决"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name="不计入应到的正式党员"
    )
    reason = models.CharField("事由", max_length=16, choices=rules.VoteExclusionReason.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    objects = VoteExclusionQuerySet.as_manager()

    class Meta:
        verbose_name = "不计入表决人数的党员"
        verbose_name_plural = "不计入表决人数的党员（限规定事由）"
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "member"], name="one_exclusion_per_vote_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}（{self.get_reason_display()}）"


# --- 公示 ----------------------------------------------------------------------------------------------
class NoticeQuerySet(ScopedQuerySet["Notice"]):
    scope_people = People(
        branch="case__branch_id", residence="community_id", keeper=("case__branch_id",)
    )

    def published(self) -> NoticeQuerySet:
        """Published and not withdrawn."""
        return self.filter(published_at__isnull=False, withdrawn_at__isnull=True)

    def running_on(self, day: dt.date) -> NoticeQuerySet:
        """What the public board shows on `day`: published, not withdrawn, begun and not yet
        ended, of a case that is not deferred (a deferred case's notice leaves at once)."""
        return self.published().filter(
            starts_on__lte=day, ends_on__gte=day, case__deferred_on__isnull=True
        )


class Notice(models.Model):
    """公示 of a candidate (000 item 八). What residents read is copied here when it is published, so
    the public site reads this table alone and can show nothing else of the person."""

    case = models.ForeignKey(
        DevelopmentCase, on_delete=models.PROTECT, related_name="notices", verbose_name="发展对象"
    )
    community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="notices",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="公示社区",
        help_text="发展对象的居住社区；工作单位另行张贴。",
    )
    starts_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示结束日期", editable=False, null=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    # The public fields (DOMAIN.md: name, gender, age, ethnicity, education, position, activist
    # date, the branch's assessment), filled in on publication.
    name = models.CharField("姓名", max_length=50, editable=False, blank=True)
    gender = models.CharField("性别", max_length=8, editable=False, blank=True)
    age = models.PositiveSmallIntegerField("年龄", null=True, editable=False)
    ethnicity = models.CharField("民族", max_length=16, editable=False, blank=True)
    education = models.CharField("学历", max_length=32, editable=False, blank=True)
    position = models.CharField("职务或工作岗位", max_length=100, editable=False, blank=True)
    work_unit = models.CharField("工作单位", max_length=100, editable=False, blank=True)
    activist_on = models.DateField("确定为入党积极分子日期", null=True, editable=False)
    assessment = models.TextField("培养教育和考察情况", editable=False, blank=True)
    branch_name = models.CharField("党支部", max_length=100, editable=False, blank=True)
    contact = models.CharField(
        "受理电话或地点", max_length=100, blank=True, help_text="公开的组织受理电话或意见箱位置。"
    )
    unit_place = models.CharField(
        "工作单位张贴地点", max_length=200, blank=True, help_text="在发展对象工作单位张贴的位置。"
    )
    unit_starts_on = models.DateField("工作单位张贴开始日期", null=True, blank=True)
    unit_ends_on = models.DateField("工作单位张贴结束日期", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True, editable=False)
    withdrawn_reason = models.TextField("撤回原因", blank=True, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    objects = NoticeQuerySet.as_manager()

    PUBLIC_FIELDS = (
        "name", "gender", "age", "ethnicity", "education", "position", "work_unit",
        "activist_on", "assessment", "branch_name", "starts_on", "ends_on", "contact",
    )  # fmt: skip

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.case}的发展对象公示（{self.starts_on:%Y-%m-%d}起）"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def clean(self) -> None:
        if self.unit_starts_on and self.unit_ends_on and self.unit_ends_on < self.unit_starts_on:
            raise ValidationError({"unit_ends_on": "工作单位张贴结束日期不能早于开始日期"})

    def has_ended(self, today: dt.date | None = None) -> bool:
        return self.ends_on is not None and self.ends_on < (today or timezone.localdate())

    def days_left(self, today: dt.date | None = None) -> int:
        return (
            rules.notice_days_left(self.ends_on, today or timezone.localdate())
            if self.ends_on
            else 0
        )


CLOSED_OPINION_STATUSES = (OpinionStatus.UNFOUNDED, OpinionStatus.PROVEN)


class OpinionQuerySet(ScopedQuerySet["Opinion"]):
    scope_people = People(
        branch="notice__case__branch_id",
        residence="notice__community_id",
        keeper=("notice__case__branch_id",),
    )

    def open(self) -> OpinionQuerySet:
        return self.exclude(status__in=CLOSED_OPINION_STATUSES)


class Opinion(models.Model):
    """A resident's opinion on a notice, with its checking: a line of the 公示记录簿."""

    class Source(models.TextChoices):
        WEB = "web", "网上留言"
        BOX = "box", "意见箱"
        VISIT = "visit", "来访来电"

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="opinions", verbose_name="公示"
    )
    source = models.CharField("来源", max_length=8, choices=Source.choices, default=Source.BOX)
    text = models.TextField("反映内容", max_length=2000)
    sender_name = models.CharField("反映人", max_length=50, blank=True)
    sender_phone = models.CharField("联系电话", max_length=32, blank=True)
    received_at = models.DateTimeField("收到时间", default=timezone.now)
    status = models.CharField(
        "处理状态", max_length=16, choices=OpinionStatus.choices, default=OpinionStatus.OPEN
    )
    checker = models.CharField("核实人", max_length=50, blank=True)
    finding = models.TextField("核实结果", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    history = HistoricalRecords()

    objects = OpinionQuerySet.as_manager()

    PERSONAL_FIELDS = {"sender_phone": mask_phone}

    class Meta:
        verbose_name = "公示意见"
        verbose_name_plural = "公示意见（公示记录簿）"
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.notice.name or self.notice.case}：{self.text[:20]}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_OPINION_STATUSES

    def clean(self) -> None:
        """A closed opinion names who checked it and what they found (the record book's columns)."""
        if self.is_closed and (not self.finding.strip() or not self.checker.strip()):
            raise ValidationError({"finding": "办结意见须填写核实人和核实结果"})


# --- 党务公开 -------------------------------------------------------------------------------------
class BoardItemQuerySet(ScopedQuerySet["BoardItem"]):
    scope_lookups = ("community_id",)

    def showing_on(self, day: dt.date) -> BoardItemQuerySet:
        return self.filter(published=True, publish_on__lte=day).filter(
            Q(end_on__isnull=True) | Q(end_on__gte=day)
        )


class BoardItem(models.Model):
    """An item of the 党务公开 / 居务公开 board (002), shown from its publish date to its end date."""

    class Kind(models.TextChoices):
        PARTY = "party", "党务公开"
        RESIDENT = "resident", "居务公开"

    community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="board_items",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="社区",
    )
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.PARTY)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容")
    publish_on = models.DateField("公开日期")
    end_on = models.DateField("截止日期", null=True, blank=True)
    published = models.BooleanField("已发布", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = BoardItemQuerySet.as_manager()

    class Meta:
        verbose_name = "党务公开事项"
        verbose_name_plural = "党务公开事项"
        ordering = ["-publish_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("publish_on")),
                name="board_item_ends_after_it_starts",
                violation_error_message="截止日期不能早于公开日期。",
            ),
        ]

    def __str__(self) -> str:
        return self.title
