"""The party organization tree, workplace units, joint committees and who may see what."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet

from . import rules
from .roles import Role
from .rules import (
    COMMUNITY_KINDS,
    CommitteeRole,
    JointCommitteeKind,
    OrganizationKind,
    PositionTitle,
    UnitKind,
)
from .scope import ANY, NONE, Scope, ScopedMixin, ScopedQuerySet, subtrees

if TYPE_CHECKING:
    from collections.abc import Iterable

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$", "组织代码只能由字母、数字、短横线和下划线组成。"
)


TREE_PATH_LENGTH = 255


def _move_subtree(old_prefix: str, new_prefix: str, *, using: str | None) -> None:
    """The organizations below a moved one: their paths start with its new place."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    below = Organization._base_manager.using(using).filter(tree_path__startswith=old_prefix)
    below.update(
        tree_path=Concat(
            Value(new_prefix),
            Substr("tree_path", len(old_prefix) + 1),
            output_field=models.CharField(),
        )
    )


TREE_PATHS_SQL = """
WITH RECURSIVE walk(id, path) AS (
    SELECT {pk}, CAST('/' AS VARCHAR(255)) FROM {table} WHERE {parent} IS NULL
    UNION ALL
    SELECT child.{pk}, CAST(walk.path || CAST(walk.id AS VARCHAR(20)) || '/' AS VARCHAR(255))
    FROM {table} child JOIN walk ON child.{parent} = walk.id
)
UPDATE {table} SET {path} = walk.path FROM walk
WHERE {table}.{pk} = walk.id AND {table}.{path} <> walk.path
"""


def tree_paths_refresh(connection: Any) -> None:
    """Every organization's tree path from the tree, in one statement (after a bulk write that
    bypasses save(), and by the migration that added it). A node on a cycle keeps its path (a
    scope's check when it is computed finds it)."""
    quote = connection.ops.quote_name
    sql = TREE_PATHS_SQL.format(
        table=quote("organizations_organization"), pk=quote("id"), parent=quote("parent_id"),
        path=quote("tree_path"),
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql)


class OrganizationQuerySet(ScopedMixin, TreeQuerySet):
    scope_lookups = ("pk",)

    @classmethod
    def write_targets(cls, instance: Any, before: Any) -> list[Any]:
        """A new or moved node falls under its new parent's scope; an unmoved one keeps its own
        (so a secretary may rename their own community, not move it)."""
        if before is None or before.parent_id != instance.parent_id:
            return [instance.parent if instance.parent_id else None]
        return [instance]

    def active(self) -> OrganizationQuerySet:
        return self.filter(is_active=True)

    def communities(self) -> OrganizationQuerySet:
        return self.filter(kind__in=COMMUNITY_KINDS)

    def descendant_ids(self, root_ids: Iterable[int]) -> set[int]:
        """The given nodes and everything below them, in one recursive query."""
        trees, _ = subtrees({"roots": root_ids})
        return trees["roots"]


