"""`make run` in a fresh clone: seconds to the first 200 on /admin/login/, to the demo's logins,
and from SIGTERM to the end of every process it started.

    python bench/first_serve.py                      # clone HEAD of this repository into /tmp
    python bench/first_serve.py --venv /path/.venv   # link an installed venv instead of uv sync
    python bench/first_serve.py --repeat 3 --port 8765
    python bench/first_serve.py --commit f7b10bc --until serving   # an older `make run`

Each run clones the repository (committed work only) into a new temporary directory, starts
`bash scripts/run.sh` (what `make run` runs) in a session of its own, asks for /admin/login/ every
0.1 s and stamps each console line as it arrives. Without --venv, scripts/bootstrap.sh creates the
clone's own .venv from uv's cache (warm after the first run: the issue's "package cache warm").
The machine is shared: the load average before each run is printed beside its figures, and the
CPU seconds of the run's processes (user + system, children included) say what the wall clock
cannot on a busy machine. Not a test: tests do not time the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKS = {  # console line (start) -> phase it begins
    "==> 安装项目依赖": "bootstrap",
    "==> 迁移数据库": "migrate",
    "==> 启动网站": "start",
    "==> 演示数据已载入": "logins",
}


@dataclass
class Run:
    load: float
    seconds: dict[str, float] = field(default_factory=dict)
    cpu: float = 0.0
    stop: float | None = None
    log: list[str] = field(default_factory=list)


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, OSError):
        return None


def _stopped(process: subprocess.Popen[bytes], timeout: float) -> float | None:
    start = time.monotonic()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return time.monotonic() - start


def one_run(
    venv: Path | None, port: int, timeout: float, keep: bool, commit: str, until: str
) -> Run:
    run = Run(load=os.getloadavg()[0])
    workdir = Path(tempfile.mkdtemp(prefix="first-serve-"))
    clone = workdir / "clone"
    git = shutil.which("git") or "git"
    subprocess.run([git, "clone", "-q", str(ROOT), str(clone)], check=True)  # noqa: S603
    subprocess.run([git, "-C", str(clone), "checkout", "-q", commit], check=True)  # noqa: S603
    if venv is not None:
        (clone / ".venv").symlink_to(venv)
    env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    for name in ("DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    process = subprocess.Popen(  # noqa: S603
        [shutil.which("bash") or "/bin/bash", "scripts/run.sh"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def read() -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            now = time.monotonic() - start
            run.log.append(f"{now:7.1f}  {line}")
            for mark, phase in MARKS.items():
                if line.startswith(mark) and phase not in run.seconds:
                    run.seconds[phase] = now

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    url = f"http://127.0.0.1:{port}/admin/login/"
    try:
        while time.monotonic() - start < timeout and process.poll() is None:
            if "serving" not in run.seconds and _status(url) == 200:
                run.seconds["serving"] = time.monotonic() - start
            if until in run.seconds:
                break
            time.sleep(0.1)
        time.sleep(3)  # the worker is up by now; let it settle before the stop
        os.kill(process.pid, signal.SIGTERM)  # honcho: run.sh ends in `exec honcho`
        run.stop = _stopped(process, timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # anything left of the session
        process.wait()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        run.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept: {clone}")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, help="link this venv instead of creating one")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--keep", action="store_true", help="keep the clone (its var/)")
    parser.add_argument("--log", action="store_true", help="print each run's stamped console")
    parser.add_argument("--commit", default="HEAD", help="the commit to clone (default HEAD)")
    parser.add_argument(
        "--until", choices=["serving", "logins"], default="logins", help="then stop it"
    )
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        run = one_run(args.venv, args.port, args.timeout, args.keep, args.commit, args.until)
        runs.append(run)
        if args.log:
            print("\n".join(run.log))
    phases = ["bootstrap", "migrate", "start", "serving", "logins"]
    print("| run | load before | " + " | ".join(phases) + " | stop | CPU s |")
    print("|---|---|" + "---|" * len(phases) + "---|---|")
    for number, run in enumerate(runs, start=1):
        cells = [f"{run.seconds[p]:.1f}" if p in run.seconds else "—" for p in phases]
        stop = f"{run.stop:.1f}" if run.stop is not None else "> 30"
        print(
            f"| {number} | {run.load:.1f} | " + " | ".join(cells) + f" | {stop} | {run.cpu:.0f} |"
        )
    served = [run.seconds["serving"] for run in runs if "serving" in run.seconds]
    if served:
        print(
            f"\nseconds to the first 200 on /admin/login/: median {statistics.median(served):.1f}"
        )
    if len(served) < len(runs):
        sys.exit("a run never served /admin/login/ (see --log)")


if __name__ == "__main__":
    main()
