"""Benchmark: the half-yearly 在职党员社区表现反馈卡 of the generated district, made by real Celery
worker processes, one worker against two (issue 14).

    python manage.py generate_district --members 100000      # once, on DATABASE_URL (PostgreSQL)
    REDIS_URL=redis://127.0.0.1:6379/5 python bench/bench_feedback_cards.py [--period 2026H2]
        [--repeat 2] [--two processes|concurrency|both]

The benchmark queues the periodic task `generate_feedback_cards(period)` (what beat runs on 1 July
and 1 January, and the path of `manage.py feedback_cards`, which runs the same service in one
process) on a queue of its own and times it until every due registration of the district (20,000
in-service members registered with their residence community) has its card. It runs with one
worker (prefork, concurrency 1), then with two: two worker processes of concurrency 1 (the default)
or one worker with --concurrency 2. The period's cards (and their history rows) are deleted before
each run. Workers run as in production (DJANGO_DEBUG=false) and are stopped at the end.

Also measured in this process: the queries of one chunk (FEEDBACK_CHUNK_SIZE registrations), which
must not grow with the chunk (a few bulk queries, none per card); and the database's share of a
card's time: chunks made in this process with every query timed (from sending it to having its
rows), against the chunk's whole time, and PostgreSQL's CPU seconds against the workers' in the
worker runs. From these and the measured two-worker scaling, a projection to 4, 8 and 16 workers
(`projection`: the model is in bench/RESULTS.md).

Goals (issue 25): all cards written in at most 60 s; two workers at least 1.85x the throughput of one.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from harness import ROOT, setup, table

QUEUE = f"bench-feedback-{uuid.uuid4().hex[:8]}"
os.environ["CELERY_TASK_DEFAULT_QUEUE"] = QUEUE  # read by config/settings.py, before setup()
READY_SECONDS = 60
RUN_SECONDS = 300
GOAL_SECONDS = 60
GOAL_SCALING = 1.85
PROJECTED = (4, 8, 16)


class Workers:
    """Celery worker processes on the benchmark's own queue, each in a session of its own so
    that stopping one stops its pool's children too."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, concurrency: int) -> None:
        from django.conf import settings

        index = len(self.processes)
        log = self.logs / f"worker-{index}.log"
        env = {
            **os.environ,
            "DJANGO_DEBUG": "false",  # as in production: no query log kept in memory
            "DJANGO_SECRET_KEY": "bench-only-secret-key",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        }
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", QUEUE]
        command += ["-c", str(concurrency), "-n", f"bench{index}-{QUEUE}@%h", "--loglevel=INFO"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        with log.open("w") as out:
            process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.processes.append(process)
        deadline = time.monotonic() + READY_SECONDS
        while " ready." not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes = []


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def cards_delete(code: str) -> None:
    """The period's cards and their history rows, in SQL: deleting 20,000 cards through the ORM
    sends 20,000 post_delete signals (the 工作台's data version) and takes minutes."""
    from django.db import connection

    from activities.models import FeedbackCard

    history = FeedbackCard.history.model  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        for model in (FeedbackCard, history):
            table = model._meta.db_table
            cursor.execute(f"DELETE FROM {table} WHERE period = %s", [code])  # noqa: S608
            cursor.execute(f"VACUUM ANALYZE {table}")  # the next run starts from the same tables


def cpu_seconds(sessions: set[int]) -> dict[str, float]:
    """CPU seconds used so far: by the workers (their sessions), PostgreSQL, Redis, and the whole
    machine (/proc/stat), to see what a run spends its two cores on."""
    tick = os.sysconf("SC_CLK_TCK")
    found = dict.fromkeys(("workers", "postgres", "redis"), 0.0)
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        if int(fields[3]) in sessions:
            found["workers"] += used
        elif comm.startswith("postgres"):
            found["postgres"] += used
        elif comm.startswith("redis"):
            found["redis"] += used
    cpu = Path("/proc/stat").read_text().split()[1:8]
    found["machine"] = (sum(map(int, cpu)) - int(cpu[3]) - int(cpu[4])) / tick  # not idle/iowait
    return found


def backend_cpu_sample(seen: dict[int, float]) -> None:
    """Note the CPU seconds so far of each PostgreSQL session on this database other than this
    process's: the workers' (opened during the run; a worker closes its connection every
    CELERY_DB_REUSE_MAX tasks, so they are sampled while the run goes on). The other databases'
    sessions on this shared server are not counted (the `postgres` figure counts them all)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        seen[pid] = max(seen.get(pid, 0.0), (int(fields[11]) + int(fields[12])) / tick)


@dataclass
class Run:
    seconds: float
    cpu: dict[str, float]  # CPU seconds used during the run
    tasks: int  # chunk tasks the workers ran
    task_seconds: float  # their time inside the task, as the workers' log says
    connections: int  # PostgreSQL sessions opened during the run


def sessions_opened() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


SUCCEEDED = re.compile(r"generate_feedback_cards_chunk\[[^]]+\] succeeded in ([0-9.]+)s")


def task_times(logs: Path, count: int) -> list[float]:
    found: list[float] = []
    for index in range(count):
        found += map(float, SUCCEEDED.findall((logs / f"worker-{index}.log").read_text()))
    return found


def run(code: str, expected: int, starts: list[int], logs: Path) -> Run:
    """Time from queuing the periodic task until `expected` cards exist, and the CPU it took."""
    from activities.feedback.tasks import generate_feedback_cards
    from activities.models import FeedbackCard

    cards_delete(code)
    workers = Workers(logs)
    try:
        for concurrency in starts:
            workers.start(concurrency)
        sessions = {p.pid for p in workers.processes}
        before, opened = cpu_seconds(sessions), sessions_opened()
        backends: dict[int, float] = {}
        start = time.perf_counter()
        generate_feedback_cards.delay(code)
        deadline = time.monotonic() + RUN_SECONDS
        while FeedbackCard.objects.for_period(code).count() < expected:
            if time.monotonic() > deadline:
                raise SystemExit(f"not done after {RUN_SECONDS} s")
            backend_cpu_sample(backends)
            time.sleep(0.2)  # each count costs PostgreSQL CPU the workers would use
        seconds = time.perf_counter() - start
        after, opened = cpu_seconds(sessions), sessions_opened() - opened
        backend_cpu_sample(backends)
    finally:
        count = len(workers.processes)
        workers.stop()
    times = task_times(logs, count)
    used = {key: after[key] - before[key] for key in after}
    used["postgres_ours"] = sum(backends.values())
    return Run(seconds, used, len(times), sum(times), opened)


def chunk_queries(code: str) -> tuple[int, int, int, int]:
    """(queries, cards) of one chunk, and of a chunk four times as large."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from activities.feedback import services

    period = services.period_get(code)
    ids = services.registration_chunks(period)[0]
    found = []
    for chunk in (ids[:10], ids):
        cards_delete(code)
        with CaptureQueriesContext(connection) as captured:
            result = services.feedback_cards_generate_for(registration_ids=chunk, period=period)
        found += [len(captured.captured_queries), result.created]
    cards_delete(code)
    return found[0], found[1], found[2], found[3]


@dataclass
class Share:
    cards: int
    seconds: float  # the chunks' whole time in this process
    database_seconds: float  # of which waiting for the database's answers

    @property
    def fraction(self) -> float:
        return self.database_seconds / self.seconds


def database_share(code: str, chunks: int = 40) -> Share:
    """Make `chunks` chunks' cards in this process, timing every query."""
    from django.db import connection

    from activities.feedback import services

    period = services.period_get(code)
    found = services.registration_chunks(period)[:chunks]
    waited = 0.0

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal waited
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited += time.perf_counter() - start

    cards_delete(code)
    made = 0
    start = time.perf_counter()
    with connection.execute_wrapper(timed):
        for chunk in found:
            made += services.feedback_cards_generate_for(
                registration_ids=chunk, period=period
            ).created
    seconds = time.perf_counter() - start
    cards_delete(code)
    return Share(made, seconds, waited)


def usl_contention(scaling: float) -> float:
    """σ of S(N) = N / (1 + σ(N − 1)) that gives the measured S(2)."""
    return max(0.0, 2 / scaling - 1)


def projection(
    workers: int, sigma: float, worker_cpu: float, db_cpu: float, db_cores: int
) -> float:
    """Speed-up of `workers` workers over one, each worker on a core of its own: contention σ
    carried on (USL without its coherence term), capped by the database server. A card costs
    `worker_cpu` in the worker and `db_cpu` in PostgreSQL, one after the other (the worker waits
    for its answers), so one worker makes 1 / (worker_cpu + db_cpu) cards a second and a database
    of `db_cores` cores at most db_cores / db_cpu."""
    scaled = workers / (1 + sigma * (workers - 1))
    ceiling = db_cores * (worker_cpu + db_cpu) / db_cpu if db_cpu else float("inf")
    return min(scaled, ceiling)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--period", default="2026H2")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--two", choices=["processes", "concurrency", "both"], default="both")
    args = parser.parse_args()
    setup()
    from django.conf import settings

    from activities.feedback import selectors, services

    if not settings.REDIS_URL:
        raise SystemExit("set REDIS_URL: the workers need a real broker")
    expected = selectors.registrations_due(services.period_get(args.period)).count()
    small_q, small_n, chunk_q, chunk_n = chunk_queries(args.period)
    setups: dict[str, list[int]] = {"1 个 worker（并发 1）": [1]}
    if args.two in ("processes", "both"):
        setups["2 个 worker 进程（各并发 1）"] = [1, 1]
    if args.two in ("concurrency", "both"):
        setups["1 个 worker，并发 2"] = [2]
    seconds: dict[str, list[float]] = {label: [] for label in setups}
    cpu_runs: dict[str, list[dict[str, float]]] = {label: [] for label in setups}
    with tempfile.TemporaryDirectory(prefix="bench-feedback-") as logs:
        for _ in range(args.repeat):
            for label, starts in setups.items():
                done = run(args.period, expected, starts, Path(logs))
                seconds[label].append(done.seconds)
                cpu_runs[label].append(done.cpu)
                cpu = "  ".join(f"{k} {v:.1f} s" for k, v in done.cpu.items())
                print(
                    f"{label}: {done.seconds:.1f} s; {done.tasks} tasks, "
                    f"{done.task_seconds / max(1, done.tasks) * 1000:.0f} ms each inside; "
                    f"{done.connections} database connections opened; "
                    f"CPU: {cpu}; load {os.getloadavg()[0]:.1f}",
                    file=sys.stderr,
                )
    share = database_share(args.period)
    cards_delete(args.period)
    print(f"卡片 {expected} 张，期间 {args.period}，chunk {settings.FEEDBACK_CHUNK_SIZE}\n")
    table("Feedback cards by Celery workers (bench/bench_feedback_cards.py)", rows(
        expected, seconds, (small_q, small_n, chunk_q, chunk_n)
    ))  # fmt: skip
    print_share(expected, seconds, cpu_runs, share)


