"""A real Celery worker process takes a task from the broker and writes to the database.

With REDIS_URL and DATABASE_URL set (as .ci/run does) this is Redis and PostgreSQL; without them
the folder broker and the SQLite test database file, the same way `make run` works.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from common.documents import document_request
from common.models import Document, DocumentStatus
from config.celery_app import app as celery_app
from organizations.printables import ORGANIZATION_TREE

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 90


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path: Path, settings: Any) -> Iterator[tuple[str, Path]]:
    """A worker process on a queue of its own, so no other worker on the machine takes the task."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "-Q",
        queue,
        "--loglevel=INFO",
    ]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield queue, log
    finally:
        celery_app.conf.task_always_eager = eager
        celery_app.conf.task_default_queue = "celery"
        process.terminate()
        process.wait(timeout=30)


def test_real_worker_renders_a_report_into_the_database(tree, secretary_a, worker) -> None:
    queue, log = worker
    report = document_request(
        organization=tree.community_a, kind=ORGANIZATION_TREE, actor=secretary_a
    )
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        report = Document.objects.get(pk=report.pk)
        if report.status in (DocumentStatus.DONE, DocumentStatus.FAILED):
            break
        time.sleep(0.5)
    output = log.read_text()
    assert report.status == DocumentStatus.DONE, (
        f"report {report.status}: {report.error}\n{output[-3000:]}"
    )
    assert report.file.read().startswith(b"%PDF")
    assert "common.tasks.render_document" in output
    assert "succeeded" in output
    broker = settings.CELERY_BROKER_URL.split(":", 1)[0]
    assert broker == ("redis" if settings.REDIS_URL else "filesystem")
