"""Spreadsheets of the daily-work registers a secretary keeps in Excel (issue 24 point 4): 无职党员
设岗定责, 党员联系户, 谈心走访 and 在职党员实事, in and out through the import engine (kit/imports).

A row names its member by 公民身份号码 and 姓名 (the ID finds the member among those the importing
user may see, the name is checked against it); the rest of the row is the register's, and the
member with a few of its columns is the row's key, so that importing the same file twice changes
nothing. Every row is written by the register's service (scope, the checks of the admin form); a
bad row is refused with `第N行: 原因` and nothing of the file is written. The export gives the ID
whole only to a user who may see personal data (else masked, as the pages show it: such a file is
for reading, its masked IDs are refused on import), and masks the address and phone of a household
the same way; a masked address or phone imported back unchanged keeps what is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from import_export import fields

from kit.imports import (
    DateWidget,
    LabelWidget,
    OrganizationIndex,
    OrganizationWidget,
    RowNumberedResource,
    TextWidget,
    cell_text,
    column,
)
from kit.masking import mask_address, mask_citizen_id, mask_phone
from organizations.models import Organization, Unit

from .models import DutyPost, Household, Member, MemberDeed, UnitDeed, Visit
from .person import citizen_id_from_cell
from .rules import VisitKind
from .services import work as services
from .services.member import PERSONAL_DATA_PERMISSION

ID_TEXT = {"required": True, "text": True, "format": "18位公民身份号码（末位可为X）"}


class PersonRowsResource(RowNumberedResource):
    """A register's rows about a person named by 公民身份号码 and 姓名, within the user's scope.
    Subclasses name the person's attribute, the people the user may name (`people`), and the
    row's key (`key`: lookups of the stored row, from the person and the row's cells)."""

    person_attribute = "member"
    not_found = "没有该公民身份号码的党员，或其组织关系不在您的管理范围内"
    ID_HEADER, NAME_HEADER = "公民身份号码", "姓名"

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self._people: dict[str, Any] = {}

    def people(self) -> models.QuerySet[Any]:
        queryset = Member.objects.all()
        return queryset.visible_to(self.user) if self.user is not None else queryset

    def key(self, person: Any, row: Any) -> dict[str, Any]:
        raise NotImplementedError

    def get_queryset(self) -> models.QuerySet[Any]:
        """What is exported: the register's rows the user may see."""
        rows = self._meta.model.objects.all()
        return rows.visible_to(self.user) if self.user is not None else rows

    # --- the person -----------------------------------------------------------------------------
    def person_of(self, row: Any) -> Any:
        """The row's person; ValueError with the row's message."""
        citizen_id = citizen_id_from_cell(row.get(self.ID_HEADER))
        if citizen_id not in self._people:
            self._people[citizen_id] = self.people().filter(citizen_id=citizen_id).first()
        person = self._people[citizen_id]
        if person is None:
            raise ValueError(self.not_found)
        name = cell_text(row.get(self.NAME_HEADER))
        if not name:
            raise ValueError(f"{self.NAME_HEADER}不能为空")
        if name != person.name:
            raise ValueError(f"姓名“{name}”与该公民身份号码登记的姓名“{person.name}”不符")
        return person

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        try:
            lookups = self.key(self.person_of(row), row)
        except ValueError:
            return None  # the row's own error is said when it is read
        return self._meta.model.objects.filter(**lookups).first()

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        if field.attribute == "person_name":
            return  # checked with the ID
        if field.attribute == self.person_attribute:
            setattr(instance, self.person_attribute, self.person_of(row))
            return
        super().read_column(field, instance, row)

    # --- export ---------------------------------------------------------------------------------
    def _person(self, obj: Any) -> Any:
        if getattr(obj, f"{self.person_attribute}_id", None) is None:
            return None
        return getattr(obj, self.person_attribute)

    def may_see_personal_data(self) -> bool:
        return self.user is None or bool(self.user.has_perm(PERSONAL_DATA_PERMISSION))

    def shown(self, value: str, mask: Callable[[str], str]) -> str:
        return value if self.may_see_personal_data() or not value else mask(value)

    def dehydrate_citizen_id(self, obj: Any) -> str:
        person = self._person(obj)
        return self.shown(person.citizen_id, mask_citizen_id) if person else ""

    def dehydrate_name(self, obj: Any) -> str:
        person = self._person(obj)
        return person.name if person else ""

    def row_message(self, key: Any, text: str, item: Any, labels: dict[str, str]) -> str:
        """A problem of the person (out of scope, not registered there) names them: no label."""
        if key == self.person_attribute:
            labels = {k: v for k, v in labels.items() if k != key}
        return super().row_message(key, text, item, labels)

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        self.save_service(instance, update_fields)

    def save_service(self, instance: Any, update_fields: list[str] | None) -> None:
        raise NotImplementedError


