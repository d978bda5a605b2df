"""The 登记交纳 form of a member's 党费 page: the months ticked in the table (or a range), when
and how they were paid, and a voluntary extra."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from . import rules
from .rules import PaymentMethod

# A range wider than this is a typing error (back payment reaches six months, 补交 a year at most).
RANGE_MAX_MONTHS = 12


class MonthListField(forms.Field):
    """The months ticked in the table, each `YYYY-MM`."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[dt.date]:
        months = []
        for text in value or []:
            try:
                months.append(rules.parse_month(str(text)))
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        return months


class OptionalMonthField(forms.CharField):
    """A month typed or chosen as `YYYY-MM` (empty: none)."""

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return rules.parse_month(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class DuesMonthsForm(forms.Form):
    months = MonthListField(label="所选月份", required=False)
    range_from = OptionalMonthField(label="从", required=False, help_text="如2026-03。")
    range_to = OptionalMonthField(label="至", required=False, help_text="如2026-05。")
    paid_on = forms.DateField(
        label="交纳日期",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),  # the browser's format
    )
    method = forms.ChoiceField(
        label="交纳方式", choices=PaymentMethod.choices, initial=PaymentMethod.IN_PERSON
    )
    proxy_name = forms.CharField(
        label="代交人", max_length=50, required=False, help_text="委托他人代交的填写代交人姓名。"
    )
    voluntary_amount = forms.DecimalField(
        label="自愿多交（元）",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=f"不填则不多交；一次{rules.CENTRAL_REMITTANCE_THRESHOLD}元以上的全额上缴中央。",
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("range_from"), data.get("range_to")
        if bool(first) != bool(last):
            self.add_error(
                "range_to" if first else "range_from", "按范围选择时，请填写起止两个月份"
            )
        elif first and last and last < first:
            self.add_error("range_to", "截止月份不能早于起始月份")
        elif first and last and rules.months_between(first, last) >= RANGE_MAX_MONTHS:
            self.add_error("range_to", f"一次最多选择{RANGE_MAX_MONTHS}个月")
        return data

    def chosen_months(self, settled: Collection[dt.date]) -> list[dt.date]:
        """The months ticked, and those of the range except the months `settled` (paid, or
        owing nothing) that a range only passes over."""
        data = self.cleaned_data
        chosen = set(data.get("months") or [])
        first, last = data.get("range_from"), data.get("range_to")
        if first and last:
            month = first
            while month <= last:
                if month not in settled:
                    chosen.add(month)
                month = rules.add_months(month, 1)
        return sorted(chosen)

    @property
    def ticked(self) -> set[str]:
        """The months ticked as sent (to tick them again when the page comes back)."""
        getlist = getattr(self.data, "getlist", None)
        return set(getlist("months")) if self.is_bound and getlist else set()
