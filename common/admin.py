"""Admin building blocks: every list, form choice, autocomplete and export is scoped to the user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import Http404, HttpRequest
from simple_history.admin import SimpleHistoryAdmin

# Services are called as service(<entity>=obj, actor=user[, update_fields=[...]]).
SaveService = Callable[..., Any]
DeleteService = Callable[..., Any]


class Services:
    """The services that write one model: `entity` is the keyword naming the instance."""

    def __init__(self, entity: str, save: SaveService, delete: DeleteService | None = None) -> None:
        self.entity, self.save_fn, self.delete_fn = entity, save, delete

    def save(self, obj: Any, actor: Any, update_fields: list[str] | None) -> Any:
        return self.save_fn(**{self.entity: obj}, actor=actor, update_fields=update_fields)

    def delete(self, obj: Any, actor: Any) -> None:
        if self.delete_fn is None:
            obj.delete()
        else:
            self.delete_fn(**{self.entity: obj}, actor=actor)


def changed_fields(form: Any) -> list[str]:
    """Concrete, non-m2m model fields a form changed: what an update should write."""
    names = {f.name for f in form._meta.model._meta.concrete_fields}
    return [name for name in form.changed_data if name in names]


def _scoped_manager(model: type[models.Model]) -> Any:
    manager = model._default_manager
    return manager if hasattr(manager, "visible_to") else None


class ScopedQuerysetMixin:
    """Rows come from `Model.objects.visible_to(user)`; related choices from `editable_by(user)`."""

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return queryset.visible_to(request.user)

    def _editable_choices(
        self, db_field: Any, request: HttpRequest, kwargs: dict[str, Any]
    ) -> None:
        manager = _scoped_manager(db_field.related_model)
        if manager is not None and "queryset" not in kwargs:
            kwargs["queryset"] = manager.editable_by(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._editable_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._editable_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def is_editable(self, request: HttpRequest, obj: models.Model | None) -> bool:
        if obj is None or obj.pk is None:
            return True
        return self.model._default_manager.editable_by(request.user).filter(pk=obj.pk).exists()  # type: ignore[attr-defined]


class ScopedAdmin(ScopedQuerysetMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose writes go through the app's services and stay in the user's scope.

    An object outside the user's scope answers 404, as if it did not exist.
    """

    model_services: Services | None = None
    inline_services: dict[type[models.Model], Services] = {}

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

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if self.model_services is None:
            super().save_model(request, obj, form, change)
        else:
            self.model_services.save(obj, request.user, changed_fields(form) if change else None)

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


class ScopedHistoryAdmin(ScopedAdmin, SimpleHistoryAdmin):  # type: ignore[misc]
    """A scoped admin with the audit trail ("历史") of django-simple-history.

    The history pages answer 404 for objects outside the user's scope (the library would otherwise
    show them from the historical table); reverting is disabled in settings, since it would bypass
    the services and their checks.
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
        return super().history_form_view(request, object_id, version_id, extra_context)
