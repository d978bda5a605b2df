"""What the activities app prints (A4 PDF, CJK fonts): the blank sign-in sheet of a planned
meeting (paper sign-in, never a compulsory phone check-in), the meeting record, the 三会一课
ledger of a branch for a year, the 会议落实情况 export, and the 在职党员社区表现反馈卡 of an
organization and period."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.conf import settings

from kit.printables import (
    ANY_ORGANIZATION,
    HALF_YEAR,
    ORGANIZATION,
    PERIOD,
    YEAR,
    Job,
    PdfRenderer,
    Printable,
    PrintError,
    XlsxRenderer,
    object_param,
    option_param,
    readable,
)
from organizations.models import Organization

from .feedback import selectors as feedback_selectors
from .feedback.reports import TITLE as FEEDBACK_TITLE
from .feedback.reports import may_print_cards
from .feedback.rules import period_parse
from .models import AttendanceStatus, Meeting
from .reports import sign_in_printed_url, sign_in_qr_data_uri
from .resources import COMPLIANCE_HEADERS
from .rules import MeetingKind

MEETING_LEDGER = "meeting_ledger"
SIGN_IN_SHEET = "meeting_sign_in_sheet"
MEETING_RECORD = "meeting_record"
COMPLIANCE = "meeting_compliance"
FEEDBACK_CARDS = "feedback_cards"
# 电化教育's 三簿一册 (002 党员电教播放员职责 六): each a register of a community and a year.
SCREENING_LOG = "screening_log"
SCREENING_DISCUSSION = "screening_discussion"
SCREENING_FEEDBACK = "screening_feedback"
SCREENING_ROLL = "screening_roll"
SCREENING_BOOKS = {
    SCREENING_LOG: "电化教育放映记录簿",
    SCREENING_DISCUSSION: "电化教育讨论记录簿",
    SCREENING_FEEDBACK: "电化教育反馈记录簿",
    SCREENING_ROLL: "电化教育党员花名册",
}
CONGRESS_SESSION_RECORD = "congress_session_record"
CONGRESS_SESSION_RECORDS = "congress_session_records"
MEETING = object_param("meeting", "会议", "activities.Meeting")
# The years a 统计日 or a year may name (the same bounds as the year field of the page).
AS_OF_FIRST, AS_OF_LAST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _attendance(meeting: Meeting) -> list[Any]:
    return list(meeting.attendances.select_related("member").order_by("is_guest", "id"))


def _meeting_header(meeting: Meeting, what: str) -> dict[str, Any]:
    return {"title": f"{meeting.get_kind_display()}{what}", "organization": meeting.organization,
            "period": f"{meeting.held_on:%Y年%m月%d日}", "meeting": meeting}  # fmt: skip


def sign_in_sheet_context(job: Job) -> dict[str, Any]:
    """签到表: who should attend, with an empty column to sign; the excused are marked; the
    meeting's QR code for those who would rather scan it (optional, paper counts the same)."""
    meeting = job["meeting"]
    return {**_meeting_header(meeting, "签到表"), "attendances": _attendance(meeting),
            "excused": AttendanceStatus.EXCUSED, "blank_rows": range(5),
            "qr": sign_in_qr_data_uri(meeting), "sign_in_url": sign_in_printed_url(meeting)}  # fmt: skip


def meeting_record_context(job: Job) -> dict[str, Any]:
    """会议记录: the meeting's details, attendance, minutes and decisions (or that it was not
    held for want of its quorum)."""
    return _meeting_record(job["meeting"], job.today)


def _meeting_record(meeting: Meeting, today: Any) -> dict[str, Any]:
    attendances = _attendance(meeting)
    by_status: dict[str, list[str]] = {status: [] for status in AttendanceStatus.values}
    for attendance in attendances:
        by_status[attendance.status].append(attendance.name)
    return {
        **_meeting_header(meeting, "记录"),
        "present": by_status[AttendanceStatus.PRESENT],
        "leave": [a for a in attendances if a.status == AttendanceStatus.LEAVE],
        "absent": by_status[AttendanceStatus.ABSENT],
        "excused": by_status[AttendanceStatus.EXCUSED],
        "guests": [a.name for a in attendances if a.is_guest],
        "material_sent": [a.name for a in attendances if a.material_sent],
        "printed_on": today,
    }


