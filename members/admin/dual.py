"""Admin of 双联双管: campaigns, registrations (with their two-part card), service posts and
claims, activity records (with the yearly card). Every write goes through members.services.dual."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from common.printables import print_url
from kit.admin import ScopedAdmin, ScopedHistoryAdmin, Services, choice_filter, run_service_action
from organizations.models import Organization, Unit

from ..models import (
    ActivityRecord,
    Member,
    PostClaim,
    PostClaimStatus,
    PostKind,
    Registration,
    RegistrationCampaign,
)
from ..printables import ACTIVITY_CARDS
from ..selectors import dual as selectors
from ..services import dual as services
from ..services import member as member_services
from ..services.member import PERSONAL_DATA_PERMISSION
from .personal import PersonalDataAdminMixin


def _editable_communities(user: Any) -> QuerySet[Organization]:
    return Organization.objects.editable_by(user).communities()


class CommunityDefaultMixin:
    """A user who manages one community gets it filled in on new records."""

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)  # type: ignore[misc]
        communities = list(_editable_communities(request.user).values_list("pk", flat=True)[:2])
        if len(communities) == 1:
            initial.setdefault("community", communities[0])
        return initial  # type: ignore[no-any-return]


class MemberPickerMixin(CommunityDefaultMixin):
    """The member field offers in-service members visible to the user; it becomes an
    autocomplete once a Member admin with search fields is registered."""

    def get_autocomplete_fields(self, request: HttpRequest) -> list[str]:
        fields = list(super().get_autocomplete_fields(request))  # type: ignore[misc]
        member_admin = self.admin_site._registry.get(Member)  # type: ignore[attr-defined]
        if member_admin is not None and member_admin.get_search_fields(request):
            fields.append("member")
        return fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "member":
            kwargs["queryset"] = Member.objects.visible_to(request.user).in_service()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


# --- 报到活动 -------------------------------------------------------------------------------------
@admin.register(RegistrationCampaign)
class RegistrationCampaignAdmin(CommunityDefaultMixin, ScopedHistoryAdmin):
    model_services = Services("campaign", services.registration_campaign_save)
    list_display = ("name", "community", "starts_on", "deadline", "registered", "unregistered")
    list_select_related = ("community",)
    search_fields = ("name",)
    fields = ("community", "name", "starts_on", "deadline")
    change_form_template = "admin/members/registrationcampaign/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[RegistrationCampaign]:
        return super().get_queryset(request).annotate(registered_count=Count("registrations"))

    @admin.display(description="已报到人数", ordering="registered_count")
    def registered(self, campaign: RegistrationCampaign) -> int:
        return campaign.registered_count  # type: ignore[attr-defined,no-any-return]

    @admin.display(description="未报到名单")
    def unregistered(self, campaign: RegistrationCampaign) -> str:
        url = reverse("admin:members_registrationcampaign_unregistered", args=[campaign.pk])
        return format_html('<a href="{}">查看</a>', url)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.unregistered_view)
        return [
            path("<int:pk>/unregistered/", view, name="members_registrationcampaign_unregistered"),
            *super().get_urls(),
        ]

    def unregistered_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """未报到名单 as a call list on screen; printed or exported through the printable
        campaign_unregistered. Phones in full for users allowed to see them, and then logged."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = get_object_or_404(self.get_queryset(request), pk=pk)
        groups = selectors.campaign_unregistered_list(campaign=campaign, user=request.user)
        full = request.user.has_perm(PERSONAL_DATA_PERMISSION)
        members = [m for group in groups for m in group.members]
        if full and members:
            member_services.personal_data_access_bulk_record(
                actor=request.user, action="view", members=members,
                detail=f"未报到名单（{campaign.name}，含完整联系电话）",
            )  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{campaign.name}：截至{campaign.deadline:%Y年%m月%d日}未报到的在职党员",
            "campaign": campaign,
            "groups": groups,
            "full_phones": full,
            "total": len(members),
        }
        return TemplateResponse(
            request, "admin/members/registrationcampaign/unregistered.html", context
        )


