from __future__ import annotations

from typing import Any

from django import forms


class AcknowledgeForm(forms.Form):
    unit_comment = forms.CharField(
        label="单位意见（党员在单位的工作表现）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class BatchPdfForm(forms.Form):
    """One period of the unit's cards, printed in one PDF."""

    period = forms.ChoiceField(label="期间")

    def __init__(self, *args: Any, periods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = periods  # type: ignore[attr-defined]
