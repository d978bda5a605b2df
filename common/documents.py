"""Printables made by a Celery worker: the service that requests one (a Document) and the one
that renders it (common/tasks.py runs it with the requester's id).

What can be printed is registered once per printable (common/printables.py). A request needs the
printable's permission and the organization in the requester's scope: the people scope (whose
personal records the user sees, organizations/scope.py) for one that prints people, the
organizations the user sees otherwise. The worker resolves the stored parameters and reads
only what the requester (None: the command line, no limit) may see.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kit.printables import Job, Printable
from kit.services import model_save
from organizations.scope import ScopeError

from .models import Document, DocumentStatus
from .printables import printable_get, printable_values, scope_errors


def document_errors(*, organization: Any, kind: Printable, actor: Any) -> str:
    """Why the actor may not have this printable made for this organization ("" if they may)."""
    return scope_errors(printable=kind, organization=organization, actor=actor)


@transaction.atomic
def document_request(
    *, organization: Any, kind: str, actor: Any, params: dict[str, Any] | None = None
) -> Document:
    """Queue a document that the actor's permission and scope cover; a Celery worker renders it
    after commit, through the actor's scope."""
    from .tasks import render_document

    found = printable_get(kind)
    if found is None:
        raise ValidationError(f"没有这种台账：{kind}")
    refusal = document_errors(organization=organization, kind=found, actor=actor)
    if refusal:
        raise ScopeError(refusal)
    document = Document(
        kind=kind, organization=organization, requested_by=actor, params=params or {}
    )
    model_save(document, actor=actor)
    reader_id = actor.pk if actor is not None else None
    transaction.on_commit(lambda: render_document.delay(document.pk, reader_id))
    return document


def _reader(user_id: int | None) -> Any:
    from django.contrib.auth import get_user_model

    return None if user_id is None else get_user_model().objects.get(pk=user_id)


def document_render(*, document_id: int, user_id: int | None) -> Document:
    """Render a queued document through the scope of `user_id` (the requester; None: the
    command line); running it again for a finished one does nothing. A failure is recorded
    with its reason and leaves no half file."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status == DocumentStatus.DONE:
            return document
        document.status, document.progress = DocumentStatus.RUNNING, 0
        document.save(update_fields=["status", "progress"])
    printable = printable_get(document.kind)
    try:
        if printable is None:
            raise LookupError(f"没有这种台账：{document.kind}")
        output = printable.make(_job(printable, document, _reader(user_id)))
    except Exception as exc:
        document.status, document.error = DocumentStatus.FAILED, f"{type(exc).__name__}: {exc}"
        document.finished_at = timezone.now()
        document.save(update_fields=["status", "error", "finished_at"])
        raise
    # Stored under a random name (upload_to): the Chinese name is given at download only.
    document.file.save(output.filename, ContentFile(output.data), save=False)
    document.status, document.progress, document.error = DocumentStatus.DONE, 100, ""
    document.finished_at = timezone.now()
    document.save(update_fields=["file", "status", "progress", "error", "finished_at"])
    return document


def _job(printable: Printable, document: Document, reader: Any) -> Job:
    """The document's stored parameters, resolved through the reader's scope."""
    raw = {**(document.params or {}), "organization": document.organization_id}
    return Job(
        printable_values(printable, raw, reader),
        reader,
        str(raw.get("format") or printable.formats[0]),
        lambda percent: _progress(document, percent),
        timezone.localdate(document.created_at) if document.created_at else timezone.localdate(),
    )


def document_filename(document: Document) -> str:
    """The Chinese name a finished document is downloaded under."""
    printable = printable_get(document.kind)
    if printable is None:
        return document.file.name.rsplit("/", 1)[-1]
    try:
        job = _job(printable, document, None)
        return printable.make_filename(job)
    except Exception:  # a parameter gone since (a deleted plan): the label still names it
        extension = document.file.name.rsplit(".", 1)[-1]
        return f"{printable.label}-{document.organization.name}.{extension}"


def _progress(document: Document, percent: int) -> None:
    """Stored at once, outside any transaction, so that a page polling it sees it move."""
    document.progress = max(0, min(99, int(percent)))
    Document.objects.filter(pk=document.pk).update(progress=document.progress)
