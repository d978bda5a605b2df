"""党组织 (organization tree): the spreadsheet a sub-district keeps, in and out (DOMAIN.md).

Columns, in order: 组织代码, 名称, 组织类型, 上级组织代码, 成立日期. The code is the key. A parent is
an existing organization the importing user manages, or one on an earlier row of the same file
(rows are written in order, inside one transaction); the tree rules give a row's error. Rows are
written through organizations.services.organization_save, with the user's scope.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import models
from import_export import fields, widgets

from kit.imports import (
    CodeWidget,
    DateWidget,
    LabelWidget,
    OrganizationIndex,
    OrganizationWidget,
    RowNumberedResource,
    TemplateColumn,
    cell_text,
    column,
)

from .models import Compound, Organization
from .rules import COMMUNITY_KINDS, OrganizationKind
from .services import compound_save, organization_save

ORGANIZATION_HEADERS: tuple[str, ...] = ("组织代码", "名称", "组织类型", "上级组织代码", "成立日期")


class OrganizationResource(RowNumberedResource):
    """党组织. Pass user= to import and export within that user's scope."""

    HEADERS = ORGANIZATION_HEADERS
    unit = "个"
    title = "党组织"

    code = column("code", "组织代码")
    name = column("name", "名称")
    kind = column("kind", "组织类型", LabelWidget(OrganizationKind, "组织类型"))
    parent = column("parent", "上级组织代码", CodeWidget())
    established_on = column("established_on", "成立日期", DateWidget("成立日期", required=False))

    class Meta:
        model = Organization
        fields = ("code", "name", "kind", "parent", "established_on")
        import_id_fields = ("code",)

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "组织代码": {
            "required": True,
            "text": True,
            "format": "文字（字母、数字、短横线）",
            "note": "每个党组织一个，不能重复；导入时按此代码查找：已有的更新，没有的新建",
        },
        "名称": {"required": True, "format": "文字，写全称"},
        "组织类型": {"example": "党支部"},
        "上级组织代码": {
            "format": "上级党组织的组织代码（或系统中的完整名称）",
            "text": True,
            "note": "根组织（街道党工委）不填；上级须是系统中已有的党组织，或本文件中更早的行",
        },
        "成立日期": {"example": "2015-07-01"},
    }

    def template_columns(self) -> list[TemplateColumn]:
        """The example is a new branch under the first community the user sees."""
        community = self.get_queryset().filter(kind__in=COMMUNITY_KINDS).first()
        code, name = (community.code, community.name) if community else ("CN-CH", "春晖社区党委")
        short = name.removesuffix("党委").removesuffix("党总支")
        live: dict[str, dict[str, Any]] = {
            "组织代码": {"example": f"{code}-ZB9"},
            "名称": {"example": f"{short}第九党支部"},
            "上级组织代码": {"example": code},
        }
        return [
            dataclasses.replace(column, **live.get(column.header, {}))
            for column in super().template_columns()
        ]

    def get_queryset(self) -> models.QuerySet[Organization]:
        queryset = Organization.objects.all()
        if self.user is not None:
            queryset = queryset.visible_to(self.user)
        return queryset.select_related("parent").order_by("code")

    def export(self, queryset: Any = None, **kwargs: Any) -> Any:
        """Parents before children, so that the file imports back in one pass."""
        rows = list(self.get_queryset() if queryset is None else queryset.select_related("parent"))
        return super().export(queryset=_parents_first(rows), **kwargs)

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        if field.attribute == "code":
            if not (code := cell_text(row[field.column_name])):
                raise ValueError("组织代码不能为空")
            instance.code = code
        elif field.attribute == "name":
            if not (name := cell_text(row[field.column_name])):
                raise ValueError("名称不能为空")
            instance.name = name
        elif field.attribute == "parent":
            instance.parent = self._parent(cell_text(row[field.column_name]), instance)
        else:
            super().read_column(field, instance, row)

    def _parent(self, code: str, instance: Organization) -> Organization | None:
        """By code, else by exact name, among the organizations the user sees (earlier rows
        of the file included: they are written before this one is read)."""
        if not code:
            return None
        if code == instance.code:
            raise ValueError("上级组织代码不能是本组织自己的代码")
        visible = Organization.objects.all()
        if self.user is not None:
            visible = visible.visible_to(self.user)
        found = list(visible.filter(code=code)[:1]) or list(visible.filter(name=code)[:10])
        if len(found) > 1:
            codes = "、".join(sorted(o.code for o in found))
            raise ValueError(
                f"上级组织“{code}”有{len(found)}个同名党组织（代码{codes}），请改填组织代码"
            )
        if not found:
            raise ValueError(
                f"上级组织代码“{code}”不存在：上级须是已有的党组织，或在本文件中更早的行"
            )
        return found[0]

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        organization_save(organization=instance, actor=self.user, update_fields=update_fields)


