"""Uploaded files: which kinds are accepted, told by their content, and how large.

A file's name says nothing: an HTML page or an SVG named 签到表.pdf is still a page that runs
script on the admin's origin. The kind is read from the first bytes (the "magic"); an Office
document (.docx/.xlsx/.pptx) is a zip that must hold `[Content_Types].xml` and its part; an old
one (.doc/.xls/.ppt) is an OLE2 compound file. The name's extension must agree with the content.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", (".pdf",))
JPEG = FileKind("JPEG 图片", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("PNG 图片", "image/png", (".png",))
DOCX = FileKind(
    "Word 文档",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
PPTX = FileKind(
    "PowerPoint 演示文稿",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
OLE2 = FileKind(
    "Office 97-2003 文档", "application/octet-stream", (".doc", ".xls", ".ppt", ".wps", ".et")
)
DOCUMENT_KINDS = (PDF, JPEG, PNG, DOCX, XLSX, PPTX, OLE2)
IMAGE_KINDS = (JPEG, PNG)
OLE2_CONTENT_TYPES = {
    ".doc": "application/msword",
    ".wps": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".et": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
_OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
HEAD_BYTES = 8


def sniff(head: bytes, file: IO[bytes] | None = None) -> FileKind | None:
    """The kind the content says it is, or None. `file` is read for a zip's directory."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE2
    if head.startswith(b"PK\x03\x04") and file is not None:
        return _office_zip_kind(file)
    return None


def _office_zip_kind(file: IO[bytes]) -> FileKind | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in _OOXML_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def kind_of(file: Any) -> FileKind | None:
    """Sniff an uploaded or stored file, leaving its position at the start."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    kind = sniff(head, file)
    file.seek(0)
    return kind


def content_type_of(kind: FileKind | None, name: str) -> str:
    if kind is None:
        return "application/octet-stream"
    if kind is OLE2:
        return OLE2_CONTENT_TYPES.get(PurePath(name).suffix.lower(), kind.content_type)
    return kind.content_type


def upload_errors(file: Any, kinds: tuple[FileKind, ...] = DOCUMENT_KINDS) -> list[str]:
    """What is wrong with an upload, in Chinese; empty when it may be stored."""
    limit = settings.UPLOAD_MAX_BYTES
    if file.size is not None and file.size > limit:
        return [
            f"文件过大（{filesizeformat(file.size)}），请上传不超过{filesizeformat(limit)}的文件。"
        ]
    kind = kind_of(file)
    allowed = "、".join(k.label for k in kinds)
    suffix = PurePath(file.name or "").suffix.lower()
    if kind not in kinds:
        return [f"不支持该文件类型（按文件内容判断），请上传：{allowed}。"]
    if suffix not in kind.extensions:
        return [
            f"文件扩展名“{suffix or '无'}”与内容（{kind.label}）不符，"
            f"请使用{'、'.join(kind.extensions)}。"
        ]
    return []


def validate_upload(file: Any, kinds: tuple[FileKind, ...] = DOCUMENT_KINDS) -> None:
    if file is None or not hasattr(file, "read"):
        return
    if errors := upload_errors(file, kinds):
        raise ValidationError(errors)


def validate_image_upload(file: Any) -> None:
    validate_upload(file, IMAGE_KINDS)
