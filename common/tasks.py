"""Celery tasks shared by every app: thin wrappers around a service."""

from __future__ import annotations

from celery import shared_task

from . import documents


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_document(document_id: int, user_id: int | None) -> None:
    """Render through the scope of `user_id`, the requester (None: the command line)."""
    documents.document_render(document_id=document_id, user_id=user_id)
