"""The migration that gives every existing document its own download token and moves its file
from its Chinese name to a random one."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("common", "0002_cache_table")]
AFTER = [("common", "0003_document_token_and_random_file_names")]


def _migrate(targets: list[tuple[str, str]]) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_documents_get_distinct_tokens_and_random_file_names(
    tree: object,
) -> None:
    apps = _migrate(BEFORE)
    Document = apps.get_model("common", "Document")  # type: ignore[attr-defined]
    old_name = default_storage.save(
        "documents/2026/11/党费台账-甲社区党委-2026-11.pdf", ContentFile(b"%PDF")
    )
    organization_id = tree.community_a.pk  # type: ignore[attr-defined]
    with_file = Document.objects.create(
        kind="dues_ledger", organization_id=organization_id, status="done", file=old_name
    )
    without = Document.objects.create(kind="organization_tree", organization_id=organization_id)
    apps = _migrate(AFTER)
    Document = apps.get_model("common", "Document")  # type: ignore[attr-defined]
    tokens = set(Document.objects.values_list("token", flat=True))
    assert len(tokens) == 2
    assert None not in tokens
    moved = Document.objects.get(pk=with_file.pk).file.name
    assert re.fullmatch(r"documents/[0-9a-f]{32}\.pdf", moved)
    assert default_storage.exists(moved)
    assert not default_storage.exists(old_name)
    assert Document.objects.get(pk=without.pk).file.name == ""