def person_columns() -> tuple[fields.Field, fields.Field]:
    return (
        fields.Field(attribute="person_name", column_name="姓名", widget=TextWidget()),
        fields.Field(attribute="member", column_name="公民身份号码", widget=TextWidget()),
    )


def _date(row: Any, header: str) -> Any:
    return DateWidget(header).clean(row.get(header))


# --- 无职党员设岗定责 -----------------------------------------------------------------------------
DUTY_POST_HEADERS = ("姓名", "公民身份号码", "岗位名称", "岗位职责", "上岗日期", "离岗日期",
                     "上岗证书编号")  # fmt: skip


class DutyPostResource(PersonRowsResource):
    """无职党员设岗定责. The key: the member, the post's name and its first day."""

    HEADERS = DUTY_POST_HEADERS
    unit = "个岗位"
    title = "无职党员设岗定责"

    name, citizen_id = person_columns()
    post_title = column("title", "岗位名称")
    duties = column("duties", "岗位职责")
    starts_on = column("starts_on", "上岗日期", DateWidget("上岗日期"))
    ends_on = column("ends_on", "离岗日期", DateWidget("离岗日期", required=False))
    certificate_number = column("certificate_number", "上岗证书编号")

    class Meta:
        model = DutyPost
        fields = ("name", "citizen_id", "post_title", "duties", "starts_on", "ends_on",
                  "certificate_number")  # fmt: skip
        import_order = fields
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "姓名": {"required": True, "example": "张丽华", "note": "须与公民身份号码登记的姓名一致"},
        "公民身份号码": {**ID_TEXT, "example": "110105198506120026",
                         "note": "在岗的党员；须是您管理范围内的党员"},
        "岗位名称": {"required": True, "example": "民事纠纷调解岗"},
        "岗位职责": {"required": True, "example": "参与调解楼院邻里纠纷，及时向社区党组织反映情况"},
        "上岗日期": {"example": "2025-03-01", "note": "同一党员、岗位名称和上岗日期的行视为同一岗位"},
        "离岗日期": {"example": "", "note": "在岗的留空"},
        "上岗证书编号": {"example": "CH-2025-001"},
    }  # fmt: skip

    def key(self, person: Any, row: Any) -> dict[str, Any]:
        return {
            "member": person,
            "title": cell_text(row.get("岗位名称")),
            "starts_on": _date(row, "上岗日期"),
        }

    def save_service(self, instance: Any, update_fields: list[str] | None) -> None:
        services.duty_post_save(post=instance, actor=self.user, update_fields=update_fields)


# --- 党员联系户 ------------------------------------------------------------------------------------
HOUSEHOLD_HEADERS = ("姓名", "公民身份号码", "户主姓名", "住址", "联系电话", "户情", "联系起始日期",
                     "结束联系日期")  # fmt: skip


