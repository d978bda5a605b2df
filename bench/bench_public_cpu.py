"""Benchmark: the CPU one process spends on a public page, through the whole middleware, against
the smallest Django view (bench/bench_urls.py) in the same process and run.

    DATABASE_URL=… [REDIS_URL=…] python bench/bench_public_cpu.py [--requests 2000] [--rounds 3]

bench/bench_public_board.py measures requests per second under load; on a shared, loaded machine
its figures move with the other processes' load. A CPU-bound server's throughput is the inverse
of its CPU per request, and a process's CPU time (`time.process_time`) hardly moves with the
load: this counts it, in one process, for each address, as production settings run it (DEBUG
off, the X-Forwarded-Proto the proxy sends). The ratio (reference's CPU / the page's) reads as
bench_public_board's (the page's requests per second / the reference's). The best round counts.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

# No cookie unless given (the test client would send back what the last answer set).
HEADERS = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "127.0.0.1", "HTTP_COOKIE": ""}


def cpu_ms(client: object, path: str, headers: dict[str, str], requests: int) -> float:
    get = client.get  # type: ignore[attr-defined]
    for _ in range(50):  # warm: this process's kept pages, templates
        get(path, **headers)
    start = time.process_time()
    for _ in range(requests):
        get(path, **headers)
    return (time.process_time() - start) * 1000 / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-public-cpu-") as folder:
        os.environ["STATIC_ROOT"] = folder  # the manifest of static files, as production has
        measure(args.requests, args.rounds)


def measure(requests: int, rounds: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", "-v0")
    from bench_urls import MINIMAL_PATH
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from publicity import selectors

    today = timezone.localdate()
    busiest = max(selectors.public_community_list(today), key=lambda c: c.notice_count)  # type: ignore[attr-defined]
    notice = selectors.public_board_get(busiest, today).notices[0]
    notice_path = f"/n/{notice.pk}/"
    client = Client()
    form = client.get(f"{notice_path}form/", **HEADERS)
    first = client.get(notice_path, **HEADERS)
    cookie = (form if form.status_code == 200 else first).cookies.get("csrftoken")
    with_cookie = {**HEADERS, "HTTP_COOKIE": f"csrftoken={cookie.value}" if cookie else ""}
    targets = [
        ("参照：最小 Django 视图", f"/{MINIMAL_PATH}", HEADERS),
        (f"社区公示栏 /c/{busiest.code}/", f"/c/{busiest.code}/", HEADERS),
        (f"公示详情 {notice_path}（首次访问）", notice_path, HEADERS),
        (f"公示详情 {notice_path}（再访，带 CSRF cookie）", notice_path, with_cookie),
    ]
    if form.status_code == 200:
        targets.append((f"意见表 {notice_path}form/", f"{notice_path}form/", HEADERS))
    best: dict[str, float] = {}
    for _ in range(rounds):
        for label, path, headers in targets:
            status = Client().get(path, **headers).status_code
            if status != 200:
                raise SystemExit(f"{label}: HTTP {status}")
            spent = cpu_ms(Client(), path, headers, requests)
            best[label] = min(best.get(label, spent), spent)
    cache = "Redis" if settings.REDIS_URL else "the database cache"
    print(f"{connection.vendor}, {cache}; {requests} requests × {rounds} rounds (best)")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    reference = best[targets[0][0]]
    print("| address | CPU per request | reference | ratio (reference / page) |")
    print("|---|---|---|---|")
    for label, _, _ in targets[1:]:
        print(
            f"| {label} | {best[label]:.3f} ms | {reference:.3f} ms | {reference / best[label]:.2f}× |"
        )


if __name__ == "__main__":
    main()
