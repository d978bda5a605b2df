"""Cell readers of the import engine: text, labels, dates, amounts, counts, codes, names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from import_export import fields, widgets

DATE_FORMAT = "%Y-%m-%d"
NAME_SEPARATOR = "、"
# 、 is the separator the contracts name; the others are what people type by mistake.
NAME_SEPARATORS = (NAME_SEPARATOR, "，", ",", "；", ";")


def cell_text(value: Any) -> str:
    """A cell as text: Excel gives numbers for digit-only cells (a phone number, a code)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def split_names(text: str) -> list[str]:
    """`张三、李四` (or with the separators people type by mistake) as a list, without repeats."""
    for separator in NAME_SEPARATORS[1:]:
        text = text.replace(separator, NAME_SEPARATOR)
    return list(dict.fromkeys(n.strip() for n in text.split(NAME_SEPARATOR) if n.strip()))


# --- widgets: one column each way ---------------------------------------------------------------
def widget_help(widget: Any) -> dict[str, Any]:
    """What a column's widget says of how to fill it in the template (kit/imports/template.py):
    TemplateColumn's fields."""
    describe = getattr(widget, "template_help", None)
    return dict(describe()) if describe else {}


class TextWidget(widgets.Widget):
    def template_help(self) -> dict[str, Any]:
        return {"format": "文字"}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return cell_text(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class LabelWidget(widgets.Widget):
    """A choice written as its Chinese label (男, 正式党员, 党支部)."""

    def __init__(self, choices: type[models.TextChoices], column: str, required: bool = True):
        super().__init__()
        self.choices, self.column, self.required = choices, column, required
        self.by_label = {str(label): value for value, label in choices.choices}

    def template_help(self) -> dict[str, Any]:
        values = tuple(self.by_label)
        return {"required": self.required, "format": "从下拉列表中选择一项", "values": values}

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

    def template_help(self) -> dict[str, Any]:
        return {"required": self.required, "format": "日期，YYYY-MM-DD（如2020-07-01）"}

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
            return _iso_date(text) or dt.datetime.strptime(text, DATE_FORMAT).date()  # noqa: DTZ007
        except ValueError:
            raise ValueError(
                f"{self.column}“{text}”格式错误，应为YYYY-MM-DD，如2020-07-01"
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.strftime(DATE_FORMAT) if value else ""


def _iso_date(text: str) -> dt.date | None:
    """YYYY-MM-DD read without strptime (slow: it looks up the locale each time), or None for
    any other text, which strptime reads (or refuses) as before."""
    if (
        len(text) == 10
        and text[4] == text[7] == "-"
        and (digits := text[:4] + text[5:7] + text[8:]).isascii()
        and digits.isdigit()
    ):
        return dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
    return None


class AmountWidget(widgets.Widget):
    """Yuan (or hours), at most two decimals, not negative; empty when not required."""

    def __init__(self, column: str, required: bool = False, unit: str = "元"):
        super().__init__()
        self.column, self.required, self.unit = column, required, unit

    def template_help(self) -> dict[str, Any]:
        return {"required": self.required, "format": f"数字，单位为{self.unit}，最多两位小数"}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | None:
        text = cell_text(value).replace(",", "")
        if not text:
            if self.required:
                raise ValueError(f"{self.column}不能为空")
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                f"{self.column}“{text}”格式错误，应为以{self.unit}为单位的数字"
            ) from None
        if not amount.is_finite() or amount < 0:
            raise ValueError(f"{self.column}“{text}”格式错误，应为以{self.unit}为单位的数字")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"{self.column}“{text}”最多保留两位小数")
        return amount

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else f"{value:.2f}"


class CountWidget(widgets.Widget):
    """A whole number (of people, of votes), not negative."""

    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column

    def template_help(self) -> dict[str, Any]:
        return {"required": True, "format": "不小于0的整数"}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int:
        text = cell_text(value)
        if not text:
            raise ValueError(f"{self.column}不能为空")
        if not text.isdigit():
            raise ValueError(f"{self.column}“{text}”应为不小于0的整数")
        return int(text)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class CodeWidget(widgets.Widget):
    """An organization (or any row with a `code`), exported as its code; the resource reads it,
    since what a code may name depends on the importing user's scope."""

    def template_help(self) -> dict[str, Any]:
        return {"format": "组织代码", "text": True}

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value else ""


class OrganizationIndex:
    """The organizations (anything with `code` and `name`) a column may name, by code or by
    exact name: those of the importing user's scope, loaded once by the resource."""

    def __init__(self, rows: Any) -> None:
        self.by_code: dict[str, Any] = {}
        self.by_name: dict[str, list[Any]] = {}
        for row in rows:
            self.by_code[row.code] = row
            self.by_name.setdefault(row.name, []).append(row)

    def find(self, text: str) -> list[Any]:
        """The code's organization, else every organization of that exact name."""
        found = self.by_code.get(text)
        return [found] if found is not None else list(self.by_name.get(text, []))


class OrganizationWidget(CodeWidget):
    """An organization written as its code or its exact full name, exported as its code. A
    name two organizations share is refused, asking for the code; one outside the user's scope
    is not found (the resource's index holds only the scope)."""

    def __init__(self, column: str, required: bool = True, kind: str = "党组织") -> None:
        super().__init__()
        self.column, self.required, self.kind = column, required, kind

    def template_help(self) -> dict[str, Any]:
        return {
            "required": self.required,
            "format": "组织代码，或系统中的完整名称",
            "text": True,
            "organizations": True,
            "note": f"可填的{self.kind}见“可填党组织”表；填组织代码最稳妥。"
            "填名称须与系统中的全称一字不差；有重名时须填组织代码。",
        }

    def find(self, text: str, index: OrganizationIndex) -> Any:
        """The organization `text` names (None: empty and not required); ValueError otherwise."""
        if not text:
            if self.required:
                raise ValueError(f"{self.column}不能为空，请填写{self.kind}的组织代码或完整名称")
            return None
        found = index.find(text)
        if len(found) > 1:
            codes = "、".join(sorted(o.code for o in found))
            raise ValueError(
                f"{self.column}“{text}”有{len(found)}个同名党组织（代码{codes}），请改填组织代码"
            )
        if not found:
            raise ValueError(
                f"{self.column}“{text}”不存在或不在您的管理范围内，请填写{self.kind}的组织代码或完整名称"
            )
        return found[0]


class NameWidget(widgets.Widget):
    """A row exported as its name; the resource reads it."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value else ""


def column(attribute: str, header: str, widget: widgets.Widget | None = None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=header, widget=widget or TextWidget())
