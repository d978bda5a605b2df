"""The demo sub-district, built once into a template database and cloned for the tests that use it
(the way Zulip's zerver/lib/test_fixtures.py does).

`python manage.py demo` takes about half a minute of CPU, and a dozen tests need its data. The
first test process that needs it runs the command once, in a copy of the freshly migrated test
database, and keeps the result as a template: on PostgreSQL a database `<test database>_demo_<hash>`,
on SQLite a file `DATA_DIR/test-demo-<hash>.sqlite3`. The hash covers the project's Python code
(the migrations, the demo builders and every service they call), the locked dependencies, the
database and today's date (the demo counts back from today): a change to any of them builds it
again. A stamp file beside it, `DATA_DIR/test-demo-<vendor>-<hash>.logins` (the logins the
command printed), says it is complete; `pytest --rebuild-demo` removes the stamps first. Each test process
(each xdist worker) gets its own clone, and a fixture points the default connection at it:

- `demo_db` (module scope): the clone for the module's tests, each in its own transaction that is
  rolled back, so the clone stays as the demo left it;
- `demo_live` (function scope, with `transactional_db`): for tests whose writes are committed (a
  live server, pg_dump); the clone is copied from the template again before its next use.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

# Top-level packages whose code does not shape the demo's rows.
NOT_HASHED = {"tests", "bench"}
DIGEST_LENGTH = 12
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
Logins = list[list[str]]
# Set when a transactional test wrote only to a demo clone (`demo_live`): the test's
# flush of the test database is skipped (tests/conftest.py, `_flush_by_delete`).
UNTOUCHED = threading.Event()


def code_hash() -> str:
    """The code that decides what the demo writes, the database it is written to, and today."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for package in sorted(p for p in base.iterdir() if (p / "__init__.py").exists()):
        if package.name in NOT_HASHED:
            continue
        for path in sorted(package.rglob("*.py")):
            digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    for name in ("uv.lock", "tests/demo_template.py"):
        digest.update((base / name).read_bytes())
    digest.update(f"{connection.vendor}:{timezone.localdate().isoformat()}".encode())
    return digest.hexdigest()[:DIGEST_LENGTH]


def stamp_path(digest: str) -> Path:
    return Path(settings.DATA_DIR) / f"test-demo-{connection.vendor}-{digest}.logins"


def remove_stamps() -> None:
    """`--rebuild-demo`: without its stamp a template counts as missing and is built again."""
    for stamp in Path(settings.DATA_DIR).glob("test-demo-*.logins"):
        stamp.unlink()


