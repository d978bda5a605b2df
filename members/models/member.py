"""党员: the registry of members, their categories, and the log of who read their personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from organizations.models import Compound, Organization
from organizations.rules import COMMUNITY_KINDS, OrganizationKind
from organizations.scope import People, ScopedQuerySet

from .. import rules
from ..person import Person
from ..rules import Category, MemberStatus


class MemberCategory(models.Model):
    """人员类别; the rows are the choices of rules.Category, created by a migration."""

    code = models.CharField("代码", max_length=32, unique=True, choices=Category.choices)
    name = models.CharField("名称", max_length=16, unique=True)

    class Meta:
        verbose_name = "人员类别"
        verbose_name_plural = "人员类别"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(ScopedQuerySet["Member"]):
    scope_people = People(branch="branch_id", residence="residence_community_id")

    def visible_to(self, user: Any) -> MemberQuerySet:
        """Members held in the user's organizations or living in a community the user manages;
        a member user also sees their own record."""
        queryset = super().visible_to(user)
        if getattr(user, "is_authenticated", False) and not user.is_superuser:
            queryset = queryset | self.filter(user_id=user.pk)
        return queryset

    def matching_text(self, term: str) -> MemberQuerySet:
        """The list's search by 姓名, 工作单位 or 所在党组织. One Chinese character is a surname
        (the commonest search, and a tenth of a district matches it anywhere in a name): names
        and work units beginning with it, found through their prefix indexes, and the branches
        whose name holds it. Longer terms, or a Latin letter: anywhere in any of the three."""
        from organizations.models import Organization

        if len(term) == 1 and not term.isascii():
            # Listed first (a few among thousands of organizations): a list, unlike a subquery,
            # lets the database combine it with the two prefix indexes (no scan of the members).
            branches = list(
                Organization.objects.filter(name__contains=term).values_list("pk", flat=True)
            )
            return self.filter(
                Q(name__startswith=term) | Q(work_unit__startswith=term) | Q(branch__in=branches)
            )
        text = Q(name__icontains=term) | Q(work_unit__icontains=term)
        return self.filter(text | Q(branch__name__icontains=term))

    def in_category(self, code: str) -> MemberQuerySet:
        return self.filter(categories__code=code)

    def in_service(self) -> MemberQuerySet:
        return self.in_category(Category.IN_SERVICE)

    def probationary(self) -> MemberQuerySet:
        return self.filter(status=MemberStatus.PROBATIONARY)

    def full(self) -> MemberQuerySet:
        return self.filter(status=MemberStatus.FULL)

    # --- who is on the roster: every count, list, quota and export starts from one of these ---
    def current(self) -> MemberQuerySet:
        """在册: members whose transfer out (转出) has not been received."""
        return self.filter(transferred_out_on__isnull=True)

    def with_public_files(self, field: str) -> MemberQuerySet:
        """Members whose photo anyone may see (kit/files.py): those the public 在职党员监督台
        shows (members/selectors/dual.py: current, in service, registered with a community)."""
        if field != "photo":
            return self.none()
        from .dual import Registration  # the same package; dual imports this module

        registered = Registration.objects.active()
        return self.current().in_service().filter(pk__in=registered.values("member_id"))

    def transferred_out(self) -> MemberQuerySet:
        """已转出: kept with their history, out of the roster."""
        return self.filter(transferred_out_on__isnull=False)

    def on_roster(self, day: dt.date) -> MemberQuerySet:
        """Members on `day`: accepted by then and not yet transferred out."""
        gone_later = Q(transferred_out_on__isnull=True) | Q(transferred_out_on__gt=day)
        return self.filter(gone_later, joined_on__lte=day)

    def full_on(self, day: dt.date) -> MemberQuerySet:
        """正式党员 on `day` (SQL twin of rules.is_full_member_on), among those on the roster
        whose standing is not stopped then: those with a vote, and the 优秀 quota's base."""
        return self.on_roster(day).filter(self.full_on_condition(day)).with_standing(day)

    def with_standing(self, day: dt.date) -> MemberQuerySet:
        """Without the members whose party standing is stopped on `day` (停止党籍, 002 流动党员
        管理制度 七): no vote, no election, out of the review and its quota until restored."""
        from .floating import StandingSuspension  # the same package; floating imports this

        return self.exclude(pk__in=StandingSuspension.objects.stopped_on(day).values("member_id"))

    @staticmethod
    def full_on_condition(day: dt.date) -> Q:
        """Of members on the roster on `day`, the full members then: for a count among them
        (`Count("id", filter=...)`) without a second pass over the table."""
        undated = Q(full_member_on__isnull=True, joined_on__lte=rules.latest_join_date_full_by(day))
        return Q(status=MemberStatus.FULL) & (Q(full_member_on__lte=day) | undated)

    def review_missing(self, year: int) -> MemberQuerySet:
        """Current members who were on the roster on 31 December of `year` (so take part in that
        year's 民主评议) and have no review for it yet."""
        on_roster = self.on_roster(dt.date(year, 12, 31)).current()
        return on_roster.exclude(reviews__year=year)

    def probation_overdue(self, today: dt.date | None = None) -> MemberQuerySet:
        """预备党员 a year past 入党日期 with no decision (SQL twin of rules.probation_overdue)."""
        today = today or timezone.localdate()
        yesterday = today - dt.timedelta(days=1)
        months = (
            0,
            *range(rules.PROBATION_EXTENSION_MIN_MONTHS, rules.PROBATION_EXTENSION_MAX_MONTHS + 1),
        )
        ended = Q()
        for extension in months:  # one condition per possible extension: a handful
            ended |= Q(
                probation_extension_months=extension,
                joined_on__lte=rules.latest_join_date_ended_by(yesterday, extension),
            )
        return self.current().probationary().filter(ended)

    def held_by_unit_org(self) -> MemberQuerySet:
        """非隶属 here: held by a workplace unit's party organization or a branch directly under it
        (members are held no deeper, see rules.holder_error)."""
        unit_org = OrganizationKind.UNIT_ORG
        return self.filter(
            Q(branch__kind=unit_org, branch__unit__isnull=False)
            | Q(branch__parent__kind=unit_org, branch__parent__unit__isnull=False)
        )

    def due_to_register_in(self, community_id: int) -> MemberQuerySet:
        """Who must register (报到) with a community (001, 002): current in-service members held by
        a unit party organization who live there; the community's own branches' members never."""
        return (
            self.current()
            .in_service()
            .held_by_unit_org()
            .filter(residence_community_id=community_id)
        )


