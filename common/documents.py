"""The registry of background documents, and the two services that request and render one.

An app registers each kind it can render in its AppConfig.ready():

    register(DocumentKind("organization_tree", "组织架构及班子成员", render=..., filename=...))

`render(document, progress)` returns the PDF's bytes and may call `progress(percent)` as it goes;
`filename(document)` gives the Chinese file name. The worker's task (common/tasks.py) is thin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from organizations.scope import require_editable

from .models import Document, DocumentStatus
from .services import model_save

Progress = Callable[[int], None]


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str
    render: Callable[[Document, Progress], bytes]
    filename: Callable[[Document], str]


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> None:
    _KINDS[kind.code] = kind


def kind_get(code: str) -> DocumentKind | None:
    return _KINDS.get(code)


def kind_list() -> list[DocumentKind]:
    return list(_KINDS.values())


@transaction.atomic
def document_request(
    *, organization: Any, kind: str, actor: Any, params: dict[str, Any] | None = None
) -> Document:
    """Queue a document for a visible organization; a Celery worker renders it after commit."""
    from .tasks import render_document

    if kind_get(kind) is None:
        raise ValidationError(f"没有这种台账：{kind}")
    document = Document(
        kind=kind, organization=organization, requested_by=actor, params=params or {}
    )
    require_editable(actor, document, "为该党组织生成台账")
    model_save(document, actor=actor)
    transaction.on_commit(lambda: render_document.delay(document.pk))
    return document


def document_render(*, document_id: int) -> Document:
    """Render a queued document; running it again for a finished one does nothing. A failure
    is recorded with its reason and leaves no half file."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status == DocumentStatus.DONE:
            return document
        document.status, document.progress = DocumentStatus.RUNNING, 0
        document.save(update_fields=["status", "progress"])
    kind = kind_get(document.kind)
    try:
        if kind is None:
            raise LookupError(f"没有这种台账：{document.kind}")
        pdf = kind.render(document, lambda percent: _progress(document, percent))
    except Exception as exc:
        document.status, document.error = DocumentStatus.FAILED, f"{type(exc).__name__}: {exc}"
        document.finished_at = timezone.now()
        document.save(update_fields=["status", "error", "finished_at"])
        raise
    document.file.save(kind.filename(document), ContentFile(pdf), save=False)
    document.status, document.progress, document.error = DocumentStatus.DONE, 100, ""
    document.finished_at = timezone.now()
    document.save(update_fields=["file", "status", "progress", "error", "finished_at"])
    return document


def _progress(document: Document, percent: int) -> None:
    """Stored at once, outside any transaction, so that a page polling it sees it move."""
    document.progress = max(0, min(99, int(percent)))
    Document.objects.filter(pk=document.pk).update(progress=document.progress)
