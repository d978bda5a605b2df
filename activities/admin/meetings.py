"""Admin of meetings (with their pre-filled attendance), the compliance page, notifications.

Saving a meeting: the meeting's own fields are validated with its attendance as posted (so that
"no decisions without a quorum" is said on the form, at once), the attendance is written
through activities.services, then the meeting is recounted and says whether it counts as held.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from import_export.admin import ImportExportMixin

from common.admin import MEETING_HOLDER_KINDS, organization_filter
from common.printables import print_url
from kit.admin import (
    ReadOnlyAdminMixin,
    ScopedAdmin,
    ScopedHistoryAdmin,
    ScopedTabularInline,
    ServiceCheckedForm,
    Services,
    SpreadsheetAdminMixin,
    choice_filter,
    problem_flag,
)
from organizations.models import Organization
from organizations.scope import narrowed
from organizations.selectors import supervised_sub_districts

from .. import services
from ..dashboard import compliance_summary, compliance_totals, compliance_trend
from ..models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingAttachment,
    MeetingSource,
    Notification,
)
from ..printables import AS_OF_FIRST, AS_OF_LAST, COMPLIANCE, MEETING_RECORD, SIGN_IN_SHEET
from ..resources import MeetingLedgerResource
from ..rules import Counts, MeetingKind, Status, attendance_counts
from ..selectors import compliance as compliance_selectors
from ..views import sign_in
from .attendance import AttendanceOnAddMixin, render_rows

MEETING_ORGANIZATION = organization_filter(
    "organization_id", title="党组织", kinds=MEETING_HOLDER_KINDS, parameter="organization"
)


# "Counts as held" is MeetingQuerySet.held(), the rule the compliance page counts by.
HELD = choice_filter(
    "是否有效",
    "held",
    {
        "yes": ("已召开（达到法定人数）", "held"),
        "no": ("未达到法定人数", "not_quorate"),
        "planned": ("计划中", "planned"),
    },
)


class MeetingForm(AttendanceOnAddMixin, ServiceCheckedForm):
    """A new meeting is recorded with its attendance (activities/admin/attendance.py)."""

    class Meta:
        model = Meeting
        fields = "__all__"

    def service_errors(self, instance: Any) -> dict[str, str]:
        errors = services.meeting_errors(instance)
        held_for = self.cleaned_data.get("held_for")
        ready = instance.organization_id and instance.kind
        if ready and (error := services.held_for_error(instance, held_for)):
            errors.setdefault("held_for", error)
        if ready and instance.held_on and not errors:
            errors.update(self.attendance_errors(instance))
        return errors


def _meeting_arguments(form: Any, formsets: list[Any]) -> dict[str, Any]:
    return dict(form.service_arguments())


class AttendanceFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Checks the decisions against the attendance as posted: a meeting without its quorum is
    recorded as not held and no decision is recorded on it."""

    def clean(self) -> None:
        super().clean()
        meeting = self.instance
        if any(self.errors) or meeting.pk is None or meeting.source != MeetingSource.RECORDED:
            return
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            is_guest = data.get("is_guest", form.instance.is_guest)
            discipline = data.get("under_discipline", form.instance.under_discipline)
            has_vote = form.instance.has_vote and not is_guest and not discipline
            rows.append((data.get("status", form.instance.status), is_guest, has_vote))
        if error := services.decisions_error(meeting, attendance_counts(rows)):
            raise ValidationError(error)


class AttendanceForm(ServiceCheckedForm):
    """Who may be excused is checked on the row, with its meeting (services.excused_error)."""

    class Meta:
        model = Attendance
        fields = "__all__"

    def service_errors(self, instance: Any) -> dict[str, str]:
        if instance.meeting_id is None:
            return {}
        return services.attendance_errors(instance)


class AttendanceInline(ScopedTabularInline):
    model = Attendance
    form = AttendanceForm
    formset = AttendanceFormSet
    extra = 0
    # Added rows are guests by name (列席); members come from the pre-filled list or QR sign-in.
    fields = (
        "name", "status", "reason", "is_guest", "under_discipline", "has_vote", "material_sent",
        "signed_in_at",
    )  # fmt: skip
    readonly_fields = ("has_vote", "signed_in_at")
    verbose_name_plural = "出席情况（“全部出席”后逐人修改请假、缺席）"

    class Media:
        js = ("kit/fetched_list.js", "activities/attendance.js")  # its "全部出席" button
        css = {"all": ("activities/attendance.css",)}