# --- 报到登记 -------------------------------------------------------------------------------------
class ContactUnitFilter(admin.SimpleListFilter):
    """需联系单位党组织 (001): no activity for half a year, or no report this quarter."""

    title = "需联系单位党组织"
    parameter_name = "contact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        months = settings.IN_SERVICE_INACTIVE_MONTHS
        return [("inactive", f"{months}个月未参加社区活动"), ("not_reported", "本季度未到社区报到")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        today = timezone.localdate()
        if self.value() == "inactive":
            return selectors.registrations_inactive(queryset, today=today)
        if self.value() == "not_reported":
            return selectors.registrations_not_reported(queryset, today=today)
        return queryset


class RegistrationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Registration
        fields = (
            "member",
            "community",
            "campaign",
            "unit",
            "residence",
            "speciality",
            "service_offer",
            "registered_on",
            "receipt_returned_on",
            "ended_on",
            "is_section_level_cadre",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        campaign, community = data.get("campaign"), data.get("community")
        if campaign and community and campaign.community_id != community.pk:
            self.add_error("campaign", "所选报到活动属于其他社区。")
        return data


@admin.register(Registration)
class RegistrationAdmin(MemberPickerMixin, PersonalDataAdminMixin, ScopedHistoryAdmin):
    form = RegistrationForm
    model_services = Services("registration", services.registration_save)
    list_display = (
        "member",
        "unit",
        "unit_party_organization",
        "community",
        "registered_on",
        "receipt_returned",
        "last_activity",
        "contact_flags",
    )
    list_select_related = ("member", "unit__party_organization", "community")
    list_filter = (
        ContactUnitFilter,
        choice_filter("实事", "deeds", {"short": ("本年度实事未完成", "short_of_deeds")}),
        ("unit", admin.RelatedOnlyFieldListFilter),
        ("campaign", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("member__name",)
    date_hierarchy = "registered_on"
    change_form_template = "admin/members/registration/change_form.html"

    def get_queryset(self, request: HttpRequest) -> Any:
        return selectors.registrations_with_last_dates(super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "unit":
            units = Unit.objects.visible_to(request.user).filter(party_organization__isnull=False)
            kwargs["queryset"] = units.order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="单位党组织", ordering="unit__party_organization__name")
    def unit_party_organization(self, registration: Registration) -> str:
        org = registration.unit.party_organization
        return org.name if org else "—"

    @admin.display(description="回执已交回", boolean=True)
    def receipt_returned(self, registration: Registration) -> bool:
        return registration.receipt_returned_on is not None

    @admin.display(description="最近参加活动", ordering="last_activity_on")
    def last_activity(self, registration: Registration) -> str:
        day = getattr(registration, "last_activity_on", None)
        return f"{day:%Y-%m-%d}" if day else "无记录"

    @admin.display(description="提示")
    def contact_flags(self, registration: Registration) -> str:
        return "；".join(selectors.registration_flags(registration)) or "—"


# --- 设岗定责 -------------------------------------------------------------------------------------
@admin.register(PostKind)
class PostKindAdmin(CommunityDefaultMixin, ScopedAdmin):
    """The ten default kinds are read-only except for a superuser; a community adds its own.
    PostKind keeps no history table, hence the plain scoped admin."""

    model_services = Services("kind", services.post_kind_save, services.post_kind_delete)
    list_display = ("name", "scope", "duties")
    list_select_related = ("community",)
    search_fields = ("name",)
    fields = ("name", "community", "duties")

    @admin.display(description="适用范围", ordering="community__name")
    def scope(self, kind: PostKind) -> str:
        return f"{kind.community}增设" if kind.community_id else "全街道通用"

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if not request.user.is_superuser and "community" in form.base_fields:
            form.base_fields["community"].required = True
            form.base_fields["community"].help_text = "本社区增设的岗位。"
        return form


class PostClaimDecision:
    """Runs one decision service over the selected claims and reports each refusal."""

    def __init__(self, service: Callable[..., Any], verb: str) -> None:
        self.service, self.verb = service, verb

    def __call__(self, model_admin: Any, request: HttpRequest, queryset: Any) -> None:
        run_service_action(
            model_admin,
            request,
            queryset.select_related("member", "kind"),
            self.service,
            entity="claim",
            done_message=f"已{self.verb}{{n}}项岗位认领。",
            label=lambda claim: f"{claim.member}（{claim.kind}）",
        )


@admin.register(PostClaim)
class PostClaimAdmin(MemberPickerMixin, ScopedHistoryAdmin):
    model_services = Services("claim", services.post_claim_save)
    list_display = (
        "member",
        "kind",
        "community",
        "status",
        "claimed_on",
        "decided_on",
        "decided_by",
    )
    list_select_related = ("member", "kind", "community", "decided_by")
    list_filter = ("status", ("kind", admin.RelatedOnlyFieldListFilter))
    search_fields = ("member__name", "commitment")
    fields = ("member", "community", "kind", "commitment", "claimed_on")
    readonly_fields = ("status", "decided_on", "decided_by")
    actions = ["approve", "reject"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*self.fields, *self.readonly_fields) if obj else self.fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "kind":
            kwargs["queryset"] = PostKind.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != PostClaimStatus.PENDING:
            return False
        return super().has_change_permission(request, obj)

    approve = admin.action(description="批准所选岗位认领", permissions=["change"])(
        PostClaimDecision(services.post_claim_approve, "批准")
    )
    reject = admin.action(description="不批准所选岗位认领", permissions=["change"])(
        PostClaimDecision(services.post_claim_reject, "退回")
    )


# --- 参与社区活动记录 ------------------------------------------------------------------------------
@admin.register(ActivityRecord)
class ActivityRecordAdmin(MemberPickerMixin, ScopedHistoryAdmin):
    model_services = Services(
        "record", services.activity_record_save, services.activity_record_delete
    )
    list_display = ("date", "member", "community", "kind", "title", "hours", "card_link")
    list_select_related = ("member", "community")
    list_filter = ("kind",)
    search_fields = ("member__name", "title")
    date_hierarchy = "date"
    fields = ("member", "community", "kind", "date", "title", "hours")
    change_form_template = "admin/members/activityrecord/change_form.html"

    @admin.display(description="记录卡")
    def card_link(self, record: ActivityRecord) -> str:
        url = print_url(ACTIVITY_CARDS, records=record.pk)
        return format_html('<a href="{}">{}年记录卡</a>', url, record.date.year)
