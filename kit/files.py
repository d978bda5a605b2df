"""Stored files (uploads, generated PDFs) served only to a user who may see the row holding them.

`/media/<name>` is not a folder on the web: a file is found through the model row whose
FileField holds exactly that name, among the rows `Model.objects.visible_to(user)` returns (a
model may also declare rows whose file anyone may see: `QuerySet.with_public_files(field)`, as
the 在职党员监督台 shows members' photos to residents). Anything else answers 404, as if no such
file existed. The answer is always a download (`Content-Disposition: attachment`) of the type
the content says, with `nosniff` and a CSP that runs nothing, so an uploaded page can never run
on the site's origin.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase

from kit.uploads import content_type_of, kind_of


def _static_prefix(upload_to: Any) -> str:
    """The part of `upload_to` every name starts with: "publicity/steps/" of the string, the
    callable's declared `prefix`, or "" (any)."""
    if callable(upload_to):
        return str(getattr(upload_to, "prefix", ""))
    text = str(upload_to or "")
    cut = min((i for i in (text.find("%"), text.find("{")) if i >= 0), default=len(text))
    return text[: text.rfind("/", 0, cut) + 1]


def file_fields() -> Iterator[tuple[type[models.Model], str, str]]:
    """(model, field name, name prefix) of every FileField of a model with a scoped manager."""
    for model in apps.get_models():
        if not hasattr(model._default_manager, "visible_to"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field.name, _static_prefix(field.upload_to)


def file_holder(user: Any, name: str) -> tuple[models.Model, str] | None:
    """The row (and its field) holding the stored file `name` that `user` may see, or None."""
    if not name or ".." in PurePath(name).parts or name.startswith("/"):
        return None
    for model, field, prefix in file_fields():
        if not name.startswith(prefix):
            continue
        manager: Any = model._default_manager
        row = manager.visible_to(user).filter(**{field: name}).first()
        if row is None and hasattr(manager.get_queryset(), "with_public_files"):
            row = manager.get_queryset().with_public_files(field).filter(**{field: name}).first()
        if row is not None:
            return row, field
    return None


def stored_file_response(file: Any, name: str) -> HttpResponseBase:
    """A download of `file`: the type its content says, never rendered by the browser."""
    file.open("rb")
    kind = kind_of(file)
    filename = PurePath(name).name
    response = FileResponse(file, content_type=content_type_of(kind, filename))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def media_file(request: HttpRequest, name: str) -> HttpResponseBase:
    """GET /media/<name>: the file, to a user allowed to see the row holding it."""
    found = file_holder(request.user, name)
    if found is None:
        raise Http404("没有这个文件，或您无权查看。")
    row, field = found
    file = getattr(row, field)
    if not file or not file.storage.exists(file.name):
        raise Http404("文件已不存在。")
    return stored_file_response(file, file.name)