class Organization(TreeNode):
    """A party organization: 街道党工委, 社区党委/党总支, 党支部, 党小组 or a unit's own party org."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级党组织",
    )
    name = models.CharField("名称", max_length=100)
    code = models.CharField(
        "组织代码",
        max_length=32,
        unique=True,
        validators=[code_validator],
        help_text="在全街道唯一，花名册导入时用它指明党员所在党组织。",
    )
    kind = models.CharField("组织类型", max_length=32, choices=OrganizationKind.choices)
    established_on = models.DateField("成立日期", null=True, blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True)
    office_phone = models.CharField("办公电话", max_length=32, blank=True)
    is_active = models.BooleanField(
        "在用", default=True, help_text="撤销的组织保留历史记录，不再使用。"
    )
    # Its ancestors' ids, the root first: "/1/23/" for a node under 23 under 1, "/" for a root.
    # A subtree is then one indexed prefix match (`subtree_prefix`; organizations.scope).
    # Kept by save() (a move also rewrites the moved subtree) and by tree_paths_refresh() after
    # a bulk write; a scope checks it against the tree when it is computed.
    tree_path = models.CharField("树路径", max_length=255, default="", editable=False)
    history = HistoricalRecords(excluded_fields=["tree_path"])

    objects = OrganizationQuerySet.as_manager(with_tree_fields=False)

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["code"]
        indexes = [
            models.Index(
                fields=["tree_path"],
                name="organization_tree_path",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def subtree_prefix(self) -> str:
        """The start of the tree path of every organization below this one."""
        return f"{self.tree_path}{self.pk}/"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Organization:
        instance = super().from_db(db, field_names, values)
        instance._stored_place = (
            instance.__dict__.get("parent_id"),
            instance.__dict__.get("tree_path"),
        )
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saves, keeping the tree path: a new or moved node's is its parent's (read from the
        database) and the id of that parent; a move rewrites the paths below it too."""
        update_fields = kwargs.get("update_fields")
        stored_parent, stored_path = getattr(self, "_stored_place", (None, None))
        placed = self.pk is not None and stored_path and stored_parent == self.parent_id
        if not placed and (update_fields is None or "parent" in update_fields):
            self.tree_path = self._path_under_parent()
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "tree_path"]
        super().save(*args, **kwargs)
        if stored_path and stored_path != self.tree_path:
            _move_subtree(f"{stored_path}{self.pk}/", self.subtree_prefix, using=self._state.db)
        self._stored_place = (self.parent_id, self.tree_path)

    def _path_under_parent(self) -> str:
        if self.parent_id is None:
            return "/"
        above = (
            Organization._base_manager.using(self._state.db or "default")
            .filter(pk=self.parent_id)
            .values_list("tree_path", flat=True)
            .first()
        )
        path = f"{above or ''}{self.parent_id}/"
        return path if len(path) <= TREE_PATH_LENGTH else ""

    def clean(self) -> None:
        super().clean()
        parent_kind = self.parent.kind if self.parent_id else None
        if self.kind and (error := rules.parent_kind_error(self.kind, parent_kind)):
            raise ValidationError({"parent": error})
        if self.pk and self.kind:
            child_kinds = set(self.children.values_list("kind", flat=True))
            if error := rules.children_kind_error(self.kind, child_kinds):
                raise ValidationError({"kind": error})

    @property
    def is_community(self) -> bool:
        return self.kind in COMMUNITY_KINDS


class PositionQuerySet(ScopedQuerySet["Position"]):
    scope_lookups = ("organization_id",)

    def current(self, on: dt.date | None = None) -> PositionQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)

    def in_title_order(self) -> PositionQuerySet:
        """书记, 副书记, 组织委员, 宣传委员, 纪检委员, as a committee is listed."""
        rank = models.Case(
            *(models.When(title=t, then=i) for i, t in enumerate(PositionTitle.values)),
            output_field=models.IntegerField(),
        )
        return self.order_by(rank, "start_date")