def _parents_first(rows: list[Organization]) -> list[Organization]:
    """The rows in tree order (each parent before its children), codes in order within a level."""
    by_parent: dict[int | None, list[Organization]] = {}
    ids = {row.pk for row in rows}
    for row in rows:
        key = row.parent_id if row.parent_id in ids else None
        by_parent.setdefault(key, []).append(row)
    ordered: list[Organization] = []
    stack = sorted(by_parent.get(None, []), key=lambda o: o.code, reverse=True)
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack += sorted(by_parent.get(node.pk, []), key=lambda o: o.code, reverse=True)
    return ordered


# --- 小区 (the compounds of the communities, 003 社区党建示范小区) -------------------------------
COMPOUND_HEADERS: tuple[str, ...] = ("所在社区", "小区名称", "户数", "地址")


class HouseholdsWidget(widgets.Widget):
    """户数: a whole number, or empty when not known."""

    def template_help(self) -> dict[str, Any]:
        return {"format": "不小于0的整数（不知道可不填）"}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        text = cell_text(value)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(f"户数“{text}”应为不小于0的整数")
        return int(text)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class CompoundResource(RowNumberedResource):
    """小区. The key is (所在社区, 小区名称); the community is named by its code or exact name
    among those the importing user manages. Pass user= to import and export within its scope."""

    HEADERS = COMPOUND_HEADERS
    unit = "个小区"
    title = "小区"

    community = column(
        "community", "所在社区", OrganizationWidget("所在社区", kind="社区党委或社区党总支")
    )
    name = column("name", "小区名称")
    households = column("households", "户数", HouseholdsWidget())
    address = column("address", "地址")

    class Meta:
        model = Compound
        fields = ("community", "name", "households", "address")
        import_id_fields = ("community", "name")

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "小区名称": {
            "required": True,
            "example": "和平里",
            "note": "同一社区内不能重名；导入时按社区和名称查找：已有的更新，没有的新建",
        },
        "户数": {"example": "860"},
        "地址": {"example": "和平路18号"},
    }

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self._communities: OrganizationIndex | None = None

    def community_index(self) -> OrganizationIndex:
        """The communities the user may keep compounds of, loaded once."""
        if self._communities is None:
            found = Organization.objects.filter(kind__in=COMMUNITY_KINDS)
            if self.user is not None:
                found = found.editable_by(self.user)
            self._communities = OrganizationIndex(found.order_by("code"))
        return self._communities

    def template_columns(self) -> list[TemplateColumn]:
        first = next(iter(self.community_index().by_code), "")
        return [
            dataclasses.replace(column, example=first) if column.header == "所在社区" else column
            for column in super().template_columns()
        ]

    def template_organizations(self) -> list[tuple[str, str, str]]:
        return [
            (o.code, o.name, o.get_kind_display()) for o in self.community_index().by_code.values()
        ]

    def get_queryset(self) -> models.QuerySet[Compound]:
        queryset = Compound.objects.all()
        if self.user is not None:
            queryset = queryset.visible_to(self.user)
        return queryset.select_related("community").order_by("community__code", "name")

    def _community(self, value: Any) -> Organization:
        widget = self.fields["community"].widget
        return widget.find(cell_text(value), self.community_index())  # type: ignore[no-any-return]

    def get_instance(self, instance_loader: Any, row: Any) -> Compound | None:
        try:
            community = self._community(row.get("所在社区"))
        except ValueError:
            return None
        name = cell_text(row.get("小区名称"))
        return Compound.objects.filter(community=community, name=name).first()

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        value = row[field.column_name]
        if field.attribute == "community":
            instance.community = self._community(value)
        elif field.attribute == "name":
            if not (name := cell_text(value)):
                raise ValueError("小区名称不能为空")
            instance.name = name
        else:
            super().read_column(field, instance, row)

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        compound_save(compound=instance, actor=self.user, update_fields=update_fields)
