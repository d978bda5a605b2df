"""Admin of the daily-work registers (issue 24 points 4 and 5). Every write goes through
members.services.work."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from import_export.admin import ImportExportMixin

from common.admin import branch_filter, community_filter
from kit.admin import (
    ScopedHistoryAdmin,
    ServiceCheckedForm,
    Services,
    SpreadsheetAdminMixin,
    choice_filter,
)
from kit.masking import mask_address

from ..models import (
    DutyPost,
    DutyReview,
    Household,
    Member,
    MemberDeed,
    UnitDeed,
    UnitPledge,
    Visit,
)
from ..models.work import reminded_year
from ..resources_work import (
    DutyPostResource,
    HouseholdResource,
    MemberDeedResource,
    UnitDeedResource,
    VisitResource,
)
from ..services import work as services
from .dual import CommunityDefaultMixin
from .personal import PersonalDataAdminMixin

UNREVIEWED = choice_filter(
    "履职考核", "unreviewed", {"yes": ("上年度未考核", "unreviewed_last_year")}
)
UNVISITED = choice_filter("走访", "unvisited", {"yes": ("近期未走访", "unvisited")})
DEEDS_SHORT = choice_filter("实事", "deeds", {"short": ("本年度实事未完成", "short_of_deeds")})


class DutyPostForm(ServiceCheckedForm):
    class Meta:
        model = DutyPost
        fields = ("member", "title", "duties", "starts_on", "ends_on", "certificate_number")

    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.duty_post_errors(instance)


@admin.register(DutyPost)
class DutyPostAdmin(SpreadsheetAdminMixin, ImportExportMixin, ScopedHistoryAdmin):  # type: ignore[misc]
    resource_classes = [DutyPostResource]
    form = DutyPostForm
    model_services = Services("post", services.duty_post_save, services.duty_post_delete)
    list_display = ("member", "branch", "title", "starts_on", "ends_on", "certificate_number")
    list_select_related = ("member__branch",)
    list_filter = (UNREVIEWED, branch_filter("member__branch_id"))
    search_fields = ("member__name", "title")
    autocomplete_fields = ("member",)
    date_hierarchy = "starts_on"

    @admin.display(description="党支部", ordering="member__branch__code")
    def branch(self, post: DutyPost) -> Any:
        return post.member.branch


@admin.register(DutyReview)
class DutyReviewAdmin(ScopedHistoryAdmin):
    model_services = Services("review", services.duty_review_save, services.duty_review_delete)
    list_display = ("year", "member", "post_title", "grade", "reviewed_on")
    list_select_related = ("post__member",)
    list_filter = ("year", "grade", branch_filter("post__member__branch_id"))
    search_fields = ("post__member__name", "post__title")
    autocomplete_fields = ("post",)
    fields = ("post", "year", "reviewed_on", "grade", "comment")

    @admin.display(description="党员", ordering="post__member__name")
    def member(self, review: DutyReview) -> Member:
        return review.post.member

    @admin.display(description="岗位", ordering="post__title")
    def post_title(self, review: DutyReview) -> str:
        return review.post.title


@admin.register(Household)
class HouseholdAdmin(  # type: ignore[misc]
    SpreadsheetAdminMixin, ImportExportMixin, PersonalDataAdminMixin, ScopedHistoryAdmin
):
    resource_classes = [HouseholdResource]
    model_services = Services("household", services.household_save, services.household_delete)
    list_display = (
        "head_name",
        "list_address",
        "member",
        "contacted_member",
        "starts_on",
        "ends_on",
    )
    list_select_related = ("member", "contacted_member")

    @admin.display(description="住址")
    def list_address(self, household: Household) -> str:
        """Masked on the list for everyone (never sortable: an order is an oracle); in full on
        the household's page for a user with the personal-data permission (logged)."""
        return mask_address(household.address)

    list_filter = (UNVISITED, branch_filter("member__branch_id"))
    search_fields = ("head_name", "member__name")
    autocomplete_fields = ("member", "contacted_member")
    fields = (
        "member",
        "head_name",
        "address",
        "phone",
        "contacted_member",
        "situation",
        "starts_on",
        "ends_on",
    )


class VisitForm(ServiceCheckedForm):
    class Meta:
        model = Visit
        fields = ("visited_on", "visitor", "kind", "household", "member", "notes")

    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.visit_errors(instance)


@admin.register(Visit)
class VisitAdmin(SpreadsheetAdminMixin, ImportExportMixin, ScopedHistoryAdmin):  # type: ignore[misc]
    resource_classes = [VisitResource]
    form = VisitForm
    model_services = Services("visit", services.visit_save, services.visit_delete)
    list_display = ("visited_on", "visitor", "kind", "household", "member")
    list_select_related = ("visitor", "household__member", "member")
    list_filter = ("kind", branch_filter("visitor__branch_id"))
    search_fields = ("visitor__name", "household__head_name", "member__name", "notes")
    autocomplete_fields = ("visitor", "household", "member")
    date_hierarchy = "visited_on"


@admin.register(UnitPledge)
class UnitPledgeAdmin(CommunityDefaultMixin, ScopedHistoryAdmin):
    model_services = Services("pledge", services.unit_pledge_save, services.unit_pledge_delete)
    list_display = ("unit", "community", "starts_on", "ends_on", "deeds_this_year", "note")
    list_select_related = ("unit", "community")
    list_filter = (DEEDS_SHORT, community_filter())
    search_fields = ("unit__name",)
    fields = ("community", "unit", "starts_on", "ends_on", "note")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).with_deeds(reminded_year())

    @admin.display(description="本年度实事（件）", ordering="done")
    def deeds_this_year(self, pledge: UnitPledge) -> str:
        return f"{pledge.done}/{settings.UNIT_DEEDS_PER_YEAR}"  # type: ignore[attr-defined]


@admin.register(UnitDeed)
class UnitDeedAdmin(  # type: ignore[misc]
    SpreadsheetAdminMixin, ImportExportMixin, CommunityDefaultMixin, ScopedHistoryAdmin
):
    resource_classes = [UnitDeedResource]
    model_services = Services("deed", services.unit_deed_save, services.unit_deed_delete)
    list_display = ("done_on", "unit", "community", "title", "beneficiaries")
    list_select_related = ("unit", "community")
    list_filter = (community_filter(),)
    search_fields = ("unit__name", "title")
    date_hierarchy = "done_on"
    fields = ("community", "unit", "done_on", "title", "content", "beneficiaries")


class MemberDeedForm(ServiceCheckedForm):
    class Meta:
        model = MemberDeed
        fields = ("member", "community", "done_on", "title", "content", "beneficiaries")

    def service_errors(self, instance: Any) -> dict[str, str]:
        return services.member_deed_errors(instance)


@admin.register(MemberDeed)
class MemberDeedAdmin(  # type: ignore[misc]
    SpreadsheetAdminMixin, ImportExportMixin, CommunityDefaultMixin, ScopedHistoryAdmin
):
    resource_classes = [MemberDeedResource]
    form = MemberDeedForm
    model_services = Services("deed", services.member_deed_save, services.member_deed_delete)
    list_display = ("done_on", "member", "community", "title", "beneficiaries")
    list_select_related = ("member", "community")
    list_filter = (community_filter(),)
    search_fields = ("member__name", "title")
    autocomplete_fields = ("member",)
    date_hierarchy = "done_on"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "member":
            kwargs["queryset"] = Member.objects.visible_to(request.user).in_service()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