class AttachmentInline(ScopedTabularInline):
    model = MeetingAttachment
    extra = 1
    fields = ("file", "caption", "is_photo")
    verbose_name_plural = "照片和附件"


@admin.register(Meeting)
class MeetingAdmin(SpreadsheetAdminMixin, ImportExportMixin, ScopedHistoryAdmin):  # type: ignore[misc]
    form = MeetingForm
    resource_classes = [MeetingLedgerResource]
    # A change is saved after its attendance, so the quorum is checked against what was marked.
    model_services = Services(
        "meeting",
        services.meeting_save,
        services.meeting_delete,
        arguments=_meeting_arguments,
        after_inlines=True,
    )
    inline_services = {
        Attendance: Services("attendance", services.attendance_save, services.attendance_delete),
        MeetingAttachment: Services(
            "attachment", services.meeting_attachment_save, services.meeting_attachment_delete
        ),
    }
    change_list_template = "admin/activities/meeting/change_list.html"
    list_display = (
        "held_on", "organization", "kind", "topic", "counts", "held_flag", "source", "printables",
    )  # fmt: skip
    list_filter = ("kind", HELD, MEETING_ORGANIZATION, "source")
    list_select_related = ("organization",)
    search_fields = ("topic", "organization__name", "organization__code", "host")

    def search_label(self, meeting: Meeting) -> str:
        """A meeting in the record search (common/search.py): date, organization, kind, topic."""
        return f"{meeting}：{meeting.topic}"

    # No date_hierarchy: its year links took 0.7 s of a sub-district's list of 500,000 meetings
    # (bench/bench_pages.py); the compliance page is where a year is looked at.
    autocomplete_fields = ("organization", "held_for")
    # Newest first by the (held_on, kind) index; the model's ordering by organization code sorted
    # a sub-district's 500,000 meetings on every page.
    ordering = ("-held_on", "-pk")
    readonly_fields = ("quorum_status", "excused_list", "qr_sign_in")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        basics = ["organization", "kind", "held_for", "held_on", "starts_at", "ends_at", "place"]
        basics += ["host", "recorder", "topic"]
        content = ["agenda", "minutes", "decisions"]
        screening = ("电化教育（三簿一册）", {"fields": SCREENING_FIELDS, "classes": ["collapse"]})
        if obj is None:
            attendance = ["attendance", "present_names"]
            return [
                (None, {"fields": basics}),
                ("出席情况（选择党组织、类型和日期后列出应到名单）", {"fields": attendance}),
                ("会议内容", {"fields": content}),
                screening,
            ]
        counted = ["quorum_status"]
        if obj.source == MeetingSource.IMPORTED:
            counted = ["expected_count", "present_count", "leave_count", *counted]
        else:
            counted += ["excused_list", "qr_sign_in"]
        shown = [screening] if obj.kind == MeetingKind.SCREENING else []
        return [
            (None, {"fields": basics}),
            ("会议内容", {"fields": content}),
            *shown,
            ("出席统计", {"fields": counted}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if obj is None else [*readonly, "organization", "kind"]

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or obj.source == MeetingSource.IMPORTED:
            return [AttachmentInline] if obj is not None else []
        return [AttendanceInline, AttachmentInline]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("held_on", timezone.localdate())
        return initial

    # --- saving: the meeting after its attendance (model_services) ------------------------------
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        meeting = form.instance
        services.meeting_held_for_default(meeting)  # none named: all the branches below
        self._say_held(request, meeting, change)

    def _say_held(self, request: HttpRequest, meeting: Meeting, change: bool) -> None:
        if not change and meeting.source == MeetingSource.RECORDED:
            self.message_user(
                request,
                f"已登记{meeting.attendances.count()}人的出席情况：应到{meeting.expected_count}人、"
                f"实到{meeting.present_count}人、请假{meeting.leave_count}人。",
                messages.INFO,
            )
        if not meeting.is_quorate and not meeting.is_planned:
            rows = meeting.attendances.values_list("status", "is_guest", "has_vote")
            counts = attendance_counts(rows)
            if meeting.source == MeetingSource.IMPORTED:
                counts = Counts(meeting.expected_count, meeting.present_count, meeting.leave_count)
            message = services.quorum_error(meeting, counts) or "会议未达到法定人数。"
            self.message_user(request, message, messages.WARNING)

    # --- columns ------------------------------------------------------------------------------
    @admin.display(description="应到/实到/请假")
    def counts(self, meeting: Meeting) -> str:
        return f"{meeting.expected_count}/{meeting.present_count}/{meeting.leave_count}"

    @admin.display(description="是否有效", ordering="is_quorate")
    def held_flag(self, meeting: Meeting) -> str:
        if meeting.is_planned:
            return "计划中"
        return problem_flag(not meeting.is_quorate, "未达到法定人数，不计入已召开") or "有效"

    @admin.display(description="打印")
    def printables(self, meeting: Meeting) -> str:
        links = [(SIGN_IN_SHEET, "签到表"), (MEETING_RECORD, "会议记录")]
        return format_html_join(
            " ",
            '<a href="{}">{}</a>',
            ((print_url(name, meeting=meeting.pk), label) for name, label in links),
        )

    @admin.display(description="法定人数")
    def quorum_status(self, meeting: Meeting) -> str:
        counts = f"应到{meeting.expected_count}人、实到{meeting.present_count}人、请假{meeting.leave_count}人"
        if meeting.is_planned:
            return f"计划中（{counts}）"
        if meeting.is_quorate:
            return f"{counts}：有效，计入已召开。"
        return format_html("{}：{}", counts, problem_flag(True, "未达到法定人数，记为未召开"))

    @admin.display(description="免于参加、会后送学的党员")
    def excused_list(self, meeting: Meeting) -> str:
        rows = list(meeting.attendances.all())
        excused = [a.name for a in rows if a.status == AttendanceStatus.EXCUSED]
        sent = [a.name for a in rows if a.material_sent]
        parts = []
        if excused:
            parts.append(f"免于参加（不计应到）：{'、'.join(excused)}")
        if sent:
            parts.append(f"会后送学上门（另行记录，不计入实到）：{'、'.join(sent)}")
        return "；".join(parts) if parts else "无"

    @admin.display(description="扫码签到（可选）")
    def qr_sign_in(self, meeting: Meeting) -> str:
        url = reverse("admin:activities_meeting_qr", args=[meeting.pk])
        return format_html(
            '<img src="{}" alt="签到二维码" width="160" height="160"><br>'
            "党员可在会议时间内扫码登记本人出席；不强制扫码，纸质签到表同样有效。",
            url,
        )

    # --- pages --------------------------------------------------------------------------------
    def has_export_permission(self, request: HttpRequest) -> bool:
        """The export lists what the list shows: the model's view permission, then the scope
        (django-import-export's export reads the change list's scoped queryset)."""
        return bool(self.has_view_permission(request))

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("compliance/", wrap(self.compliance_view), name="activities_meeting_compliance"),
            path("<int:pk>/qr.svg", wrap(self.qr_view), name="activities_meeting_qr"),
            path("expected/", wrap(self.expected_view), name="activities_meeting_expected"),
            # A member (not staff) signs in here, logged in through the portal: no admin_view.
            path("sign-in/<str:token>/", sign_in, name="activities_meeting_sign_in"),
            *super().get_urls(),
        ]

    def _meeting(self, request: HttpRequest, pk: int) -> Meeting:
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_queryset(request).select_related("organization")
        return get_object_or_404(queryset, pk=pk)

    def expected_view(self, request: HttpRequest) -> HttpResponse:
        """The add page's attendance list for the organization, kind and date asked: only an
        organization the user may record meetings of."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request)(initial=request.GET.dict())
        return HttpResponse(render_rows(form.fields["attendance"].widget.listed))

    def qr_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        from ..reports import sign_in_qr_svg

        meeting = self._meeting(request, pk)
        return HttpResponse(sign_in_qr_svg(request, meeting), content_type="image/svg+xml")

    def compliance_view(self, request: HttpRequest) -> HttpResponse:
        """会议落实情况: the secretary's status of each organization in scope, on screen (a page
        of organizations at a time; the counts of all of them kept until the data changes); its
        export is the printable meeting_compliance (activities/printables.py)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        year, as_of = _year(request), _as_of(request)
        sub_districts = supervised_sub_districts(request.user)
        sub_district = _sub_district(request, sub_districts)
        # A district officer's view of one sub-district: their scope narrowed to it.
        user = narrowed(request.user, sub_district.pk) if sub_district else request.user
        status = request.GET.get("status", "")
        status = status if status in _COUNTED else ""
        if sub_districts and sub_district is None:
            listing = _district_listing(user, sub_districts, year, as_of, status)
        else:
            listing = _organization_listing(user, year, as_of, status, request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{sub_district.name if sub_district else ''}三会一课落实情况"
            f"（{year}年，截至{as_of:%Y-%m-%d}）",
            "export_url": print_url(
                COMPLIANCE,
                period=year,
                as_of=f"{as_of:%Y-%m-%d}",
                organization=sub_district.pk if sub_district else None,
            ),
            "sub_districts": sub_districts,
            "sub_district": sub_district,
            "opts": self.model._meta,
            "year": year,
            "as_of": as_of,
            "status": status,
            "statuses": [(s.value, s.label) for s in Status] + [(DUE, DUE_LABEL)],
            "due_label": DUE_LABEL,
            **listing,
            "trend": _trend(compliance_trend(user, year, as_of)),
            "targets": (
                settings.ACTIVITIES_ATTENDANCE_TARGET,
                settings.ACTIVITIES_IN_SERVICE_TARGET,
            ),
        }
        return TemplateResponse(request, "admin/activities/meeting/compliance.html", context)


