"""Admin of the member registry (党员) and of the log of personal-data reads.

The list never shows a full citizen ID or phone; the change page shows them only to users with
members.view_personal_data, and each such page view is logged. The roster import and export
(members/resources.py) need that permission too, since the file holds the full values.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from common.admin import ScopedHistoryAdmin, changed_fields
from common.masking import mask_citizen_id, mask_phone
from organizations.models import Organization

from ..models import Member, MemberCategory, PersonalDataAccess
from ..resources import MemberRosterResource
from ..services.member import (
    PERSONAL_DATA_PERMISSION,
    member_branch_ids,
    member_save,
    personal_data_access_record,
)

CITIZEN_ID_LENGTH = 18
ID_DIGITS = re.compile(r"^\d{1,17}[0-9Xx]?$")


def can_see_personal_data(request: HttpRequest) -> bool:
    return bool(request.user.has_perm(PERSONAL_DATA_PERMISSION))


class BranchListFilter(admin.RelatedOnlyFieldListFilter):
    """所在党组织: only organizations that hold members the user can see."""


@admin.register(Member)
class MemberAdmin(ImportExportMixin, ScopedHistoryAdmin):  # type: ignore[misc]
    resource_classes = [MemberRosterResource]
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    import_template_name = "admin/members/member/import.html"
    list_display = (
        "name",
        "gender",
        "status",
        "category_names",
        "branch",
        "work_unit",
        "masked_citizen_id",
    )
    list_filter = ("status", "categories", ("branch", BranchListFilter), "gender")
    list_select_related = ("branch",)
    search_fields = ("name",)
    search_help_text = "按姓名、公民身份号码（完整18位或末几位）或联系电话搜索"
    readonly_fields = ("masked_citizen_id", "masked_phone")

    # --- list ---------------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description="人员类别")
    def category_names(self, member: Member) -> str:
        return "、".join(c.name for c in member.categories.all())

    @admin.display(description="公民身份号码")
    def masked_citizen_id(self, member: Member) -> str:
        return member.masked_citizen_id

    @admin.display(description="联系电话")
    def masked_phone(self, member: Member) -> str:
        return member.masked_phone

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Member], search_term: str
    ) -> tuple[QuerySet[Member], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        if ID_DIGITS.match(term):
            term = term.upper()
            if len(term) == CITIZEN_ID_LENGTH:
                return queryset.filter(citizen_id=term), False
            return queryset.filter(Q(citizen_id__endswith=term) | Q(phone__contains=term)), False
        return queryset.filter(Q(name__icontains=term) | Q(phone=term)), False

    # --- change page --------------------------------------------------------------------------
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        personal = can_see_personal_data(request) or obj is None
        identity = ("citizen_id", "phone") if personal else ("masked_citizen_id", "masked_phone")
        basic = ("name", "gender", "ethnicity", "birth_date", identity[0], "education")
        fieldsets: list[tuple[str, dict[str, Any]]] = [
            ("基本信息", {"fields": (*basic, identity[1], "address", "photo")}),
            (
                "党籍",
                {"fields": ("status", "joined_on", "full_member_on", "branch", "categories")},
            ),
            ("工作与居住", {"fields": ("work_unit", "residence_community", "monthly_income")}),
        ]
        if request.user.is_superuser:
            fieldsets.append(("登录", {"fields": ("user",)}))
        return fieldsets

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        organizations = Organization.objects.all()
        if db_field.name == "branch" and (allowed := member_branch_ids(request.user)) is not None:
            kwargs["queryset"] = organizations.filter(pk__in=allowed)
        if db_field.name == "residence_community":
            kwargs["queryset"] = organizations.editable_by(request.user).communities()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        current = obj.residence_community_id if obj is not None else None
        field = form.base_fields.get("residence_community")
        if current and isinstance(field, forms.ModelChoiceField):
            # A member living outside the user's communities keeps that residence on save.
            field.queryset = field.queryset | Organization.objects.filter(pk=current)
        return form

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "categories":
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["queryset"] = MemberCategory.objects.all()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk and can_see_personal_data(request):
            personal_data_access_record(
                actor=request.user,
                action=PersonalDataAccess.Action.VIEW,
                member=obj,
                detail="查看党员信息页（完整公民身份号码和联系电话）",
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request: HttpRequest, obj: Member, form: Any, change: bool) -> None:
        categories = form.cleaned_data.get("categories") if "categories" in form.fields else None
        member_save(
            member=obj,
            actor=request.user,
            categories=categories,
            update_fields=changed_fields(form) if change else None,
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Categories were set by member_save; Member has no inlines."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        """The history list shows old and new values: mask the personal ones like the list."""
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        if can_see_personal_data(request):
            return
        masks = {"公民身份号码": mask_citizen_id, "联系电话": mask_phone}
        for record in historical_records:
            for change in getattr(record, "history_delta_changes", None) or []:
                if mask := masks.get(str(change["field"])):
                    change["old"], change["new"] = (
                        mask(str(change["old"])),
                        mask(str(change["new"])),
                    )

    # --- import and export --------------------------------------------------------------------
    def get_resource_kwargs(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return {**kwargs, "user": request.user}

    def has_import_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.has_perm("members.add_member")
            and user.has_perm("members.change_member")
            and can_see_personal_data(request)
        )

    def has_export_permission(self, request: HttpRequest) -> bool:
        return bool(self.has_view_permission(request) and can_see_personal_data(request))

    def get_import_data_kwargs(self, **kwargs: Any) -> Any:
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: who saw which member's full citizen ID, and who exported or imported rosters."""

    list_display = ("at", "user", "action", "member", "detail")
    list_filter = ("action",)
    list_select_related = ("user", "member")
    search_fields = ("member__name", "user__username", "detail")
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PersonalDataAccess]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        visible = Member.objects.visible_to(request.user).values("pk")
        return queryset.filter(Q(member__in=visible) | Q(member__isnull=True, user=request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
