"""PDFs of the publicity app: the A4 notice for the board (with a QR code that opens it on a
phone), the notice's record book (公示记录簿), and the 发展党员台账 of an organization."""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from kit.pdf import pdf_response, render_pdf
from organizations.models import Organization

from .models import Notice
from .rules import step_label
from .selectors import LEDGER_STEPS, development_ledger_list, record_book_get

DEVELOPMENT_LEDGER = "development_ledger"


def public_notice_url(notice: Notice) -> str:
    """The notice's page on the public site, as a phone reaching the site from outside sees it."""
    base = settings.PUBLICITY_PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("public:notice", args=[notice.pk])


def qr_svg_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def _period(notice: Notice) -> str:
    # Chinese dates: the page header is CSS content, where escapejs would print "-" as \u002D.
    ends_on = notice.ends_on or notice.starts_on
    return f"公示期{notice.starts_on:%Y年%m月%d日}至{ends_on:%Y年%m月%d日}"


def notice_poster_pdf(notice: Notice, request: HttpRequest | None = None) -> HttpResponse:
    url = public_notice_url(notice)
    pdf = render_pdf(
        "reports/publicity_poster.html",
        {
            "title": "发展对象公示",
            "organization": notice.case.branch,
            "period": _period(notice),
            "notice": notice,
            "qr": qr_svg_data_uri(url),
            "url": url,
        },
    )
    return pdf_response(pdf, f"发展对象公示-{notice.name}-{notice.starts_on:%Y-%m-%d}.pdf")


def record_book_pdf(notice: Notice) -> HttpResponse:
    book = record_book_get(notice)
    pdf = render_pdf(
        "reports/publicity_record_book.html",
        {
            "title": "发展对象公示记录簿",
            "organization": notice.case.branch,
            "period": _period(notice),
            "book": book,
            "case": notice.case,
            "printed_on": timezone.localdate(),
        },
    )
    return pdf_response(pdf, f"公示记录簿-{notice.case.name}-{notice.starts_on:%Y-%m-%d}.pdf")


def development_ledger_pdf(
    organization: Organization, on: dt.date | None = None, *, reader: Any
) -> bytes:
    """发展党员工作台账: the cases held in `organization` and below that `reader` sees (None:
    the command line, no limit)."""
    day = on or timezone.localdate()
    return render_pdf(
        "reports/publicity_development_ledger.html",
        {
            "title": "发展党员工作台账",
            "organization": organization,
            "period": f"截至{day:%Y年%m月%d日}",
            "rows": development_ledger_list(organization, reader=reader),
            "headers": [step_label(n) for n in LEDGER_STEPS],
            "steps": LEDGER_STEPS,
            "printed_on": day,
        },
    )


def register_documents() -> None:
    """The background documents this app renders (common/documents.py)."""
    from common.documents import DocumentKind, register

    register(
        DocumentKind(
            DEVELOPMENT_LEDGER,
            "发展党员工作台账",
            render=lambda document, reader, progress: development_ledger_pdf(
                document.organization, reader=reader
            ),
            filename=lambda document: (
                f"发展党员台账-{document.organization.name}-{document.created_at:%Y-%m-%d}.pdf"
            ),
            permission="publicity.view_developmentcase",
        )
    )
