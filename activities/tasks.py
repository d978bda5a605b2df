"""Celery tasks of the meetings: thin wrappers around a service."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_meeting_reminders(today: str | None = None) -> str:
    """Daily (activities/schedule.py): what falls due within 7 days and what is overdue, as of
    `today` (YYYY-MM-DD, default today); running it twice notifies nobody twice."""
    day = dt.date.fromisoformat(today) if today else None
    result = services.meeting_reminders_send(today=day)
    return f"新提醒{result.created}条，已提醒过{result.existing}条，发送邮件{result.emailed}封。"
