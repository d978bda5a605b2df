"""`make run`'s Celery worker, started as Procfile.dev says (honcho runs each line with `sh -c`):
it stops within 2 s of SIGTERM (honcho's answer to Ctrl+C), and while the demo loads in the
background it waits for it (its beat would write to the database the demo's transaction holds).

The worker gets a test database, a broker folder and a queue of its own (DATA_DIR, the queue's
name), so that it takes nothing from another worker on the machine."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from kit.progress import demo_loading_marker
from tests.test_worker import _database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

STARTUP_SECONDS = 120  # importing Django and Celery on a busy 2-core machine
STOP_SECONDS = 2.0  # the goal (it took 7)


def _procfile_command(name: str) -> str:
    procfile = (Path(settings.BASE_DIR) / "Procfile.dev").read_text(encoding="utf-8")
    found = re.search(rf"^{name}:\s*(.+)$", procfile, re.MULTILINE)
    assert found, f"Procfile.dev has no {name} line"
    return found.group(1)


class DevWorker:
    def __init__(self, data_dir: Path, log: Path) -> None:
        self.log = log
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DATA_DIR": str(data_dir),  # its broker folder and the demo's marker
            "CELERY_TASK_DEFAULT_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "PORT": "8000",
        }
        env.pop("REDIS_URL", None)  # make run's broker: the folder
        with log.open("w") as out:
            self.process = subprocess.Popen(  # noqa: S603
                ["/bin/sh", "-c", _procfile_command("worker")],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # as honcho starts it
            )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, seconds: float = STARTUP_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        while text not in self.output():
            assert self.process.poll() is None, f"the worker exited:\n{self.output()[-3000:]}"
            assert time.monotonic() < deadline, f"no “{text}”:\n{self.output()[-3000:]}"
            time.sleep(0.2)

    def stop(self) -> float:
        """Seconds from SIGTERM (to its process group, as honcho sends it) to its exit."""
        start = time.monotonic()
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        return time.monotonic() - start


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Any]:
    started: list[DevWorker] = []

    def start() -> DevWorker:
        worker = DevWorker(tmp_path, tmp_path / f"worker{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.wait()


def test_the_dev_worker_stops_within_two_seconds_of_sigterm(start_worker: Any) -> None:
    worker = start_worker()
    worker.wait_for("celery@")
    worker.wait_for(" ready.")
    worker.wait_for("beat: Starting...")
    time.sleep(1)  # idle in its polling loop, as after a while of `make run`
    seconds = worker.stop()
    assert seconds <= STOP_SECONDS, f"{seconds:.1f} s\n{worker.output()[-3000:]}"
    assert worker.process.returncode == 0
    assert "Warm shutdown" in worker.output()


def test_the_dev_worker_waits_for_the_demo_loading_in_the_background(
    start_worker: Any, tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path
    marker = demo_loading_marker()
    marker.write_text(f"{os.getpid()}\n演示数据载入中 2/6：党员管理\n", encoding="utf-8")
    worker = start_worker()
    worker.wait_for("worker 等演示数据载入完成后再启动。")
    time.sleep(2)
    assert " ready." not in worker.output()
    marker.unlink()  # the demo committed
    worker.wait_for(" ready.")
    assert worker.stop() <= STOP_SECONDS
