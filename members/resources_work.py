"""Spreadsheets of the daily-work registers a secretary keeps in Excel (issue 24 point 4): 无职党员
设岗定责, 党员联系户, 谈心走访, 在职党员实事 and 驻区单位实事, in and out through the import engine
(kit/imports/register.py).

A row names its member by 公民身份号码 and 姓名 (members/resources_person.py); the rest of the row
is the register's, and the member with a few of its columns is the row's key, so that importing
the same file twice changes nothing. Every row is written by the register's service (scope, the
checks of the admin form); a bad row is refused with `第N行: 原因` and nothing of the file is
written. The export masks the ID, and the address and phone of a household, for a user who may
not see personal data; a masked address or phone imported back unchanged keeps what is stored.
"""

from __future__ import annotations

from typing import Any, ClassVar

from kit.imports import (
    DateWidget,
    LabelWidget,
    OrganizationIndex,
    OrganizationWidget,
    cell_text,
    column,
)
from kit.imports.register import RegisterResource, the_one
from kit.masking import mask_address, mask_phone
from organizations.models import Organization, Unit

from .models import DutyPost, Household, Member, MemberDeed, UnitDeed, Visit
from .resources_person import PersonRegisterResource
from .rules import VisitKind
from .services import work as services


def _date(row: Any, header: str) -> Any:
    return DateWidget(header).clean(row.get(header))


class CommunityRegisterResource(RegisterResource):
    """A register with a 社区 column: a community the user keeps, by code or exact name."""

    community = column("community", "社区", OrganizationWidget("社区", kind="社区"))
    _communities: OrganizationIndex | None = None

    def community_index(self) -> OrganizationIndex:
        if self._communities is None:
            communities = Organization.objects.communities().order_by("code")
            if self.user is not None:
                communities = communities.editable_by(self.user)
            self._communities = OrganizationIndex(communities)
        return self._communities

    def find_community(self, row: Any) -> Organization:
        widget = self.fields["community"].widget
        return widget.find(cell_text(row.get("社区")), self.community_index())  # type: ignore[no-any-return]

    def dehydrate_community(self, deed: Any) -> str:
        return str(getattr(deed.community, "code", "")) if deed.community_id else ""

    def template_organizations(self) -> list[tuple[str, str, str]]:
        return [
            (o.code, o.name, o.get_kind_display()) for o in self.community_index().by_code.values()
        ]


# --- 无职党员设岗定责 -----------------------------------------------------------------------------
class DutyPostResource(PersonRegisterResource):
    """无职党员设岗定责. The key: the member, the post's name and its first day."""

    unit, title = "个岗位", "无职党员设岗定责"
    post_title = column("title", "岗位名称")
    duties = column("duties", "岗位职责")
    starts_on = column("starts_on", "上岗日期", DateWidget("上岗日期"))
    ends_on = column("ends_on", "离岗日期", DateWidget("离岗日期", required=False))
    certificate_number = column("certificate_number", "上岗证书编号")

    class Meta:
        model = DutyPost

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "姓名": {"note": "须与公民身份号码登记的姓名一致"},
        "公民身份号码": {"note": "在岗的党员；须是您管理范围内的党员"},
        "岗位名称": {"required": True, "example": "民事纠纷调解岗"},
        "岗位职责": {"required": True, "example": "参与调解楼院邻里纠纷，及时向社区党组织反映情况"},
        "上岗日期": {"example": "2025-03-01", "note": "同一党员、岗位名称和上岗日期的行视为同一岗位"},
        "离岗日期": {"example": "", "note": "在岗的留空"},
        "上岗证书编号": {"example": "CH-2025-001"},
    }  # fmt: skip

    def rest_of_key(self, person: Any, row: Any) -> dict[str, Any]:
        return {"title": cell_text(row.get("岗位名称")), "starts_on": _date(row, "上岗日期")}

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        services.duty_post_save(post=instance, actor=self.user, update_fields=update_fields)


# --- 党员联系户 ------------------------------------------------------------------------------------
class HouseholdResource(PersonRegisterResource):
    """党员联系户: the member who keeps in touch, the household. The key: the member, the head of
    the household and the first day."""

    unit, title = "户", "党员联系户"
    head_name = column("head_name", "户主姓名")
    address = column("address", "住址")
    phone = column("phone", "联系电话")
    situation = column("situation", "户情")
    starts_on = column("starts_on", "联系起始日期", DateWidget("联系起始日期"))
    ends_on = column("ends_on", "结束联系日期", DateWidget("结束联系日期", required=False))
    MASKS: ClassVar[dict[str, Any]] = {"address": mask_address, "phone": mask_phone}

    class Meta:
        model = Household

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "姓名": {"note": "联系该户的党员"},
        "公民身份号码": {"note": "联系该户的党员；须是您管理范围内的党员"},
        "户主姓名": {"required": True, "example": "王秀英"},
        "住址": {"required": True, "example": "春晖小区3幢2单元501室"},
        "联系电话": {"text": True, "example": "13800571234"},
        "户情": {"example": "独居老党员，行动不便"},
        "联系起始日期": {"example": "2025-01-10"},
        "结束联系日期": {"example": "", "note": "仍在联系的留空"},
    }  # fmt: skip

    def rest_of_key(self, person: Any, row: Any) -> dict[str, Any]:
        return {
            "head_name": cell_text(row.get("户主姓名")),
            "starts_on": _date(row, "联系起始日期"),
        }

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        services.household_save(household=instance, actor=self.user, update_fields=update_fields)


