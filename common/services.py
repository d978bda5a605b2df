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
