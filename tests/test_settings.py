"""Production settings refuse to start without secrets and pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 60 + "-production-test-key-4f9a2c",
    "DJANGO_ALLOWED_HOSTS": "dangjian.example.org",
}


def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_off_without_secret_key_refuses_to_start() -> None:
    result = run(
        "import config.settings", DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="a.example.org"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_off_without_allowed_hosts_refuses_to_start() -> None:
    result = run(
        "import config.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"],
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **PRODUCTION},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_defaults_are_chinese_and_shanghai() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def _database_options(**env: str) -> str:
    code = "import config.settings as s; print(repr(s.DATABASES['default'].get('OPTIONS', {})))"
    result = run(code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_connections_run_without_jit() -> None:
    """JIT compiling a sub-district's counts cost seconds each (bench/RESULTS.md, issue 25): off
    on every PostgreSQL connection, with the options the URL gives kept, unless DATABASE_JIT."""
    url = "postgres://u@db.example.org:5432/dangjian"
    assert _database_options(DATABASE_URL=url) == "{'options': '-c jit=off'}"
    given = _database_options(DATABASE_URL=f"{url}?options=-c%20statement_timeout%3D5000")
    assert given == "{'options': '-c statement_timeout=5000 -c jit=off'}"
    assert "jit" not in _database_options(DATABASE_URL=url, DATABASE_JIT="true")
    assert "jit" not in _database_options(DATABASE_URL="sqlite:////tmp/x.sqlite3")


@pytest.mark.django_db
def test_the_database_runs_queries_without_jit() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
