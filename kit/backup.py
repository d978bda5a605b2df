"""Backups (issue "Trust, round 3"): the database and MEDIA_ROOT in one directory, with a
manifest, and their restore into an empty database.

A backup directory holds:
- `database.dump`: on PostgreSQL, `pg_dump -Fc` of the database, taken in the same snapshot as
  the row counts of the manifest (`pg_export_snapshot`), so that they agree while the site runs;
  or `database.sqlite3`: on SQLite, a copy made with SQLite's own backup API (safe while the
  site writes);
- `media.tar.gz`: every file under MEDIA_ROOT (uploads and generated PDFs), paths relative to it;
- `manifest.json`: when, which engine (and pg_dump version), the row count of every table, and
  every media file with its size and SHA-256.

A restore refuses a database that holds any table or a MEDIA_ROOT that holds any file (it never
merges into live data), restores the database (`pg_restore --single-transaction`: all or
nothing), unpacks the files, then checks every table's row count and every file against the
manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


@dataclass(frozen=True)
class Summary:
    tables: int
    rows: int
    files: int


# --- backup --------------------------------------------------------------------------------------
def backup_create(*, directory: Path, using: str = "default") -> Summary:
    """Write the backup of database `using` and MEDIA_ROOT into `directory` (new or empty)."""
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"备份目录{directory}不是空的，请指定一个新目录。")
    directory.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    vendor = _vendor(connection)
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "created": timezone.now().isoformat(),
        "engine": vendor,
        "database": DUMP_FILES[vendor],
        "media_archive": MEDIA_ARCHIVE,
    }
    target = directory / DUMP_FILES[vendor]
    if vendor == "postgresql":
        manifest["pg_dump_version"] = _client_major("pg_dump")
        manifest["tables"] = _pg_dump(connection, target)
    else:
        manifest["tables"] = _sqlite_copy(connection, target)
    manifest["media"] = _media_archive(Path(settings.MEDIA_ROOT), directory / MEDIA_ARCHIVE)
    (directory / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8"
    )
    return Summary(
        len(manifest["tables"]), sum(manifest["tables"].values()), len(manifest["media"])
    )


def _vendor(connection: Any) -> str:
    if connection.vendor not in DUMP_FILES:
        raise BackupError(f"不支持备份 {connection.vendor} 数据库（只支持 PostgreSQL 和 SQLite）。")
    return str(connection.vendor)


def table_counts(connection: Any) -> dict[str, int]:
    """{table: rows} of every table of the database (not only Django's)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_dump(connection: Any, target: Path) -> dict[str, int]:
    """pg_dump in the snapshot the counts are read in."""
    server = connection.pg_version // 10000
    client = _client_major("pg_dump")
    if client < server:
        raise BackupError(
            f"pg_dump 的版本（{client}）低于数据库服务器（{server}），pg_dump 会拒绝备份；"
            f"请安装 postgresql-client-{server}。"
        )
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = table_counts(connection)
        _run(
            ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(target)],
            connection,
            "备份数据库",
        )
    return counts


def _sqlite_copy(connection: Any, target: Path) -> dict[str, int]:
    """SQLite's online backup from a connection of its own (read-only): a consistent copy of what
    is committed, while the site goes on writing."""
    source = sqlite3.connect(f"file:{connection.settings_dict['NAME']}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return _sqlite_counts(target)


def _sqlite_counts(path: Path) -> dict[str, int]:
    database = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: database.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in sorted(names)
        }
    finally:
        database.close()


def _media_archive(root: Path, target: Path) -> list[dict[str, Any]]:
    files = []
    with tarfile.open(target, "w:gz") as archive:
        for path in sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []:
            name = path.relative_to(root).as_posix()
            archive.add(path, arcname=name, recursive=False)
            files.append({"path": name, "size": path.stat().st_size, "sha256": _sha256(path)})
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


