"""Admin of the feedback cards for the community: rate a card, send the rated ones to the units,
see each unit's acknowledgement and comment. Cards are made by the periodic task or
`python manage.py feedback_cards`, never added by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from kit.admin import ScopedHistoryAdmin, Services, run_service_action
from kit.periods import period_text

from ..feedback import services
from ..models import FeedbackCard, FeedbackStatus
from ..models.feedback import RATING_FIELDS

PREFILLED = (
    "member",
    "period_label",
    "community",
    "unit",
    "unit_organization",
    "is_section_level_cadre",
    "posts",
    "activity_summary",
    "deeds",
    "assembly_text",
    "attendance_text",
)
ACKNOWLEDGEMENT = (
    "status",
    "sent_at",
    "sent_by",
    "acknowledged_at",
    "acknowledged_by",
    "unit_comment",
)


class PeriodFilter(admin.SimpleListFilter):
    """The cards' periods as people read them (2026年下半年); the code stays in the address."""

    title = "期间"
    parameter_name = "period"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = model_admin.get_queryset(request).order_by().values_list("period", flat=True)
        codes = codes.distinct()
        return [(code, period_text(code)) for code in sorted(set(codes), reverse=True)]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(period=self.value()) if self.value() else queryset


class FeedbackCardForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FeedbackCard
        fields = (*RATING_FIELDS, "community_comment")
        widgets = dict.fromkeys(RATING_FIELDS, forms.RadioSelect)


@admin.register(FeedbackCard)
class FeedbackCardAdmin(ScopedHistoryAdmin):
    form = FeedbackCardForm
    model_services = Services("card", services.feedback_card_save)
    list_display = (
        "member",
        "period_label",
        "community",
        "unit_organization",
        "is_section_level_cadre",
        "activity_count",
        "rated",
        "status",
        "acknowledged_at",
        "unit_comment_short",
    )
    list_select_related = ("member", "community", "unit_organization")
    list_filter = ("status", PeriodFilter, "is_section_level_cadre")
    search_fields = ("member__name", "unit__name")
    actions = ["send"]
    fieldsets = (
        ("预填信息", {"fields": PREFILLED}),
        ("社区评价", {"fields": (*RATING_FIELDS, "community_comment")}),
        ("单位签收", {"fields": ACKNOWLEDGEMENT}),
    )
    readonly_fields = (*PREFILLED, *ACKNOWLEDGEMENT)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != FeedbackStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="期间", ordering="period")
    def period_label(self, card: FeedbackCard) -> str:
        return period_text(card.period)

    @admin.display(description="已评价", boolean=True)
    def rated(self, card: FeedbackCard) -> bool:
        return card.is_rated

    @admin.display(description="单位意见")
    def unit_comment_short(self, card: FeedbackCard) -> str:
        text = card.unit_comment
        return text if len(text) <= 30 else f"{text[:30]}…"

    @admin.display(description="参加社区活动")
    def activity_summary(self, card: FeedbackCard) -> str:
        return card.activity_summary

    @admin.display(description="在职党员大会")
    def assembly_text(self, card: FeedbackCard) -> str:
        return card.assembly_text or "本期未召开"

    @admin.display(description="组织生活")
    def attendance_text(self, card: FeedbackCard) -> str:
        return card.attendance_text

    @admin.action(description="将所选反馈卡送达单位党组织", permissions=["change"])
    def send(self, request: HttpRequest, queryset: Any) -> None:
        run_service_action(
            self,
            request,
            queryset.select_related("member"),
            services.feedback_card_send,
            entity="card",
            done_message="已将{n}张反馈卡送达单位党组织。",
            label=lambda card: f"{card.member}（{period_text(card.period)}）",
        )
