"""The shared store of a deployment of more than one machine (STORAGE_URL, kit/storage_url.py).

An S3-compatible bucket (django-storages' S3Storage) that every machine reaches: a Celery worker
on one machine writes a document, the web process on another serves it. Two differences from the
plain S3Storage:

- `url()` is the app's own address, /media/<name> (kit/files.py checks who may see the file and
  streams it), never the bucket's: a template's `{{ photo.url }}` stays behind the permission check.
- Files written to disk before the deployment moved to the bucket are still read from MEDIA_ROOT
  while the bucket lacks them (`local_fallback`), until `manage.py media_to_storage` copies them in.
  New files always go to the bucket.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class SharedStorage(S3Storage):  # type: ignore[misc]
    def __init__(self, *, local_fallback: bool = True, **options: Any) -> None:
        super().__init__(**options)
        # No location: it follows settings.MEDIA_ROOT (as Django's default storage does).
        self.local = FileSystemStorage() if local_fallback else None

    def _only_local(self, name: str) -> bool:
        return self.local is not None and not super().exists(name) and self.local.exists(name)

    def _open(self, name: str, mode: str = "rb") -> Any:
        if "w" not in mode and self._only_local(name):
            return self.local._open(name, mode)  # type: ignore[union-attr]
        return super()._open(name, mode)

    def exists(self, name: str) -> bool:
        return super().exists(name) or (self.local is not None and self.local.exists(name))

    def size(self, name: str) -> int:
        if self._only_local(name):
            return self.local.size(name)  # type: ignore[union-attr]
        return int(super().size(name))

    def delete(self, name: str) -> None:
        super().delete(name)
        if self.local is not None and self.local.exists(name):
            self.local.delete(name)

    def url(
        self, name: str, parameters: Any = None, expire: Any = None, http_method: Any = None
    ) -> str:
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))

    def in_bucket(self, name: str) -> bool:
        return bool(super().exists(name))

    def local_files_copy(self) -> tuple[int, int]:
        """Copy every file under MEDIA_ROOT that the bucket lacks into it, under the same name
        (the rows hold that name); (copied, already there). Run again, it copies nothing."""
        from pathlib import Path

        root = Path(settings.MEDIA_ROOT)
        copied = present = 0
        if not root.is_dir():
            return copied, present
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            if self.in_bucket(name):
                present += 1
                continue
            with path.open("rb") as handle:
                super()._save(name, File(handle, name=name))  # exactly this name, no renaming
            copied += 1
        return copied, present
