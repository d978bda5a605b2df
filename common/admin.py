"""The organization-aware admin parts: the organization filter, the documents' admin (PDF台账),
the beat schedules and the second-factor devices (the domain-free admin kit is kit/admin.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import Http404, HttpRequest
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.contrib.filters.forms import AutocompleteDropdownForm

from kit.admin import FilterAutocomplete, ReadOnlyAdminMixin, ScopedAdmin

from .twofactor import register_device_admin as _register_device_admin


class OrganizationFilter(admin.SimpleListFilter):
    """An organization the rows belong to (through `field`), among the organizations of `kinds`
    the user may see. Made by `organization_filter(field, ...)` (or `branch_filter` /
    `community_filter`), whose `kinds` must be those the field holds.

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


# The kinds each organization field holds: a filter offering other kinds empties the list on
# every choice (tests/test_admin_filters.py walks every admin's filters against its rows).
BRANCH_KINDS = ("branch", "unit_org")
COMMUNITY_KINDS = ("community_committee", "community_general_branch")
MEETING_HOLDER_KINDS = ("branch", "unit_org", "group", *COMMUNITY_KINDS)


def organization_filter(
    field: str,
    *,
    title: str = "党支部",
    kinds: tuple[str, ...] = BRANCH_KINDS,
    parameter: str = "branch",
) -> type[OrganizationFilter]:
    """An OrganizationFilter over `field` (`member__branch_id`), offering the organizations of
    `kinds` the user sees under the URL parameter `parameter`."""
    attrs = {"field": field, "title": title, "kinds": kinds, "parameter_name": parameter}
    name = f"OrganizationFilter_{field.removesuffix('_id').replace('__', '_')}"
    return type(name, (OrganizationFilter,), attrs)


def branch_filter(field: str = "branch_id") -> type[OrganizationFilter]:
    """党支部 (or a unit's party organization without branches): where members are held."""
    return organization_filter(field)


def community_filter(field: str = "community_id") -> type[OrganizationFilter]:
    """社区: a row filed by the community (党务公开, a fund budget or plan)."""
    return organization_filter(field, title="社区", kinds=COMMUNITY_KINDS, parameter="community")


# --- logs of users' traces: their scope declared on the admin --------------------------------------
class UserTraceAdmin(ReadOnlyAdminMixin, ScopedAdmin):  # type: ignore[misc]
    """A log of what users did (django-axes' login attempts) whose model has no QuerySet of ours
    to carry `visible_to`: the admin declares how a row names its user, and a user sees (and, with
    the permission, deletes) the rows of the users in their scope
    (organizations.selectors.users_visible_to); a superuser sees all.

    `user_lookup`: the row's field holding the user's `user_field` (a username). With
    `unknown_users_visible`, rows naming no user of the system are seen too (an address that
    tried usernames which do not exist: nobody's account is behind it)."""

    user_lookup = "username"
    user_field = "username"
    unknown_users_visible = False

    def visible_rows(self, queryset: Any, user: Any) -> Any:
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        from organizations.selectors import users_visible_to

        if user.is_superuser:
            return queryset
        seen = Q(**{f"{self.user_lookup}__in": users_visible_to(user).values(self.user_field)})
        if self.unknown_users_visible:
            known = get_user_model()._default_manager.values(self.user_field)
            seen |= ~Q(**{f"{self.user_lookup}__in": known})
        return queryset.filter(seen)

    def editable_rows(self, queryset: Any, user: Any) -> Any:
        return self.visible_rows(queryset, user)


def _register_login_lockout_admin() -> None:
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.contrib import messages

    @admin.register(AccessAttempt)
    class LoginLockoutAdmin(UserTraceAdmin):
        """登录锁定: failed logins and lockouts; a sub-district officer lifts those of the users in
        scope (and of usernames that belong to nobody, the trace of an address locked out)."""

        user_lookup = "username"
        unknown_users_visible = True
        deletable = True  # lifting a lockout deletes its attempts
        list_display = ("username", "ip_address", "failures_since_start", "attempt_time", "locked")
        list_filter = ("attempt_time",)
        search_fields = ("username",)
        fields = ("username", "ip_address", "user_agent", "failures_since_start", "attempt_time")
        readonly_fields = fields
        actions = ["unlock"]

        @admin.display(description="已锁定", boolean=True)
        def locked(self, attempt: AccessAttempt) -> bool:
            return bool(attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT)

        @admin.action(description="解除锁定", permissions=["delete"])
        def unlock(self, request: HttpRequest, queryset: Any) -> None:
            names = sorted({a.username or a.ip_address or "" for a in queryset})
            count, _ = queryset.delete()
            self.message_user(
                request, f"已解除{count}条登录锁定：{'、'.join(names)}。", messages.SUCCESS
            )


_register_login_lockout_admin()


# --- PDF台账: every app's background documents ----------------------------------------------------
def _register_document_admin() -> None:
    from django.http import FileResponse
    from django.shortcuts import get_object_or_404
    from django.urls import path, reverse
    from django.utils.html import format_html

    from .models import Document, DocumentStatus

    @admin.register(Document)
    class DocumentAdmin(ReadOnlyAdminMixin, ScopedAdmin):  # type: ignore[misc]
        deletable = True  # a document discarded
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
