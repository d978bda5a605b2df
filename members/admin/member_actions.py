"""The member list's bulk actions (issue 22.11): 导出所选, 打印所选党员的报到登记卡, 编入党小组.

Django hands an action the selected rows of the list's own QuerySet (`visible_to` the user, the
list's filters applied), so an id from outside the user's scope never reaches an action; each
action then goes through the same pipeline as its single-row twin: the roster's resource (its
permission, log and format), the printables' one pipeline, the member service.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from unfold.widgets import UnfoldAdminSelectWidget

from common.printables import output_response, printable_get, printable_make
from kit.admin import run_service_action
from kit.printables import PrintError
from kit.spreadsheets import SafeXLSX
from organizations.models import Organization
from organizations.rules import OrganizationKind
from organizations.scope import ScopeError

from ..models import Member, Registration
from ..printables import REGISTRATION_CARDS
from ..resources import MemberRosterResource
from ..services.member import member_group_place


@admin.action(description="导出所选党员（党员花名册格式）", permissions=["export"])
def export_selected(model_admin: Any, request: HttpRequest, queryset: QuerySet[Member]) -> Any:
    """The selected members as the roster's .xlsx (the import's columns; logged as an export)."""
    dataset = MemberRosterResource(user=request.user).export(queryset=queryset)
    file_format = SafeXLSX()
    response = HttpResponse(file_format.export_data(dataset), file_format.get_content_type())
    name = model_admin.get_export_filename(request, queryset, file_format)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('所选' + name)}"
    return response


@admin.action(description="打印所选党员的报到登记卡", permissions=["view"])
def print_registration_cards(
    model_admin: Any, request: HttpRequest, queryset: QuerySet[Member]
) -> Any:
    """报到登记卡 (主卡和回执) of the selected members who registered with a community the user
    sees, through the printable `registration_cards` (its permission, scope and log)."""
    printable = printable_get(REGISTRATION_CARDS)
    assert printable is not None  # noqa: S101  (declared in members/printables.py)
    cards = Registration.objects.visible_to(request.user).filter(member__in=queryset)
    ids = list(cards.order_by("member__name", "pk").values_list("pk", flat=True))
    if not ids:
        model_admin.message_user(
            request,
            "所选党员都没有报到登记卡：只有到社区报到的在职党员才有登记卡。",
            messages.WARNING,
        )
        return None
    try:
        output = printable_make(printable, raw={"registrations": ids}, reader=request.user)
    except (PrintError, PermissionDenied, ScopeError) as error:
        model_admin.message_user(request, str(error), messages.ERROR)
        return None
    return output_response(output)


class GroupChoiceForm(forms.Form):
    group = forms.ModelChoiceField(
        label="编入党小组",
        queryset=Organization.objects.none(),
        empty_label="请选择党小组",
        widget=UnfoldAdminSelectWidget,
        error_messages={"required": "请选择党小组。", "invalid_choice": "请选择列出的党小组。"},
    )

    def __init__(self, *args: Any, groups: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        field.queryset = groups  # type: ignore[attr-defined]
        field.label_from_instance = lambda g: f"{g.parent.name} · {g.name}"  # type: ignore[attr-defined]


def _groups_for(request: HttpRequest, members: QuerySet[Member]) -> QuerySet[Organization]:
    """The 党小组 the user manages under the branches of the selected members."""
    branches = members.values("branch_id")
    return (
        Organization.objects.editable_by(request.user)
        .filter(kind=OrganizationKind.GROUP, parent_id__in=branches)
        .select_related("parent")
        .order_by("parent__code", "code")
    )


@admin.action(description="编入党小组…", permissions=["change"])
def place_in_group(model_admin: Any, request: HttpRequest, queryset: QuerySet[Member]) -> Any:
    """A page to pick the 党小组, then member_group_place for each selected member: one of
    another branch is refused by name, the others placed."""
    groups = _groups_for(request, queryset)
    form = GroupChoiceForm(request.POST if "apply" in request.POST else None, groups=groups)
    if form.is_valid():
        service = partial(member_group_place, group=form.cleaned_data["group"])
        run_service_action(
            model_admin,
            request,
            queryset.select_related("branch"),
            service,
            entity="member",
            done_message=f"已将{{n}}名党员编入{form.cleaned_data['group'].name}。",
            label=lambda member: member.name,
        )
        return None
    members = list(queryset.select_related("branch", "group"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "编入党小组",
        "opts": model_admin.model._meta,
        "members": members,
        "form": form,
        "has_groups": groups.exists(),
        "action": "place_in_group",
        "checkbox_name": ACTION_CHECKBOX_NAME,
        "cancel_url": reverse("admin:members_member_changelist"),
    }
    return TemplateResponse(request, "admin/members/member/place_in_group.html", context)


MEMBER_ACTIONS = (export_selected, print_registration_cards, place_in_group)