def _organization_listing(
    user: Any, year: int, as_of: dt.date, status: str, page_number: str | None
) -> dict[str, Any]:
    """The organizations of the user's scope with rows of `status` (all without one), a page of
    them with their rows: their counts from the kept summary, the page's 50 computed."""
    summary = compliance_summary(user, year, as_of)
    listed = [s for s in summary if _counted(s, status) or not status]
    page = Paginator(listed, COMPLIANCE_PER_PAGE).get_page(page_number)
    # The page's organizations by id: the summary holds only organizations of the scope (the
    # scope's id list is not written into the page's queries again).
    on_page = Organization.objects.filter(pk__in=[s.pk for s in page])
    entries = compliance_selectors.compliance_list(on_page, year, as_of)
    return {
        "entries": _shown(entries, status, as_of),
        "page": page,
        "totals": {key: sum(_counted(s, key) for s in summary) for key in _COUNTED},
        "organization_count": len(summary),
        # The rows listed, counted like a change list's (a to-do opens exactly its rows).
        "cl": SimpleNamespace(result_count=sum(_counted(s, status) for s in listed)),
    }


def _district_listing(
    user: Any, sub_districts: list[Organization], year: int, as_of: dt.date, status: str
) -> dict[str, Any]:
    """A district officer's whole district: one row per sub-district, its organizations' counts
    added up (kept per sub-district, beside the summary its own page lists from), each opening
    that sub-district's page; no organization listed (60,000 of them)."""
    rows = []
    for sub_district in sub_districts:
        found = compliance_totals(narrowed(user, sub_district.pk), year, as_of)
        totals = {key: getattr(found, name) for key, name in _COUNTED.items()}
        rows.append(
            SimpleNamespace(sub_district=sub_district, organizations=found.organizations,
                            totals=totals, listed=totals[status] if status else found.organizations)
        )  # fmt: skip
    return {
        "entries": [],
        "district_rows": rows,
        "page": None,
        "totals": {key: sum(row.totals[key] for row in rows) for key in _COUNTED},
        "organization_count": sum(row.organizations for row in rows),
        "cl": SimpleNamespace(
            result_count=sum(row.totals[status] for row in rows) if status else 0
        ),
    }