# --- restore -------------------------------------------------------------------------------------
def backup_restore(*, directory: Path, using: str = "default") -> Summary:
    """Restore `directory` into the empty database `using` and an empty MEDIA_ROOT, then check
    every table's rows and every file against the manifest."""
    manifest = read_manifest(directory)
    connection = connections[using]
    vendor = _vendor(connection)
    if manifest["engine"] != vendor:
        raise BackupError(f"该备份来自 {manifest['engine']} 数据库，不能恢复到 {vendor} 数据库。")
    _check_empty(connection, Path(settings.MEDIA_ROOT))
    dump = directory / manifest["database"]
    if vendor == "postgresql":
        _pg_restore(connection, dump, manifest.get("pg_dump_version", 0))
    else:
        _sqlite_restore(connection, dump)
    _unpack_media(directory / manifest["media_archive"], Path(settings.MEDIA_ROOT))
    problems = verify(manifest, connection, Path(settings.MEDIA_ROOT))
    if problems:
        raise BackupError("恢复后的数据与备份清单不符：" + "；".join(problems))
    tables = manifest["tables"]
    return Summary(len(tables), sum(tables.values()), len(manifest["media"]))


def read_manifest(directory: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{directory}中没有 {MANIFEST}，不是本系统的备份目录。") from None
    except ValueError:
        raise BackupError(f"{directory / MANIFEST}已损坏，无法读取。") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"不认识的备份格式（{manifest.get('format')!r}）。")
    for name in (manifest["database"], manifest["media_archive"]):
        if not (directory / name).is_file():
            raise BackupError(f"备份目录{directory}缺少文件 {name}。")
    return dict(manifest)


def _check_empty(connection: Any, media_root: Path) -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        raise BackupError(
            f"目标数据库{connection.settings_dict['NAME']}不是空的（已有{len(tables)}张表）；"
            "请恢复到新建的空数据库，不会覆盖现有数据。"
        )
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"文件目录 MEDIA_ROOT（{media_root}）不是空的；请先清空或换一个目录。")


def _pg_restore(connection: Any, dump: Path, dumped_by: int) -> None:
    client = _client_major("pg_restore")
    if client < dumped_by:
        raise BackupError(
            f"pg_restore 的版本（{client}）低于制作备份的 pg_dump（{dumped_by}），无法读取；"
            f"请安装 postgresql-client-{dumped_by}。"
        )
    connection.close()  # pg_restore writes through its own connection
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", str(dump)],
        connection,
        "恢复数据库",
    )  # fmt: skip


def _sqlite_restore(connection: Any, dump: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()  # the next query sees the restored tables


def _unpack_media(archive_path: Path, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive.getmembers():
            target = (media_root / member.name).resolve()
            if not member.isfile() or not target.is_relative_to(media_root.resolve()):
                raise BackupError(f"备份中的文件“{member.name}”不在文件目录之内，已停止恢复。")
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is None:  # pragma: no cover - a regular file always has contents
                continue
            with source, target.open("wb") as out:
                shutil.copyfileobj(source, out)


def verify(manifest: dict[str, Any], connection: Any, media_root: Path) -> list[str]:
    """Where the database and MEDIA_ROOT differ from the manifest (empty: they agree)."""
    problems = []
    counts = table_counts(connection)
    for table, rows in manifest["tables"].items():
        if counts.get(table) != rows:
            problems.append(f"表 {table} 应有{rows}行，实有{counts.get(table, '（缺表）')}行")
    for item in manifest["media"]:
        path = media_root / item["path"]
        if not path.is_file():
            problems.append(f"缺少文件 {item['path']}")
        elif path.stat().st_size != item["size"] or _sha256(path) != item["sha256"]:
            problems.append(f"文件 {item['path']} 内容与备份不同")
    return problems


# --- PostgreSQL client programs -----------------------------------------------------------------
def _client_major(program: str) -> int:
    """The major version of pg_dump / pg_restore (`pg_dump (PostgreSQL) 15.20 (Debian …)`)."""
    if shutil.which(program) is None:
        raise BackupError(
            f"找不到 {program}，请安装 postgresql-client（与数据库服务器同一大版本）。"
        )
    output = subprocess.run(  # noqa: S603
        [program, "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if match is None:
        raise BackupError(f"无法识别 {program} 的版本：{output.strip()}")
    return int(match[1])


def _run(arguments: list[str], connection: Any, action: str) -> None:
    """Run a PostgreSQL client program against `connection`'s database (its password through
    the environment, never on the command line)."""
    params = connection.settings_dict
    env = {**os.environ, "PGDATABASE": params["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if params.get(key):
            env[variable] = str(params[key])
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    if arguments[0] == "pg_restore":
        arguments = [*arguments[:-1], "-d", params["NAME"], arguments[-1]]
    result = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{action}失败（{arguments[0]}）：{result.stderr.strip()[-2000:]}")
