"""The organization-aware admin parts: the organization filter, the documents' admin (PDF台账),
the beat schedules and the second-factor devices (the domain-free admin kit is kit/admin.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import Http404, HttpRequest
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.contrib.filters.forms import AutocompleteDropdownForm

from kit.admin import FilterAutocomplete, ScopedAdmin

from .twofactor import register_device_admin as _register_device_admin


# the filter's kinds (organizations/admin.py); a form's autocomplete offers those the user manages.
class OrganizationFilter(admin.SimpleListFilter):
    """An organization the rows belong to (through `field`), among the organizations of `kinds`
    the user may see. Subclasses set `field`, and `title` / `kinds` where they differ.

    A branch or community sees a handful: one link each, one click. A sub-district sees
    thousands, and a link per organization was most of a list page's time (8,000 links, 0.5-1 s):
    above PICKER_ABOVE the filter is a typed picker (the admin's autocomplete over the
    organizations the user manages) in the filter form. The URL parameter is the same in both."""

    title = "党支部"
    parameter_name = "branch"
    field = "branch_id"
    kinds: tuple[str, ...] = ("branch", "unit_org")
    PICKER_ABOVE = 30
    form_class = AutocompleteDropdownForm  # unfold's admin adds its Media (select2) to the page
    needs_submit_button = True  # kit.admin.ScopedAdmin: a picker is applied with the button

    def __init__(self, request: HttpRequest, params: Any, model: Any, model_admin: Any) -> None:
        self.request, self.model, self.model_admin = request, model, model_admin
        super().__init__(request, params, model, model_admin)
        self.is_picker = len(self.lookup_choices) > self.PICKER_ABOVE
        if self.is_picker:
            self.lookup_choices = []
            self.template = "unfold/filters/filters_field.html"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        found = self.organizations().order_by("code").values_list("pk", "name")
        listed = [(str(pk), name) for pk, name in found[: self.PICKER_ABOVE + 1]]
        return listed

    def organizations(self) -> Any:
        from organizations.models import Organization

        return Organization.objects.visible_to(self.request.user).filter(kind__in=self.kinds)

    def has_output(self) -> bool:
        return self.is_picker or super().has_output()

    def choices(self, changelist: Any) -> Any:
        if not self.is_picker:
            yield from super().choices(changelist)
            return
        yield {"form": self.picker_form()}

    def picker_form(self) -> forms.Form:
        from django.contrib.admin.utils import get_fields_from_path

        source = get_fields_from_path(self.model, self.field.removesuffix("_id"))[-1]
        form = forms.Form(data={self.parameter_name: self.value()})
        form.fields[self.parameter_name] = forms.ModelChoiceField(
            label=self.title,
            required=False,
            queryset=self.organizations(),  # the chosen one is shown only if the user sees it
            widget=FilterAutocomplete(
                source,
                self.model_admin.admin_site,
                self.kinds,
                attrs={"class": "unfold-filter-autocomplete"},
            ),
        )
        return form

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        if value and not value.isdigit():
            return queryset.none()
        return queryset.filter(**{self.field: value}) if value else queryset


# --- PDF台账: every app's background documents ----------------------------------------------------
def _register_document_admin() -> None:
    from django.http import FileResponse
    from django.shortcuts import get_object_or_404
    from django.urls import path, reverse
    from django.utils.html import format_html

    from .models import Document, DocumentStatus

    @admin.register(Document)
    class DocumentAdmin(ScopedAdmin):
        list_display = (
            "kind_label", "organization", "status", "progress_bar", "created_at", "download",
        )  # fmt: skip
        list_filter = ("status",)
        list_select_related = ("organization",)
        readonly_fields = (
            "kind_label", "organization", "requested_by", "status", "progress", "error",
            "created_at", "finished_at",
        )  # fmt: skip
        fields = readonly_fields

        def has_add_permission(self, request: HttpRequest) -> bool:
            return False

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        @admin.display(description="台账")
        def kind_label(self, document: Document) -> str:
            return document.kind_label

        @admin.display(description="进度")
        def progress_bar(self, document: Document) -> str:
            return format_html(
                '<progress max="100" value="{}">{}%</progress> {}%',
                document.progress,
                document.progress,
                document.progress,
            )

        @admin.display(description="下载")
        def download(self, document: Document) -> str:
            if document.status != DocumentStatus.DONE:
                return document.get_status_display()
            url = reverse("admin:common_document_download", args=[document.token])
            return format_html('<a href="{}">下载PDF</a>', url)

        def get_urls(self) -> list[Any]:
            from .printables import print_view

            view = self.admin_site.admin_view(self.download_view)
            # Every printable, made now or queued (common/printables.py).
            printer = self.admin_site.admin_view(print_view)
            return [
                path("<uuid:token>/download/", view, name="common_document_download"),
                path("print/<slug:name>/", printer, name="common_document_print"),
                *super().get_urls(),
            ]

        def download_view(self, request: HttpRequest, token: Any) -> FileResponse:
            """The requester, or a user whose kind's permission and scope cover the document
            (Document.objects.visible_to); anyone else gets a 404."""
            found = self.get_queryset(request)
            document = get_object_or_404(found, token=token, status=DocumentStatus.DONE)
            return document_file_response(document)


def document_file_response(document: Any) -> Any:
    """The document's file as an attachment under its Chinese name (it is stored under a random
    one); 404 when it has no file."""
    from django.http import FileResponse

    from .documents import document_filename

    if not document.file:
        raise Http404("文件尚未生成。")
    name = document_filename(document)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


_register_document_admin()


# --- django-celery-beat's admins in the theme (its schedules are edited in the admin) ----------
def _register_beat_admins() -> None:
    from django_celery_beat import admin as beat_admin
    from django_celery_beat import models as beat
    from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

    class TaskSelectWidget(UnfoldAdminSelectWidget, beat_admin.TaskSelectWidget):
        pass

    class PeriodicTaskForm(beat_admin.PeriodicTaskForm):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["task"].widget = UnfoldAdminTextInputWidget()
            self.fields["regtask"].widget = TaskSelectWidget()

    class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin, UnfoldModelAdmin):  # type: ignore[misc]
        form = PeriodicTaskForm

    themed = {
        beat.PeriodicTask: PeriodicTaskAdmin,
        beat.ClockedSchedule: type(
            "ClockedScheduleAdmin", (beat_admin.ClockedScheduleAdmin, UnfoldModelAdmin), {}
        ),
        beat.CrontabSchedule: type(
            "CrontabScheduleAdmin", (beat_admin.CrontabScheduleAdmin, UnfoldModelAdmin), {}
        ),
        beat.SolarSchedule: type(
            "SolarScheduleAdmin", (beat_admin.SolarScheduleAdmin, UnfoldModelAdmin), {}
        ),
        beat.IntervalSchedule: type(
            "IntervalScheduleAdmin", (beat_admin.IntervalScheduleAdmin, UnfoldModelAdmin), {}
        ),
    }
    for model, model_admin in themed.items():
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, model_admin)


_register_beat_admins()


# django-otp's TOTPDevice admin, restricted (common/twofactor.py).
_register_device_admin(admin.site)
