"""Printables of meetings (A4 PDF, CJK fonts): the blank sign-in sheet of a planned meeting (paper
sign-in, never a compulsory phone check-in), the meeting record, and the 三会一课 ledger of a
branch for a year (a background document, common/documents.py). Also the QR code of the
optional sign-in."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from kit.pdf import pdf_response, render_pdf
from organizations.models import Organization

from .models import AttendanceStatus, Meeting
from .rules import MeetingKind

MEETING_LEDGER = "meeting_ledger"


def _attendance(meeting: Meeting) -> list[Any]:
    return list(meeting.attendances.select_related("member").order_by("is_guest", "id"))


def sign_in_sheet_pdf(meeting: Meeting) -> bytes:
    """签到表: who should attend, with an empty column to sign; the excused are marked."""
    return render_pdf(
        "reports/activities_sign_in_sheet.html",
        {
            "title": f"{meeting.get_kind_display()}签到表",
            "organization": meeting.organization,
            "period": f"{meeting.held_on:%Y年%m月%d日}",
            "meeting": meeting,
            "attendances": _attendance(meeting),
            "excused": AttendanceStatus.EXCUSED,
            "blank_rows": range(5),
        },
    )


def meeting_record_pdf(meeting: Meeting) -> bytes:
    """会议记录: the meeting's details, attendance, minutes and decisions (or that it was not
    held for want of its quorum)."""
    attendances = _attendance(meeting)
    by_status: dict[str, list[str]] = {status: [] for status in AttendanceStatus.values}
    for attendance in attendances:
        by_status[attendance.status].append(attendance.name)
    return render_pdf(
        "reports/activities_meeting_record.html",
        {
            "title": f"{meeting.get_kind_display()}记录",
            "organization": meeting.organization,
            "period": f"{meeting.held_on:%Y年%m月%d日}",
            "meeting": meeting,
            "present": by_status[AttendanceStatus.PRESENT],
            "leave": [a for a in attendances if a.status == AttendanceStatus.LEAVE],
            "absent": by_status[AttendanceStatus.ABSENT],
            "excused": by_status[AttendanceStatus.EXCUSED],
            "guests": [a.name for a in attendances if a.is_guest],
            "material_sent": [a.name for a in attendances if a.material_sent],
            "printed_on": timezone.localdate(),
        },
    )


def ledger_meetings(organization: Organization, year: int, *, reader: Any) -> list[Meeting]:
    """The meetings of a branch (and its groups) in a year that `reader` sees (None: no
    limit), by date: one query."""
    from common.documents import readable

    ids = Organization.objects.descendant_ids([organization.pk])
    return list(
        readable(Meeting.objects.all(), reader)
        .filter(organization_id__in=ids, held_on__year=year)
        .select_related("organization")
        .order_by("held_on", "kind")
    )


def ledger_pdf(organization: Organization, year: int, *, reader: Any) -> bytes:
    """三会一课台账: every meeting of the year with its counts and whether it counts as held."""
    meetings = ledger_meetings(organization, year, reader=reader)
    totals = {
        kind.label: sum(1 for m in meetings if m.kind == kind and m.is_quorate)
        for kind in MeetingKind
        if any(m.kind == kind for m in meetings)
    }
    return render_pdf(
        "reports/activities_ledger.html",
        {
            "title": "三会一课台账",
            "organization": organization,
            "period": f"{year}年度",
            "meetings": meetings,
            "totals": totals,
            "printed_on": timezone.localdate(),
        },
    )


def sign_in_sheet_response(meeting: Meeting) -> HttpResponse:
    name = f"签到表-{meeting.organization.name}-{meeting.held_on:%Y-%m-%d}.pdf"
    return pdf_response(sign_in_sheet_pdf(meeting), name)


def meeting_record_response(meeting: Meeting) -> HttpResponse:
    name = f"会议记录-{meeting.organization.name}-{meeting.held_on:%Y-%m-%d}.pdf"
    return pdf_response(meeting_record_pdf(meeting), name)


def ledger_response(organization: Organization, year: int, *, reader: Any) -> HttpResponse:
    return pdf_response(
        ledger_pdf(organization, year, reader=reader),
        f"三会一课台账-{organization.name}-{year}.pdf",
    )


# --- the optional QR sign-in ---------------------------------------------------------------------
def sign_in_url(request: HttpRequest, meeting: Meeting) -> str:
    return request.build_absolute_uri(
        reverse("admin:activities_meeting_sign_in", args=[meeting.sign_in_token])
    )


def sign_in_qr_svg(request: HttpRequest, meeting: Meeting) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(sign_in_url(request, meeting), error="m").save(buffer, kind="svg", scale=4)
    return buffer.getvalue()


# --- the documents registry --------------------------------------------------------------------
def _ledger_year(document: Any) -> int:
    period = str((document.params or {}).get("period", "")).strip()
    if period[:4].isdigit():
        return int(period[:4])
    return (document.created_at or timezone.now()).year


def register_documents() -> None:
    from common.documents import DocumentKind, register

    register(
        DocumentKind(
            MEETING_LEDGER,
            "三会一课台账（年度）",
            render=lambda document, reader, progress: ledger_pdf(
                document.organization, _ledger_year(document), reader=reader
            ),
            filename=lambda document: (
                f"三会一课台账-{document.organization.name}-{_ledger_year(document)}.pdf"
            ),
            # Meetings and their counts, no names: whoever sees the organization's meetings.
            permission="activities.view_meeting",
            people=False,
        )
    )