def print_share(
    expected: int,
    seconds: dict[str, list[float]],
    cpu_runs: dict[str, list[dict[str, float]]],
    share: Share,
) -> None:
    one_label, *two_labels = seconds
    one = statistics.median(seconds[one_label])
    card_seconds = one / expected
    runs = cpu_runs[one_label]
    db_cpu = statistics.median(r["postgres_ours"] for r in runs) / expected
    worker_cpu = statistics.median(r["workers"] for r in runs) / expected
    print(
        f"\n数据库占一张卡的时间（本进程 {share.cards} 张卡，逐条计时）："
        f"{share.database_seconds * 1000 / share.cards:.3f} ms / "
        f"{share.seconds * 1000 / share.cards:.3f} ms = {share.fraction:.0%}"
    )
    print(
        f"1 个 worker：每张卡 {card_seconds * 1000:.3f} ms（墙钟）；CPU：worker "
        f"{worker_cpu * 1000:.3f} ms，PostgreSQL（本库的 worker 会话）{db_cpu * 1000:.3f} ms "
        f"= {db_cpu / (db_cpu + worker_cpu):.0%} of the CPU"
    )
    for label in two_labels:
        scaling = one / statistics.median(seconds[label])
        two = cpu_runs[label]
        cost_two = statistics.median(r["postgres_ours"] + r["workers"] for r in two) / expected
        cost_one = db_cpu + worker_cpu
        print(
            f"{label}：S(2) = {scaling:.2f}×（墙钟）；每张卡 CPU（worker + PostgreSQL）"
            f"{cost_two * 1000:.3f} ms，1 个 worker {cost_one * 1000:.3f} ms："
            f"各占一核时 S(2) ≈ {min(2.0, 2 * cost_one / cost_two):.2f}×"
        )
        measured = usl_contention(scaling)
        for sigma, what in ((measured, f"σ = {measured:.3f}，由墙钟 S(2)"), (0.0, "σ = 0")):
            for cores in (2, 8):
                figures = ", ".join(
                    f"{n}: {projection(n, sigma, worker_cpu, db_cpu, cores):.1f}×"
                    for n in PROJECTED
                )
                print(f"  预测（{what}，数据库 {cores} 核）：{figures}")


