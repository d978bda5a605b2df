"""Admin of the organization tree, units, joint committees, user scopes and PDF ledgers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from import_export.admin import ImportExportMixin
from unfold.admin import ModelAdmin, TabularInline
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from kit.admin import (
    FILTER_KINDS_PARAMETER,
    ScopedHistoryAdmin,
    ScopedTabularInline,
    Services,
    SpreadsheetAdminMixin,
    form_values,
)
from kit.masking import mask_phone

from . import services
from .models import (
    CommitteeMember,
    Compound,
    JointCommittee,
    Organization,
    OrganizationAccess,
    Position,
    Unit,
)
from .resources import CompoundResource, OrganizationResource
from .rules import PositionTitle
from .scope import scope_of
from .selectors import organization_forest_get


class PositionInline(ScopedTabularInline):
    model = Position
    extra = 0
    fields = ("title", "holder_name", "start_date", "end_date")


@admin.register(Organization)
class OrganizationAdmin(SpreadsheetAdminMixin, ImportExportMixin, ScopedHistoryAdmin):  # type: ignore[misc]
    model_services = Services("organization", services.organization_save)
    resource_classes = [OrganizationResource]
    list_display = ("name", "code", "kind", "parent", "secretary_name", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    fields = (
        "name",
        "code",
        "kind",
        "parent",
        "established_on",
        "address",
        "office_phone",
        "is_active",
    )
    inlines = [PositionInline]
    inline_services = {
        Position: Services("position", services.position_save, services.position_delete)
    }
    change_list_template = "admin/organizations/organization/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        secretary = Position.objects.current().filter(
            organization=OuterRef("pk"), title=PositionTitle.SECRETARY
        )
        return (
            super()
            .get_queryset(request)
            .annotate(current_secretary=Subquery(secretary.values("holder_name")[:1]))
        )

    @admin.display(description="书记")
    def secretary_name(self, organization: Organization) -> str:
        return getattr(organization, "current_secretary", None) or "—"

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        kinds = request.GET.get(FILTER_KINDS_PARAMETER)
        if kinds is not None:
            # A list filter's picker: the organizations the user sees (the queryset), of its kinds.
            queryset = queryset.filter(kind__in=kinds.split(","))
        elif request.GET.get("field_name"):
            # An autocomplete widget picks a parent: offer only organizations the user manages.
            queryset = queryset.editable_by(request.user)
        return super().get_search_results(request, queryset, search_term)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        editable = scope_of(request.user).editable
        # The top of a user's scope cannot be moved or re-coded by that user.
        if obj is not None and editable is not None and obj.parent_id not in editable:
            readonly += ["parent", "kind", "code"]
        return readonly

    def get_urls(self) -> list[Any]:
        urls = [
            path(
                "tree/",
                self.admin_site.admin_view(self.tree_view),
                name="organizations_organization_tree",
            ),
        ]
        return urls + super().get_urls()

    def tree_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise Http404("没有找到该页面，或您无权查看。")
        context = {
            **self.admin_site.each_context(request),
            "title": "组织架构",
            "opts": self.model._meta,
            "forest": organization_forest_get(user=request.user),
            "today": timezone.localdate(),
        }
        return TemplateResponse(request, "admin/organizations/organization/tree.html", context)


@admin.register(Position)
class PositionAdmin(ScopedHistoryAdmin):
    model_services = Services("position", services.position_save, services.position_delete)
    list_display = ("organization", "title", "holder_name", "start_date", "end_date")
    list_filter = ("title",)
    search_fields = ("holder_name", "organization__name", "organization__code")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)


class UnitForm(forms.ModelForm):  # type: ignore[type-arg]
    party_org_name = forms.CharField(
        label="单位党组织名称", required=False, help_text="单位尚无登记的党组织时填写，将同时建立。"
    )
    party_org_code = forms.CharField(label="单位党组织代码", required=False)

    class Meta:
        model = Unit
        fields = (
            "name",
            "kind",
            "community",
            "linked_communities",
            "party_organization",
            "address",
            "contact_name",
            "contact_phone",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, code = data.get("party_org_name"), data.get("party_org_code")
        if bool(name) != bool(code):
            raise forms.ValidationError("新建单位党组织时，名称和代码都要填写。")
        if code and Organization.objects.filter(code=code).exists():
            self.add_error("party_org_code", f"组织代码{code}已被使用，请换一个。")
        if code and data.get("party_organization"):
            raise forms.ValidationError("已选择单位党组织时，不要再填写新建党组织的名称和代码。")
        return data


@admin.register(Unit)
class UnitAdmin(ScopedHistoryAdmin):
    form = UnitForm
    # With a name and code, the unit's party organization is founded with it.
    model_services = Services(
        "unit", services.unit_save, arguments=form_values("party_org_name", "party_org_code")
    )
    list_display = (
        "name",
        "kind",
        "community",
        "party_organization",
        "contact_name",
        "masked_phone",
    )
    list_filter = ("kind",)
    search_fields = ("name", "party_organization__name", "party_organization__code")
    list_select_related = ("community", "party_organization")
    autocomplete_fields = ("community", "party_organization")
    filter_horizontal = ("linked_communities",)

    class Media:
        css = {"all": ("css/two_list.css",)}  # the picker fits 1366 px

    @admin.display(description="联系电话")
    def masked_phone(self, unit: Unit) -> str:
        return mask_phone(unit.contact_phone)


@admin.register(Compound)
class CompoundAdmin(SpreadsheetAdminMixin, ImportExportMixin, ScopedHistoryAdmin):  # type: ignore[misc]
    """小区 of the communities; the party members living in one are listed from the members app
    (党员 → 居住小区), which this app does not know. 导入/导出: the communities' list of 小区."""

    resource_classes = [CompoundResource]
    model_services = Services("compound", services.compound_save)
    list_display = ("name", "community", "households", "address")
    search_fields = ("name", "community__name")
    list_select_related = ("community",)
    autocomplete_fields = ("community",)
    fields = ("community", "name", "households", "address")


