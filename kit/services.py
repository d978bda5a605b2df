"""Helpers shared by every app's services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def model_save(instance: M, *, actor: Any, update_fields: list[str] | None = None) -> M:
    """Validate and save `instance`, recording `actor` as the author of the audit record.

    Call inside the service's transaction. On an update, pass the changed fields so that a
    concurrent change to another field is not overwritten.
    """
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor  # type: ignore[attr-defined]
    instance.full_clean()
    if instance.pk is None or update_fields is None:
        instance.save()
    elif update_fields:
        instance.save(update_fields=update_fields)
    return instance


def model_delete(instance: models.Model, *, actor: Any) -> None:
    """Delete `instance`, recording `actor` as the author of the audit record (call inside the
    service's transaction, after its checks)."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor  # type: ignore[attr-defined]
    instance.delete()


def history_copy(queryset: Any, *, history_type: str, user: Any, when: Any) -> None:
    """One audit record per row `queryset` selects, as django-simple-history writes them (every
    tracked field, the type "+" or "~", the user, no reason), copied by the database in one
    INSERT ... SELECT: for bulk writes, where building a historical object per row in Python was
    the largest cost (a 10,000-row import, a chunk of feedback cards)."""
    from django.db import connections
    from django.db.models import CharField, DateTimeField, IntegerField, Value

    historical = queryset.model.history.model
    tracked = list(historical.tracked_fields)
    select = (
        queryset.order_by()
        .annotate(
            h_date=Value(when, output_field=DateTimeField()),
            h_reason=Value(None, output_field=CharField()),
            h_type=Value(history_type, output_field=CharField()),
            h_user=Value(getattr(user, "pk", None), output_field=IntegerField()),
        )
        .values_list(*[f.attname for f in tracked], "h_date", "h_reason", "h_type", "h_user")
    )
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    names = [f.column for f in tracked]
    names += ["history_date", "history_change_reason", "history_type", "history_user_id"]
    sql, params = select.query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(historical._meta.db_table)} "  # noqa: S608 (names from the models)
            f"({', '.join(map(quote, names))}) {sql}",
            params,
        )
