"""What the publicity app prints: the A4 公示 poster for the board (with a QR code that opens it
on a phone), the notice's record book (公示记录簿), the 发展党员台账 of an organization, and a case's
register (思想汇报 and 培养考察, 政审, 考察写实人)."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.urls import reverse

from kit.printables import ORGANIZATION, Job, PdfRenderer, Printable, PrintError, object_param

from .models import DevelopmentCase, Notice, PoliticalReview
from .rules import ON_PAPER, step_label
from .selectors import (
    LEDGER_STEPS,
    case_register_list,
    development_ledger_list,
    record_book_get,
)

DEVELOPMENT_LEDGER = "development_ledger"
NOTICE_POSTER = "notice_poster"
NOTICE_RECORD_BOOK = "notice_record_book"
CASE_REGISTER = "case_register"
NOTICE = object_param("notice", "公示", "publicity.Notice")
CASE = object_param("case", "发展党员", "publicity.DevelopmentCase")


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


def poster_context(job: Job) -> dict[str, Any]:
    notice = job["notice"]
    if not notice.is_published:
        raise PrintError("公示尚未发布，不能打印。")
    url = public_notice_url(notice)
    return {"title": "发展对象公示", "organization": notice.case.branch, "url": url,
            "period": _period(notice), "notice": notice, "qr": qr_svg_data_uri(url)}  # fmt: skip


def record_book_context(job: Job) -> dict[str, Any]:
    notice = job["notice"]
    return {"title": "发展对象公示记录簿", "organization": notice.case.branch,
            "period": _period(notice), "book": record_book_get(notice), "case": notice.case,
            "printed_on": job.today}  # fmt: skip


def development_ledger_context(job: Job) -> dict[str, Any]:
    """发展党员工作台账: the cases held in the organization and below that the reader sees."""
    organization = job["organization"]
    return {
        "title": "发展党员工作台账",
        "organization": organization,
        "period": f"截至{job.today:%Y年%m月%d日}",
        "rows": development_ledger_list(organization, reader=job.reader),
        "headers": [step_label(n) for n in LEDGER_STEPS],
        "steps": LEDGER_STEPS,
        "printed_on": job.today,
    }


def case_register_context(job: Job) -> dict[str, Any]:
    """入党积极分子培养考察台账 of one case: its 考察写实人, each quarter's 思想汇报 and each half
    year's 培养考察 up to today (a missing one shown as such), and its 政审."""
    case = job["case"]
    found = case_register_list(DevelopmentCase.objects.filter(pk=case.pk), job.today)
    review = PoliticalReview.objects.filter(case=case).prefetch_related("reviewers__member").first()
    return {
        "title": "入党积极分子培养考察台账",
        "organization": case.branch,
        "period": f"截至{job.today:%Y年%m月%d日}",
        "case": case,
        "register": found[0] if found else None,
        "observers": list(case.observers.select_related("member").order_by("appointed_on")),
        "review": review,
        "reviewers": list(review.reviewers.all()) if review else [],
        "today": job.today,
        "on_paper": ON_PAPER,
        "printed_on": job.today,
    }


def _notice_name(job: Job, what: str) -> str:
    notice = job["notice"]
    return f"{what}-{notice.name}-{notice.starts_on:%Y-%m-%d}"


PRINTABLES = [
    Printable(
        NOTICE_POSTER, "发展对象公示（张贴用）", permission="publicity.view_notice",
        prints_people=False,  # what the board shows the public
        params=(NOTICE,), select=poster_context,
        renderers={"pdf": PdfRenderer("reports/publicity_poster.html")},
        filename=lambda job: _notice_name(job, "发展对象公示"),
        organization_of=lambda notice: notice.case.branch,
    ),
    Printable(
        NOTICE_RECORD_BOOK, "发展对象公示记录簿", permission="publicity.view_notice",
        prints_people=True,  # the opinions, with who sent them
        params=(NOTICE,), select=record_book_context,
        renderers={"pdf": PdfRenderer("reports/publicity_record_book.html")},
        filename=lambda job: f"公示记录簿-{job['notice'].case.name}-{job['notice'].starts_on:%Y-%m-%d}",
        organization_of=lambda notice: notice.case.branch,
    ),
    Printable(
        DEVELOPMENT_LEDGER, "发展党员工作台账", permission="publicity.view_developmentcase",
        prints_people=True, params=(ORGANIZATION,), select=development_ledger_context,
        renderers={"pdf": PdfRenderer("reports/publicity_development_ledger.html")},
        filename=lambda job: f"发展党员台账-{job['organization'].name}-{job.today:%Y-%m-%d}",
        runs_in_request=False,
    ),
    Printable(
        CASE_REGISTER, "入党积极分子培养考察台账", permission="publicity.view_developmentcase",
        prints_people=True, params=(CASE,), select=case_register_context,
        renderers={"pdf": PdfRenderer("reports/publicity_case_register.html")},
        filename=lambda job: f"培养考察台账-{job['case'].name}-{job.today:%Y-%m-%d}",
        organization_of=lambda case: case.branch,
    ),
]  # fmt: skip
