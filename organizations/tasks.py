"""Celery tasks of the organizations app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_report(report_id: int) -> None:
    services.report_render(report_id=report_id)
