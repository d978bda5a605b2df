"""党员: the registry of members, their categories, and the log of who read their personal data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from common.masking import mask_address, mask_citizen_id, mask_phone
from organizations.models import Organization
from organizations.rules import COMMUNITY_KINDS
from organizations.scope import People, ScopedQuerySet

from .. import rules
from ..rules import Category, Education, Gender, MemberStatus


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

    def in_category(self, code: str) -> MemberQuerySet:
        return self.filter(categories__code=code)

    def in_service(self) -> MemberQuerySet:
        return self.in_category(Category.IN_SERVICE)

    def probationary(self) -> MemberQuerySet:
        return self.filter(status=MemberStatus.PROBATIONARY)

    def full(self) -> MemberQuerySet:
        return self.filter(status=MemberStatus.FULL)


class Member(models.Model):
    """A party member. The citizen ID is the key that imports match on."""

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=16, default="汉族")
    birth_date = models.DateField("出生日期")
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
    education = models.CharField("学历", max_length=32, choices=Education.choices, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    address = models.CharField("家庭住址", max_length=200, blank=True)
    status = models.CharField("党员状态", max_length=16, choices=MemberStatus.choices)
    joined_on = models.DateField("入党日期")
    full_member_on = models.DateField("转正日期", null=True, blank=True)
    branch = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="所在党组织",
        help_text="组织关系所在的党组织。",
    )
    categories = models.ManyToManyField(
        MemberCategory, blank=True, related_name="members", verbose_name="人员类别"
    )
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    residence_community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="居住社区",
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
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[categories])

    objects = MemberQuerySet.as_manager()

    # Shown masked except to users with members.view_personal_data; never looked up by URL.
    PERSONAL_FIELDS = {"citizen_id": mask_citizen_id, "phone": mask_phone, "address": mask_address}

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["branch__code", "name"]
        permissions = [("view_personal_data", "查看党员完整身份证号和电话")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=MemberStatus.FULL) | Q(full_member_on__isnull=True),
                name="probationary_member_has_no_full_date",
                violation_error_message="预备党员不应有转正日期。",
            ),
        ]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["phone"])]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_citizen_id(self) -> str:
        return mask_citizen_id(self.citizen_id)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def clean(self) -> None:
        self.citizen_id = rules.normalize_citizen_id(self.citizen_id)
        errors: dict[str, str] = {}
        if error := rules.citizen_id_error(self.citizen_id):
            errors["citizen_id"] = error
        else:
            errors.update(self._id_mismatches())
        if self.status == MemberStatus.PROBATIONARY and self.full_member_on:
            errors["full_member_on"] = "预备党员不应有转正日期"
        if self.full_member_on and self.joined_on and self.full_member_on < self.joined_on:
            errors["full_member_on"] = "转正日期不能早于入党日期"
        if (
            self.birth_date
            and self.joined_on
            and (error := rules.join_date_error(self.birth_date, self.joined_on))
        ):
            errors["joined_on"] = error
        community = self.residence_community if self.residence_community_id else None
        if community is not None and community.kind not in COMMUNITY_KINDS:
            errors["residence_community"] = "居住社区必须是社区党委或社区党总支"
        if errors:
            raise ValidationError(errors)

    def _id_mismatches(self) -> dict[str, str]:
        errors = {}
        if self.birth_date and self.birth_date != rules.birth_date_from_citizen_id(self.citizen_id):
            errors["birth_date"] = "出生日期与公民身份号码不符"
        if self.gender and self.gender != rules.gender_from_citizen_id(self.citizen_id):
            errors["gender"] = "性别与公民身份号码不符"
        return errors


class PersonalDataAccess(models.Model):
    """A read of members' personal data: a full citizen ID shown, an export, an import."""

    class Action(models.TextChoices):
        VIEW = "view", "查看完整信息"
        EXPORT = "export", "导出"
        IMPORT = "import", "导入"
        PRINT = "print", "打印"
        SEARCH = "search", "按身份证号或电话搜索"

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

    class Meta:
        verbose_name = "个人信息访问记录"
        verbose_name_plural = "个人信息访问记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.member_label or self.detail}"