class CommitteeMemberInline(ScopedTabularInline):
    model = CommitteeMember
    extra = 0
    fields = ("person_name", "role", "unit", "term_start", "term_end")


@admin.register(JointCommittee)
class JointCommitteeAdmin(ScopedHistoryAdmin):
    model_services = Services("committee", services.joint_committee_save)
    list_display = ("name", "kind", "community", "unit_count", "current_member_count")
    list_filter = ("kind",)
    search_fields = ("name", "community__name")
    list_select_related = ("community",)
    filter_horizontal = ("member_units",)

    class Media:
        css = {"all": ("css/two_list.css",)}  # the picker fits 1366 px

    inlines = [CommitteeMemberInline]
    inline_services = {
        CommitteeMember: Services(
            "member", services.committee_member_save, services.committee_member_delete
        )
    }

    def get_queryset(self, request: HttpRequest) -> QuerySet[JointCommittee]:
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .annotate(
                units=Count("member_units", distinct=True),
                current_members=Count(
                    "members",
                    filter=Q(members__term_start__lte=today, members__term_end__gte=today),
                    distinct=True,
                ),
            )
        )

    @admin.display(description="成员单位数", ordering="units")
    def unit_count(self, committee: JointCommittee) -> int:
        return committee.units  # type: ignore[attr-defined,no-any-return]

    @admin.display(description="现任委员数", ordering="current_members")
    def current_member_count(self, committee: JointCommittee) -> int:
        return committee.current_members  # type: ignore[attr-defined,no-any-return]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ScopedHistoryAdmin):
    model_services = Services(
        "member", services.committee_member_save, services.committee_member_delete
    )
    list_display = ("person_name", "role", "committee", "unit", "term_start", "term_end")
    list_filter = ("role",)
    search_fields = ("person_name", "unit__name")
    list_select_related = ("committee", "unit")


@admin.register(OrganizationAccess)
class OrganizationAccessAdmin(ScopedHistoryAdmin):
    """Who may work in which organization. Superusers grant access; sub-district staff read."""

    list_display = ("user", "organization", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "organization__name")
    list_select_related = ("user", "organization")
    autocomplete_fields = ("user", "organization")


class OrganizationAccessInline(TabularInline):
    model = OrganizationAccess
    extra = 0
    autocomplete_fields = ("organization",)
    fk_name = "user"


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PartyUserAdmin(UserAdmin, ModelAdmin):  # type: ignore[type-arg]
    # The theme's forms (django-unfold), so the user pages look like every other page.
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    inlines = [OrganizationAccessInline]


@admin.register(Group)
class PartyGroupAdmin(GroupAdmin, ModelAdmin):  # type: ignore[type-arg]
    pass
