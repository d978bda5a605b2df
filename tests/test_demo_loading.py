"""`make run` serves while the demo loads in the background (`manage.py demo --progress`): the
login page says so instead of refusing the demo's logins as unknown, and the command reports its
progress on the console while its logins stay the only lines of its output."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from kit.progress import demo_loading, demo_loading_marker, job_marker, job_status
from organizations.demo import Login

LOGIN = reverse("admin:login")
PASSWORD = "secret-pass-123"  # tests/organizations/factories.UserFactory
NOTICE = "演示数据载入中"


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    process.wait()
    return process.pid


def test_a_marker_says_how_far_the_job_got_and_goes_when_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "job"
    with job_marker(path) as report:
        assert job_status(path) == ""
        report("演示数据载入中 2/6：党员管理")
        assert job_status(path) == "演示数据载入中 2/6：党员管理"
    assert not path.exists()
    assert job_status(path) is None


def test_a_marker_goes_when_the_job_fails(tmp_path: Path) -> None:
    path = tmp_path / "job"
    with pytest.raises(RuntimeError), job_marker(path):
        raise RuntimeError
    assert not path.exists()


def test_a_marker_left_by_a_killed_job_counts_as_none(tmp_path: Path) -> None:
    path = tmp_path / "job"
    path.write_text(f"{_dead_pid()}\n演示数据载入中 3/6\n", encoding="utf-8")
    assert job_status(path) is None
    path.write_text("not a pid\n", encoding="utf-8")
    assert job_status(path) is None


def test_the_marker_run_sh_writes_before_the_demo_reports_counts(data_dir: Path) -> None:
    """scripts/run.sh writes the demo's process id alone, before Django has started in it."""
    demo_loading_marker().write_text(f"{os.getpid()}\n", encoding="utf-8")
    assert demo_loading() == ""


@pytest.mark.django_db
def test_the_login_page_says_the_demo_is_loading_and_looks_again(
    client: Client, data_dir: Path
) -> None:
    with job_marker(demo_loading_marker()) as report:
        report("演示数据载入中 4/6：组织生活")
        page = client.get(LOGIN).content.decode()
    assert NOTICE in page
    assert "演示数据载入中 4/6：组织生活" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    assert 'id="login-form"' in page  # the form stays: it works as soon as the demo is in
    after = client.get(LOGIN).content.decode()
    assert NOTICE not in after
    assert 'http-equiv="refresh"' not in after


@pytest.mark.django_db
def test_no_login_while_the_demo_loads_and_the_page_says_why(
    client: Client, data_dir: Path, secretary_a: Any
) -> None:
    form = {"username": "secretary_a", "password": PASSWORD, "next": "/admin/"}
    with job_marker(demo_loading_marker()):
        refused = client.post(LOGIN, form)
    assert refused.status_code == 200
    assert "演示数据载入中，载入完成后即可用演示账号登录，请稍候再试。" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.post(LOGIN, form).status_code == 302


@pytest.mark.django_db
def test_a_killed_demo_does_not_block_the_login(
    client: Client, data_dir: Path, secretary_a: Any
) -> None:
    demo_loading_marker().write_text(f"{_dead_pid()}\n演示数据载入中 2/6\n", encoding="utf-8")
    assert NOTICE not in client.get(LOGIN).content.decode()
    form = {"username": "secretary_a", "password": PASSWORD, "next": "/admin/"}
    assert client.post(LOGIN, form).status_code == 302


def _fake_build(seen: list[str | None]) -> Any:
    def build(on_step: Any = None) -> list[Login]:
        for number, name in enumerate(("组织管理", "党员管理"), start=1):
            if on_step is not None:
                on_step(number, 2, name)
            seen.append(demo_loading())
        return [Login("superuser", "admin", "dangjian2026", "CN")]

    return build


def _demo(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_demo_progress_reports_each_step_and_prints_the_same_logins(
    data_dir: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = True
    seen: list[str | None] = []
    monkeypatch.setattr("organizations.management.commands.demo.demo_build", _fake_build(seen))
    out, err = _demo("--progress")
    assert seen == ["演示数据载入中 1/2：组织管理", "演示数据载入中 2/2：党员管理"]
    assert out == "superuser\tadmin\tdangjian2026\tCN\n"
    assert "==> 演示数据载入中 1/2：组织管理" in err
    assert "==> 演示数据载入中 2/2：党员管理" in err
    assert demo_loading() is None
    assert not demo_loading_marker().exists()
    seen.clear()
    quiet_out, quiet_err = _demo()  # without --progress: no marker, no progress lines
    assert seen == [None, None]
    assert quiet_out == out
    assert quiet_err == "演示数据已就绪：1个登录账号。\n"
