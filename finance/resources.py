"""Spreadsheets of the finance app: the 党费台账 export (a contract, DOMAIN.md "Import and
export") and the 党费交纳 import (a contract too): the payments a branch recorded before it used
the system.

The payment import uses the shared toolkit (kit/imports.py): a preview, row-numbered Chinese
errors, nothing written while any row is bad, and a re-import of the same file changes nothing.
Its key is the member (by citizen ID) and the month; every row goes through
finance.services.dues.dues_payment_record, so the amount is checked against what is owed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields
from import_export.instance_loaders import BaseInstanceLoader

from kit.imports import (
    AmountWidget,
    DateWidget,
    RowNumberedResource,
    TextWidget,
    cell_text,
    column,
)
from members.models import Member
from members.rules import normalize_citizen_id

from . import rules
from .models import DuesPayment, PaymentKind
from .rules import PaymentMethod
from .selectors import LEDGER_HEADERS, LedgerRow, member_month_dues
from .services.dues import dues_payment_record, owed_error

LEDGER_TITLE = "党费台账"


def ledger_dataset(rows: list[LedgerRow], month: dt.date) -> tablib.Dataset:
    """The 党费台账 of a month: the contract's columns, in order."""
    dataset = tablib.Dataset(headers=list(LEDGER_HEADERS), title=f"{LEDGER_TITLE}{month:%Y-%m}")
    for row in rows:
        dataset.append(row.cells())
    return dataset


def ledger_file(path: Any, rows: Iterable[LedgerRow], month: dt.date) -> None:
    """Write the ledger to `path` as `rows` come (a stream: constant memory): .xlsx as the
    printable writes it, .csv in the shared safe format."""
    from kit.spreadsheets import csv_write, xlsx_write

    cells = (row.cells() for row in rows)
    if str(path).lower().endswith(".xlsx"):
        with open(path, "wb") as out:
            xlsx_write(out, LEDGER_HEADERS, cells, f"{LEDGER_TITLE}{month:%Y-%m}")
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            csv_write(out, LEDGER_HEADERS, cells)


# --- the payment import (the 党费交纳 contract, DOMAIN.md "Import and export") ---------------------
PAYMENT_HEADERS = ("公民身份号码", "姓名", "所属月份", "金额", "交纳日期")
# How an imported payment was made is not in the contract: recorded as paid in person.
IMPORTED_PAYMENT_METHOD = PaymentMethod.IN_PERSON


class MonthWidget(TextWidget):
    def template_help(self) -> dict[str, Any]:
        return {"required": True, "format": "年月，YYYY-MM（如2025-01）"}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.date:  # type: ignore[override]
        if isinstance(value, dt.datetime | dt.date):
            return dt.date(value.year, value.month, 1)
        text = cell_text(value)
        if not text:
            raise ValueError("所属月份不能为空")
        return rules.parse_month(text)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return f"{value:%Y-%m}" if value else ""


class PaymentInstanceLoader(BaseInstanceLoader):
    """The rows' members (among those the user sees) and their payments, in two queries."""

    def __init__(self, resource: DuesPaymentResource, dataset: Any = None) -> None:
        super().__init__(resource, dataset)
        ids: set[str] = set()
        if dataset is not None and "公民身份号码" in (dataset.headers or []):
            ids = {normalize_citizen_id(cell_text(v)) for v in dataset["公民身份号码"]} - {""}
        resource.members = {
            m.citizen_id: m for m in resource.visible_members().filter(citizen_id__in=ids)
        }
        found = DuesPayment.objects.regular().filter(member__in=resource.members.values())
        self.payments = {(p.member_id, p.period): p for p in found.select_related("member")}
        self.resource = resource

    def get_instance(self, row: Any) -> DuesPayment | None:
        member = self.resource.members.get(normalize_citizen_id(cell_text(row.get("公民身份号码"))))
        try:
            period = MonthWidget().clean(row.get("所属月份"))
        except ValueError:
            return None
        return self.payments.get((member.pk, period)) if member else None


