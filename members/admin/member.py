"""Admin of the member registry (党员) and of the log of personal-data reads.

The list never shows a full citizen ID or phone; the change page shows them only to users with
members.view_personal_data, and each such page view is logged. The roster import and export
(members/resources.py) need that permission or the roster's own (a branch officer's), since the
file holds the full values; each is logged.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ImportExportMixin
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from common.printables import print_url
from kit.admin import (
    ReadOnlyAdminMixin,
    ScopedAdmin,
    ScopedHistoryAdmin,
    Services,
    SpreadsheetAdminMixin,
    choice_filter,
    form_values,
)
from kit.masking import mask_citizen_id
from organizations.models import Compound, Organization
from organizations.rules import OrganizationKind

from ..models import Member, MemberCategory, PersonalDataAccess
from ..models.member import MemberQuerySet
from ..person import PersonForm
from ..printables import LAPSE
from ..resources import MemberRosterResource
from ..selectors.lapse import LAPSE_REPORT_HEADERS, LapseReport, self_lapse_report
from ..selectors.member import app_record_tabs, member_record_tabs
from ..selectors.member import party_standing as standing_of
from ..services.member import (
    PERSONAL_DATA_PERMISSION,
    may_exchange_roster,
    member_branch_ids,
    member_save,
    personal_data_access_record,
)
from .logins import MemberLoginAdminMixin
from .member_actions import MEMBER_ACTIONS
from .personal import PersonalDataAdminMixin
from .statistics import MemberStatisticsAdminMixin

CITIZEN_ID_LENGTH = 18
ID_DIGITS = re.compile(r"^\d{1,17}[0-9Xx]?$")
# The list's masks show the last four characters of an ID and of a phone: a user without the
# personal-data permission may search by those and nothing more (a longer suffix, a full ID or a
# phone would let them recover or confirm what the mask hides).
MASK_VISIBLE_DIGITS = 4


def can_see_personal_data(request: HttpRequest) -> bool:
    return bool(request.user.has_perm(PERSONAL_DATA_PERMISSION))


class BranchListFilter(AutocompleteSelectFilter):
    """所在党组织: typed and picked (a sub-district holds thousands of branches; a list of links
    to every one of them took most of the page's time), among the organizations the user sees."""


# 在册 by default: a member whose 转出 was received is kept, and found as 已转出.
ROSTER = choice_filter(
    "在册情况",
    "roster",
    {"current": ("在册", "current"), "out": ("已转出", "transferred_out"), "all": ("全部", "all")},
    default="current",
)
PROBATION = choice_filter(
    "预备期", "probation", {"overdue": ("预备期已满一年未转正", "probation_overdue")}
)


class ReviewMissingFilter(admin.SimpleListFilter):
    """尚未评议: who takes part in a year's 民主评议 and has no result yet (?review_missing=2025)."""

    title = "民主评议"
    parameter_name = "review_missing"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        year = timezone.localdate().year - 1
        return [(str(y), f"{y}年度尚未评议") for y in (year, year - 1)]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value() or ""
        return queryset.review_missing(int(value)) if value.isdigit() else queryset


class MemberForm(PersonForm):
    class Meta:
        model = Member
        fields = ("name", "gender", "birth_date", "citizen_id")  # the fieldsets add the rest


@admin.register(Member)
class MemberAdmin(  # type: ignore[misc]
    MemberStatisticsAdminMixin,
    MemberLoginAdminMixin,
    SpreadsheetAdminMixin,
    ImportExportMixin,
    PersonalDataAdminMixin,
    ScopedHistoryAdmin,
):
    form = MemberForm
    # Categories are set by member_save (with the rest, in one transaction).
    model_services = Services("member", member_save, arguments=form_values("categories"))
    resource_classes = [MemberRosterResource]
    actions = MEMBER_ACTIONS  # 导出所选, 打印登记卡, 编入党小组 (member_actions.py)
    import_template_name = "admin/members/member/import.html"  # the shared one, with ID help
    change_list_template = "admin/members/member/change_list.html"
    change_form_template = "admin/members/member/change_form.html"
    list_display = (
        "name",
        "gender",
        "status",
        "category_names",
        "branch",
        "work_unit",
        "masked_id",
        "notes",
    )
    list_filter = (
        ROSTER,
        PROBATION,
        ReviewMissingFilter,
        "status",
        "categories",
        ("branch", BranchListFilter),
        "gender",
    )
    list_filter_submit = True  # the branch picker is a form field (unfold.contrib.filters)
    list_select_related = ("branch",)
    search_fields = ("name",)
    search_help_text = (
        "按姓名、工作单位、所在党组织、公民身份号码或联系电话（末4位）搜索；"
        "输入一个汉字时按姓氏查找（姓名或工作单位以该字开头，或所在党组织名称含该字）"
    )

    # --- list ---------------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description="人员类别")
    def category_names(self, member: Member) -> str:
        return "、".join(c.name for c in member.categories.all())

    @admin.display(description="公民身份号码")
    def masked_id(self, member: Member) -> str:
        return member.masked_citizen_id

    autocomplete_select_related = ("branch",)

    def autocomplete_label(self, member: Member) -> str:
        """Two 何丽 told apart in every member picker: branch and masked ID."""
        return f"{member.name}（{member.branch.name}，{member.masked_citizen_id}）"

    @admin.display(description="提示")
    def notes(self, member: Member) -> str:
        return "；".join(member.notes(timezone.localdate())) or "—"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Member], search_term: str
    ) -> tuple[QuerySet[Member], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        if not ID_DIGITS.match(term):
            return cast(MemberQuerySet, queryset).matching_text(term), False
        term = term.upper()
        personal_data_access_record(
            actor=request.user,
            action=PersonalDataAccess.Action.SEARCH,
            detail=f"按证件号或电话搜索党员：{mask_citizen_id(term)}",
        )
        if not can_see_personal_data(request):
            if len(term) > MASK_VISIBLE_DIGITS:
                return queryset.none(), False
            return queryset.filter(Q(citizen_id__endswith=term) | Q(phone__endswith=term)), False
        if len(term) == CITIZEN_ID_LENGTH:
            return queryset.filter(citizen_id=term), False
        return queryset.filter(Q(citizen_id__endswith=term) | Q(phone__contains=term)), False

    # --- change page --------------------------------------------------------------------------
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        basic = ("name", "gender", "ethnicity", "birth_date", "citizen_id", "education")
        fieldsets: list[tuple[str, dict[str, Any]]] = [
            ("基本信息", {"fields": (*basic, "phone", "address", "photo")}),
            (
                "党籍",
                {
                    "fields": (
                        "status",
                        "joined_on",
                        "full_member_on",
                        "branch",
                        "group",
                        "categories",
                        "transferred_out_on",
                    )
                },
            ),
            (
                "工作与居住",
                {"fields": ("work_unit", "residence_community", "compound", "monthly_income")},
            ),
        ]
        if request.user.is_superuser:
            fieldsets.append(("登录", {"fields": ("user",)}))
        if obj is None:  # a new member is typed in full by whoever may add one
            return fieldsets
        if self.may_see_personal_data(request):  # else the masked birth date is the age
            fieldsets[0][1]["fields"] = (
                *fieldsets[0][1]["fields"][:4],
                "age",
                *fieldsets[0][1]["fields"][4:],
            )
        party = fieldsets[1][1]["fields"]
        fieldsets[1][1]["fields"] = (*party[:3], "party_standing", *party[3:])
        return self.mask_fieldsets(request, fieldsets)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        standing = ["age", "party_standing"] if obj is not None else []
        return [*super().get_readonly_fields(request, obj), "transferred_out_on", *standing]

    @admin.display(description="年龄")
    def age(self, member: Member) -> str:
        return standing_of(member, timezone.localdate())["age"]

    @admin.display(description="党龄")
    def party_standing(self, member: Member) -> str:
        return standing_of(member, timezone.localdate())["party_standing"]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        """The page holds every record of the member the user may see, a tab for each kind."""
        member = self.get_object(request, object_id)
        tabs = [
            *app_record_tabs(member=member, user=request.user),
            *member_record_tabs(member=member, user=request.user),
        ]
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "record_tabs": tabs}
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        organizations = Organization.objects.all()
        allowed = member_branch_ids(request.user)
        if db_field.name in ("branch", "group") and allowed is not None:
            organizations = organizations.filter(pk__in=allowed)
        if db_field.name == "branch":
            kinds = (OrganizationKind.BRANCH, OrganizationKind.UNIT_ORG)
            kwargs["queryset"] = organizations.filter(kind__in=kinds)
        if db_field.name == "group":
            kwargs["queryset"] = organizations.filter(kind=OrganizationKind.GROUP)
        if db_field.name == "residence_community":
            # Where a member lives is a fact about them, not a scope: any community (the public
            # site lists them all). The community lived in then sees the member too.
            kwargs["queryset"] = organizations.communities()
        if db_field.name == "compound":  # as the community: where a member lives (checked there)
            kwargs["queryset"] = Compound.objects.select_related("community")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "categories":
            kwargs["widget"] = UnfoldAdminCheckboxSelectMultipleWidget
            kwargs["queryset"] = MemberCategory.objects.all()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Categories were set by member_save; Member has no inlines."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    # --- 自行脱党提示 ---------------------------------------------------------------------------
    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.lapse_view)
        return [path("lapse/", view, name="members_member_lapse"), *super().get_urls()]

    def lapse_view(self, request: HttpRequest) -> HttpResponse:
        """The 处置提示 (the rows of `manage.py lapse_report`) of the members the user sees, with
        which conditions could be checked; the printable lapse_report prints it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = self_lapse_report(members=Member.objects.visible_to(request.user))
        context = {
            "title": "自行脱党提示",
            "period": f"截至{report.today:%Y-%m-%d}",
            "organization": _header_organization(request.user),
            "report": report,
            "headers": LAPSE_REPORT_HEADERS,
        }
        can_decide = request.user.has_perm("members.add_lapsedecision")
        context.update(
            self.admin_site.each_context(request),
            opts=self.model._meta,
            table=_lapse_table(report, can_decide),
            errors_table=_lapse_errors_table(report),
            pdf_url=print_url(LAPSE),
        )
        return TemplateResponse(request, "admin/members/member/lapse.html", context)

    # --- import and export --------------------------------------------------------------------
    def has_import_permission(self, request: HttpRequest) -> bool:
        return super().has_import_permission(request) and may_exchange_roster(request.user)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return bool(self.has_view_permission(request) and may_exchange_roster(request.user))


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdminMixin, ScopedAdmin):  # type: ignore[misc]
    """Read-only: who saw which member's full citizen ID, and who exported or imported rosters,
    within the scope its QuerySet declares (PersonalDataAccess.objects.visible_to)."""

    list_display = ("at", "user", "action", "member_label", "detail")
    list_filter = ("action",)
    list_select_related = ("user", "member")
    search_fields = ("member__name", "user__username", "detail")
    date_hierarchy = "at"


def _header_organization(user: Any) -> Any:
    """The organization a printed page's header names: the user's own."""
    access = user.organization_accesses.select_related("organization").first()
    return access.organization if access is not None else None


def _lapse_table(report: LapseReport, can_decide: bool) -> dict[str, Any]:
    """The report's rows for unfold's table component, each linking to the member and, for a
    user who may, to recording the branch meeting's decision."""
    headers = [*LAPSE_REPORT_HEADERS, "支部大会决定"]
    add = reverse("admin:members_lapsedecision_add")
    rows = []
    for row in report.rows:
        name, branch, condition, first, months = row.cells()
        member = reverse("admin:members_member_change", args=[row.member.pk])
        decide = (
            format_html(
                '<a class="text-primary-600" href="{}?member={}&amp;condition={}">登记决定</a>',
                add,
                row.member.pk,
                row.condition.value,
            )
            if can_decide
            else "—"
        )
        link = format_html('<a class="text-primary-600" href="{}">{}</a>', member, name)
        rows.append(
            [link, f"{row.member.branch.name}（{branch}）", condition, first, months, decide]
        )
    return {"headers": headers, "rows": rows}


def _lapse_errors_table(report: LapseReport) -> dict[str, Any]:
    rows = [[m.name, f"{m.branch.name}（{m.branch.code}）", error] for m, error in report.errors]
    return {"headers": ["姓名", "所在党组织", "数据问题"], "rows": rows}