class HouseholdResource(PersonRowsResource):
    """党员联系户: the member who keeps in touch, the household. The key: the member, the head of
    the household and the first day."""

    HEADERS = HOUSEHOLD_HEADERS
    unit = "户"
    title = "党员联系户"

    name, citizen_id = person_columns()
    head_name = column("head_name", "户主姓名")
    address = column("address", "住址")
    phone = column("phone", "联系电话")
    situation = column("situation", "户情")
    starts_on = column("starts_on", "联系起始日期", DateWidget("联系起始日期"))
    ends_on = column("ends_on", "结束联系日期", DateWidget("结束联系日期", required=False))

    class Meta:
        model = Household
        fields = ("name", "citizen_id", "head_name", "address", "phone", "situation",
                  "starts_on", "ends_on")  # fmt: skip
        import_order = fields
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "姓名": {"required": True, "example": "张丽华", "note": "联系该户的党员"},
        "公民身份号码": {**ID_TEXT, "example": "110105198506120026",
                         "note": "联系该户的党员；须是您管理范围内的党员"},
        "户主姓名": {"required": True, "example": "王秀英"},
        "住址": {"required": True, "example": "春晖小区3幢2单元501室"},
        "联系电话": {"text": True, "example": "13800571234"},
        "户情": {"example": "独居老党员，行动不便"},
        "联系起始日期": {"example": "2025-01-10"},
        "结束联系日期": {"example": "", "note": "仍在联系的留空"},
    }  # fmt: skip

    MASKS = {"address": mask_address, "phone": mask_phone}

    def key(self, person: Any, row: Any) -> dict[str, Any]:
        return {
            "member": person,
            "head_name": cell_text(row.get("户主姓名")),
            "starts_on": _date(row, "联系起始日期"),
        }

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        mask = self.MASKS.get(field.attribute)
        stored = getattr(instance, field.attribute, "") if instance.pk else ""
        if mask and stored and cell_text(row[field.column_name]) == mask(stored):
            return  # a masked export read back: what is stored stays
        super().read_column(field, instance, row)

    def dehydrate_address(self, household: Household) -> str:
        return self.shown(household.address, mask_address)

    def dehydrate_phone(self, household: Household) -> str:
        return self.shown(household.phone, mask_phone)

    def save_service(self, instance: Any, update_fields: list[str] | None) -> None:
        services.household_save(household=instance, actor=self.user, update_fields=update_fields)


# --- 谈心走访 --------------------------------------------------------------------------------------
VISIT_HEADERS = ("姓名", "公民身份号码", "日期", "情形", "联系户户主", "谈话走访对象",
                 "谈话走访情况")  # fmt: skip


