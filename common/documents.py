"""The registry of background documents, and the two services that request and render one.

An app registers each kind it can render in its AppConfig.ready():

    register(DocumentKind("organization_tree", "组织架构及班子成员", render=..., filename=...,
                          permission="organizations.view_organization", people=False))

A request needs the kind's permission (`permission`, or `permitted(user)` when the kind has
another rule) and the organization in the requester's scope: the people scope (whose personal
records the user sees, organizations/scope.py) for a kind that prints people, the organizations
the user sees for one that does not (`people=False`). `params` names what a request must carry
besides the organization and the period (the report center offers only kinds without any).

`render(document, reader, progress)` returns the PDF's bytes, reading only what `reader` (the
requesting user; None: the command line, no limit) may see, and may call `progress(percent)` as
it goes; `filename(document)` gives the Chinese file name. The worker's task (common/tasks.py)
is thin and takes the requester's id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kit.services import model_save
from organizations.scope import Scope, ScopeError, scope_of

from .models import Document, DocumentStatus

Progress = Callable[[int], None]


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str
    render: Callable[[Document, Any, Progress], bytes]
    filename: Callable[[Document], str]
    permission: str = ""
    people: bool = True
    params: tuple[str, ...] = ()
    permitted: Callable[[Any], bool] | None = None

    def is_permitted(self, user: Any) -> bool:
        """The user holds the kind's permission (a superuser holds every one)."""
        if user is None:
            return True
        if not user.is_active:
            return False
        if self.permitted is not None:
            return self.permitted(user)
        return bool(self.permission) and user.has_perm(self.permission)

    def scope_ids(self, scope: Scope) -> frozenset[int] | None:
        """The organizations of `scope` this kind may be made for (None: any)."""
        return scope.people if self.people else scope.visible


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> None:
    _KINDS[kind.code] = kind


def readable(queryset: Any, reader: Any) -> Any:
    """The rows of `queryset` that the reader may see (a reader of None is the command line)."""
    return queryset if reader is None else queryset.visible_to(reader)


def kind_get(code: str) -> DocumentKind | None:
    return _KINDS.get(code)


def kind_list() -> list[DocumentKind]:
    return list(_KINDS.values())


def kind_permitted_list(user: Any) -> list[DocumentKind]:
    """The kinds the user holds the permission of, whatever the organization."""
    return [kind for kind in _KINDS.values() if kind.is_permitted(user)]


def document_errors(*, organization: Any, kind: DocumentKind, actor: Any) -> str:
    """Why the actor may not have this kind made for this organization ("" if they may)."""
    if actor is None:
        return ""
    if not kind.is_permitted(actor):
        return f"您无权生成“{kind.label}”。"
    ids = kind.scope_ids(scope_of(actor))
    if ids is not None and organization.pk not in ids:
        if kind.people:
            return (
                f"您无权生成{organization.name}的“{kind.label}”："
                "该党组织党员的信息不在您的查看范围内，请选择您管理的党组织。"
            )
        return (
            f"您无权生成{organization.name}的“{kind.label}”："
            "该党组织不在您的查看范围内，请选择您管理的党组织。"
        )
    return ""


@transaction.atomic
def document_request(
    *, organization: Any, kind: str, actor: Any, params: dict[str, Any] | None = None
) -> Document:
    """Queue a document that the actor's permission and scope cover; a Celery worker renders it
    after commit, through the actor's scope."""
    from .tasks import render_document

    found = kind_get(kind)
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
    kind = kind_get(document.kind)
    try:
        if kind is None:
            raise LookupError(f"没有这种台账：{document.kind}")
        reader = _reader(user_id)
        pdf = kind.render(document, reader, lambda percent: _progress(document, percent))
    except Exception as exc:
        document.status, document.error = DocumentStatus.FAILED, f"{type(exc).__name__}: {exc}"
        document.finished_at = timezone.now()
        document.save(update_fields=["status", "error", "finished_at"])
        raise
    # Stored under a random name (upload_to): the Chinese name is given at download only.
    document.file.save(kind.filename(document), ContentFile(pdf), save=False)
    document.status, document.progress, document.error = DocumentStatus.DONE, 100, ""
    document.finished_at = timezone.now()
    document.save(update_fields=["file", "status", "progress", "error", "finished_at"])
    return document


def _progress(document: Document, percent: int) -> None:
    """Stored at once, outside any transaction, so that a page polling it sees it move."""
    document.progress = max(0, min(99, int(percent)))
    Document.objects.filter(pk=document.pk).update(progress=document.progress)
