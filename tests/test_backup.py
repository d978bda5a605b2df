"""python manage.py backup DIR / restore DIR (issue "Trust, round 3"): the database and the
uploaded and generated files, with a manifest; restored into an empty database, every table's
rows and every file are as they were."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from kit.backup import table_counts
from organizations.models import Organization

FILES = {
    "documents/2026/12/组织架构图.pdf": b"%PDF-1.7 generated",
    "members/photos/张三.jpg": b"\xff\xd8\xff photo",
    "publicity/steps/公示材料.docx": b"PK\x03\x04 upload",
}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    for name, content in FILES.items():
        path = settings.MEDIA_ROOT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return Path(settings.MEDIA_ROOT)


@contextmanager
def other_database(name: str) -> Iterator[str]:
    """A second connection alias to the database `name` (created by the caller)."""
    alias = "restored"
    connections.settings[alias] = {**connections["default"].settings_dict, "NAME": name}
    wrapper = connections[alias]
    # Known to the handler (connections[alias] answers) but not among its configured aliases,
    # so that Django's test case treats it as a connection created on the fly and lets it open.
    del connections.settings[alias]
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


def backup(directory: Path) -> str:
    out = io.StringIO()
    call_command("backup", str(directory), stdout=out)
    return out.getvalue()


def restore(directory: Path, alias: str) -> str:
    out = io.StringIO()
    call_command("restore", str(directory), database=alias, stdout=out)
    return out.getvalue()


def assert_restored(alias: str, expected: dict[str, int], media_root: Path) -> None:
    assert table_counts(connections[alias]) == expected
    for name, content in FILES.items():
        assert (media_root / name).read_bytes() == content


# --- SQLite: the backup API's copy -----------------------------------------------------------------
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite copy; PostgreSQL below")
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_every_row_and_file(
    tree: Any, media: Path, settings: Any, tmp_path: Path
) -> None:
    directory = tmp_path / "backup"
    assert "备份完成" in backup(directory)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    before = table_counts(connection)
    assert manifest["tables"] == before
    assert manifest["tables"]["organizations_organization"] == Organization.objects.count() > 0
    assert sorted(item["path"] for item in manifest["media"]) == sorted(FILES)
    assert manifest["engine"] == "sqlite"
    assert manifest["created"]

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with other_database(str(tmp_path / "restored.sqlite3")) as alias:
        assert "与备份清单一致" in restore(directory, alias)
        assert_restored(alias, before, settings.MEDIA_ROOT)


@pytest.mark.django_db(transaction=True)  # the backup reads what is committed
def test_restore_refuses_a_database_that_is_not_empty(media: Path, tmp_path: Path) -> None:
    directory = tmp_path / "backup"
    backup(directory)
    with pytest.raises(CommandError, match="不是空的（已有\\d+张表）；请恢复到新建的空数据库"):
        call_command("restore", str(directory))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_media_files_in_place(media: Path, tmp_path: Path, settings: Any) -> None:
    """Checked before the database is touched: nothing is half restored."""
    directory = tmp_path / "backup"
    backup(directory)
    with other_database(str(tmp_path / "empty.sqlite3")) as alias:
        if connections[alias].vendor != "sqlite":
            pytest.skip("a second SQLite file; the PostgreSQL restore is tested below")
        with pytest.raises(CommandError, match="MEDIA_ROOT（.*）不是空的"):
            restore(directory, alias)
        assert table_counts(connections[alias]) == {}


@pytest.mark.django_db
def test_backup_refuses_a_directory_in_use(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="不是空的，请指定一个新目录"):
        backup(tmp_path)


def test_restore_refuses_a_directory_without_manifest(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="没有 manifest.json，不是本系统的备份目录"):
        call_command("restore", str(tmp_path))


# --- PostgreSQL: pg_dump -Fc / pg_restore, the demo ---------------------------------------------
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump/pg_restore need PostgreSQL and a database to restore into",
)
def test_postgresql_backup_of_the_demo_restores_every_row_and_file(
    demo_live: Any, media: Path, settings: Any, tmp_path: Path
) -> None:
    # the demo: a clone of its template (tests/demo_template.py), backed up as the site's database
    directory = tmp_path / "backup"
    assert "备份完成" in backup(directory)
    before = table_counts(connection)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"] == before
    assert before["members_member"] > 100  # the demo is in it
    assert manifest["pg_dump_version"] >= connection.pg_version // 10000

    name = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        settings.MEDIA_ROOT = tmp_path / "restored-media"
        with other_database(name) as alias:
            assert "与备份清单一致" in restore(directory, alias)
            assert_restored(alias, before, settings.MEDIA_ROOT)
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT username FROM auth_user WHERE username = 'chunhui'")
                assert cursor.fetchone() == ("chunhui",)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