def congress_session_context(job: Job) -> dict[str, Any]:
    """党员代表会议记录: the session's record with its conference, the delegates seated that day
    (the quorum's base: more than half of them present) and its resolutions."""
    meeting = job["meeting"]
    if meeting.kind != MeetingKind.CONGRESS_SESSION:
        raise PrintError("请选择一次党员代表会议。")
    record = _session_record(meeting, job.today)
    if record is None:
        raise PrintError(f"{meeting.organization}在会议当日没有任期内的党员代表会议。")
    return {**record, "title": "党员代表会议记录", "records": [record]}


def _session_record(meeting: Meeting, today: Any) -> dict[str, Any] | None:
    from members.selectors.congress import seat_table

    from .selectors.meetings import conference_of

    conference = conference_of(meeting)
    if conference is None:
        return None
    table = seat_table(conference, meeting.held_on)
    return {**_meeting_record(meeting, today), "conference": conference, "table": table}


def congress_session_records_context(job: Job) -> dict[str, Any]:
    """党员代表会议记录 from the report center: every session of the year held by the chosen
    community (or the communities below the chosen organization) that the reader sees, in date
    order, each with the delegates seated on its day."""
    year = job.given_year()
    ids = Organization.objects.descendant_ids([job["organization"].pk])
    sessions = (
        readable(Meeting.objects.all(), job.reader)
        .filter(kind=MeetingKind.CONGRESS_SESSION, organization_id__in=ids, held_on__year=year)
        .select_related("organization")
        .order_by("held_on", "organization__code")
    )
    records = [r for m in sessions if (r := _session_record(m, job.today)) is not None]
    return {"title": "党员代表会议记录", "organization": job["organization"],
            "period": f"{year}年", "records": records, "printed_on": job.today,
            "none": f"{job['organization'].name}在{year}年没有党员代表会议的记录。"}  # fmt: skip


def ledger_meetings(organization: Organization, year: int, *, reader: Any) -> list[Meeting]:
    """The meetings of a branch (and its groups) in a year that `reader` sees (None: no
    limit), by date: one query."""
    ids = Organization.objects.descendant_ids([organization.pk])
    return list(
        readable(Meeting.objects.all(), reader)
        .filter(organization_id__in=ids, held_on__year=year)
        .select_related("organization")
        .order_by("held_on", "kind")
    )


def ledger_context(job: Job) -> dict[str, Any]:
    """三会一课台账: every meeting of the year with its counts and whether it counts as held."""
    meetings = ledger_meetings(job["organization"], job.year(), reader=job.reader)
    totals = {
        kind.label: sum(1 for m in meetings if m.kind == kind and m.is_quorate)
        for kind in MeetingKind
        if any(m.kind == kind for m in meetings)
    }
    return {"title": "三会一课台账", "organization": job["organization"],
            "period": f"{job.year()}年度", "meetings": meetings, "totals": totals,
            "printed_on": job.today}  # fmt: skip


def _as_of(job: Job) -> dt.date:
    """The 统计日 asked (YYYY-MM-DD); without one, today, or the year's last day for a past year."""
    raw = str(job.values.get("as_of") or "").strip()
    if not raw:
        return min(job.today, dt.date(job.year(), 12, 31))
    try:
        found = dt.date.fromisoformat(raw)
    except ValueError:
        raise PrintError(f"统计日“{raw[:20]}”无法识别，应写作YYYY-MM-DD。") from None
    if not AS_OF_FIRST <= found <= AS_OF_LAST:
        raise PrintError(f"统计日{found:%Y-%m-%d}超出了可统计的范围。")
    return found