class Member(Person):
    """A party member. The citizen ID is the key that imports match on."""

    citizen_id = models.CharField(
        "公民身份号码",
        max_length=18,
        unique=True,
        # Says nothing of where the member is held: an ID may be outside the user's scope.
        error_messages={
            "unique": "该公民身份号码已有党员档案，不能重复建档。"
            "如需把此人的组织关系转入本组织，请办理组织关系转接。"
        },
    )
    status = models.CharField("党员状态", max_length=16, choices=MemberStatus.choices)
    joined_on = models.DateField("入党日期")
    full_member_on = models.DateField("转正日期", null=True, blank=True)
    probation_extension_months = models.PositiveSmallIntegerField(
        "延长预备期（月）",
        default=0,
        help_text="支部大会决定延长预备期的月数（6至12个月，只能延长一次）；转正于入党满一年加延长期后。",
    )
    branch = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="所在党组织",
        help_text="组织关系所在的党支部（或下设无党支部的单位党组织）。",
    )
    group = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_members",
        limit_choices_to={"kind": OrganizationKind.GROUP},
        verbose_name="党小组",
        help_text="编入所在党支部的哪个党小组（可不填）。",
    )
    transferred_out_on = models.DateField(
        "转出日期",
        null=True,
        blank=True,
        editable=False,
        help_text="组织关系转出、对方已接收的日期：此后不在本组织的花名册、统计和名额内。",
    )
    categories = models.ManyToManyField(
        MemberCategory, blank=True, related_name="members", verbose_name="人员类别"
    )
    residence_community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="居住社区",
    )
    compound = models.ForeignKey(
        Compound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_residents",
        verbose_name="居住小区",
        help_text="居住社区内的小区（社区党建示范小区按它统计居住的党员）。",
    )
    monthly_income = models.DecimalField(
        "月收入",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="党费基数（税后月收入，元）；按固定数额交纳的类别留空。",
    )
    photo = models.ImageField("照片", upload_to="members/photos/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name="登录账号",
    )
    # Set when a secretary creates the login with a printed initial password; the portal asks
    # for a new password before anything else until the member has chosen one.
    must_change_password = models.BooleanField("须修改初始密码", default=False, editable=False)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[categories])

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["branch__code", "name"]
        permissions = [
            ("view_personal_data", "查看党员完整身份证号和电话"),
            # The roster file holds full IDs and phones (its key): a branch officer exchanges
            # its own branch's roster without seeing them on the pages (issue 22.14).
            ("exchange_roster", "导入导出本组织党员花名册"),
            ("create_member_login", "创建党员登录账号"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=MemberStatus.FULL) | Q(full_member_on__isnull=True),
                name="probationary_member_has_no_full_date",
                violation_error_message="预备党员不应有转正日期。",
            ),
        ]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["phone"]),
            # The search by surname (`matching_text`): LIKE '王%' served by an index on
            # PostgreSQL, whose plain index under a non-C collation serves no LIKE.
            models.Index(
                fields=["name"], name="member_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["work_unit"],
                name="member_work_unit_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            # 预备党员 are a few in a hundred thousand: the list filtered by status, the probation
            # to-dos and the review quota find them without reading the whole table.
            models.Index(fields=["status"], name="member_status"),
        ]

    def clean(self) -> None:
        errors = self.identity_errors()
        if self.birth_date and self.joined_on:
            errors.update(
                rules.membership_date_errors(
                    birth_date=self.birth_date,
                    joined_on=self.joined_on,
                    full_member_on=self.full_member_on,
                    today=timezone.localdate(),
                )
            )
        if self.status == MemberStatus.PROBATIONARY and self.full_member_on:
            errors["full_member_on"] = "预备党员不应有转正日期"
        community = self.residence_community if self.residence_community_id else None
        if community is not None and community.kind not in COMMUNITY_KINDS:
            errors["residence_community"] = "居住社区必须是社区党委或社区党总支"
        compound = self.compound if self.compound_id else None
        if compound is not None and compound.community_id != self.residence_community_id:
            errors["compound"] = f"小区“{compound}”不在居住社区内，请先选择其所在社区。"
        if self.branch_id:
            errors.update(self._holder_errors())
        if errors:
            raise ValidationError(errors)

    def _holder_errors(self) -> dict[str, str]:
        branch = self.branch
        has_branch_below = branch.kind == OrganizationKind.UNIT_ORG and _has_branch_below(branch)
        parent_name = branch.parent.name if branch.parent_id else ""
        if error := rules.holder_error(
            name=branch.name,
            kind=branch.kind,
            parent_name=parent_name,
            has_branch_below=has_branch_below,
        ):
            return {"branch": error}
        group = self.group if self.group_id else None
        if group is not None and group.parent_id != self.branch_id:
            return {"group": f"党小组“{group}”不属于{branch}，请选择本支部的党小组。"}
        return {}

    def notes(self, today: dt.date) -> list[str]:
        """What a secretary should see about this member on the list (no query)."""
        if self.transferred_out_on is not None:
            return [f"已转出（{self.transferred_out_on:%Y-%m-%d}）"]
        extension = self.probation_extension_months
        if self.status == MemberStatus.PROBATIONARY and rules.probation_overdue(
            self.joined_on, today, extension
        ):
            return [rules.probation_overdue_message(self.joined_on, today, extension)]
        return []


