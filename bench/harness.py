"""Shared by the benchmarks: Django set-up, timing with query counts, and the results table.

Each benchmark prints one table: the measure, the project's figure, the reference measured in the
same run, the ratio and the goal (issue 14). Times are medians of repeated runs in milliseconds.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def setup() -> None:
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client, response.context
    logging.getLogger("axes").setLevel(logging.WARNING)
    logging.getLogger("django.request").setLevel(logging.ERROR)


@dataclass
class Timing:
    label: str
    median_ms: float
    max_ms: float
    queries: int


def timed(label: str, repeat: int, action: Callable[[], Any]) -> Timing:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    action()  # warm: templates, caches, the scope
    times, queries = [], 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = action()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
        status = getattr(result, "status_code", 200)
        if status != 200:
            raise SystemExit(f"{label}: HTTP {status}")
    return Timing(label, statistics.median(times), max(times), queries)


def in_subprocess(script: Path, database_url: str, *args: str) -> dict[str, Any]:
    """Run `script --emit-json` against another database and read its timings."""
    env = {**os.environ, "DATABASE_URL": database_url}
    out = subprocess.run(  # noqa: S603
        [sys.executable, str(script), "--emit-json", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def emit(timings: list[Timing]) -> None:
    print(json.dumps({t.label: asdict(t) for t in timings}, ensure_ascii=False))


def machine() -> str:
    from django.db import connection

    cpus = os.cpu_count()
    return (
        f"{platform.node()} · Python {platform.python_version()} · {cpus} CPU · "
        f"{connection.vendor} · {time.strftime('%Y-%m-%d')}"
    )


def table(title: str, rows: list[tuple[str, str, str, str, str, bool | None]]) -> str:
    """rows: (measure, project, reference, ratio, goal, met)."""
    lines = [
        f"### {title}",
        "",
        f"{machine()}",
        "",
        "| measure | project | reference (same run) | ratio | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    for measure, project, reference, ratio, goal, met in rows:
        mark = "—" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {measure} | {project} | {reference} | {ratio} | {goal} | {mark} |")
    text = "\n".join(lines) + "\n"
    print(text)
    return text


def ms(t: Timing) -> str:
    return f"{t.median_ms:.0f} ms ({t.queries} q)"
