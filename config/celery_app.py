"""Celery application: Redis broker when REDIS_URL is set, a folder on disk otherwise."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shequ_dangjian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_postrun.connect
def _drop_broken_connections(**kwargs: Any) -> None:
    """A worker keeps its database connection across tasks (CELERY_DB_REUSE_MAX): one that saw
    an error in the task just run is closed if it no longer works, so the next task opens anew."""
    from django.db import connections

    task = kwargs.get("task")
    if task is not None and getattr(task.request, "is_eager", False):
        return  # run inside the caller's request or test: its connection is the caller's
    for connection in connections.all(initialized_only=True):
        if connection.errors_occurred:
            if connection.is_usable():
                connection.errors_occurred = False
            else:
                connection.close()