def forget_cache() -> None:
    """Drop what this process cached while on the database it leaves (ids are reused between the
    test database and the demo's, and a transactional test's flush renumbers content types).
    Without Redis the cache is a table in each database; with Redis each xdist worker's keys
    carry its own prefix (config/settings.py), so only ours go."""
    ContentType.objects.clear_cache()
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):
        return
    client = backend.get_client(None, write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@contextmanager
def using_database(name: str) -> Iterator[None]:
    """The default connection points at database `name` (so does every thread's new connection,
    the live server's included: they share the settings dict), then back."""
    previous = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    forget_cache()
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = previous
        forget_cache()


class Databases:
    """Copy, rename and drop whole databases: SQLite's backup API on files, CREATE DATABASE …
    TEMPLATE on PostgreSQL."""

    @property
    def sqlite(self) -> bool:
        return connection.vendor == "sqlite"

    def template(self, test_name: str, digest: str) -> str:
        if self.sqlite:
            return str(Path(settings.DATA_DIR) / f"test-demo-{digest}.sqlite3")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        base = test_name.removesuffix(f"_{worker}") if worker else test_name
        return f"{base}_demo_{digest}"

    def derived(self, name: str, what: str) -> str:
        """A database named after another: its clone, its copy under construction."""
        return f"{name}-{what}" if self.sqlite else f"{name}_{what}"

    def copy(self, source: str, target: str) -> None:
        self.drop(target)
        if self.sqlite:
            with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
                src.backup(dst)
        else:
            self._admin(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')

    def rename(self, source: str, target: str) -> None:
        self.drop(target)
        if self.sqlite:
            os.replace(source, target)
        else:
            self._admin(f'ALTER DATABASE "{source}" RENAME TO "{target}"')

    def drop(self, name: str) -> None:
        if self.sqlite:
            Path(name).unlink(missing_ok=True)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def exists(self, name: str) -> bool:
        return name in self._names()

    def drop_older(self, template: str) -> None:
        """The templates of other code (another hash) beside this one."""
        head = template.removesuffix(".sqlite3")[:-DIGEST_LENGTH]
        pattern = re.compile(re.escape(head) + f"[0-9a-f]{{{DIGEST_LENGTH}}}(\\.sqlite3)?")
        for name in self._names():
            if name != template and pattern.fullmatch(name):
                self.drop(name)

    def _names(self) -> list[str]:
        if self.sqlite:
            return [str(path) for path in Path(settings.DATA_DIR).glob("test-demo-*.sqlite3")]
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database")
            return [row[0] for row in cursor.fetchall()]

    def _admin(self, sql: str) -> None:
        connection.close()  # CREATE DATABASE … TEMPLATE refuses a source with connections
        with connection._nodb_cursor() as cursor:
            cursor.execute(sql)


class DemoDatabase:
    """This test process's clone of the demo template, and the logins the demo printed.

    A clone written to (`demo_live`) is replaced by a fresh copy under the next number, and the
    old one is dropped by a thread meanwhile: on PostgreSQL a DROP DATABASE waits for a
    checkpoint (1-4 s here), which the next test need not wait for."""

    def __init__(self, template: str, clone: str, logins: Logins) -> None:
        self.template, self.logins = template, logins
        self.base = self.clone = clone
        self.copies = 0
        self.dirty = True  # not copied yet
        self.databases = Databases()
        self.dropping: list[threading.Thread] = []

    @contextmanager
    def use(self) -> Iterator[DemoDatabase]:
        if self.dirty:
            self._copy()
            self.dirty = False
        with using_database(self.clone):
            yield self

    def _copy(self) -> None:
        used = self.clone if self.copies else None
        self.copies += 1
        if self.databases.sqlite or used is None:
            self.databases.copy(self.template, self.clone)
            return
        self.clone = self.databases.derived(self.base, str(self.copies))
        self.databases.copy(self.template, self.clone)
        dropping = threading.Thread(target=self.databases.drop, args=(used,), daemon=True)
        dropping.start()
        self.dropping.append(dropping)

    def drop(self) -> None:
        """At the end of the session: the clone in use, once the older ones are gone."""
        for dropping in self.dropping:
            dropping.join()
        self.databases.drop(self.clone)


def build_template(pristine: str, template: str, stamp: Path) -> Logins:
    """Run `manage.py demo` in a copy of the migrated test database; keep it as the template."""
    databases = Databases()
    building = databases.derived(template, "building")
    databases.copy(pristine, building)
    out = io.StringIO()
    with using_database(building), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("demo", allow_production=True, stdout=out, stderr=io.StringIO())
        if not hasattr(getattr(cache, "_cache", None), "get_client"):
            cache.clear()  # the cache table of this database: a clone starts with nothing cached
    databases.rename(building, template)
    databases.drop_older(template)
    for older in stamp.parent.glob(f"test-demo-{connection.vendor}-*.logins"):
        older.unlink()
    stamp.write_text(out.getvalue(), encoding="utf-8")
    return read_logins(stamp)


def read_logins(stamp: Path) -> Logins:
    return [line.split("\t") for line in stamp.read_text(encoding="utf-8").splitlines()]


@contextmanager
def build_lock() -> Iterator[None]:
    """One builder at a time (the xdist workers, two runs of one checkout)."""
    with (Path(settings.DATA_DIR) / "test-demo.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def keep_pristine(session: pytest.Session) -> str | None:
    """Right after the test database is migrated (before any test wrote to it, or a transactional
    one emptied it): a copy to build the demo from, when a selected test needs the demo and its
    template is not built yet."""
    if not any("demo_database" in getattr(item, "fixturenames", ()) for item in session.items):
        return None
    databases = Databases()
    test_name = connection.settings_dict["NAME"]
    digest = code_hash()
    if stamp_path(digest).exists() and databases.exists(databases.template(test_name, digest)):
        return None
    pristine = databases.derived(test_name, "pristine")
    databases.copy(test_name, pristine)
    return pristine


def demo_database_for(pristine: str | None) -> DemoDatabase:
    databases = Databases()
    test_name = connection.settings_dict["NAME"]
    digest = code_hash()
    template, stamp = databases.template(test_name, digest), stamp_path(digest)
    with build_lock():
        if stamp.exists() and databases.exists(template):
            logins = read_logins(stamp)
        else:
            assert pristine, "the migrated test database was not kept to build the demo from"
            logins = build_template(pristine, template, stamp)
    return DemoDatabase(template, databases.derived(test_name, "demo"), logins)


@pytest.fixture(scope="session")
def demo_database(django_db_setup: str | None, django_db_blocker: Any) -> Iterator[DemoDatabase]:
    """This process's clone of the demo template (built first if needed)."""
    with django_db_blocker.unblock():
        demo = demo_database_for(django_db_setup)
    yield demo
    with django_db_blocker.unblock():
        demo.drop()


@pytest.fixture(scope="module")
def demo_db(demo_database: DemoDatabase, django_db_blocker: Any) -> Iterator[DemoDatabase]:
    """The demo, for every test of the module from here on; each test's writes are rolled back
    (a module-scoped fixture is set up before the test's transaction begins)."""
    with django_db_blocker.unblock(), demo_database.use():
        yield demo_database


@pytest.fixture
def demo_live(transactional_db: None, demo_database: DemoDatabase) -> Iterator[DemoDatabase]:
    """The demo for a test whose writes are committed (a live server, a backup): copied from the
    template again before the next use."""
    with demo_database.use():
        yield demo_database
    demo_database.dirty = True
    # Every write of the test went to the clone: the test database is as the test found it, and
    # emptying its tables again (the transactional test's flush) would be work for nothing.
    UNTOUCHED.set()