class VisitResource(PersonRowsResource):
    """谈心走访 (五必谈五必访, a 联系户's routine visit): the visitor named by ID and name; the
    household by its head among the visitor's own households, or the member visited by name
    among those the user may see. The key: the visitor, the day, the occasion and who was
    visited."""

    HEADERS = VISIT_HEADERS
    unit = "次"
    title = "谈心走访"
    person_attribute = "visitor"

    name = fields.Field(attribute="person_name", column_name="姓名", widget=TextWidget())
    citizen_id = fields.Field(attribute="visitor", column_name="公民身份号码", widget=TextWidget())
    visited_on = column("visited_on", "日期", DateWidget("日期"))
    kind = column("kind", "情形", LabelWidget(VisitKind, "情形"))
    household = column("household", "联系户户主")
    visited_member = column("member", "谈话走访对象")
    notes = column("notes", "谈话走访情况")

    class Meta:
        model = Visit
        fields = ("name", "citizen_id", "visited_on", "kind", "household", "visited_member",
                  "notes")  # fmt: skip
        import_order = fields
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "姓名": {"required": True, "example": "张丽华", "note": "谈话走访的党员"},
        "公民身份号码": {**ID_TEXT, "example": "110105198506120026",
                         "note": "谈话走访的党员；须是您管理范围内的党员"},
        "日期": {"example": "2025-05-12"},
        "情形": {"example": str(VisitKind.ROUTINE.label)},
        "联系户户主": {"example": "王秀英",
                       "note": "走访联系户时填写：该党员的联系户的户主姓名"},
        "谈话走访对象": {"example": "",
                         "note": "与党员谈心时填写其姓名（您管理范围内的党员，重名的请在系统中登记）"},
        "谈话走访情况": {"required": True, "example": "了解老人身体和生活情况，帮助联系社区医生上门"},
    }  # fmt: skip

    def key(self, person: Any, row: Any) -> dict[str, Any]:
        return {
            "visitor": person,
            "visited_on": _date(row, "日期"),
            "kind": LabelWidget(VisitKind, "情形").clean(row.get("情形")),
            "household": self._household(person, row),
            "member": self._visited(row),
        }

    def _household(self, visitor: Member, row: Any) -> Household | None:
        head = cell_text(row.get("联系户户主"))
        if not head:
            return None
        found = list(Household.objects.filter(member=visitor, head_name=head)[:2])
        if len(found) != 1:
            raise ValueError(
                f"{visitor.name}没有户主为“{head}”的联系户" if not found
                else f"{visitor.name}有多个户主为“{head}”的联系户，请在系统中登记"
            )  # fmt: skip
        return found[0]

    def _visited(self, row: Any) -> Member | None:
        name = cell_text(row.get("谈话走访对象"))
        if not name:
            return None
        found = list(self.people().filter(name=name)[:2])
        if len(found) != 1:
            raise ValueError(
                f"您管理范围内没有名为“{name}”的党员" if not found
                else f"您管理范围内有多名党员名为“{name}”，请在系统中登记"
            )  # fmt: skip
        return found[0]

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        if field.attribute == "household":
            instance.household = self._household(self.person_of(row), row)
        elif field.attribute == "member":
            instance.member = self._visited(row)
        else:
            super().read_column(field, instance, row)

    def dehydrate_household(self, visit: Visit) -> str:
        return visit.household.head_name if visit.household is not None else ""

    def dehydrate_visited_member(self, visit: Visit) -> str:
        return visit.member.name if visit.member is not None else ""

    def save_service(self, instance: Any, update_fields: list[str] | None) -> None:
        services.visit_save(visit=instance, actor=self.user, update_fields=update_fields)


# --- 在职党员实事 ----------------------------------------------------------------------------------
MEMBER_DEED_HEADERS = ("姓名", "公民身份号码", "社区", "日期", "实事", "具体内容", "受益对象")


class MemberDeedResource(PersonRowsResource):
    """在职党员实事: the member, the community they registered in. The key: the member, the
    community, the day and the 实事's title."""

    HEADERS = MEMBER_DEED_HEADERS
    unit = "件"
    title = "在职党员实事"

    name, citizen_id = person_columns()
    community = column("community", "社区", OrganizationWidget("社区", kind="社区"))
    done_on = column("done_on", "日期", DateWidget("日期"))
    deed_title = column("title", "实事")
    content = column("content", "具体内容")
    beneficiaries = column("beneficiaries", "受益对象")

    class Meta:
        model = MemberDeed
        fields = ("name", "citizen_id", "community", "done_on", "deed_title", "content",
                  "beneficiaries")  # fmt: skip
        import_order = fields
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "姓名": {"required": True, "example": "张丽华"},
        "公民身份号码": {**ID_TEXT, "example": "110105198506120026",
                         "note": "报到的在职党员；须是您管理范围内的党员"},
        "社区": {"note": "该党员报到的社区"},
        "日期": {"example": "2025-06-18"},
        "实事": {"required": True, "example": "为小区老人义诊"},
        "具体内容": {"example": "组织单位医生为60岁以上老人测血压、血糖"},
        "受益对象": {"example": "小区老年居民40余人"},
    }  # fmt: skip

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self._communities: OrganizationIndex | None = None

    def community_index(self) -> OrganizationIndex:
        if self._communities is None:
            communities = Organization.objects.communities().order_by("code")
            if self.user is not None:
                communities = communities.editable_by(self.user)
            self._communities = OrganizationIndex(communities)
        return self._communities

    def _community(self, row: Any) -> Organization:
        widget = self.fields["community"].widget
        return widget.find(cell_text(row.get("社区")), self.community_index())

    def key(self, person: Any, row: Any) -> dict[str, Any]:
        return {
            "member": person,
            "community": self._community(row),
            "done_on": _date(row, "日期"),
            "title": cell_text(row.get("实事")),
        }

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        if field.attribute == "community":
            instance.community = self._community(row)
        else:
            super().read_column(field, instance, row)

    def dehydrate_community(self, deed: MemberDeed) -> str:
        return str(getattr(deed.community, "code", "")) if deed.community_id else ""

    def template_organizations(self) -> list[tuple[str, str, str]]:
        return [
            (o.code, o.name, o.get_kind_display()) for o in self.community_index().by_code.values()
        ]

    def save_service(self, instance: Any, update_fields: list[str] | None) -> None:
        services.member_deed_save(deed=instance, actor=self.user, update_fields=update_fields)


