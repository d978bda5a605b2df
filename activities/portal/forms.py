"""The portal's forms, rendered by django-crispy-forms (`{{ form|crispy }}`,
bootstrap5 template pack, styled by static/css/forms.css): each field's label, its error under it
in Chinese, the form's own errors above the fields. The templates keep the <form> tag and the
button, so each page's look and its tests' button names stay."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from organizations.models import Organization


class PortalLoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入。",
        "inactive": "该账号已停用，请联系社区党组织。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "请输入用户名"
        self.fields["password"].error_messages["required"] = "请输入密码"


class AcknowledgeForm(forms.Form):
    unit_comment = forms.CharField(
        label="单位意见（党员在单位的工作表现）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "单位意见最多%(limit_value)d个字（现为%(show_value)d个字）"},
    )


class BatchPdfForm(forms.Form):
    """One period of the unit's cards, printed in one PDF; the organization is asked only of a
    reviewer of more than one unit."""

    organization = forms.ModelChoiceField(
        label="单位党组织",
        queryset=Organization.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "请选择本单位的党组织"},
    )
    period = forms.ChoiceField(
        label="期间", error_messages={"invalid_choice": "该期间没有本单位的反馈卡，请重新选择"}
    )

    def __init__(
        self,
        *args: Any,
        periods: list[tuple[str, str]],
        organizations: list[Organization],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = periods  # type: ignore[attr-defined]
        field = self.fields["organization"]
        field.queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organizations]
        ).order_by("name")
        self.only = organizations[0] if len(organizations) == 1 else None
        if self.only is not None:
            field.required = False
            field.widget = forms.HiddenInput()

    def clean_organization(self) -> Organization | None:
        return self.cleaned_data.get("organization") or self.only


class PostClaimForm(forms.Form):
    """A member claims one of the posts open to them (`choices`: "community-kind" keys)."""

    post = forms.ChoiceField(label="服务岗位", error_messages={"required": "请选择岗位"})
    commitment = forms.CharField(
        label="公开承诺（在监督台上向居民公开）",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "请填写公开承诺",
            "max_length": "公开承诺最多%(limit_value)d个字（现为%(show_value)d个字）",
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["post"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 (declared above)
        field.choices = [("", "请选择岗位"), *choices]
        field.error_messages["invalid_choice"] = "该岗位不能认领，请重新选择"


class PortalPasswordChangeForm(PasswordChangeForm):
    """Django's, with the labels a member reads on a phone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "当前密码（初始密码）"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再次输入新密码"