def compliance_context(job: Job) -> dict[str, Any]:
    """会议落实情况 (the DOMAIN.md export): each organization under the one chosen (or every one
    the reader sees), kind and period begun."""
    from .selectors import compliance as compliance_selectors

    organizations = readable(Organization.objects.all(), job.reader)
    if job["organization"] is not None:
        ids = Organization.objects.descendant_ids([job["organization"].pk])
        organizations = organizations.filter(pk__in=ids)
    year = job.year()
    entries = compliance_selectors.compliance_list(organizations, year, _as_of(job))
    rows = [row.as_export_row() for row in compliance_selectors.compliance_rows(entries)]
    return {"title": f"会议落实情况{year}", "headers": COMPLIANCE_HEADERS, "rows": rows}


def feedback_cards_context(job: Job) -> dict[str, Any]:
    """All cards of one organization and period in one A4 document, one card a page (one
    multi-page document renders far faster than many small ones)."""
    if not job.period:
        raise PrintError("请选择期间（如2026H2）。")
    period = period_parse(job.period, settings.FEEDBACK_PERIOD_MONTHS)
    organization = job["organization"]
    cards = feedback_selectors.document_card_list(organization, period.code, reader=job.reader)
    if not cards:
        raise PrintError(f"{organization.name}{period.label}没有可打印的反馈卡。")
    job.progress(20)
    return {"title": FEEDBACK_TITLE, "organization": organization, "period": period.label,
            "cards": cards, "printed_on": job.today}  # fmt: skip


def screening_list(organization: Organization, year: int, *, reader: Any) -> list[Meeting]:
    """The 电化教育 screenings held in a year by the organization and those below it that
    `reader` sees, by date (one query)."""
    ids = Organization.objects.descendant_ids([organization.pk])
    return list(
        readable(Meeting.objects.all(), reader)
        .filter(organization_id__in=ids, held_on__year=year, kind=MeetingKind.SCREENING)
        .select_related("organization")
        .order_by("held_on", "starts_at", "pk")
    )


# The roll's marks (党员点名册): present, on leave, absent, excused, and a guest present.
ROLL_MARKS: dict[str, str] = {
    AttendanceStatus.PRESENT: "到",
    AttendanceStatus.LEAVE: "假",
    AttendanceStatus.ABSENT: "缺",
    AttendanceStatus.EXCUSED: "免",
}


def screening_roll(meetings: list[Meeting]) -> list[tuple[str, list[str]]]:
    """Per person (by name, then first seen), a cell per month of the marks of that month's
    screenings (a guest's presence marked 列): one query over the attendance."""
    from .models import Attendance

    rows = (
        Attendance.objects.filter(meeting__in=[m.pk for m in meetings])
        .order_by("name", "member_id", "meeting__held_on", "pk")
        .values_list("name", "member_id", "meeting__held_on", "status", "is_guest")
    )
    people: dict[tuple[str, Any], list[list[str]]] = {}
    for name, member_id, day, status, is_guest in rows:
        cells = people.setdefault((name, member_id or name), [[] for _ in range(12)])
        mark = "列" if is_guest and status == AttendanceStatus.PRESENT else ROLL_MARKS[status]
        cells[day.month - 1].append(mark)
    return [(name, ["".join(c) for c in cells]) for (name, _), cells in people.items()]


def screening_register_context(job: Job, book: str) -> dict[str, Any]:
    """One of the 三簿一册 of a community (or any organization, with those below it) and a year:
    the log (what was shown, when, where, how long, by whom, to how many), the discussion
    book, the feedback book, or the roll (each person's marks month by month)."""
    organization, year = job["organization"], job.year()
    meetings = screening_list(organization, year, reader=job.reader)
    context = {"title": SCREENING_BOOKS[book], "organization": organization,
               "period": f"{year}年度", "book": book, "meetings": meetings,
               "printed_on": job.today, "months": range(1, 13)}  # fmt: skip
    if book == SCREENING_ROLL:
        context["roll"] = screening_roll(meetings)
    return context


