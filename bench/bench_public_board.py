"""Benchmark: the public site (公示栏, no login) under load, served by gunicorn, against the smallest
Django view on the same server in the same run (issue 14).

    createdb bench_public && DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_public \\
        python manage.py migrate && python manage.py demo      # once: the demo, as scripts/run.sh
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_public \\
    REDIS_URL=redis://127.0.0.1:6379/5 python bench/bench_public_board.py [--seconds 10]
        [--connections 4] [--workers 2] [--rounds 2]

On the `make run` default, the embedded SQLite file with the database cache, leave REDIS_URL unset
and point DATABASE_URL at the file (sqlite:////absolute/path.sqlite3; `createcachetable` once).

The server is gunicorn (as in docker-compose.yml) on loopback, run as in production: DJANGO_DEBUG
off, static files collected into a temporary folder for WhiteNoise, the Redis cache, and the
X-Forwarded-Proto header the proxy in front of it sends (otherwise every request is redirected
to https). Its settings are bench/bench_settings.py: the project's, with bench/bench_urls.py adding
the reference view `HttpResponse("ok")` beside config.urls, through the same middleware.

A second process loads each address for --seconds with --connections connections: `wrk` when it is
installed, otherwise a small load generator with one http.client connection per thread. Addresses
are taken in turn, --rounds times, and the best round of each counts (the machine is shared).
Measured: the home page `/`, the board of the community with the most running notices `/c/<code>/`,
that board again as a browser comes back to it (If-None-Match: 304), and a running notice's page
`/n/<id>/`, for a first visit (no cookie) and a returning one (the csrftoken cookie sent back).
Goal: each at least 0.8x the reference's requests per second. The page is the same for every
visitor; the opinion form (`/n/<id>/form/`: a new captcha question and Django's CSRF token, which
sets its cookie) is fetched when a resident asks for it, and is shown beside, without a goal.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from harness import ROOT, setup, table

GOAL = 0.8
HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
READY_SECONDS = 60


@dataclass
class Target:
    label: str
    path: str
    headers: dict[str, str]
    status: int = 200
    goal: bool = True  # held to GOAL (the opinion form, fetched on demand, is shown beside)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(static_root: Path) -> dict[str, str]:
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        database_url = f"sqlite:///{db['NAME']}"
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        database_url = f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": str(ROOT / "bench"),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
    }


class Server:
    """gunicorn in a session of its own, stopped with its workers at the end."""

    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        command += ["--log-level", "warning"]
        with log.open("w") as out:
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.log = log

    def wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if get(self.port, path, HEADERS)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def load_wrk(port: int, target: Target, seconds: int, connections: int) -> float:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(  # noqa: S603
        [*command, f"http://127.0.0.1:{port}{target.path}"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    if "Non-2xx or 3xx responses" in out:
        raise SystemExit(f"{target.label}: errors under load\n{out}")
    found = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    if not found:
        raise SystemExit(f"wrk said:\n{out}")
    return float(found.group(1))


def load_python(port: int, target: Target, seconds: int, connections: int) -> float:
    """The fallback without wrk: keep-alive connections, one thread each."""
    counts = [0] * connections
    errors: list[str] = []
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            connection.request("GET", target.path, headers=target.headers)
            response = connection.getresponse()
            response.read()
            if response.status != target.status:
                errors.append(f"HTTP {response.status}")
                return
            counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{target.label}: {errors[0]} under load")
    return sum(counts) / (time.monotonic() - start)


def targets(port: int) -> list[Target]:
    """The addresses, checked once: the status they answer and, for the 304, the board's ETag."""
    from bench_urls import MINIMAL_PATH
    from django.utils import timezone

    from publicity import selectors

    today = timezone.localdate()
    communities = selectors.public_community_list(today)
    busiest = max(communities, key=lambda c: c.notice_count)  # type: ignore[attr-defined]
    board = selectors.public_board_get(busiest, today)
    if not board.notices:
        raise SystemExit("no running notice: load the demo (python manage.py demo)")
    board_path = f"/c/{busiest.code}/"
    notice_path = f"/n/{board.notices[0].pk}/"
    found = [
        Target("参照：最小 Django 视图", f"/{MINIMAL_PATH}", HEADERS),
        Target("首页 /", "/", HEADERS),
        Target(f"社区公示栏 {board_path}", board_path, HEADERS),
        Target(f"公示详情 {notice_path}（首次访问）", notice_path, HEADERS),
    ]
    etag = get(port, board_path, HEADERS)[1].get("ETag", "")
    # The CSRF cookie a returning visitor sends: set with the opinion form (the page sets none).
    cookie = get(port, f"{notice_path}form/", HEADERS)[1].get("Set-Cookie", "").split(";")[0]
    found += [
        Target(
            f"社区公示栏 {board_path}（浏览器再访，304）",
            board_path,
            {**HEADERS, "If-None-Match": etag},
            304,
        ),
        Target(f"公示详情 {notice_path}（再访，带 CSRF cookie）", notice_path,
               {**HEADERS, "Cookie": cookie}),
        Target(f"意见表 {notice_path}form/（居民点“我要反映意见”时取一次）", f"{notice_path}form/",
               HEADERS, goal=False),
    ]  # fmt: skip
    for target in found:
        status = get(port, target.path, target.headers)[0]
        if status != target.status:
            raise SystemExit(f"{target.label}: HTTP {status}, not {target.status}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    setup()
    from django.conf import settings
    from django.db import connection

    if not settings.REDIS_URL and connection.vendor != "sqlite":
        raise SystemExit("set REDIS_URL: production keeps the public pages in Redis")
    load = load_wrk if shutil.which("wrk") else load_python
    with tempfile.TemporaryDirectory(prefix="bench-public-") as folder:
        static_root = Path(folder) / "static"
        env = server_env(static_root)
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        server = Server(env, args.workers, Path(folder) / "gunicorn.log")
        try:
            from bench_urls import MINIMAL_PATH

            server.wait_ready(f"/{MINIMAL_PATH}")
            found = targets(server.port)
            best = dict.fromkeys((t.label for t in found), 0.0)
            for _ in range(args.rounds):
                for target in found:
                    rate = load(server.port, target, args.seconds, args.connections)
                    best[target.label] = max(best[target.label], rate)
                    print(f"{target.label}: {rate:.0f} req/s", file=sys.stderr)
        finally:
            server.stop()
    reference_label, *labels = best
    held = {t.label: t.goal for t in found}
    reference = best[reference_label]
    tool = "wrk" if load is load_wrk else "Python"
    cache = "Redis" if settings.REDIS_URL else "the database cache"
    print(
        f"{connection.vendor}, {cache}; gunicorn {args.workers} workers; {tool}, "
        f"{args.connections} connections, {args.seconds} s × {args.rounds} rounds (best)\n"
    )
    table(
        "Public board under load (bench/bench_public_board.py)",
        [
            (
                label,
                f"{best[label]:.0f} req/s",
                f"{reference:.0f} req/s（最小视图）",
                f"{best[label] / reference:.2f}×",
                f"≥ {GOAL}×" if held[label] else "—",
                best[label] / reference >= GOAL if held[label] else None,
            )
            for label in labels
        ],
    )


if __name__ == "__main__":
    main()
