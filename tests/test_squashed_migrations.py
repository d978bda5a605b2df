"""The squashed migrations (members 0001–0012, activities 0001–0004, finance 0001–0002, publicity
0001–0002, common 0001–0003) keep the migrations they replace: a database migrated before the
squash, which records only the replaced names, has nothing to apply; one part-way through an app
applies the rest of the replaced migrations; a new migration may depend on a replaced name."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

SQUASHED = {
    "activities": "0001_squashed_0004_attendance_vote_and_meeting_held_for",
    "common": "0001_squashed_0003_document_token_and_random_file_names",
    "finance": "0001_squashed_0002_payment_reversal_relief_recorder",
    "members": "0001_squashed_0012_member_logins_and_event_signups",
    "publicity": "0001_squashed_0002_vote_exclusions_notice_withdrawal",
}


def _as_before_the_squash(*unapplied: tuple[str, str]) -> set[tuple[str, str]]:
    """The test database's migration records as a database migrated by the replaced migrations
    alone (they never heard of the squashed names), less `unapplied` and every later migration
    that depends on one of them (as a database of that time would not have them): returns those
    later ones."""
    records = MigrationRecorder.Migration.objects.all()
    for app, name in SQUASHED.items():
        records.filter(app=app, name=name).delete()
    for app, name in unapplied:
        records.filter(app=app, name=name).delete()
    # The graph as it now stands (the app part-way: its replaced migrations, not its squash).
    graph = MigrationExecutor(connection).loader.graph
    dependents = {
        node
        for node in graph.nodes
        if node not in unapplied and any(key in graph.forwards_plan(node) for key in unapplied)
    }
    for app, name in dependents:
        records.filter(app=app, name=name).delete()
    return dependents


def _plan() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [(migration.app_label, migration.name) for migration, _backwards in plan]


@pytest.mark.django_db
def test_a_database_at_the_replaced_migrations_has_nothing_to_apply() -> None:
    _as_before_the_squash()
    executor = MigrationExecutor(connection)
    for app, name in SQUASHED.items():
        assert (app, name) in executor.loader.graph.nodes  # the squash stands for them
    assert _plan() == []


@pytest.mark.django_db
def test_a_database_part_way_through_members_applies_the_rest_of_the_replaced_ones() -> None:
    rest = [
        ("members", "0010_personal_data_probe_actions"),
        ("members", "0011_member_exchange_roster_permission"),
        ("members", "0012_member_logins_and_event_signups"),
    ]
    dependents = _as_before_the_squash(*rest)
    plan = _plan()
    assert [key for key in plan if key in rest] == rest  # in their order
    assert set(plan) == set(rest) | dependents  # and only what a database of that time lacked
    assert all(plan.index(key) > plan.index(rest[-1]) for key in dependents)


@pytest.mark.django_db
def test_a_fresh_database_applies_only_the_squashed_migrations() -> None:
    MigrationRecorder.Migration.objects.filter(app__in=[*SQUASHED, "organizations"]).delete()
    plan = _plan()
    loader = MigrationExecutor(connection).loader
    replaced = {key for squash in loader.replacements.values() for key in squash.replaces}
    assert set(SQUASHED.items()) <= set(plan)
    assert not set(plan) & replaced  # none of the replaced migrations runs
    assert plan.index(("members", SQUASHED["members"])) < plan.index(
        ("publicity", SQUASHED["publicity"])
    )


def test_a_dependency_on_a_replaced_name_resolves_to_the_squash() -> None:
    """publicity's squash depends on members 0009 (as its replaced 0002 did): with the squash in
    use, that is the members squash; so is a new migration's dependency on members 0012."""
    loader = MigrationExecutor(connection=None).loader  # the graph alone, as makemigrations sees it
    members = ("members", SQUASHED["members"])
    assert loader.replacements[members].replaces[-1] == (
        "members",
        "0012_member_logins_and_event_signups",
    )
    assert ("members", "0009_member_probation_extension") not in loader.graph.nodes
    publicity = loader.graph.node_map[("publicity", SQUASHED["publicity"])]
    assert members in {parent.key for parent in publicity.parents}
