"""Celery tasks of the feedback cards: thin (ids in, one service), acknowledged late (settings
CELERY_TASK_ACKS_LATE), retried on a database hiccup, harmless when run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services

# Retried on a database hiccup (a lock held too long), with growing pauses.
RETRIED = (OperationalError,)
MAX_RETRIES = 5


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRIED,
    retry_backoff=True,
    max_retries=MAX_RETRIES,
)
def generate_feedback_cards_chunk(registration_ids: list[int], period: str) -> str:
    result = services.feedback_cards_generate_for(
        registration_ids=registration_ids, period=services.period_get(period)
    )
    return result.summary


@shared_task(acks_late=True, autoretry_for=RETRIED, retry_backoff=True, max_retries=MAX_RETRIES)
def generate_feedback_cards(period: str | None = None) -> int:
    """The periodic task (django-celery-beat): the period just ended unless one is named; it
    only queues the chunks, so a killed worker redoes one chunk, not the whole sub-district."""
    return services.feedback_cards_queue(period=services.period_get(period))