# --- 驻区单位实事 ----------------------------------------------------------------------------------
UNIT_DEED_HEADERS = ("社区", "驻区单位", "日期", "实事", "具体内容", "受益对象")


class UnitDeedResource(RowNumberedResource):
    """驻区单位实事: the community (one the user keeps) and the unit (by its exact name, among the
    units the user sees). The key: the community, the unit, the day and the 实事's title."""

    HEADERS = UNIT_DEED_HEADERS
    unit = "件"
    title = "驻区单位实事"

    community = column("community", "社区", OrganizationWidget("社区", kind="社区"))
    deed_unit = column("unit", "驻区单位")
    done_on = column("done_on", "日期", DateWidget("日期"))
    deed_title = column("title", "实事")
    content = column("content", "具体内容")
    beneficiaries = column("beneficiaries", "受益对象")

    class Meta:
        model = UnitDeed
        fields = ("community", "deed_unit", "done_on", "deed_title", "content", "beneficiaries")
        import_order = fields
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "社区": {"note": "实事为之而做的社区"},
        "驻区单位": {"required": True, "example": "城南供电所",
                     "note": "单位的完整名称，须是您管理范围内的单位"},
        "日期": {"example": "2025-06-18"},
        "实事": {"required": True, "example": "为老旧小区更换楼道照明"},
        "具体内容": {"example": "更换声控灯120盏"},
        "受益对象": {"example": "春晖小区居民"},
    }  # fmt: skip

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self._communities: OrganizationIndex | None = None

    def get_queryset(self) -> models.QuerySet[Any]:
        rows = UnitDeed.objects.select_related("community", "unit")
        return rows.visible_to(self.user) if self.user is not None else rows

    community_index = MemberDeedResource.community_index
    template_organizations = MemberDeedResource.template_organizations

    def _community(self, row: Any) -> Organization:
        widget = self.fields["community"].widget
        return widget.find(cell_text(row.get("社区")), self.community_index())

    def _unit(self, row: Any) -> Unit:
        name = cell_text(row.get("驻区单位"))
        if not name:
            raise ValueError("驻区单位不能为空")
        units = Unit.objects.all()
        if self.user is not None:
            units = units.visible_to(self.user)
        found = list(units.filter(name=name)[:2])
        if len(found) != 1:
            raise ValueError(
                f"您管理范围内没有名为“{name}”的单位" if not found
                else f"您管理范围内有多个名为“{name}”的单位，请在系统中登记"
            )  # fmt: skip
        return found[0]

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        try:
            lookups = {"community": self._community(row), "unit": self._unit(row),
                       "done_on": DateWidget("日期").clean(row.get("日期")),
                       "title": cell_text(row.get("实事"))}  # fmt: skip
        except ValueError:
            return None
        return UnitDeed.objects.filter(**lookups).first()

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        if field.attribute == "community":
            instance.community = self._community(row)
        elif field.attribute == "unit":
            instance.unit = self._unit(row)
        else:
            super().read_column(field, instance, row)

    def dehydrate_community(self, deed: UnitDeed) -> str:
        return str(getattr(deed.community, "code", "")) if deed.community_id else ""

    def dehydrate_deed_unit(self, deed: UnitDeed) -> str:
        return deed.unit.name if deed.unit_id else ""

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        services.unit_deed_save(deed=instance, actor=self.user, update_fields=update_fields)
