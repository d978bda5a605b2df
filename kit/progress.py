"""A long job that other processes should know about while it runs: a marker file.

`make run` serves the site while `manage.py demo --progress` loads the demo in the background; the
login page reads the marker to say so instead of refusing the demo's logins as unknown. The file
holds the job's process id and a line saying how far it got; it is removed when the job ends, and
a file left by a job that was killed (its process gone) counts as no job.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


@contextmanager
def job_marker(path: Path) -> Iterator[Callable[[str], None]]:
    """Mark `path` as this process's running job; the function given says how far it got."""

    def report(status: str) -> None:
        partial = path.with_name(path.name + ".partial")
        partial.write_text(f"{os.getpid()}\n{status}\n", encoding="utf-8")
        partial.replace(path)  # readers see the old line or the new one, never half of one

    report("")
    try:
        yield report
    finally:
        path.unlink(missing_ok=True)


def job_status(path: Path) -> str | None:
    """How far the job marked at `path` got ("" before its first step); None if none runs."""
    try:
        pid_line, _, status = path.read_text(encoding="utf-8").partition("\n")
        pid = int(pid_line)
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)  # signal 0: is the process there? (sends nothing)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # there, but someone else's
    return status.strip()


def demo_loading_marker() -> Path:
    """The marker of `manage.py demo --progress` (kit/apps.py demo_build runs the builders)."""
    return Path(settings.DATA_DIR) / "demo-loading"


def demo_loading() -> str | None:
    """How far a running `demo --progress` got ("" before its first step); None if none runs."""
    return job_status(demo_loading_marker())