def _sub_district(request: HttpRequest, sub_districts: list[Organization]) -> Organization | None:
    """The sub-district a district officer chose (`?sub_district=<id>`): one of theirs, or 404."""
    raw = request.GET.get("sub_district", "")
    if not raw:
        return None
    found = next((s for s in sub_districts if str(s.pk) == raw), None)
    if found is None:
        raise Http404("没有这个街道党工委，或不在您的查看范围内。")
    return found


# 电化教育's 三簿一册 fields (a screening's; the roll is its attendance).
SCREENING_FIELDS = ["film_title", "duration_minutes", "discussion", "feedback"]

DUE = "due"
DUE_LABEL = f"{settings.ACTIVITIES_REMINDER_DAYS}天内到期"
COMPLIANCE_PER_PAGE = 50  # organizations a page shows (a sub-district has 6,000)


# A status filter's field of the summary (looked up for each of 6,000 organizations).
_COUNTED = {
    str(Status.DONE): "done",
    str(Status.IN_PROGRESS): "in_progress",
    str(Status.OVERDUE): "overdue",
    DUE: "due_soon",
}


def _counted(summary: compliance_selectors.ComplianceSummary, status: str) -> int:
    """How many of an organization's rows a status filter lists (0 for no or an unknown one)."""
    name = _COUNTED.get(status)
    return int(getattr(summary, name)) if name else 0


