"""Celery tasks shared by every app: thin wrappers around a service."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from . import dashboard, documents


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_document(document_id: int, user_id: int | None) -> None:
    """Render through the scope of `user_id`, the requester (None: the command line)."""
    documents.document_render(document_id=document_id, user_id=user_id)


@shared_task
def workbench_refresh(user_ids: list[int]) -> None:
    """The 工作台's panels of these users computed afresh (common/dashboard.py); a user since
    removed or deactivated is skipped."""
    for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True):
        dashboard.workbench_compute(user)


@shared_task
def workbench_refresh_seen() -> None:
    """After changes: the panels of the users who opened the 工作台 within the last day."""
    workbench_refresh(dashboard.workbench_users_seen())
