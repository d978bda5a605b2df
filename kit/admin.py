"""Admin building blocks: every list, form choice, autocomplete and export is scoped to the user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpRequest
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.admin import StackedInline as UnfoldStackedInline
from unfold.admin import TabularInline as UnfoldTabularInline
from unfold.contrib.import_export.forms import ImportForm, SelectableFieldsExportForm

from kit.forms import empty_choice_reads_please_choose
from kit.spreadsheets import SPREADSHEET_FORMATS, SafeXLSX, SpreadsheetError, check_file_size
from kit.uploads import validate_image_upload, validate_upload

# Services are called as service(<entity>=obj, actor=user[, update_fields=[...]]).
SaveService = Callable[..., Any]
DeleteService = Callable[..., Any]
# What a save service takes from the page besides the row: (form, formsets) -> keyword arguments.
PageArguments = Callable[[Any, list[Any]], dict[str, Any]]


def _no_arguments(form: Any, formsets: list[Any]) -> dict[str, Any]:
    return {}


class Services:
    """The services that write one model: `entity` is the keyword naming the instance.

    An admin declares what its save needs instead of overriding save_model:
    - `arguments(form, formsets)`: what the page holds besides the row's own fields (a member's
      categories, a unit's new party organization: `form_values("party_org_name", ...)`);
    - `after_inlines`: a change is saved after its inlines (a meeting recounted from its
      attendance as posted, so that its quorum is checked against what was just marked);
    - `with_inlines`: the service writes the row with its many-to-many fields and inlines at once
      (a vote with its exclusions, checked together); the page itself writes none of them;
    - `notice(obj, change)`: what the page tells after a save that went through, as a warning
      (a plan first saved in December: next year's budget is not set up yet), or None.
    """

    def __init__(
        self,
        entity: str,
        save: SaveService,
        delete: DeleteService | None = None,
        *,
        arguments: PageArguments = _no_arguments,
        after_inlines: bool = False,
        with_inlines: bool = False,
        notice: Callable[[Any, bool], str | None] | None = None,
    ) -> None:
        self.entity, self.save_fn, self.delete_fn = entity, save, delete
        self.notice = notice
        self.arguments, self.after_inlines, self.with_inlines = (
            arguments,
            after_inlines,
            with_inlines,
        )

    def saves_after_inlines(self, change: bool) -> bool:
        return self.with_inlines or (self.after_inlines and change)

    def save(self, obj: Any, actor: Any, update_fields: list[str] | None, **arguments: Any) -> Any:
        return self.save_fn(
            **{self.entity: obj}, actor=actor, update_fields=update_fields, **arguments
        )

    def delete(self, obj: Any, actor: Any) -> None:
        if self.delete_fn is None:
            obj.delete()
        else:
            self.delete_fn(**{self.entity: obj}, actor=actor)


def form_values(*names: str) -> PageArguments:
    """Page arguments: the cleaned values of the named form fields that the form holds (a field
    left out of the form is left to the service's default)."""

    def arguments(form: Any, formsets: list[Any]) -> dict[str, Any]:
        return {name: form.cleaned_data.get(name) for name in names if name in form.fields}

    return arguments


def changed_fields(form: Any) -> list[str]:
    """Concrete, non-m2m model fields a form changed: what an update should write."""
    names = {f.name for f in form._meta.model._meta.concrete_fields}
    return [name for name in form.changed_data if name in names]


def _scoped_manager(model: type[models.Model]) -> Any:
    manager = model._default_manager
    return manager if hasattr(manager, "visible_to") else None


class ScopedQuerysetMixin:
    """Rows come from `Model.objects.visible_to(user)`; related choices from `editable_by(user)`.

    The scope is the model's own declaration, on its QuerySet. A model with no QuerySet of ours
    (a third-party log) has its scope declared on its admin instead, by overriding
    `visible_rows` and `editable_rows` (common.admin.UserTraceAdmin)."""

    def visible_rows(self, queryset: Any, user: Any) -> Any:
        return queryset.visible_to(user)

    def editable_rows(self, queryset: Any, user: Any) -> Any:
        return queryset.editable_by(user)

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return self.visible_rows(queryset, request.user)

    def _editable_choices(
        self, db_field: Any, request: HttpRequest, kwargs: dict[str, Any]
    ) -> None:
        manager = _scoped_manager(db_field.related_model)
        if manager is not None and "queryset" not in kwargs:
            kwargs["queryset"] = manager.editable_by(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._editable_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Every upload is checked by its content and size (kit/uploads.py); a select's empty
        choice reads 请选择…."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        empty_choice_reads_please_choose(formfield)
        if isinstance(db_field, models.FileField) and formfield is not None:
            image = isinstance(db_field, models.ImageField)
            formfield.validators.append(validate_image_upload if image else validate_upload)
        return formfield

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._editable_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def is_editable(self, request: HttpRequest, obj: models.Model | None) -> bool:
        if obj is None or obj.pk is None:
            return True
        rows = self.editable_rows(self.model._default_manager.all(), request.user)  # type: ignore[attr-defined]
        return bool(rows.filter(pk=obj.pk).exists())


def touches_personal_field(model: Any, lookup: str) -> bool:
    """Whether a lookup (`member__citizen_id__startswith`) reaches a field that a model lists in
    its PERSONAL_FIELDS, through any chain of relations."""
    for part in lookup.split(LOOKUP_SEP):
        if part in getattr(model, "PERSONAL_FIELDS", ()):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


class CappedCountPaginator(Paginator):
    """Counts a list up to CAP rows, and says "超过 CAP" beyond: COUNT(*) over a sub-district's
    500,000 meetings took longer than the rest of the page (bench/bench_pages.py), and no one
    pages to the 250th page of a list; a filter or a search narrows it (then counted exactly)."""

    CAP = 10_000
    template_name = "admin/pagination_capped.html"
    is_capped = False

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list  # the admin's QuerySet
        found = rows.order_by()[: self.CAP + 1].count()  # no sort needed to count
        self.is_capped = found > self.CAP
        return min(found, self.CAP)


class ScopedAdmin(ScopedQuerysetMixin, UnfoldModelAdmin):
    """A ModelAdmin (django-unfold's, so every page has the same theme) whose writes go through the app's services and stay in the user's scope.

    An object outside the user's scope answers 404, as if it did not exist. No URL lookup may
    touch a personal field (a citizen ID, phone, address or contact): `?citizen_id__startswith=`
    digit by digit would recover what the list masks. Django allows any lookup on a model's own
    fields by default; here those answer 400 like any other disallowed lookup.
    """

    model_services: Services | None = None
    inline_services: dict[type[models.Model], Services] = {}
    # A page a secretary can read without scrolling forever (Django's default is 100 rows).
    list_per_page = 40
    paginator = CappedCountPaginator
    # "N 条（共 M 条）" counts the whole scoped table a second time on every page: not worth it.
    show_full_result_count = False

    def __init__(self, model: Any, admin_site: Any) -> None:
        super().__init__(model, admin_site)
        # A filter that may be a typed picker (a form field) is applied with the button.
        if any(getattr(f, "needs_submit_button", False) for f in self.list_filter):
            self.list_filter_submit = True

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("没有找到该记录，或您无权查看。")
        return obj

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self.is_editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self.is_editable(request, obj)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """The list is titled by what it lists (党员), not Django's "选择 党员 来修改"."""
        title = {"title": str(self.model._meta.verbose_name_plural)}
        return super().changelist_view(request, {**title, **(extra_context or {})})

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if touches_personal_field(self.model, lookup):
            return False
        return bool(super().lookup_allowed(lookup, value, request))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services = self.model_services
        if services is None:
            super().save_model(request, obj, form, change)
        elif not services.saves_after_inlines(change):
            self._service_save(request, form, [], change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        services = self.model_services
        if services is None or not services.saves_after_inlines(change):
            super().save_related(request, form, formsets, change)
        elif services.with_inlines:
            self._service_save(request, form, formsets, change)
            for formset in formsets:  # what the change message reads of a saved formset
                formset.new_objects = list(
                    formset.model._default_manager.filter(**{formset.fk.name: form.instance})
                )
                formset.changed_objects, formset.deleted_objects = [], []
        else:
            super().save_related(request, form, formsets, change)
            self._service_save(request, form, formsets, change)

    def _service_save(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        services = self.model_services
        assert services is not None  # noqa: S101  (only called when declared)
        services.save(
            form.instance,
            request.user,
            changed_fields(form) if change else None,
            **services.arguments(form, list(formsets)),
        )
        said = services.notice(form.instance, change) if services.notice else None
        if said:
            self.message_user(request, said, messages.WARNING)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if self.model_services is None:
            super().delete_model(request, obj)
        else:
            self.model_services.delete(obj, request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        services = self.inline_services.get(formset.model)
        if services is None:
            return super().save_formset(request, form, formset, change)
        with transaction.atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                services.delete(obj, request.user)
            changed = {id(f.instance): changed_fields(f) for f in formset.forms if f.instance.pk}
            for obj in instances:
                services.save(obj, request.user, changed.get(id(obj)))
            formset.save_m2m()
        return None


class ScopedInline(ScopedQuerysetMixin):
    """An inline editable only where its parent object is."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._parent_editable(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and self._parent_editable(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._parent_editable(request, obj)  # type: ignore[misc]

    def _parent_editable(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None or obj.pk is None:
            return True
        return type(obj)._default_manager.editable_by(request.user).filter(pk=obj.pk).exists()


class ScopedTabularInline(ScopedInline, UnfoldTabularInline):  # type: ignore[misc]
    """A scoped table of related rows, in the theme."""


class ScopedStackedInline(ScopedInline, UnfoldStackedInline):  # type: ignore[misc]
    """Scoped related rows one below the other, in the theme."""


class ScopedHistoryAdmin(ScopedAdmin, SimpleHistoryAdmin):  # type: ignore[misc]
    """A scoped admin with the audit trail ("历史") of django-simple-history.

    The history pages answer 404 for objects outside the user's scope (the library would otherwise
    show them from the historical table). They only read: the library's version page saves
    whatever is posted to it, whatever SIMPLE_HISTORY_REVERT_DISABLED says, which would bypass
    the services, their checks and the user's read-only rights. So any method but GET is refused
    for every admin by kit.middleware.ReadOnlyHistoryMiddleware, and the version page shows
    every field as text.
    """

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        if not request.user.is_superuser:
            self.get_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        if not request.user.is_superuser:
            self.get_object(request, object_id)
        request._history_version = True  # type: ignore[attr-defined]
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if getattr(request, "_history_version", False):
            opts = self.model._meta
            readonly += [f.name for f in (*opts.concrete_fields, *opts.many_to_many)]
        return readonly


class PersonalFieldsMixin:
    """Personal fields (a model's PERSONAL_FIELDS: field name -> mask) on lists, change pages and
    history pages: masked for a user without `personal_data_permission`; shown in full to a user
    with it, and every page that shows them in full is reported to `record_personal_view`.

    A masked field is replaced by a read-only `masked_<field>` column, so the form of a user
    without the permission does not hold the field at all and cannot change it.
    """

    personal_data_permission: str = ""
    model: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, mask in self.personal_fields().items():
            setattr(self, f"masked_{name}", _masked_display(self.model, name, mask))

    def personal_fields(self) -> dict[str, Callable[[str], str]]:
        return dict(getattr(self.model, "PERSONAL_FIELDS", {}))

    def may_see_personal_data(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(self.personal_data_permission))

    def record_personal_view(self, request: HttpRequest, obj: Any, detail: str) -> None:
        """Log that `request.user` was shown `obj`'s personal fields in full."""
        raise NotImplementedError

    def _masked(self, request: HttpRequest, names: Any) -> list[Any]:
        if self.may_see_personal_data(request):
            return list(names)
        personal = self.personal_fields()
        return [f"masked_{n}" if isinstance(n, str) and n in personal else n for n in names]

    def get_list_display(self, request: HttpRequest) -> Any:
        return self._masked(request, super().get_list_display(request))  # type: ignore[misc]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.mask_fieldsets(request, super().get_fieldsets(request, obj))  # type: ignore[misc]

    def mask_fieldsets(self, request: HttpRequest, fieldsets: Any) -> Any:
        return [
            (title, {**opts, "fields": self._masked(request, opts["fields"])})
            for title, opts in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if not self.may_see_personal_data(request):
            readonly += [f"masked_{name}" for name in self.personal_fields()]
        return readonly

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> Any:
        if obj is not None and obj.pk and self._shows_personal_data(request, obj):
            self.record_personal_view(
                request, obj, f"查看{self.model._meta.verbose_name}信息页（完整个人信息）"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)  # type: ignore[misc]

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        response = super().history_view(request, object_id, extra_context)  # type: ignore[misc]
        obj = self.model._default_manager.filter(pk=object_id).first()
        if obj is not None and self._shows_personal_data(request, obj):
            self.record_personal_view(request, obj, "查看修改历史（完整个人信息）")
        return response

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        response = super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]
        obj = self.model._default_manager.filter(pk=object_id).first()
        if obj is not None and self._shows_personal_data(request, obj):
            self.record_personal_view(request, obj, f"查看历史版本{version_id}（完整个人信息）")
        return response

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        """The history list shows old and new values: mask the personal ones like the list."""
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)  # type: ignore[misc]
        if self.may_see_personal_data(request):
            return
        opts = self.model._meta
        masks = {str(opts.get_field(n).verbose_name): m for n, m in self.personal_fields().items()}
        masks.update(self.personal_fields())
        for record in historical_records:
            for delta in getattr(record, "history_delta_changes", None) or []:
                if mask := masks.get(str(delta["field"])):
                    delta["old"], delta["new"] = (
                        mask(str(delta["old"] or "")),
                        mask(str(delta["new"] or "")),
                    )

    def _shows_personal_data(self, request: HttpRequest, obj: Any) -> bool:
        if not self.may_see_personal_data(request):
            return False
        return any(getattr(obj, name, "") for name in self.personal_fields())


def _masked_display(model: Any, name: str, mask: Callable[[str], str]) -> Callable[[Any], str]:
    def display(obj: Any) -> str:
        return mask(str(getattr(obj, name) or ""))

    # A mask may show something else than the field (a birth date shown as an age): its label.
    label = getattr(mask, "label", None) or model._meta.get_field(name).verbose_name
    display.short_description = label  # type: ignore[attr-defined]
    display.__name__ = f"masked_{name}"
    return display


class SpreadsheetAdminMixin:
    """Imports and exports of an admin through the safe formats of kit/spreadsheets.py.

    The upload is checked for size before it is stored; a read error is said in Chinese; an
    upload whose preview fails is removed from its store at once (one that is previewed but
    never confirmed expires after IMPORT_PREVIEW_SECONDS).
    """

    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS
    import_template_name = "admin/import_export/spreadsheet_import.html"
    import_form_class = ImportForm

    def get_export_form_class(self) -> Any:
        return ChineseExportForm

    def get_export_filename(self, request: HttpRequest, queryset: Any, file_format: Any) -> str:
        """党员花名册-春晖社区党委-2026-11-23.xlsx: what, whose, when."""
        from django.utils import timezone

        title = getattr(self.get_export_resource_classes(request)[0], "title", "")  # type: ignore[attr-defined]
        parts = [title or str(self.model._meta.verbose_name), scope_label(request.user)]  # type: ignore[attr-defined]
        parts.append(timezone.localdate().isoformat())
        return f"{'-'.join(p for p in parts if p)}.{file_format.get_extension()}"

    def _do_file_export(
        self, file_format: Any, request: HttpRequest, queryset: Any, export_form: Any = None
    ) -> Any:
        """A Chinese file name as browsers read it (RFC 6266 filename*, not RFC 2047)."""
        response = super()._do_file_export(file_format, request, queryset, export_form)  # type: ignore[misc]
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response

    def get_urls(self) -> list[Any]:
        from django.urls import path

        if not hasattr(self, "get_import_resource_classes"):
            return super().get_urls()  # type: ignore[misc]  # exports only: no template
        opts = self.model._meta  # type: ignore[attr-defined]
        view = self.admin_site.admin_view(self.import_template_view)  # type: ignore[attr-defined]
        name = f"{opts.app_label}_{opts.model_name}_import_template"
        return [path("import-template/", view, name=name), *super().get_urls()]  # type: ignore[misc]

    def import_template_view(self, request: HttpRequest) -> Any:
        """The import's template (kit/imports/template.py: the headers, an example row that is
        never imported, dropdowns, and a sheet of instructions), named like an export."""
        from django.http import HttpResponse

        if not self.has_import_permission(request):
            raise PermissionDenied
        resource_class = self.get_import_resource_classes(request)[0]  # type: ignore[attr-defined]
        resource = resource_class(**self.get_resource_kwargs(request))
        data = resource.template_file()
        response = HttpResponse(data, content_type=SafeXLSX().get_content_type())
        filename = f"{getattr(resource, 'title', '导入')}-导入模板.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response

    def get_resource_kwargs(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Resources import and export within the user's scope (kit.imports)."""
        return {**kwargs, "user": request.user}

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> Any:
        """The import's preview masks the personal columns for a user who sees them masked on
        the pages (the file itself is imported whole)."""
        found = super().get_import_resource_kwargs(request, **kwargs)  # type: ignore[misc]
        may_see = getattr(self, "may_see_personal_data", None)
        if may_see is not None and not may_see(request):
            found["preview_masks"] = self.personal_fields()  # type: ignore[attr-defined]
        return found

    def get_import_data_kwargs(self, **kwargs: Any) -> Any:
        kwargs = super().get_import_data_kwargs(**kwargs)  # type: ignore[misc]
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def has_import_permission(self, request: HttpRequest) -> bool:
        opts = self.model._meta  # type: ignore[attr-defined]
        user = request.user
        return bool(
            user.has_perm(f"{opts.app_label}.add_{opts.model_name}")
            and user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        )

    def get_import_form_class(self, request: HttpRequest) -> Any:
        return _limited_import_form(super().get_import_form_class(request))  # type: ignore[misc]

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        if isinstance(e, SpreadsheetError):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                f"无法读取文件（{type(e).__name__}），请确认文件格式与所选的格式一致。",
            )

    def import_action(self, request: HttpRequest, **kwargs: Any) -> Any:
        response = super().import_action(request, **kwargs)  # type: ignore[misc]
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        upload = getattr(form, "cleaned_data", {}).get("import_file") if form else None
        name = getattr(upload, "tmp_storage_name", None)
        if name and "confirm_form" not in context:
            storage = self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())  # type: ignore[attr-defined]
            storage.remove()
        return response


class ChineseExportForm(SelectableFieldsExportForm):
    """The export form in Chinese: each column by its header, .xlsx chosen by default."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["format"]
        field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]
        field.initial = "0"
        field.label = "文件格式"
        if "resource" in self.fields:
            self.fields["resource"].label = "数据"

    def _get_field_label(self, resource: Any, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return str(field.column_name) if field else field_name


def scope_label(user: Any) -> str:
    """The organization a user works for, for file names: their first access, or 全部."""
    if getattr(user, "is_superuser", False):
        return "全部"
    access = user.organization_accesses.select_related("organization").first()
    return access.organization.name if access else ""


def _limited_import_form(base: type[forms.Form]) -> type[forms.Form]:
    class LimitedImportForm(base):  # type: ignore[valid-type,misc]
        def clean_import_file(self) -> Any:
            upload = self.cleaned_data.get("import_file")
            if upload is not None:
                try:
                    check_file_size(upload.size)
                except SpreadsheetError as error:
                    raise forms.ValidationError(str(error)) from None
            return upload

    return LimitedImportForm


# --- forms, filters and actions every app uses ------------------------------------------------
class ServiceCheckedForm(forms.ModelForm):  # type: ignore[type-arg]
    """Shows the service's own checks as form errors, so that saving never fails afterwards."""

    def service_errors(self, instance: Any) -> dict[str, str]:
        raise NotImplementedError

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        for field, message in self.service_errors(self.instance).items():
            self.add_error(field if field in self.fields else None, message)


def problem_flag(on: bool, text: str) -> str:
    """A list column that marks a problem: red text when it applies, empty otherwise (a green
    tick would read as good news)."""
    from django.utils.html import format_html

    return format_html('<span class="flag-on">⚠ {}</span>', text) if on else ""


def error_text(error: Exception) -> str:
    """A domain error as one Chinese line for a message."""
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


def run_service_action(
    model_admin: Any,
    request: HttpRequest,
    queryset: Any,
    service: Callable[..., Any],
    *,
    entity: str,
    done_message: str = "已处理{n}条记录。",
    label: Callable[[Any], str] = str,
) -> int:
    """Run `service(<entity>=obj, actor=user)` for each selected row, each in its own
    transaction; say how many succeeded and, row by row, why the others were refused."""
    done = 0
    for obj in queryset:
        try:
            with transaction.atomic():
                service(**{entity: obj}, actor=request.user)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            model_admin.message_user(request, f"{label(obj)}：{error_text(error)}", messages.ERROR)
    if done:
        model_admin.message_user(request, done_message.format(n=done), messages.SUCCESS)
    return done


class ChoiceFilter(admin.SimpleListFilter):
    """A list filter whose every choice is a QuerySet method: `options` maps each URL value to
    (label, method name), so the rule a choice stands for ("counts as held") lives once, on the
    QuerySet, and the filter only names it. With `default`, that choice applies when none is
    chosen (and is shown selected)."""

    options: dict[str, tuple[str, str]] = {}
    default: str | None = None

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, label) for value, (label, _) in self.options.items()]

    def choices(self, changelist: Any) -> Any:
        if self.default is None:
            yield from super().choices(changelist)
            return
        selected = self.value() or self.default
        for value, label in self.lookup_choices:
            query = changelist.get_query_string({self.parameter_name: value})
            yield {"selected": selected == value, "query_string": query, "display": label}

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        option = self.options.get(value if value in self.options else self.default or "")
        return getattr(queryset, option[1])() if option else queryset


def choice_filter(
    title: str, parameter: str, options: dict[str, tuple[str, str]], default: str | None = None
) -> type[ChoiceFilter]:
    """A ChoiceFilter titled `title` under the URL parameter `parameter`."""
    attrs = {"title": title, "parameter_name": parameter, "options": options, "default": default}
    return type(f"ChoiceFilter_{parameter}", (ChoiceFilter,), attrs)


class ReadOnlyAdminMixin:
    """Rows that are computed, logged or drawn up elsewhere (a 核定, an access log, a generated
    document): nobody adds or edits them here. `deletable` rows may still be removed by a user
    with the delete permission (a login lockout lifted, a document discarded)."""

    deletable = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.deletable and bool(super().has_delete_permission(request, obj))  # type: ignore[misc]


# The autocomplete of a filter's picker asks for the rows of the filter's kinds
# (organizations/admin.py); a form's autocomplete offers those the user manages.
FILTER_KINDS_PARAMETER = "filter_kinds"


class FilterAutocomplete(AutocompleteSelect):
    def __init__(self, field: Any, admin_site: Any, kinds: tuple[str, ...], **kwargs: Any) -> None:
        self.kinds = kinds
        super().__init__(field, admin_site, **kwargs)

    def get_url(self) -> str:
        return f"{super().get_url()}?{urlencode({FILTER_KINDS_PARAMETER: ','.join(self.kinds)})}"
