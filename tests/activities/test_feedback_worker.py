"""A real Celery worker killed with SIGKILL in the middle of a card batch loses nothing and
duplicates nothing: the task it held is unacknowledged (acks late), Redis hands it to the next
worker, generation is idempotent and the database's unique (member, period) stands behind it.

Needs Redis (REDIS_URL, as .ci/run sets it): the folder broker of a development machine never
hands a killed worker's message out again.

The worker uses the threads pool: in the solo pool the task blocks the worker's event loop, so
even an early acknowledgement never reaches Redis before the kill and the test could not tell
acks_late from its absence. With threads it does: with `acks_late=False` on the chunk task this
test fails with one chunk's cards missing (checked by hand).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from activities.feedback import services
from activities.models import FeedbackCard
from config.celery_app import app as celery_app
from tests.members.factories import MemberFactory, RegistrationFactory
from tests.test_worker import _database_url

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.REDIS_URL,
        reason="needs REDIS_URL: only the Redis broker hands a SIGKILLed worker's "
        "unacknowledged task to the next worker (CI sets it)",
    ),
]

MEMBERS = 150
CHUNK = 5
WAIT_SECONDS = 120
VISIBILITY_SECONDS = 3
HELD_SECONDS = 1.0  # less than SQLite's busy timeout (5 s), after which the insert would fail
PERIOD = "2026H1"


class Workers:
    """Starts worker processes on a queue of their own, so no other worker takes the tasks."""

    def __init__(self, tmp_path: Path, media_root: Path) -> None:
        self.queue = f"test-feedback-{uuid.uuid4().hex[:8]}"
        self.tmp_path, self.media_root = tmp_path, media_root
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "MEDIA_ROOT": str(self.media_root),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
        }
        log = self.tmp_path / f"worker-{len(self.processes)}.log"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=threads",
            "-c",
            "1",
        ]
        command += ["-Q", self.queue, "--loglevel=INFO", "--without-heartbeat"]
        with log.open("w") as out:
            process = subprocess.Popen(  # noqa: S603
                command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(p.read_text()[-2000:] for p in sorted(self.tmp_path.glob("worker-*.log")))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


@pytest.fixture
def workers(tmp_path: Path, settings: Any) -> Iterator[Workers]:
    found = Workers(tmp_path, settings.MEDIA_ROOT)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = found.queue
    try:
        yield found
    finally:
        celery_app.conf.task_always_eager = eager
        celery_app.conf.task_default_queue = "celery"
        found.stop()


def _registrations(tree: SimpleNamespace) -> None:
    for i in range(MEMBERS):
        member = MemberFactory(
            name=f"在职党员{i}",
            branch=tree.unit_b.party_organization,
            residence_community=tree.community_a,
            categories=["in_service"],
        )
        RegistrationFactory(member=member, community=tree.community_a, unit=tree.unit_b)


@contextmanager
def _inserts_held() -> Iterator[None]:
    """Hold every insert of a card (SQLite: the write lock; PostgreSQL: a table lock that lets
    reads through), so that the kill lands inside a task rather than between two."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {FeedbackCard._meta.db_table} IN EXCLUSIVE MODE")
        else:
            FeedbackCard.objects.filter(pk=-1).update(period="")  # BEGIN IMMEDIATE holds it
        yield


def _wait(condition: Any, workers: Workers, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    pytest.fail(f"{what}: {FeedbackCard.objects.count()} cards\n{workers.logs()}")


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(
    tree: SimpleNamespace, workers: Workers, settings: Any
) -> None:
    settings.FEEDBACK_CHUNK_SIZE = CHUNK
    _registrations(tree)
    period = services.period_get(PERIOD)
    first = workers.start()
    assert services.feedback_cards_queue(period=period) == MEMBERS // CHUNK

    _wait(lambda: FeedbackCard.objects.count() >= MEMBERS // 4, workers, "the worker never began")
    with _inserts_held():  # the worker is now inside a task, waiting to insert its cards
        time.sleep(HELD_SECONDS)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    at_kill = FeedbackCard.objects.count()
    assert at_kill < MEMBERS, "the batch ended before the kill: the test proves nothing"

    workers.start()  # after the restart, the killed worker's task comes back from Redis
    _wait(lambda: FeedbackCard.objects.count() >= MEMBERS, workers, "cards were lost")
    time.sleep(VISIBILITY_SECONDS + 1)  # a late redelivery would show as a second card here
    # Had the killed worker acknowledged its task on receipt, that chunk's cards would be missing.
    repeated = FeedbackCard.objects.values("member_id", "period").annotate(n=Count("id"))
    assert not repeated.filter(n__gt=1).exists()
    assert FeedbackCard.objects.filter(period=PERIOD).count() == MEMBERS

    rerun = services.feedback_cards_generate(period=period)
    assert (rerun.created, rerun.present, rerun.failed) == (0, MEMBERS, [])
    assert FeedbackCard.objects.count() == MEMBERS
