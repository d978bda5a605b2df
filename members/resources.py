"""党员花名册 (member roster): the Excel import and export of members (DOMAIN.md, "Import and export").

The columns, their order and their formats are a contract: an export can be edited and imported
back. The citizen ID is the key. Every error is a row error that names the spreadsheet's own row
(the header is row 1); every row is read and checked first (the resource's checks, the model's
through kit.imports' bulk twin of full_clean, and members.services.member.member_check), then,
if none is wrong, all are written at once by members.services.member.member_bulk_save, with the
importing user's scope (no user: the command line, no scope limit). The queries of an import do
not grow with its rows.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from import_export import fields, widgets
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Result

from kit.imports import (
    AmountWidget,
    DateWidget,
    ImportedRow,
    LabelWidget,
    NameWidget,
    OrganizationIndex,
    OrganizationWidget,
    RowNumberedResource,
    TemplateColumn,
    TextWidget,
    cell_text,
    column,
    read_spreadsheet,
    split_names,
    spreadsheet_format,
)
from organizations.models import Organization
from organizations.rules import OrganizationKind

from .models import Member, MemberCategory, PersonalDataAccess
from .models.member import MemberQuerySet
from .person import citizen_id_from_cell
from .rules import (
    CATEGORY_SEPARATOR,
    Education,
    Gender,
    MemberStatus,
    holder_error,
    normalize_citizen_id,
)
from .services.member import (
    MemberWrite,
    member_branch_ids,
    member_bulk_save,
    member_check,
    personal_data_access_record,
)

ROSTER_HEADERS: tuple[str, ...] = (
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "学历",
    "党员状态",
    "入党日期",
    "转正日期",
    "所在党组织",
    "人员类别",
    "工作单位",
    "居住社区",
    "联系电话",
    "月收入",
)


class CitizenIdWidget(TextWidget):
    """Never fails: the loader looks members up with it; the resource reports a bad ID."""

    def template_help(self) -> dict[str, Any]:
        return {"required": True, "format": "18位公民身份号码（末位可为X）", "text": True}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return normalize_citizen_id(cell_text(value))


class CategoriesWidget(widgets.ManyToManyWidget):
    """人员类别: names joined by 、; the resource reads them (the widget's clean ignores typos)."""

    def __init__(self) -> None:
        super().__init__(MemberCategory, separator=CATEGORY_SEPARATOR, field="name")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return CATEGORY_SEPARATOR.join(
            c.name for c in (value.all() if hasattr(value, "all") else value)
        )


class CategoriesField(fields.Field):
    """A row's categories as read (the preview shows them before the member is written)."""

    def get_value(self, instance: Any) -> Any:
        wanted = getattr(instance, "_roster_categories", None)
        return wanted if wanted is not None else super().get_value(instance)


# --- loading existing members -------------------------------------------------------------------
class RosterInstanceLoader(BaseInstanceLoader):
    """Finds the rows' members among those visible to the user, in one query."""

    def __init__(self, resource: MemberRosterResource, dataset: Any = None) -> None:
        super().__init__(resource, dataset)
        self.field = resource.fields["citizen_id"]
        ids: set[str] = set()
        if dataset is not None and self.field.column_name in (dataset.headers or []):
            ids = {self.field.clean(row) for row in dataset.dict} - {""}
        members = list(
            resource.visible_members().select_related("group").filter(citizen_id__in=ids)
        )
        # Their branches as the checks read them (Member.clean), in one query.
        held = {member.branch_id for member in members}
        branches = {org.pk: org for org in resource.organizations().filter(pk__in=held)}
        for member in members:
            member.branch = branches[member.branch_id]
        self.members = {member.citizen_id: member for member in members}

    def get_instance(self, row: Any) -> Member | None:
        if self.field.column_name not in row:
            return None
        return self.members.get(self.field.clean(row))


class MemberRosterResource(RowNumberedResource):
    """党员花名册. Pass user= to import and export within that user's scope."""

    HEADERS = ROSTER_HEADERS
    unit = "人"
    title = "党员花名册"
    bulk_import = True

    name = column("name", "姓名")
    gender = column("gender", "性别", LabelWidget(Gender, "性别"))
    ethnicity = column("ethnicity", "民族")
    birth_date = column("birth_date", "出生日期", DateWidget("出生日期"))
    citizen_id = column("citizen_id", "公民身份号码", CitizenIdWidget())
    education = column("education", "学历", LabelWidget(Education, "学历", required=False))
    status = column("status", "党员状态", LabelWidget(MemberStatus, "党员状态"))
    joined_on = column("joined_on", "入党日期", DateWidget("入党日期"))
    full_member_on = column("full_member_on", "转正日期", DateWidget("转正日期", required=False))
    branch = column("branch", "所在党组织", OrganizationWidget("所在党组织", kind="党支部"))
    categories = CategoriesField(
        attribute="categories", column_name="人员类别", widget=CategoriesWidget()
    )
    work_unit = column("work_unit", "工作单位")
    residence_community = column("residence_community", "居住社区", NameWidget())
    phone = column("phone", "联系电话")
    monthly_income = column("monthly_income", "月收入", AmountWidget("月收入"))

    class Meta:
        model = Member
        fields = (
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "citizen_id",
            "education",
            "status",
            "joined_on",
            "full_member_on",
            "branch",
            "categories",
            "work_unit",
            "residence_community",
            "phone",
            "monthly_income",
        )
        import_id_fields = ("citizen_id",)
        instance_loader_class = RosterInstanceLoader

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "姓名": {"required": True, "example": "张丽华"},
        "性别": {"example": "女", "note": "须与公民身份号码第17位一致（奇数为男，偶数为女）"},
        "民族": {"required": True, "format": "文字，写全称", "example": "汉族"},
        "出生日期": {"example": "1985-06-12", "note": "须与公民身份号码中的出生日期一致"},
        "公民身份号码": {
            "example": "110105198506120026",
            "note": "导入时按此号码查找党员：已有的更新，没有的新建",
        },
        "学历": {"example": "大学本科"},
        "党员状态": {"example": "正式党员"},
        "入党日期": {"example": "2010-07-01", "note": "支部大会接收为预备党员的日期"},
        "转正日期": {"example": "2011-07-01", "note": "正式党员填写；预备党员不填"},
        "所在党组织": {"note": "组织关系所在的党支部（或下设无党支部的单位党组织）"},
        "人员类别": {
            "format": "一项或几项，用“、”分隔",
            "strict": False,
            "example": "在职",
        },
        "工作单位": {"example": "城南实验小学"},
        "居住社区": {
            "format": "社区名称或组织代码",
            "note": "本人居住的社区（可以是其他街道的社区）；不填表示未登记",
        },
        "联系电话": {"format": "手机或固定电话", "text": True, "example": "13657100123"},
        "月收入": {
            "example": "4800",
            "note": "党费基数（税后月收入）；按固定数额交纳党费的类别（学生、农民、下岗失业、低保）不填",
        },
    }

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self._seen_ids: dict[str, int] = {}
        self._lookups: dict[str, Any] | None = None

    # --- reading ------------------------------------------------------------------------------
    def visible_members(self) -> MemberQuerySet:
        """Every member the user sees, transferred-out ones included (an import row names them)."""
        queryset = Member.objects.all()
        if self.user is not None:
            queryset = queryset.visible_to(self.user)
        return queryset.select_related("branch", "residence_community").prefetch_related(
            "categories"
        )

    def get_queryset(self) -> models.QuerySet[Member]:
        """The roster: current members only (a member transferred out is kept, not listed)."""
        return self.visible_members().current()

    def organizations(self) -> models.QuerySet[Organization]:
        """Organizations with what Member.clean reads of a holder: its parent, and whether it
        has branches below (a unit party organization), loaded with them."""
        branch_below = Organization.objects.filter(
            parent=OuterRef("pk"), kind=OrganizationKind.BRANCH
        )
        return Organization.objects.select_related("parent").annotate(
            has_branch_below=Exists(branch_below)
        )

    def _lookup(self) -> dict[str, Any]:
        """Organizations and categories a row may name, loaded once per import."""
        if self._lookups is None:
            allowed = member_branch_ids(self.user)
            branches = self.organizations()
            if allowed is not None:
                branches = branches.filter(pk__in=allowed)
            # Any community: where a member lives is a fact, not a scope (issue 9.8).
            communities = list(Organization.objects.communities())
            by_name: dict[str, list[Organization]] = {}
            for community in communities:
                by_name.setdefault(community.name, []).append(community)
            self._lookups = {
                "branches": OrganizationIndex(branches),
                "communities_by_code": {c.code: c for c in reversed(communities)},
                "communities_by_name": by_name,
                "categories": {c.name: c for c in MemberCategory.objects.all()},
            }
        return self._lookups

    # --- the import flow ----------------------------------------------------------------------
    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        self._seen_ids = {}
        super().before_import(dataset, **kwargs)

    def snapshot(self, instance: Any) -> dict[str, Any]:
        values = super().snapshot(instance)
        values["categories"] = {c.pk for c in instance.categories.all()}
        return values

    def import_instance(self, instance: Member, row: Any, **kwargs: Any) -> None:
        instance._roster_categories = None  # type: ignore[attr-defined]
        if instance.pk and instance.transferred_out_on is not None:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: f"{instance.name}已于{instance.transferred_out_on:%Y-%m-%d}"
                    "转出本组织，花名册不再包含该党员；如已转回，请办理组织关系转入"
                }
            )
        super().import_instance(instance, row, **kwargs)

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        raw = row[field.column_name]
        if field.attribute == "branch":
            instance.branch = self._branch(field.widget, cell_text(raw), instance)
        elif field.attribute == "residence_community":
            instance.residence_community = self._community(cell_text(raw), instance)
        elif field.attribute == "categories":
            instance._roster_categories = self._categories(cell_text(raw))  # type: ignore[attr-defined]
        elif field.attribute == "citizen_id":
            instance.citizen_id = citizen_id_from_cell(raw)
            self._check_repeated(instance.citizen_id)
        else:
            setattr(instance, field.attribute, field.clean(row))

    def _check_repeated(self, value: str) -> None:
        first = self._seen_ids.setdefault(value, self.line)
        if first != self.line:
            raise ValueError(f"公民身份号码与第{first}行重复")

    def _branch(self, widget: OrganizationWidget, text: str, instance: Member) -> Organization:
        """By code or exact name, among the branches the user manages."""
        # A member the user sees but does not manage keeps its branch: an unchanged row passes.
        if instance.pk and text and text in (instance.branch.code, instance.branch.name):
            held = self._lookup()["branches"].find(text)
            if not held or held == [instance.branch]:
                return instance.branch
        return widget.find(text, self._lookup()["branches"])  # type: ignore[no-any-return]

    def _community(self, text: str, instance: Member) -> Organization | None:
        if not text:
            return None
        lookups = self._lookup()
        if text in lookups["communities_by_code"]:
            return lookups["communities_by_code"][text]  # type: ignore[no-any-return]
        by_name = lookups["communities_by_name"].get(text, [])
        if len(by_name) > 1:
            raise ValueError(f"居住社区“{text}”有重名，请填写该社区的组织代码")
        if not by_name:
            raise ValueError(f"居住社区“{text}”不存在，请填写社区名称或组织代码")
        return by_name[0]  # type: ignore[no-any-return]

    def _categories(self, text: str) -> list[MemberCategory]:
        names = split_names(text)
        known = self._lookup()["categories"]
        unknown = [n for n in names if n not in known]
        if unknown:
            choices = CATEGORY_SEPARATOR.join(known)
            raise ValueError(f"人员类别“{'、'.join(unknown)}”不存在，应为{choices}中的一项或几项")
        return [known[n] for n in names]

    # --- the import template ------------------------------------------------------------------
    def _holders(self) -> list[Organization]:
        """The organizations the user may put a member in (党支部, or a 单位党组织 without one)."""
        branches = self._lookup()["branches"].by_code.values()
        holders = [o for o in branches if not holder_error(**_holder_facts(o))]
        return sorted(holders, key=lambda o: o.code)

    def template_columns(self) -> list[TemplateColumn]:
        """The categories and the example's branch and community come from the database."""
        lookups, holders = self._lookup(), self._holders()
        communities = sorted(lookups["communities_by_code"].values(), key=lambda o: o.code)
        live: dict[str, dict[str, Any]] = {
            "所在党组织": {"example": holders[0].code if holders else ""},
            "人员类别": {"values": tuple(lookups["categories"])},
            "居住社区": {"example": communities[0].name if communities else ""},
        }
        return [
            dataclasses.replace(column, **live.get(column.header, {}))
            for column in super().template_columns()
        ]

    def template_organizations(self) -> list[tuple[str, str, str]]:
        return [(o.code, o.name, o.get_kind_display()) for o in self._holders()]

    def has_other_changes(self, instance: Any) -> bool:
        wanted = getattr(instance, "_roster_categories", None)
        if wanted is None or self._before is None:
            return False
        return {c.pk for c in wanted} != self._before["categories"]

    # --- writing: every row checked first, then all written at once -------------------------
    def check_row(self, row: ImportedRow) -> None:
        member_check(member=row.instance, stored=row.stored, actor=self.user)

    def save_rows(self, rows: list[ImportedRow]) -> None:
        writes = [
            MemberWrite(
                member=row.instance,
                update_fields=row.update_fields,
                categories=getattr(row.instance, "_roster_categories", None),
            )
            for row in rows
        ]
        member_bulk_save(writes=writes, actor=self.user)

    # --- messages -----------------------------------------------------------------------------
    def messages_of(self, key: Any, errors: list[Any]) -> list[tuple[str, Any]]:
        texts = super().messages_of(key, errors)
        # The model repeats the citizen-ID check the import already made: say it once.
        return texts[:1] if key == "citizen_id" else texts

    def row_message(self, key: Any, text: str, item: Any, labels: dict[str, str]) -> str:
        if key == "citizen_id" and getattr(item, "code", None) == "unique":
            text = "公民身份号码已在其他党组织登记，请先办理组织关系转接"
        return super().row_message(key, text, item, labels)

    # --- results ------------------------------------------------------------------------------
    def import_data(self, dataset: Any, dry_run: bool = False, **kwargs: Any) -> Result:
        result = super().import_data(dataset, dry_run=dry_run, **kwargs)
        if not dry_run and not (result.has_errors() or result.has_validation_errors()):
            detail = f"导入党员花名册：{self.summary(result)}"
            personal_data_access_record(
                actor=self.user, action=PersonalDataAccess.Action.IMPORT, detail=detail
            )
        return result

    def export(self, queryset: Any = None, **kwargs: Any) -> Any:
        if queryset is None:
            queryset = self.get_queryset()
        queryset = queryset.select_related("branch", "residence_community").prefetch_related(
            "categories"
        )
        dataset = super().export(queryset=queryset, **kwargs)
        personal_data_access_record(
            actor=self.user,
            action=PersonalDataAccess.Action.EXPORT,
            detail=f"导出党员花名册：{len(dataset)}人",
        )
        return dataset


def _holder_facts(organization: Organization) -> dict[str, Any]:
    parent = organization.parent
    return {
        "name": organization.name,
        "kind": organization.kind,
        "parent_name": parent.name if parent else "",
        "has_branch_below": bool(getattr(organization, "has_branch_below", False)),
    }


def import_summary(result: Result) -> str:
    return MemberRosterResource().summary(result)


def roster_file_format(path: Path) -> Any:
    """The import-export format of a roster file, by its suffix (ValueError if unsupported)."""
    return spreadsheet_format(path)


def read_roster_file(path: Path) -> Any:
    """A roster file as a dataset (ValueError with a Chinese reason if it cannot be read)."""
    return read_spreadsheet(path)
