"""Shared organizations and users: a sub-district with two communities, each with a branch, a
group and a workplace unit; unit B is also linked to community A for 双联双管."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import override_settings

from config.celery_app import app as celery_app
from organizations import services
from organizations.models import Organization
from organizations.roles import Role
from organizations.rules import OrganizationKind as K
from tests import demo_template
from tests.demo_template import demo_database, demo_db, demo_live  # noqa: F401 (fixtures)
from tests.organizations.factories import OrganizationFactory, UnitFactory, UserFactory


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--migrate-test-db",
        action="store_true",
        help="build the test database by running every migration (default: from the models)",
    )
    parser.addoption(
        "--rebuild-demo",
        action="store_true",
        help="build the demo's template database again (tests/demo_template.py)",
    )


# The tests that take longest (a browser, a real worker) go first among the transactional tests,
# which pytest-django runs after every other database test (Django's order: a transactional test
# empties the tables after itself), so that the two processes of `make test` share them and
# neither finishes alone behind the other's backlog: xdist hands out tests in collection order,
# a few at a time (scripts/test.sh, --maxschedchunk), each process keeping that order.
SLOW_FIRST = ("browser", "worker")


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


@pytest.hookimpl(trylast=True)  # after pytest-django has put the transactional tests together
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    where = [i for i, item in enumerate(items) if _is_transactional(item)]
    if not where or where[-1] - where[0] + 1 != len(where):
        return  # not one block: leave pytest-django's order alone

    def slow(item: pytest.Item) -> bool:
        return any(item.get_closest_marker(name) for name in SLOW_FIRST)

    block = items[where[0] : where[-1] + 1]
    items[where[0] : where[-1] + 1] = sorted(block, key=lambda item: not slow(item))


def pytest_configure(config: pytest.Config) -> None:
    # In the process that starts the xdist workers (or the only one): once per run.
    if config.getoption("--rebuild-demo") and not hasattr(config, "workerinput"):
        demo_template.remove_stamps()


_MIGRATION_MODULES: list[Any] = []


@pytest.fixture(scope="session")
def django_db_use_migrations(request: pytest.FixtureRequest) -> bool:
    """The test database's tables are made from the models, not by running the migrations: the
    migrations re-render the state of every related model after each operation, about 50 s of
    CPU in each test process, where creating the tables takes 2 s. What the migrations would
    have left besides the tables is put there afterwards (`django_db_setup`): their records, as
    a migrated database holds them (tests/test_squashed_migrations.py and
    tests/test_document_migration.py migrate from there), and the rows they seed. That the
    migrations make the models' tables is proven in CI (`makemigrations --check`, then
    `migrate` and the demo on an empty PostgreSQL); `pytest --migrate-test-db` runs them here."""
    from django.conf import settings

    _MIGRATION_MODULES.append(settings.MIGRATION_MODULES)  # pytest-django replaces it next
    return bool(request.config.getoption("--migrate-test-db"))


def record_migrations_as_applied() -> None:
    """The migration records of a database the migrations built (for replacements, the replaced
    names too, as `migrate` writes them), and the rows the migrations seed."""
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if _MIGRATION_MODULES:
        settings.MIGRATION_MODULES = _MIGRATION_MODULES[0]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return  # migrated (--migrate-test-db, or a kept database)
    for migration, _backwards in plan:
        executor.record_migration(migration)
    executor.check_replacements()
    reseed_migration_rows()


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: Any, request: pytest.FixtureRequest
) -> Iterator[str | None]:
    """pytest-django's test database, made from the models and given what the migrations would
    have left (`django_db_use_migrations`); and, when the demo's template must be built, a copy
    of it as it then stands (the name of that copy)."""
    with django_db_blocker.unblock():
        record_migrations_as_applied()
        pristine = demo_template.keep_pristine(request.session)
    yield pristine
    if pristine:
        with django_db_blocker.unblock():
            demo_template.Databases().drop(pristine)


@pytest.fixture(autouse=True, scope="session")
def _flush_by_delete() -> Iterator[None]:
    """After each transactional test Django empties every table (`flush`). On PostgreSQL it does
    so with one TRUNCATE of all 167 tables, which gives each table, index and TOAST table a new
    file: 1-7 s a test on this machine, the larger part of a browser test's teardown. The
    tables a test leaves hold a few hundred rows, and DELETE empties them in 0.03-0.12 s (the
    foreign keys are deferred to the end of the transaction, as TRUNCATE's set does not need).
    A flush that must also restart the sequences or cascade to tables outside the set keeps
    Django's TRUNCATE. A test that wrote only to a clone of the demo (`demo_live`) leaves the test
    database as it found it: its flush is skipped."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(
        self: Any,
        style: Any,
        tables: Any,
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if not tables or reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        deletes = [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(t))};"
            for t in tables
        ]
        return [f"{style.SQL_KEYWORD('SET CONSTRAINTS ALL DEFERRED')};", *deletes]

    from django.test import TransactionTestCase

    flush = TransactionTestCase._fixture_teardown

    def fixture_teardown(self: Any) -> None:
        if demo_template.UNTOUCHED.is_set():  # the test wrote only to a demo clone
            demo_template.UNTOUCHED.clear()
            return
        flush(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        patch.setattr(TransactionTestCase, "_fixture_teardown", fixture_teardown)
        yield


@pytest.fixture(autouse=True, scope="session")
def _celery_eager() -> Any:
    """Tasks run in the test process; tests/test_worker.py starts a real worker instead."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _migration_seeds(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    """A transactional test starts with the rows the migrations seed (人员类别, the service posts
    of 001), which the one before it in this process may have emptied with every table."""
    if _is_transactional(request.node):  # type: ignore[arg-type]
        with django_db_blocker.unblock():
            reseed_migration_rows()


def reseed_migration_rows() -> None:
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    seeds = import_module("members.migrations.0002_seed_categories_and_post_kinds")
    seeds.seed(apps, connection.schema_editor())


@pytest.fixture(autouse=True, scope="session")
def _fast_passwords() -> Iterator[None]:
    # PBKDF2's deliberate slowness costs ~0.3 s per user; tests do not need it. For the whole
    # session, so that the users a module- or session-scoped fixture makes are cheap too.
    with override_settings(PASSWORD_HASHERS=demo_template.FAST_HASHER):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def superuser(db: None) -> Any:
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def build_tree() -> SimpleNamespace:
    """The shared tree (the `tree` fixture; a module-scoped fixture may build it once)."""
    sub_district = OrganizationFactory(name="测试街道党工委", code="SD", kind=K.SUB_DISTRICT)
    community_a = OrganizationFactory(
        name="甲社区党委", code="SD-A", kind=K.COMMUNITY_COMMITTEE, parent=sub_district
    )
    branch_a = OrganizationFactory(
        name="甲社区第一党支部", code="SD-A-1", kind=K.BRANCH, parent=community_a
    )
    group_a = OrganizationFactory(
        name="甲社区第一党小组", code="SD-A-1-1", kind=K.GROUP, parent=branch_a
    )
    community_b = OrganizationFactory(
        name="乙社区党总支", code="SD-B", kind=K.COMMUNITY_GENERAL_BRANCH, parent=sub_district
    )
    branch_b = OrganizationFactory(
        name="乙社区第一党支部", code="SD-B-1", kind=K.BRANCH, parent=community_b
    )
    group_b = OrganizationFactory(
        name="乙社区第一党小组", code="SD-B-1-1", kind=K.GROUP, parent=branch_b
    )
    unit_a = UnitFactory(
        name="甲小学",
        community=community_a,
        party_organization__name="甲小学党支部",
        party_organization__code="U-A",
    )
    unit_b = UnitFactory(
        name="乙医院",
        community=community_b,
        party_organization__name="乙医院党委",
        party_organization__code="U-B",
    )
    unit_b.linked_communities.add(community_a)
    unit_c = UnitFactory(
        name="丙公司",
        community=community_b,
        party_organization__name="丙公司党支部",
        party_organization__code="U-C",
    )
    return SimpleNamespace(**locals())


@pytest.fixture
def tree(db: None) -> SimpleNamespace:
    return build_tree()


def grant_user(role: str, organization: Organization, username: str, actor: Any) -> Any:
    """A user with `role` in `organization`, as a fresh object (no cached scope)."""
    user = UserFactory(username=username)
    services.organization_access_grant(user=user, organization=organization, role=role, actor=actor)
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def make_user(db: None, superuser: Any) -> Callable[..., Any]:
    def make(role: str, organization: Organization, username: str | None = None) -> Any:
        return grant_user(role, organization, username or f"{role}-{organization.code}", superuser)

    return make


@pytest.fixture
def secretary_a(make_user: Callable[..., Any], tree: SimpleNamespace) -> Any:
    return make_user(Role.COMMUNITY_SECRETARY, tree.community_a, "secretary_a")


@pytest.fixture
def secretary_b(make_user: Callable[..., Any], tree: SimpleNamespace) -> Any:
    return make_user(Role.COMMUNITY_SECRETARY, tree.community_b, "secretary_b")


@pytest.fixture
def sub_district_officer(make_user: Callable[..., Any], tree: SimpleNamespace) -> Any:
    return make_user(Role.SUB_DISTRICT_OFFICER, tree.sub_district, "jiedao")


@pytest.fixture
def branch_officer_a(make_user: Callable[..., Any], tree: SimpleNamespace) -> Any:
    return make_user(Role.BRANCH_OFFICER, tree.branch_a, "branch_a")


@pytest.fixture
def reviewer_b(make_user: Callable[..., Any], tree: SimpleNamespace) -> Any:
    return make_user(Role.UNIT_REVIEWER, tree.unit_b.party_organization, "reviewer_b")


@pytest.fixture
def district(tree: SimpleNamespace, superuser: Any) -> Organization:
    return build_district(tree, superuser)


def build_district(tree: SimpleNamespace, actor: Any) -> Organization:
    """The 区委组织部 above the test sub-district, with a second sub-district (one community,
    one branch) beside it (the `district` fixture; a module-scoped fixture may build it once)."""
    district = OrganizationFactory(name="测试区委组织部", code="QW", kind=K.DISTRICT)
    tree.sub_district.parent = district
    services.organization_save(
        organization=tree.sub_district, actor=actor, update_fields=["parent"]
    )
    tree.sub_district_2 = OrganizationFactory(
        name="第二街道党工委", code="QW-2", kind=K.SUB_DISTRICT, parent=district
    )
    tree.community_c = OrganizationFactory(
        name="丙社区党委", code="QW-2-C", kind=K.COMMUNITY_COMMITTEE, parent=tree.sub_district_2
    )
    tree.branch_c = OrganizationFactory(
        name="丙社区第一党支部", code="QW-2-C-1", kind=K.BRANCH, parent=tree.community_c
    )
    tree.district = district
    return district


@pytest.fixture
def district_officer(make_user: Callable[..., Any], district: Organization) -> Any:
    return make_user(Role.DISTRICT_OFFICER, district, "quwei")


def cache_clear_own() -> None:
    """Empty this test process's cache. On Redis the test processes share one database, each
    with its own key prefix (config/settings.py), and `cache.clear()` is FLUSHDB: it would empty
    the other process's keys mid-test too (a captcha nonce forgotten between two posts). Here only
    this process's keys go."""
    from django.core.cache import cache

    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    prefix = cache.key_prefix
    if client is None or not prefix:
        cache.clear()
        return
    redis = client(write=True)
    for key in redis.scan_iter(match=f"{prefix}:*", count=1000):
        redis.delete(key)
