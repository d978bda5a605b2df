"""Celery application: Redis broker when REDIS_URL is set, a folder on disk otherwise."""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

from celery import Celery
from celery.exceptions import WorkerShutdown
from celery.signals import task_postrun, worker_init, worker_shutdown, worker_shutting_down

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


# `make run`'s worker (Procfile.dev) sets this. It waits for the demo that loads in the background
# (its beat would write to the database the demo's transaction holds), and it stops within a
# second of Ctrl+C or SIGTERM instead of seven: without Redis it polls its folder broker in a loop
# that looks at the stop flag only every two seconds (celery.worker.loops.synloop), and Python's
# teardown of a heap holding Django and WeasyPrint takes a second or more on a busy machine.
DEV_WORKER = "CELERY_DEV_WORKER"


@worker_init.connect
def _wait_for_the_demo(**kwargs: Any) -> None:
    """Start once `manage.py demo --progress` has committed (kit/progress.py)."""
    if not os.environ.get(DEV_WORKER):
        return
    from kit.progress import demo_loading

    if demo_loading() is not None:
        print("worker 等演示数据载入完成后再启动。", flush=True)  # noqa: T201 (the console)
        while demo_loading() is not None:
            time.sleep(0.5)


@worker_shutting_down.connect
def _stop_polling_at_once(exitcode: int = 0, **kwargs: Any) -> None:
    """Leave the broker's polling loop as soon as the stop signal arrives (this runs in the signal
    handler, in the main thread); a task being run is finished first (a warm shutdown)."""
    from celery.worker.state import active_requests

    if os.environ.get(DEV_WORKER) and not active_requests:
        raise WorkerShutdown(exitcode)


@worker_shutdown.connect
def _exit_without_teardown(sender: Any = None, **kwargs: Any) -> None:
    """The worker has stopped (nothing left to run): exit without the interpreter's teardown of
    every module, after closing the database connections and flushing the logs and the console."""
    if not os.environ.get(DEV_WORKER):
        return
    from django.db import connections

    connections.close_all()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(getattr(sender, "exitcode", 0) or 0)