def rows(
    expected: int, seconds: dict[str, list[float]], queries: tuple[int, int, int, int]
) -> list[tuple[str, str, str, str, str, bool | None]]:
    small_q, small_n, chunk_q, chunk_n = queries
    found: list[tuple[str, str, str, str, str, bool | None]] = [
        (
            f"一个 chunk 的查询数（{chunk_n} 张卡）",
            f"{chunk_q} q",
            f"{small_q} q（{small_n} 张卡）",
            f"{chunk_q / small_q:.2f}×",
            "不随卡数增长",
            chunk_q == small_q,
        )
    ]
    one_label, *two_labels = seconds
    one = statistics.median(seconds[one_label])
    for label, values in seconds.items():
        median = statistics.median(values)
        found.append(
            (
                f"{expected} 张卡全部写入 · {label}",
                f"{median:.1f} s（{expected / median:.0f} 张/s）",
                "—",
                "—",
                f"≤ {GOAL_SECONDS} s",
                median <= GOAL_SECONDS,
            )
        )
    for label in two_labels:
        two = statistics.median(seconds[label])
        found.append(
            (
                f"吞吐量 · {label} / 1 个 worker",
                f"{expected / two:.0f} 张/s",
                f"{expected / one:.0f} 张/s",
                f"{one / two:.2f}×",
                f"≥ {GOAL_SCALING}×",
                one / two >= GOAL_SCALING,
            )
        )
    return found


if __name__ == "__main__":
    main()