def _shown(
    entries: list[compliance_selectors.OrganizationCompliance], status: str, as_of: dt.date
) -> list[compliance_selectors.OrganizationCompliance]:
    """The organizations with rows of `status` (or due within the reminder days), each with
    those rows in `shown`; all of them, with all their rows, without a status."""
    days = settings.ACTIVITIES_REMINDER_DAYS
    for entry in entries:
        if status == DUE:
            entry.shown = [r for r in entry.rows if compliance_selectors.is_due(r, as_of, days)]
        elif status in Status.values:
            entry.shown = [row for row in entry.rows if row.status == status]
        else:
            entry.shown = list(entry.rows)
        entry.shown_html = _rows_html(entry.shown)
    if status == DUE or status in Status.values:
        return [entry for entry in entries if entry.shown]
    return entries


def _rows_html(rows: list[compliance_selectors.ComplianceRow]) -> str:
    """An organization's rows as table rows: 50 organizations of a few dozen rows each, drawn
    here (each value escaped) rather than by the template engine, which took most of the
    page's time."""
    if not rows:
        return mark_safe('<tr><td colspan="5">本年度截至统计日没有应开会议。</td></tr>')  # noqa: S308
    overdue = '<span class="flag-on">⚠ 逾期</span>'
    drawn = (
        f'<tr class="status-{escape(row.status)}"><td>{escape(row.kind.label)}</td>'
        f"<td>{escape(row.period.label)}</td><td>{row.required:d}</td><td>{row.held:d}</td>"
        f"<td>{overdue if row.status == Status.OVERDUE else escape(row.status.label)}</td></tr>"
        for row in rows
    )
    return mark_safe("\n".join(drawn))  # noqa: S308


def _trend(trend: list[tuple[int, int, int | None]]) -> list[tuple[str, int, int, int]]:
    """(month, held, attendance %, bar width %) for the chart: the district's own trend."""
    top = max((held for _, held, _ in trend), default=0) or 1
    return [(f"{m}月", held, rate or 0, round(100 * held / top)) for m, held, rate in trend]


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _as_of(request: HttpRequest) -> dt.date:
    """The 统计日 asked (?as_of=YYYY-MM-DD), else today; one that cannot be read, or lies outside
    the years the system counts, is said in Chinese and today is used instead."""
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return timezone.localdate()
    try:
        found = dt.date.fromisoformat(raw)
    except ValueError:
        messages.warning(request, f"统计日“{raw[:20]}”无法识别，应写作YYYY-MM-DD；已按今天统计。")
        return timezone.localdate()
    if not AS_OF_FIRST <= found <= AS_OF_LAST:
        messages.warning(
            request,
            f"统计日{found:%Y-%m-%d}超出了可统计的范围（{AS_OF_FIRST.year}年至{AS_OF_LAST.year}年）；"
            "已按今天统计。",
        )
        return timezone.localdate()
    return found


# --- notifications ----------------------------------------------------------------------------------
@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, ScopedAdmin):  # type: ignore[misc]
    deletable = True
    list_display = ("created_at", "title", "organization", "read_label", "link")
    list_filter = (("read_at", admin.EmptyFieldListFilter),)
    list_select_related = ("organization",)
    readonly_fields = ("title", "body", "organization", "link", "created_at", "read_at")
    fields = readonly_fields
    actions = ["mark_read"]

    @admin.display(description="状态", ordering="read_at")
    def read_label(self, notification: Notification) -> str:
        return "已读" if notification.read_at else "未读"

    @admin.display(description="去处理")
    def link(self, notification: Notification) -> str:
        return format_html('<a href="{}">查看</a>', notification.url) if notification.url else ""

    @admin.action(description="标记为已读", permissions=["view"])
    def mark_read(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        done = services.notifications_read(
            notifications=queryset.filter(recipient_id=request.user.pk), actor=request.user
        )
        self.message_user(request, f"已将{done}条提醒标记为已读。", messages.SUCCESS)