def _has_branch_below(unit_org: Organization) -> bool:
    """A query, unless the organization was loaded with it (the roster import's annotation)."""
    known = getattr(unit_org, "has_branch_below", None)
    if known is not None:
        return bool(known)
    return unit_org.children.filter(kind=OrganizationKind.BRANCH).exists()


class PersonalDataAccessQuerySet(models.QuerySet["PersonalDataAccess"]):
    """A log, not a record kept by an organization (no ScopedQuerySet: nobody writes it by
    hand), but read within a scope like every list."""

    def visible_to(self, user: Any) -> PersonalDataAccessQuerySet:
        """Reads of the members `user` sees, and what the users of `user`'s scope did without a
        member (exports, imports, duplicate-ID checks and their refusals); all for a superuser."""
        from organizations.selectors import users_visible_to

        if getattr(user, "is_superuser", False):
            return self
        members = Member.objects.visible_to(user).values("pk")
        users = users_visible_to(user).values("pk")
        return self.filter(Q(member__in=members) | Q(member__isnull=True, user__in=users))


class PersonalDataAccess(models.Model):
    """A read of members' personal data: a full citizen ID shown, an export, an import."""

    class Action(models.TextChoices):
        VIEW = "view", "查看完整信息"
        EXPORT = "export", "导出"
        IMPORT = "import", "导入"
        PRINT = "print", "打印"
        SEARCH = "search", "按身份证号或电话搜索"
        PROBE = "probe", "证件号查重（已存在）"
        PROBE_REFUSED = "probe_refused", "证件号查重超限被拒"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="用户"
    )
    # The log outlives its member: the link is cleared on deletion, the label stays.
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="党员",
    )
    member_label = models.CharField("党员（记录时）", max_length=80, blank=True)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    detail = models.CharField("说明", max_length=200, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        verbose_name = "个人信息访问记录"
        verbose_name_plural = "个人信息访问记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.member_label or self.detail}"
