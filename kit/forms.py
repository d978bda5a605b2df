"""Forms outside a ModelAdmin drawn in the admin's theme.

A ModelAdmin gives its fields unfold's widgets by itself; a form a custom admin page builds
(the report center, a plan's 办理, an action's confirmation) does not, and Django's bare widgets
draw there without borders. `ThemedForm` swaps each field's widget for unfold's equivalent and
makes a select's empty choice read 请选择… instead of "---------"; its template renders each
field with unfold's `unfold/helpers/field.html` (templates/admin/includes/themed_form.html).
"""

from __future__ import annotations

from typing import Any

from django import forms
from unfold import widgets as unfold

EMPTY_LABEL = "请选择…"

# Django's widget class -> unfold's, most specific first (a subclass before its base).
_THEMED: tuple[tuple[type[forms.Widget], type[forms.Widget]], ...] = (
    (forms.CheckboxSelectMultiple, unfold.UnfoldAdminCheckboxSelectMultiple),
    (forms.RadioSelect, unfold.UnfoldAdminRadioSelectWidget),
    (forms.SelectMultiple, unfold.UnfoldAdminSelectMultipleWidget),
    (forms.NullBooleanSelect, unfold.UnfoldAdminNullBooleanSelectWidget),
    (forms.Select, unfold.UnfoldAdminSelectWidget),
    (forms.Textarea, unfold.UnfoldAdminTextareaWidget),
    (forms.CheckboxInput, unfold.UnfoldBooleanWidget),
    (forms.ClearableFileInput, unfold.UnfoldAdminFileFieldWidget),
    (forms.DateInput, unfold.UnfoldAdminSingleDateWidget),
    (forms.NumberInput, unfold.UnfoldAdminIntegerFieldWidget),
    (forms.EmailInput, unfold.UnfoldAdminEmailInputWidget),
    (forms.PasswordInput, unfold.UnfoldAdminPasswordWidget),
    (forms.TextInput, unfold.UnfoldAdminTextInputWidget),
)
_UNFOLD = tuple(themed for _, themed in _THEMED)


def themed_widget(widget: forms.Widget) -> forms.Widget:
    """unfold's widget in place of Django's, keeping its attributes and choices."""
    if isinstance(widget, (*_UNFOLD, forms.HiddenInput)):
        return widget
    for plain, themed in _THEMED:
        if isinstance(widget, plain):
            new = themed()
            classes = new.attrs.get("class", "")
            new.attrs = {**new.attrs, **widget.attrs}
            if classes:
                new.attrs["class"] = f"{classes} {widget.attrs.get('class', '')}".strip()
            if hasattr(widget, "choices"):
                new.choices = widget.choices  # type: ignore[attr-defined]
            new.is_required = widget.is_required
            return new
    return widget


def empty_choice_reads_please_choose(field: forms.Field | None) -> None:
    """A select's empty choice reads 请选择… instead of Django's "---------"."""
    if field is None:
        return
    if getattr(field, "empty_label", None) == "---------":
        field.empty_label = EMPTY_LABEL  # type: ignore[attr-defined]
    choices = getattr(field, "choices", None)
    if isinstance(choices, list) and choices and choices[0] == ("", "---------"):
        field.choices = [("", EMPTY_LABEL), *choices[1:]]  # type: ignore[attr-defined]


def theme_fields(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        field.widget = themed_widget(field.widget)
        empty_choice_reads_please_choose(field)


class ThemedForm(forms.Form):
    """A plain form in the admin's theme (see the module's docstring)."""

    template_name = "admin/includes/themed_form.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        theme_fields(self)
