"""党员花名册 (member roster): the Excel import and export of members (DOMAIN.md, "Import and export").

The columns, their order and their formats are a contract: an export can be edited and imported
back. The citizen ID is the key. Every error is a row error that names the spreadsheet's own row
(the header is row 1); rows are written only through members.services.member.member_save, with
the importing user's scope (no user: the command line, no scope limit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Result, RowResult

from organizations.models import Organization

from .models import Member, MemberCategory, PersonalDataAccess
from .rules import (
    CATEGORY_SEPARATOR,
    Education,
    Gender,
    MemberStatus,
    citizen_id_error,
    normalize_citizen_id,
)
from .services.member import member_branch_ids, member_save, personal_data_access_record

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
DATE_FORMAT = "%Y-%m-%d"
# 、 is the separator the contract names; the others are what people type by mistake.
CATEGORY_SEPARATORS = (CATEGORY_SEPARATOR, "，", ",", "；", ";")


def cell_text(value: Any) -> str:
    """A cell as text: Excel gives numbers for digit-only cells (a phone number, an ID)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- widgets: one column each way ---------------------------------------------------------------
class TextWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return cell_text(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class CitizenIdWidget(TextWidget):
    """Never fails: the loader looks members up with it; the resource reports a bad ID."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return normalize_citizen_id(cell_text(value))


class LabelWidget(widgets.Widget):
    """A choice written as its Chinese label (男, 正式党员, 大学本科)."""

    def __init__(self, choices: type[models.TextChoices], column: str, required: bool = True):
        super().__init__()
        self.choices, self.column, self.required = choices, column, required
        self.by_label = {str(label): value for value, label in choices.choices}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(f"{self.column}不能为空")
            return ""
        if text not in self.by_label:
            labels = "、".join(self.by_label)
            raise ValueError(f"{self.column}“{text}”无效，应为{labels}之一")
        return self.by_label[text]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(self.choices(value).label) if value else ""


class DateWidget(widgets.Widget):
    """YYYY-MM-DD text, or a real Excel date cell."""

    def __init__(self, column: str, required: bool = True):
        super().__init__()
        self.column, self.required = column, required

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(f"{self.column}不能为空")
            return None
        try:
            return dt.datetime.strptime(text, DATE_FORMAT).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            raise ValueError(
                f"{self.column}“{text}”格式错误，应为YYYY-MM-DD，如2020-07-01"
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.strftime(DATE_FORMAT) if value else ""


class IncomeWidget(widgets.Widget):
    """Yuan, at most two decimals; empty for the fixed-rate categories."""

    column = "月收入"

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | None:
        text = cell_text(value).replace(",", "")
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{self.column}“{text}”格式错误，应为以元为单位的数字") from None
        if not amount.is_finite() or amount < 0:
            raise ValueError(f"{self.column}“{text}”格式错误，应为以元为单位的数字")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"{self.column}“{text}”最多保留两位小数")
        return amount

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else f"{value:.2f}"


class OrganizationCodeWidget(widgets.Widget):
    """所在党组织: exported as the code; the resource reads it (it needs the user's scope)."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value else ""


class CommunityNameWidget(widgets.Widget):
    """居住社区: exported as the name; the resource reads a name or a code."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value else ""


class CategoriesWidget(widgets.ManyToManyWidget):
    """人员类别: names joined by 、; the resource reads them (the widget's clean ignores typos)."""

    def __init__(self) -> None:
        super().__init__(MemberCategory, separator=CATEGORY_SEPARATOR, field="name")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else CATEGORY_SEPARATOR.join(c.name for c in value.all())


# --- loading existing members -------------------------------------------------------------------
class RosterInstanceLoader(BaseInstanceLoader):
    """Finds the rows' members among those visible to the user, in one query."""

    def __init__(self, resource: MemberRosterResource, dataset: Any = None) -> None:
        super().__init__(resource, dataset)
        self.field = resource.fields["citizen_id"]
        ids: set[str] = set()
        if dataset is not None and self.field.column_name in (dataset.headers or []):
            ids = {self.field.clean(row) for row in dataset.dict} - {""}
        queryset = resource.get_queryset().filter(citizen_id__in=ids)
        self.members = {member.citizen_id: member for member in queryset}

    def get_instance(self, row: Any) -> Member | None:
        if self.field.column_name not in row:
            return None
        return self.members.get(self.field.clean(row))


def _field(attribute: str, column: str, widget: widgets.Widget | None = None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=widget or TextWidget())


class MemberRosterResource(resources.ModelResource):
    """党员花名册. Pass user= to import and export within that user's scope."""

    name = _field("name", "姓名")
    gender = _field("gender", "性别", LabelWidget(Gender, "性别"))
    ethnicity = _field("ethnicity", "民族")
    birth_date = _field("birth_date", "出生日期", DateWidget("出生日期"))
    citizen_id = _field("citizen_id", "公民身份号码", CitizenIdWidget())
    education = _field("education", "学历", LabelWidget(Education, "学历", required=False))
    status = _field("status", "党员状态", LabelWidget(MemberStatus, "党员状态"))
    joined_on = _field("joined_on", "入党日期", DateWidget("入党日期"))
    full_member_on = _field("full_member_on", "转正日期", DateWidget("转正日期", required=False))
    branch = _field("branch", "所在党组织", OrganizationCodeWidget())
    categories = _field("categories", "人员类别", CategoriesWidget())
    work_unit = _field("work_unit", "工作单位")
    residence_community = _field("residence_community", "居住社区", CommunityNameWidget())
    phone = _field("phone", "联系电话")
    monthly_income = _field("monthly_income", "月收入", IncomeWidget())

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
        import_order = fields
        export_order = fields
        import_id_fields = ("citizen_id",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = RosterInstanceLoader

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self._lines: list[int] = []
        self._line = 0
        self._seen_ids: dict[str, int] = {}
        self._before: dict[str, Any] | None = None
        self._lookups: dict[str, Any] | None = None

    # --- reading ------------------------------------------------------------------------------
    def get_queryset(self) -> models.QuerySet[Member]:
        queryset = Member.objects.all()
        if self.user is not None:
            queryset = queryset.visible_to(self.user)
        return queryset.select_related("branch", "residence_community").prefetch_related(
            "categories"
        )

    def _lookup(self) -> dict[str, Any]:
        """Organizations and categories a row may name, loaded once per import."""
        if self._lookups is None:
            allowed = member_branch_ids(self.user)
            branches = Organization.objects.all()
            communities = Organization.objects.communities()
            if allowed is not None:
                branches = branches.filter(pk__in=allowed)
                communities = communities.visible_to(self.user)
            self._lookups = {
                "branches": {org.code: org for org in branches},
                "communities": list(communities),
                "categories": {c.name: c for c in MemberCategory.objects.all()},
            }
        return self._lookups

    # --- the import flow ----------------------------------------------------------------------
    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        """Check the header; drop blank lines but remember every row's line in the sheet."""
        self._seen_ids = {}
        dataset.headers = [cell_text(h) for h in (dataset.headers or [])]
        missing = [h for h in ROSTER_HEADERS if h not in dataset.headers]
        blank = {i for i, row in enumerate(dataset) if not any(cell_text(v) for v in row)}
        if missing:  # nothing can be read: report the header alone
            blank = set(range(len(dataset)))
        self._lines = [i + 2 for i in range(len(dataset)) if i not in blank]
        for index in sorted(blank, reverse=True):
            del dataset[index]
        if missing:
            raise ValueError(
                f"第1行（表头）缺少列：{'、'.join(missing)}。表头应为：{'、'.join(ROSTER_HEADERS)}"
            )

    def line_of(self, row_number: int) -> int:
        """The sheet's line of the dataset's row `row_number` (1-based, header is line 1)."""
        if 0 < row_number <= len(self._lines):
            return self._lines[row_number - 1]
        return row_number + 1

    def import_row(self, row: Any, instance_loader: Any, **kwargs: Any) -> RowResult:
        self._line = self.line_of(kwargs["row_number"])
        return super().import_row(row, instance_loader, **kwargs)

    def after_init_instance(self, instance: Member, new: bool, row: Any, **kwargs: Any) -> None:
        self._before = None if new else self._snapshot(instance)

    @staticmethod
    def _snapshot(member: Member) -> dict[str, Any]:
        values = {f.attname: getattr(member, f.attname) for f in Member._meta.concrete_fields}
        values["categories"] = {c.pk for c in member.categories.all()}
        return values

    def import_instance(self, instance: Member, row: Any, **kwargs: Any) -> None:
        errors: dict[str, str] = {}
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            try:
                self._import_value(field, instance, row)
            except ValueError as error:
                errors[field.attribute] = str(error)
        instance._roster_categories = getattr(instance, "_roster_categories", None)  # type: ignore[attr-defined]
        if errors:
            raise ValidationError(errors)

    def _import_value(self, field: fields.Field, instance: Member, row: Any) -> None:
        raw = row[field.column_name]
        if field.attribute == "branch":
            instance.branch = self._branch(cell_text(raw), instance)
        elif field.attribute == "residence_community":
            instance.residence_community = self._community(cell_text(raw), instance)
        elif field.attribute == "categories":
            instance._roster_categories = self._categories(cell_text(raw))  # type: ignore[attr-defined]
        elif field.attribute == "citizen_id":
            instance.citizen_id = field.clean(row)
            self._check_citizen_id(instance.citizen_id)
        else:
            setattr(instance, field.attribute, field.clean(row))

    def _check_citizen_id(self, value: str) -> None:
        if not value:
            raise ValueError("公民身份号码不能为空")
        if error := citizen_id_error(value):
            raise ValueError(error)
        first = self._seen_ids.setdefault(value, self._line)
        if first != self._line:
            raise ValueError(f"公民身份号码与第{first}行重复")

    def _branch(self, code: str, instance: Member) -> Organization:
        if not code:
            raise ValueError("所在党组织不能为空，请填写党组织的组织代码")
        found = self._lookup()["branches"].get(code)
        # A member the user sees but does not manage keeps its branch: an unchanged row passes.
        if found is None and instance.pk and instance.branch.code == code:
            found = instance.branch
        if found is None:
            raise ValueError(f"所在党组织代码“{code}”不存在")
        return found  # type: ignore[no-any-return]

    def _community(self, text: str, instance: Member) -> Organization | None:
        if not text:
            return None
        current = instance.residence_community if instance.pk else None
        candidates = [*self._lookup()["communities"], *([current] if current else [])]
        by_code = [c for c in candidates if c.code == text]
        by_name = {c.pk: c for c in candidates if c.name == text}
        if by_code:
            return by_code[0]  # type: ignore[no-any-return]
        if len(by_name) > 1:
            raise ValueError(f"居住社区“{text}”有重名，请填写该社区的组织代码")
        if not by_name:
            raise ValueError(f"居住社区“{text}”不存在，请填写社区名称或组织代码")
        return next(iter(by_name.values()))

    def _categories(self, text: str) -> list[MemberCategory]:
        for separator in CATEGORY_SEPARATORS[1:]:
            text = text.replace(separator, CATEGORY_SEPARATOR)
        names = [n.strip() for n in text.split(CATEGORY_SEPARATOR) if n.strip()]
        known = self._lookup()["categories"]
        unknown = [n for n in names if n not in known]
        if unknown:
            choices = CATEGORY_SEPARATOR.join(known)
            raise ValueError(f"人员类别“{'、'.join(unknown)}”不存在，应为{choices}中的一项或几项")
        return [known[n] for n in dict.fromkeys(names)]

    def _changed_fields(self, instance: Member) -> list[str]:
        before = self._before or {}
        return [
            f.name
            for f in Member._meta.concrete_fields
            if f.attname in before and getattr(instance, f.attname) != before[f.attname]
        ]

    def _categories_changed(self, instance: Member) -> bool:
        wanted = getattr(instance, "_roster_categories", None)
        if wanted is None or self._before is None:
            return False
        return {c.pk for c in wanted} != self._before["categories"]

    def skip_row(
        self, instance: Member, original: Any, row: Any, import_validation_errors: Any = None
    ) -> bool:
        if import_validation_errors or self._before is None:
            return False
        return not self._changed_fields(instance) and not self._categories_changed(instance)

    def validate_instance(
        self, instance: Member, import_validation_errors: Any = None, validate_unique: bool = True
    ) -> None:
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            raise ValidationError(self._row_messages(error)) from None

    def save_instance(self, instance: Member, is_create: bool, row: Any, **kwargs: Any) -> None:
        update_fields = None if is_create else self._changed_fields(instance)
        try:
            member_save(
                member=instance,
                actor=self.user,
                categories=getattr(instance, "_roster_categories", None),
                update_fields=update_fields,
            )
        except PermissionDenied as error:
            raise ValidationError(self._row_messages(ValidationError(str(error)))) from None
        except ValidationError as error:
            raise ValidationError(self._row_messages(error)) from None

    def save_m2m(self, instance: Member, row: Any, **kwargs: Any) -> None:
        """Categories are set by member_save in save_instance."""

    # --- messages -----------------------------------------------------------------------------
    def _row_messages(self, error: ValidationError) -> list[str]:
        labels = {f.attribute: f.column_name for f in self.get_import_fields()}
        labels.update({f.name: str(f.verbose_name) for f in Member._meta.fields})
        messages: dict[str, None] = {}
        items = error.error_dict.items() if hasattr(error, "error_dict") else [(None, [error])]
        for key, errors in items:
            # The model repeats the citizen-ID check the import already made: say it once.
            texts = [(text, item) for item in errors for text in _flat(item)]
            for text, item in texts[:1] if key == "citizen_id" else texts:
                messages[self._row_message(key, text, item, labels)] = None
        return list(messages)

    def _row_message(self, key: Any, text: str, item: Any, labels: dict[str, str]) -> str:
        if key == "citizen_id" and getattr(item, "code", None) == "unique":
            text = "公民身份号码已在其他党组织登记，请先办理组织关系转接"
        label = labels.get(key) if key and key != NON_FIELD_ERRORS else None
        if label and label not in text:
            text = f"{label}：{text}"
        return f"第{self._line}行: {text.rstrip('。')}"

    # --- results ------------------------------------------------------------------------------
    def import_data(self, dataset: Any, dry_run: bool = False, **kwargs: Any) -> Result:
        kwargs.setdefault("rollback_on_validation_errors", True)
        result = super().import_data(dataset, dry_run=dry_run, **kwargs)
        if not dry_run and not (result.has_errors() or result.has_validation_errors()):
            detail = f"导入党员花名册：{import_summary(result)}"
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

    def error_lines(self, result: Result) -> list[str]:
        """Every problem of an import, one line each: `第N行: reason`."""
        lines = [str(error.error) for error in result.base_errors]
        for row in result.invalid_rows:
            lines += [m for messages in row.error_dict.values() for m in messages]
        for number, errors in result.row_errors():
            lines += [f"第{self.line_of(number)}行: {error.error}" for error in errors]
        return lines


def _flat(error: Any) -> Iterable[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def import_summary(result: Result) -> str:
    totals = result.totals
    return (
        f"新增 {totals[RowResult.IMPORT_TYPE_NEW]} 人，"
        f"更新 {totals[RowResult.IMPORT_TYPE_UPDATE]} 人，"
        f"未变 {totals[RowResult.IMPORT_TYPE_SKIP]} 人"
    )


ROSTER_FORMATS = {".xlsx": XLSX, ".csv": CSV}


def roster_file_format(path: Path) -> Any:
    """The import-export format of a roster file, by its suffix (ValueError if unsupported)."""
    format_class = ROSTER_FORMATS.get(path.suffix.lower())
    if format_class is None:
        raise ValueError(f"不支持的文件类型“{path.suffix}”，请使用 .xlsx 或 .csv")
    return format_class(encoding="utf-8-sig")


def read_roster_file(path: Path) -> Any:
    """A roster file as a dataset (ValueError with a Chinese reason if it cannot be read)."""
    file_format = roster_file_format(path)
    try:
        data: Any = path.read_bytes()
        if not file_format.is_binary():
            data = data.decode("utf-8-sig")
        return file_format.create_dataset(data)
    except FileNotFoundError:
        raise ValueError(f"找不到文件：{path}") from None
    except Exception as error:  # a corrupt or mislabelled file: one line, not a traceback
        raise ValueError(f"无法读取文件{path}（{type(error).__name__}）") from error
