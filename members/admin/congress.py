"""Admin of 两会一化: the 党员代表会议 (its term, seats and the seat table with the vacant seats),
the delegate elections with their nominees' votes, and the 区域化党总支 with its members. Every
write goes through members.services.congress; its checks show on the forms."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from import_export.admin import ImportExportMixin
from unfold.admin import TabularInline as UnfoldTabularInline

from common.admin import community_filter
from common.printables import print_url
from kit.admin import (
    ScopedHistoryAdmin,
    ScopedTabularInline,
    ServiceCheckedForm,
    Services,
    SpreadsheetAdminMixin,
)
from kit.masking import mask_citizen_id

from ..models import (
    DelegateConference,
    DelegateElection,
    DelegateNominee,
    RegionalBranch,
    RegionalBranchMember,
)
from ..printables import DELEGATE_LIST
from ..resources_congress import DelegateResource
from ..selectors import congress as selectors
from ..services import congress as services
from ..services.member import PERSONAL_DATA_PERMISSION
from .dual import CommunityDefaultMixin


class ConferenceForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.delegate_conference_errors(instance)

    class Meta:
        model = DelegateConference
        fields = (
            "community",
            "name",
            "term_starts_on",
            "term_ends_on",
            "seats_direct",
            "seats_regional_org",
            "seats_in_service",
            "seats_floating",
            "liaison",
        )


@admin.register(DelegateConference)
class DelegateConferenceAdmin(CommunityDefaultMixin, ScopedHistoryAdmin):  # type: ignore[misc]
    form = ConferenceForm
    model_services = Services(
        "conference", services.delegate_conference_save, services.delegate_conference_delete
    )
    list_display = ("name", "community", "term_starts_on", "term_ends_on", "seat_total", "liaison")
    list_select_related = ("community",)
    list_filter = (community_filter("community_id"),)
    search_fields = ("name",)
    readonly_fields = ("seat_table", "print_link")
    fieldsets = (
        (None, {"fields": ("community", "name", "term_starts_on", "term_ends_on", "liaison")}),
        (
            "代表席位（结构席位制）",
            {
                "fields": (
                    "seats_direct",
                    "seats_regional_org",
                    "seats_in_service",
                    "seats_floating",
                ),
                "description": (
                    f"代表总数不超过{settings.MEMBERS_CONGRESS_MAX_SEATS}名；默认社区直管党员"
                    f"{settings.MEMBERS_CONGRESS_SEATS['direct']}名、区域内党组织"
                    f"{settings.MEMBERS_CONGRESS_SEATS['regional_org']}名、居住在辖区的在职党员"
                    f"{settings.MEMBERS_CONGRESS_SEATS['in_service']}名、流动党员"
                    f"{settings.MEMBERS_CONGRESS_SEATS['floating']}名。"
                ),
            },
        ),
        ("今日席位", {"fields": ("seat_table", "print_link")}),
    )

    @admin.display(description="席位数")
    def seat_total(self, conference: DelegateConference) -> int:
        return sum(conference.seats.values())

    @admin.display(description="在任代表与空缺席位")
    def seat_table(self, conference: DelegateConference) -> SafeString | str:
        if conference.pk is None:
            return "—"
        table = selectors.seat_table(conference, timezone.localdate())
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    g.label,
                    g.seats,
                    "、".join(d.member.name for d in g.seated) or "—",
                    format_html('<span class="flag-on">{}</span>', g.vacant) if g.vacant else 0,
                    "、".join(
                        f"{d.member.name}（{d.left_label}，{d.left_on:%Y-%m-%d}）" for d in g.left
                    )
                    or "—",
                )
                for g in table.groups
            ),
        )
        return format_html(
            "<table><tr><th>席位类别</th><th>席位</th><th>在任代表</th><th>空缺</th>"
            "<th>已离任</th></tr>{}</table>",
            rows,
        )

    @admin.display(description="代表名单")
    def print_link(self, conference: DelegateConference) -> SafeString | str:
        if conference.pk is None:
            return "—"
        url = print_url(DELEGATE_LIST, conference=conference.pk)
        return format_html('<a href="{}" target="_blank">打印代表名单（A4 PDF）</a>', url)


class NomineeForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.delegate_nominee_errors(instance)

    class Meta:
        model = DelegateNominee
        fields = ("member", "votes")


class NomineeFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """All the nominees of the page together: no more elected than the vacant seats."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or not getattr(self.instance, "conference_id", None):
            return
        votes = [
            form.cleaned_data["votes"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("votes") is not None
        ]
        if error := services.election_overflow_errors(self.instance, votes):
            raise ValidationError(error)


class NomineeInline(ScopedTabularInline):
    model = DelegateNominee
    form = NomineeForm
    formset = NomineeFormSet
    extra = 1
    fields = ("member", "votes", "elected", "departure")
    readonly_fields = ("elected", "departure")
    autocomplete_fields = ("member",)
    verbose_name_plural = "候选人及得票（得票超过参加投票人数的一半始得当选，恰好半数不当选）"

    def get_queryset(self, request: HttpRequest) -> Any:
        # The election is scoped already.
        return UnfoldTabularInline.get_queryset(self, request).select_related("member", "election")

    @admin.display(description="当选")
    def elected(self, nominee: DelegateNominee) -> str:
        if nominee.pk is None:
            return "—"
        return "当选" if nominee.is_elected else "未当选"

    @admin.display(description="离任")
    def departure(self, nominee: DelegateNominee) -> str:
        if nominee.left_on is None:
            return "—"
        return f"{nominee.get_left_reason_display()}（{nominee.left_on:%Y-%m-%d}）"


@admin.register(DelegateElection)
class DelegateElectionAdmin(ScopedHistoryAdmin):
    model_services = Services(
        "election", services.delegate_election_save, services.delegate_election_delete
    )
    inlines = [NomineeInline]
    inline_services = {
        DelegateNominee: Services(
            "nominee", services.delegate_nominee_save, services.delegate_nominee_delete
        )
    }
    list_display = ("held_on", "conference", "group", "is_by_election", "voters")
    list_select_related = ("conference",)
    list_filter = ("group", "is_by_election", community_filter("conference__community_id"))
    search_fields = ("conference__name", "nominees__member__name")
    fields = ("conference", "group", "held_on", "is_by_election", "voters", "note")


class DepartureForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.delegate_departure_errors(instance)

    class Meta:
        model = DelegateNominee
        fields = ("left_on", "left_reason", "left_note")


@admin.register(DelegateNominee)
class DelegateNomineeAdmin(SpreadsheetAdminMixin, ImportExportMixin, ScopedHistoryAdmin):  # type: ignore[misc]
    """The delegates and nominees of every election: the departure a secretary records (迁出,
    调离, 去世, 辞去, with its date: the seat is vacant from that day), and the spreadsheet of the
    elections (导入/导出). A nominee is added and removed on its election's page."""

    form = DepartureForm
    resource_classes = [DelegateResource]
    model_services = Services("nominee", services.delegate_departure_save)
    list_display = (
        "member", "conference", "group", "held_on", "votes", "elected", "left_on", "left_reason"
    )  # fmt: skip
    list_select_related = ("member", "election", "election__conference")
    list_filter = (
        "election__group",
        "left_reason",
        community_filter("election__conference__community_id"),
    )
    search_fields = ("member__name", "election__conference__name")
    readonly_fields = ("election", "member", "votes", "elected")
    fieldsets = (
        (None, {"fields": ("election", "member", "votes", "elected")}),
        (
            "离任登记",
            {
                "fields": ("left_on", "left_reason", "left_note"),
                "description": (
                    "代表迁出本社区、调离、去世或辞去代表职务时登记离任日期和原因：自该日起席位空缺，"
                    "待补选。组织关系转出和报到登记的迁出由其记录自动计算，无需在此登记。"
                ),
            },
        ),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # on the election's page, or by the import

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # on the election's page

    def may_see_personal_data(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(PERSONAL_DATA_PERMISSION))

    def personal_fields(self) -> dict[str, Any]:
        """The import's preview masks the citizen ID (kit.admin.SpreadsheetAdminMixin)."""
        return {"member__citizen_id": mask_citizen_id}

    @admin.display(description="党员代表会议", ordering="election__conference__name")
    def conference(self, nominee: DelegateNominee) -> str:
        return nominee.election.conference.name

    @admin.display(description="席位类别")
    def group(self, nominee: DelegateNominee) -> str:
        return nominee.election.get_group_display()

    @admin.display(description="选举日期", ordering="election__held_on")
    def held_on(self, nominee: DelegateNominee) -> Any:
        return nominee.election.held_on

    @admin.display(description="当选")
    def elected(self, nominee: DelegateNominee) -> str:
        return "当选" if nominee.is_elected else "未当选"


class RegionalMemberForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.regional_branch_member_errors(instance)

    class Meta:
        model = RegionalBranchMember
        fields = ("role", "name", "member", "organization_name", "votes", "is_secretary")


class RegionalMemberFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """All the members of the page together: the composition's numbers by role and in all."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        roles = [
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if error := services.regional_roles_error(roles):
            raise ValidationError(error)


class RegionalMemberInline(ScopedTabularInline):
    model = RegionalBranchMember
    form = RegionalMemberForm
    formset = RegionalMemberFormSet
    extra = 0
    fields = ("role", "name", "member", "organization_name", "votes", "is_secretary")
    autocomplete_fields = ("member",)
    verbose_name_plural = (
        "成员（社区书记、副书记、组织委员、重点驻区域党组织党员代表3人、在职党员代表1人）"
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return UnfoldTabularInline.get_queryset(self, request).select_related("member")


class RegionalBranchForm(ServiceCheckedForm):
    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.regional_branch_errors(instance)

    class Meta:
        model = RegionalBranch
        fields = ("conference", "name", "elected_on", "term_ends_on", "voters", "secretary_reason")


@admin.register(RegionalBranch)
class RegionalBranchAdmin(ScopedHistoryAdmin):
    form = RegionalBranchForm
    model_services = Services(
        "regional_branch", services.regional_branch_save, services.regional_branch_delete
    )
    inlines = [RegionalMemberInline]
    inline_services = {
        RegionalBranchMember: Services(
            "member", services.regional_branch_member_save, services.regional_branch_member_delete
        )
    }
    list_display = ("name", "conference", "elected_on", "term_ends_on", "voters")
    list_select_related = ("conference",)
    list_filter = (community_filter("conference__community_id"),)
    search_fields = ("name", "members__name")
    readonly_fields = ("composition",)
    fields = (
        "conference",
        "name",
        "elected_on",
        "term_ends_on",
        "voters",
        "secretary_reason",
        "composition",
    )

    @admin.display(description="成员构成")
    def composition(self, branch: RegionalBranch) -> str:
        if branch.pk is None:
            return "—"
        gaps = selectors.regional_branch_gaps(
            branch,
            settings.MEMBERS_REGIONAL_BRANCH_COMPOSITION,
            settings.MEMBERS_REGIONAL_BRANCH_SIZE,
        )
        return gaps or f"{settings.MEMBERS_REGIONAL_BRANCH_SIZE}名成员齐全。"
