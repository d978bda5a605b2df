#!/usr/bin/env bash
# One command to run every test, browser and PDF tests included. Uses SQLite and an on-disk Celery
# broker by default; with DATABASE_URL and REDIS_URL set (as .ci/run does) the same tests run on
# PostgreSQL and Redis. Extra arguments go to pytest (`-n 0`: in one process).
#
# One test process per core (pytest-xdist), each with its own test database, Redis key prefix and
# clone of the demo, which is built once per run into a template (tests/demo_template.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
source scripts/bootstrap.sh
# Python keeps the modules it compiles (__pycache__), and pytest the test modules it rewrites:
# with PYTHONDONTWRITEBYTECODE set (as on this machine) every test process, and every process a
# test starts (a Celery worker, a management command), compiled ~1,100 modules again (11 s of CPU
# for each of the two test processes' collection alone).
unset PYTHONDONTWRITEBYTECODE
# --maxschedchunk: xdist hands each process at most 2 tests at a time, so that no process is left
# holding a backlog while the other is idle (the slowest tests run first: tests/conftest.py).
python -m pytest --numprocesses=logical --maxschedchunk=2 "$@"