class Position(models.Model):
    """A committee position (书记, 副书记, 委员) held by a person from a start date to an end date."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="positions", verbose_name="党组织"
    )
    title = models.CharField("职务", max_length=32, choices=PositionTitle.choices)
    holder_name = models.CharField("任职人", max_length=50)
    start_date = models.DateField("任职日期")
    end_date = models.DateField("离任日期", null=True, blank=True, help_text="现任的留空。")
    history = HistoricalRecords()

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = "班子成员"
        verbose_name_plural = "班子成员"
        ordering = ["organization__code", "title", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_end_after_start",
                violation_error_message="离任日期不能早于任职日期。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_title_display()} {self.holder_name}"

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "离任日期不能早于任职日期。"})
        if self.title in rules.SINGLE_HOLDER_TITLES and self.organization_id and self.start_date:
            self._check_single_holder()

    def _check_single_holder(self) -> None:
        others = Position.objects.filter(organization_id=self.organization_id, title=self.title)
        for other in others.exclude(pk=self.pk):
            if rules.periods_overlap(
                (self.start_date, self.end_date), (other.start_date, other.end_date)
            ):
                end = f"{other.end_date:%Y-%m-%d}" if other.end_date else "现在"
                raise ValidationError(
                    f"{other.holder_name}在{other.start_date:%Y-%m-%d}至{end}任"
                    f"{self.get_title_display()}，同一时间只能有一人担任；请先填写其离任日期。"
                )

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)


class UnitQuerySet(ScopedQuerySet["Unit"]):
    # Seen from its community and from its own party organization; changed by its community.
    scope_lookups = ("community_id", "party_organization_id")


class Unit(models.Model):
    """驻区单位: an agency, company or school located in a community, with its own party org."""

    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("单位性质", max_length=32, choices=UnitKind.choices)
    address = models.CharField("单位地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="located_units",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="所在社区",
    )
    linked_communities = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="linked_units",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="双联双管联系社区",
        help_text="本单位在职党员居住的其他社区。",
    )
    party_organization = models.OneToOneField(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unit",
        limit_choices_to={"kind": OrganizationKind.UNIT_ORG},
        verbose_name="单位党组织",
    )
    history = HistoricalRecords(m2m_fields=[linked_communities])

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "驻区单位"
        verbose_name_plural = "驻区单位"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="unit_name_unique_in_community",
                violation_error_message="本社区已有同名的驻区单位。",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.community_id and not self.community.is_community:
            raise ValidationError({"community": "所在社区必须是社区党委或社区党总支。"})
        org = self.party_organization
        if org is not None and org.kind != OrganizationKind.UNIT_ORG:
            raise ValidationError(
                {"party_organization": "单位党组织的组织类型必须是“单位党组织”。"}
            )


class CompoundQuerySet(ScopedQuerySet["Compound"]):
    scope_lookups = ("community_id",)


class Compound(models.Model):
    """小区: a residential compound of a community (003 社区党建示范小区). The party members living
    there are those whose record names it (Member.compound, members app: this app knows no member)."""

    community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="compounds",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="所在社区",
    )
    name = models.CharField("小区名称", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    households = models.PositiveIntegerField("户数", null=True, blank=True)
    history = HistoricalRecords()

    objects = CompoundQuerySet.as_manager()

    class Meta:
        verbose_name = "小区"
        verbose_name_plural = "小区"
        ordering = ["community__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="compound_name_unique_in_community",
                violation_error_message="本社区已有同名的小区。",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.community_id and not self.community.is_community:
            raise ValidationError({"community": "小区的所在社区必须是社区党委或社区党总支。"})


class JointCommitteeQuerySet(ScopedQuerySet["JointCommittee"]):
    scope_lookups = ("community_id",)


class JointCommittee(models.Model):
    """社区党建联席会 / 社区大党委: the community party org together with member units (001, 004)."""

    community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="joint_committees",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="社区",
    )
    kind = models.CharField("类型", max_length=32, choices=JointCommitteeKind.choices)
    name = models.CharField("名称", max_length=100)
    established_on = models.DateField("成立日期", null=True, blank=True)
    member_units = models.ManyToManyField(
        Unit, blank=True, related_name="joint_committees", verbose_name="成员单位"
    )
    history = HistoricalRecords(m2m_fields=[member_units])

    objects = JointCommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = "联席会/大党委"
        verbose_name_plural = "联席会/大党委"
        ordering = ["community__code", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind"],
                name="one_joint_committee_of_each_kind",
                violation_error_message="该社区已有同类型的联席会/大党委。",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.community_id and not self.community.is_community:
            raise ValidationError({"community": "联席会/大党委只能由社区党委或社区党总支组建。"})

    @property
    def is_big_committee(self) -> bool:
        return self.kind == JointCommitteeKind.BIG_COMMITTEE


class CommitteeMemberQuerySet(ScopedQuerySet["CommitteeMember"]):
    scope_lookups = ("committee__community_id",)

    def current(self, on: dt.date | None = None) -> CommitteeMemberQuerySet:
        day = on or timezone.localdate()
        return self.filter(term_start__lte=day, term_end__gte=day)


class CommitteeMember(models.Model):
    """One term of one person on a joint committee (004: at most 3 years, 9 consecutive)."""

    committee = models.ForeignKey(
        JointCommittee,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name="联席会/大党委",
    )
    person_name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_members",
        verbose_name="所在成员单位",
        help_text="社区党组织的成员留空。",
    )
    role = models.CharField("职务", max_length=32, choices=CommitteeRole.choices)
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期结束")
    history = HistoricalRecords()

    objects = CommitteeMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "联席会/大党委委员"
        verbose_name_plural = "联席会/大党委委员"
        ordering = ["committee", "role", "person_name", "term_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")),
                name="committee_term_end_after_start",
                violation_error_message="任期结束日期不能早于开始日期。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_name}（{self.get_role_display()}）"

    def clean(self) -> None:
        if not (self.committee_id and self.term_start and self.term_end and self.person_name):
            return
        if self.unit_id and not self.committee.member_units.filter(pk=self.unit_id).exists():
            raise ValidationError(
                {"unit": f"{self.unit}不是{self.committee}的成员单位，请先把它加入成员单位。"}
            )
        terms = list(
            CommitteeMember.objects.filter(
                committee_id=self.committee_id, person_name=self.person_name
            )
            .exclude(pk=self.pk)
            .values_list("term_start", "term_end")
        )
        for start, end in terms:
            if rules.periods_overlap((self.term_start, self.term_end), (start, end)):
                raise ValidationError(
                    f"{self.person_name}已有{start:%Y-%m-%d}至{end:%Y-%m-%d}的任期，与本届任期重叠。"
                )
        error = rules.committee_term_error(
            self.term_start,
            self.term_end,
            terms,
            max_years=settings.JOINT_COMMITTEE_TERM_MAX_YEARS,
            max_consecutive_years=settings.JOINT_COMMITTEE_CONSECUTIVE_MAX_YEARS,
            gap_days=settings.JOINT_COMMITTEE_TERM_GAP_DAYS,
        )
        if error:
            raise ValidationError({"term_end": error})
        if self.role in BIG_COMMITTEE_EX_OFFICIO and self.committee.is_big_committee:
            self._check_big_committee_officer()

    def _check_big_committee_officer(self) -> None:
        """004 三(一)(二): a 大党委 has 书记1名, 副书记1名 at a time; "书记由社区党委书记兼任，副书记由
        社区党委副书记兼任" (a community may have several 副书记: any one in office will do)."""
        title = BIG_COMMITTEE_EX_OFFICIO[self.role]
        label = self.get_role_display()
        others = CommitteeMember.objects.filter(
            committee_id=self.committee_id, role=self.role
        ).exclude(pk=self.pk)
        for other in others:
            if rules.periods_overlap(
                (self.term_start, self.term_end), (other.term_start, other.term_end)
            ):
                raise ValidationError(
                    f"大党委只设一名{label}：{other.person_name}任{label}至"
                    f"{other.term_end:%Y-%m-%d}，与本届任期重叠。"
                )
        community = self.committee.community
        holders = list(
            community.positions.current(on=self.term_start)
            .filter(title=title)
            .order_by("start_date")
            .values_list("holder_name", flat=True)
        )
        if not holders:
            raise ValidationError(
                f"请先在班子成员中登记{community}{self.term_start:%Y-%m-%d}在任的{label}"
                f"（大党委{label}由社区党委{label}兼任）。"
            )
        if self.person_name not in holders:
            raise ValidationError(
                {
                    "person_name": f"大党委{label}由社区党委{label}兼任：{self.term_start:%Y-%m-%d}"
                    f"{community}的{label}是{'、'.join(holders)}。"
                }
            )
        if self.unit_id:
            raise ValidationError(
                {"unit": f"大党委{label}由社区党委{label}兼任，所在成员单位应留空。"}
            )


# 004 三(二): the 大党委's 书记 and 副书记 are the community's own, by office (兼任).
BIG_COMMITTEE_EX_OFFICIO: dict[str, str] = {
    CommitteeRole.SECRETARY: PositionTitle.SECRETARY,
    CommitteeRole.DEPUTY_SECRETARY: PositionTitle.DEPUTY_SECRETARY,
}


class OrganizationAccessQuerySet(ScopedQuerySet["OrganizationAccess"]):
    scope_lookups = ("organization_id",)

    @classmethod
    def editable_condition(cls, scope: Scope) -> Q:
        """Access is granted by superusers only; the organization's managers read it."""
        return ANY if scope.editable is None else NONE


class OrganizationAccess(models.Model):
    """Attaches a user to an organization with a role; the basis of every visibility check."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organization_accesses",
        verbose_name="用户",
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="accesses", verbose_name="党组织"
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    history = HistoricalRecords()

    objects = OrganizationAccessQuerySet.as_manager()

    class Meta:
        verbose_name = "用户权限范围"
        verbose_name_plural = "用户权限范围"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                name="one_access_per_user_org_role",
                violation_error_message="该用户在此党组织已有这个角色。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"