class DuesPaymentResource(RowNumberedResource):
    """党费交纳: the payments a branch recorded before it used the system. Pass user= to import
    within that user's scope (the members whose records they keep)."""

    HEADERS = PAYMENT_HEADERS
    unit = "笔"
    title = "党费交纳"

    citizen_id = fields.Field(attribute="member", column_name="公民身份号码", widget=TextWidget())
    name = fields.Field(attribute="member_name", column_name="姓名", widget=TextWidget())
    period = column("period", "所属月份", MonthWidget())
    amount = column("amount", "金额", AmountWidget("金额", required=True))
    paid_on = column("paid_on", "交纳日期", DateWidget("交纳日期"))

    class Meta:
        model = DuesPayment
        fields = ("citizen_id", "name", "period", "amount", "paid_on")
        import_id_fields = ("citizen_id", "period")
        instance_loader_class = PaymentInstanceLoader

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "公民身份号码": {
            "required": True,
            "text": True,
            "format": "18位公民身份号码（末位可为X）",
            "example": "110105198506120026",
            "note": "交纳党费的党员；须是您管理范围内已登记的党员",
        },
        "姓名": {"required": True, "example": "张丽华", "note": "须与该公民身份号码登记的姓名一致"},
        "所属月份": {"example": "2025-01", "note": "这笔党费交的是哪个月的"},
        "金额": {"example": "24.00", "note": "须等于该月核定的应缴金额"},
        "交纳日期": {
            "example": "2025-01-10",
            "note": "不能晚于今天，最早可在所属月份的前一个月预交",
        },
    }

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self.members: dict[str, Member] = {}
        self.today = timezone.localdate()

    def visible_members(self) -> Any:
        queryset = Member.objects.all()
        return queryset.visible_to(self.user) if self.user is not None else queryset

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        """The name is checked against the ID's member, whichever column comes first."""
        instance._row_name = cell_text(row.get("姓名"))
        if instance.pk is None:
            instance.kind, instance.method = PaymentKind.DUES, IMPORTED_PAYMENT_METHOD
        super().import_instance(instance, row, **kwargs)

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        if field.attribute == "member_name":
            if not cell_text(row[field.column_name]):
                raise ValueError("姓名不能为空")
        elif field.attribute == "member":
            instance.member = self._member(cell_text(row[field.column_name]), instance)
        else:
            super().read_column(field, instance, row)

    def _member(self, text: str, instance: Any) -> Member:
        if not text:
            raise ValueError("公民身份号码不能为空")
        member = self.members.get(normalize_citizen_id(text))
        if member is None:
            raise ValueError("没有该公民身份号码的党员，或其组织关系不在您的管理范围内")
        name = getattr(instance, "_row_name", "")
        if name and name != member.name:
            raise ValueError(f"姓名“{name}”与该公民身份号码登记的姓名“{member.name}”不符")
        return member

    def validate_instance(
        self, instance: Any, import_validation_errors: Any = None, validate_unique: bool = True
    ) -> None:
        errors = dict(import_validation_errors or {})
        if not errors and instance.pk is None and instance.member_id and instance.period:
            errors.update(self._new_payment_errors(instance))
        super().validate_instance(instance, errors, validate_unique=False)

    def _new_payment_errors(self, instance: Any) -> dict[str, str]:
        """The contract's checks of a new payment: its date, and its amount against the month's
        核定 amount (both amounts named)."""
        if instance.paid_on and (
            error := rules.imported_payment_date_error(
                instance.period, instance.paid_on, self.today
            )
        ):
            return {"paid_on": error}
        owed = member_month_dues(instance.member, instance.period)
        if error := owed_error(instance.member, instance.period, owed):
            return {"period": error}
        if instance.amount is not None and instance.amount != owed.amount:
            return {
                "amount": f"金额{instance.amount:.2f}元与{rules.month_label(instance.period)}"
                f"核定的应缴金额{owed.amount:.2f}元不符"
            }
        return {}

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        if instance.pk is not None:
            raise ValidationError(
                f"{instance.member.name}{rules.month_label(instance.period)}的党费已登记，"
                "与本行不同：请在党费交纳记录中核对（登记有误的先冲正）"
            )
        created = dues_payment_record(
            member=instance.member, period=instance.period, paid_on=instance.paid_on,
            method=IMPORTED_PAYMENT_METHOD, actor=self.user, imported=True,
        )  # fmt: skip
        instance.pk = created.pk

    def export(self, queryset: Any = None, **kwargs: Any) -> Any:
        return tablib.Dataset(headers=list(self.HEADERS), title=self.title)