def _screening_printable(name: str) -> Printable:
    title = SCREENING_BOOKS[name]
    return Printable(
        # the roll names people; the other books quote what was said: whoever keeps the
        # organization's meetings (the people scope, as the meeting record).
        name, f"{title}（年度）", permission="activities.view_meeting", prints_people=True,
        params=(ORGANIZATION, PERIOD), select=partial(screening_register_context, book=name),
        renderers={"pdf": PdfRenderer("reports/activities_screening_register.html")},
        filename=lambda job: f"{title}-{job['organization'].name}-{job.year()}",
    )  # fmt: skip


def _meeting_name(job: Job, what: str) -> str:
    meeting = job["meeting"]
    return f"{what}-{meeting.organization.name}-{meeting.held_on:%Y-%m-%d}"


PRINTABLES = [
    Printable(
        SIGN_IN_SHEET, "会议签到表", permission="activities.view_meeting", prints_people=True,
        params=(MEETING,), select=sign_in_sheet_context,
        renderers={"pdf": PdfRenderer("reports/activities_sign_in_sheet.html")},
        filename=lambda job: _meeting_name(job, "签到表"),
        organization_of=lambda meeting: meeting.organization,
    ),
    Printable(
        MEETING_RECORD, "会议记录", permission="activities.view_meeting", prints_people=True,
        params=(MEETING,), select=meeting_record_context,
        renderers={"pdf": PdfRenderer("reports/activities_meeting_record.html")},
        filename=lambda job: _meeting_name(job, "会议记录"),
        organization_of=lambda meeting: meeting.organization,
    ),
    Printable(
        CONGRESS_SESSION_RECORD, "党员代表会议记录", permission="activities.view_meeting",
        prints_people=True, params=(MEETING,), select=congress_session_context,
        renderers={"pdf": PdfRenderer("reports/activities_congress_session.html")},
        filename=lambda job: _meeting_name(job, "党员代表会议记录"),
        organization_of=lambda meeting: meeting.organization,
    ),
    Printable(
        # The year's sessions from the report center: a community (or those below) and a year.
        CONGRESS_SESSION_RECORDS, "党员代表会议记录", permission="activities.view_meeting",
        prints_people=True, params=(ORGANIZATION, YEAR), select=congress_session_records_context,
        renderers={"pdf": PdfRenderer("reports/activities_congress_session.html")},
        filename=lambda job: f"党员代表会议记录-{job['organization'].name}-{job.period}年",
    ),
    Printable(
        # Meetings and their counts, no names: whoever sees the organization's meetings.
        MEETING_LEDGER, "三会一课台账（年度）", permission="activities.view_meeting",
        prints_people=False, params=(ORGANIZATION, PERIOD), select=ledger_context,
        renderers={"pdf": PdfRenderer("reports/activities_ledger.html")},
        filename=lambda job: f"三会一课台账-{job['organization'].name}-{job.year()}",
    ),
    Printable(
        COMPLIANCE, "会议落实情况", permission="activities.view_meeting", prints_people=False,
        params=(ANY_ORGANIZATION, PERIOD, option_param("as_of", "统计日")),
        select=compliance_context, renderers={"xlsx": XlsxRenderer()},
        filename=lambda job: f"会议落实情况{job.year()}",
    ),
    Printable(
        FEEDBACK_CARDS, FEEDBACK_TITLE, permission="activities.view_feedbackcard",
        prints_people=True, params=(ORGANIZATION, HALF_YEAR), select=feedback_cards_context,
        renderers={"pdf": PdfRenderer("reports/feedback_cards.html")},
        filename=lambda job: f"{FEEDBACK_TITLE}-{job['organization'].name}-{job.period}",
        runs_in_request=False, permitted=may_print_cards,
    ),
    *(_screening_printable(name) for name in SCREENING_BOOKS),
]  # fmt: skip