# --- 谈心走访 --------------------------------------------------------------------------------------
class VisitResource(PersonRegisterResource):
    """谈心走访 (五必谈五必访, a 联系户's routine visit): the visitor named by ID and name; the
    household by its head among the visitor's own households, or the member visited by name
    among those the user may see. The key: the visitor, the day, the occasion and who was
    visited."""

    unit, title = "次", "谈心走访"
    person_attribute = "visitor"
    visited_on = column("visited_on", "日期", DateWidget("日期"))
    kind = column("kind", "情形", LabelWidget(VisitKind, "情形"))
    household = column("household", "联系户户主")
    visited_member = column("member", "谈话走访对象")
    notes = column("notes", "谈话走访情况")

    class Meta:
        model = Visit

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "姓名": {"note": "谈话走访的党员"},
        "公民身份号码": {"note": "谈话走访的党员；须是您管理范围内的党员"},
        "日期": {"example": "2025-05-12"},
        "情形": {"example": str(VisitKind.ROUTINE.label)},
        "联系户户主": {"example": "王秀英",
                       "note": "走访联系户时填写：该党员的联系户的户主姓名"},
        "谈话走访对象": {"example": "",
                         "note": "与党员谈心时填写其姓名（您管理范围内的党员，重名的请在系统中登记）"},
        "谈话走访情况": {"required": True, "example": "了解老人身体和生活情况，帮助联系社区医生上门"},
    }  # fmt: skip

    def rest_of_key(self, person: Any, row: Any) -> dict[str, Any]:
        return {
            "visited_on": _date(row, "日期"),
            "kind": LabelWidget(VisitKind, "情形").clean(row.get("情形")),
            "household": self.find_household(row),
            "member": self.find_member(row),
        }

    def find_household(self, row: Any) -> Household | None:
        head = cell_text(row.get("联系户户主"))
        if not head:
            return None
        visitor = self.person_of(row)
        return the_one(  # type: ignore[no-any-return]
            Household.objects.filter(member=visitor, head_name=head),
            missing=f"{visitor.name}没有户主为“{head}”的联系户",
            shared=f"{visitor.name}有多个户主为“{head}”的联系户，请在系统中登记",
        )

    def find_member(self, row: Any) -> Member | None:
        """The member visited (the visitor is the row's person)."""
        return self.member_named(cell_text(row.get("谈话走访对象")))

    def dehydrate_household(self, visit: Visit) -> str:
        return visit.household.head_name if visit.household is not None else ""

    def dehydrate_visited_member(self, visit: Visit) -> str:
        return visit.member.name if visit.member is not None else ""

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        services.visit_save(visit=instance, actor=self.user, update_fields=update_fields)


# --- 在职党员实事 ----------------------------------------------------------------------------------
class MemberDeedResource(PersonRegisterResource, CommunityRegisterResource):
    """在职党员实事: the member, the community they registered in. The key: the member, the
    community, the day and the 实事's title."""

    unit, title = "件", "在职党员实事"
    done_on = column("done_on", "日期", DateWidget("日期"))
    deed_title = column("title", "实事")
    content = column("content", "具体内容")
    beneficiaries = column("beneficiaries", "受益对象")

    class Meta:
        model = MemberDeed

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "公民身份号码": {"note": "报到的在职党员；须是您管理范围内的党员"},
        "社区": {"note": "该党员报到的社区"},
        "日期": {"example": "2025-06-18"},
        "实事": {"required": True, "example": "为小区老人义诊"},
        "具体内容": {"example": "组织单位医生为60岁以上老人测血压、血糖"},
        "受益对象": {"example": "小区老年居民40余人"},
    }  # fmt: skip

    def rest_of_key(self, person: Any, row: Any) -> dict[str, Any]:
        return {
            "community": self.find_community(row),
            "done_on": _date(row, "日期"),
            "title": cell_text(row.get("实事")),
        }

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        services.member_deed_save(deed=instance, actor=self.user, update_fields=update_fields)


# --- 驻区单位实事 ----------------------------------------------------------------------------------
class UnitDeedResource(CommunityRegisterResource):
    """驻区单位实事: the community (one the user keeps) and the unit (by its exact name, among the
    units the user sees). The key: the community, the unit, the day and the 实事's title."""

    unit, title = "件", "驻区单位实事"
    deed_unit = column("unit", "驻区单位")
    done_on = column("done_on", "日期", DateWidget("日期"))
    deed_title = column("title", "实事")
    content = column("content", "具体内容")
    beneficiaries = column("beneficiaries", "受益对象")
    export_related = ("community", "unit")

    class Meta:
        model = UnitDeed

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "社区": {"note": "实事为之而做的社区"},
        "驻区单位": {"required": True, "example": "城南供电所",
                     "note": "单位的完整名称，须是您管理范围内的单位"},
        "日期": {"example": "2025-06-18"},
        "实事": {"required": True, "example": "为老旧小区更换楼道照明"},
        "具体内容": {"example": "更换声控灯120盏"},
        "受益对象": {"example": "春晖小区居民"},
    }  # fmt: skip

    def find_unit(self, row: Any) -> Unit:
        name = cell_text(row.get("驻区单位"))
        if not name:
            raise ValueError("驻区单位不能为空")
        return the_one(  # type: ignore[no-any-return]
            self.visible(Unit.objects.filter(name=name)),
            missing=f"您管理范围内没有名为“{name}”的单位",
            shared=f"您管理范围内有多个名为“{name}”的单位，请在系统中登记",
        )

    def key(self, row: Any) -> dict[str, Any]:
        return {"community": self.find_community(row), "unit": self.find_unit(row),
                "done_on": _date(row, "日期"), "title": cell_text(row.get("实事"))}  # fmt: skip

    def dehydrate_deed_unit(self, deed: UnitDeed) -> str:
        return deed.unit.name if deed.unit_id else ""

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        services.unit_deed_save(deed=instance, actor=self.user, update_fields=update_fields)
