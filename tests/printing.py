"""Make a printable as the pipeline does (common/printables.py), for the tests that read its
output back."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from pypdf import PdfReader

from common.printables import printable_get
from kit.printables import Job


def make(
    name: str, *, reader: Any = None, today: dt.date | None = None, format: str = "pdf",
    **values: Any,
) -> bytes:  # fmt: skip
    """The bytes of printable `name` made from resolved `values` (objects, querysets) for
    `reader` (None: the command line, no limit)."""
    printable = printable_get(name)
    assert printable is not None, name
    job = Job(values, reader, format) if today is None else Job(values, reader, format, today=today)
    return printable.make(job).data


def pdf_pages(data: bytes) -> tuple[int, str]:
    pages = PdfReader(io.BytesIO(data)).pages
    return len(pages), "\n".join(page.extract_text() for page in pages)
