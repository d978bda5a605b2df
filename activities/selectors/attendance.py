"""Reads of attendance: per-member summaries, and the participation facts the members app asks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Min, Q, Subquery
from django.utils import timezone

from members.models import Member
from members.participation import Answer

from ..models import Attendance, AttendanceStatus
from ..models.meetings import AttendanceQuerySet
from ..rules import LIFE_RATE_KINDS, ORGANIZATIONAL_LIFE_KINDS, MeetingKind, rate

PRESENT = Q(status=AttendanceStatus.PRESENT)
EXPECTED = Q(is_guest=False) & ~Q(status=AttendanceStatus.EXCUSED)


@dataclass(frozen=True)
class AttendanceSummary:
    """One member's attendance over a date range. `expected`: meetings they should have attended
    (not as a guest, not excused); `attended`: meetings they were present at (a guest's too: a
    floating member takes part in organizational life where they are); `on_leave`: expected
    meetings they were on leave from."""

    expected: int = 0
    attended: int = 0
    on_leave: int = 0
    excused: int = 0

    @property
    def absent(self) -> int:
        return max(self.expected - self.attended - self.on_leave, 0)

    @property
    def rate(self) -> int | None:
        """Attendance of expected meetings in whole percent (None when none was expected)."""
        return rate(min(self.attended, self.expected), self.expected)


def _attendances(
    member_ids: Collection[int], start: dt.date | None, end: dt.date
) -> AttendanceQuerySet:
    end = min(end, timezone.localdate())  # a planned meeting has no attendance yet
    queryset = Attendance.objects.filter(member_id__in=list(member_ids), meeting__held_on__lte=end)
    return queryset if start is None else queryset.filter(meeting__held_on__gte=start)


def attendance_summary(
    member_ids: Collection[int], start: dt.date, end: dt.date
) -> dict[int, AttendanceSummary]:
    """Per member with any attendance record from `start` to `end` (inclusive), in one query.
    A member without a record is absent from the result (not "0 of 0")."""
    rows = (
        _attendances(member_ids, start, end)
        .values("member_id")
        .annotate(
            expected=Count("id", filter=EXPECTED),
            attended=Count("id", filter=PRESENT),
            on_leave=Count("id", filter=EXPECTED & Q(status=AttendanceStatus.LEAVE)),
            excused=Count("id", filter=Q(status=AttendanceStatus.EXCUSED)),
        )
        .order_by()
    )
    return {
        row["member_id"]: AttendanceSummary(
            row["expected"], row["attended"], row["on_leave"], row["excused"]
        )
        for row in rows
    }


def member_attendance_list(member_id: int, *, limit: int = 30) -> list[Attendance]:
    """A member's own attendance records (the member portal): the meetings held by today, newest
    first, with the meeting and its organization."""
    return list(
        _attendances([member_id], None, timezone.localdate())
        .select_related("meeting", "meeting__organization")
        .order_by("-meeting__held_on", "-meeting_id")[:limit]
    )


FIRST_RECORD = Subquery(
    Attendance.objects.order_by("meeting__held_on").values("meeting__held_on")[:1]
)


def _answer(rows: list[dict[str, Any]], value: str) -> Answer:
    """The values of `rows` (each with the records' first day, asked in the same query; asked
    alone only when none of the members has a record)."""
    if rows:
        since = rows[0]["since"]
    else:
        since = Attendance.objects.aggregate(first=Min("meeting__held_on"))["first"]
    return Answer({row["member_id"]: row[value] for row in rows}, since)


def organizational_life_days(
    member_ids: Collection[int], start: dt.date | None, end: dt.date
) -> Answer:
    """自行脱党: the days each member took part in organizational life (present, or on leave or
    excused: a good reason is not a lapse), and per member the first day of their branch's named
    attendance (a branch whose meetings carry counts only has none: its members are not judged).
    Three queries."""
    ids = list(member_ids)
    took_part = PRESENT | Q(status__in=[AttendanceStatus.LEAVE, AttendanceStatus.EXCUSED])
    days: dict[int, list[dt.date]] = {}
    for member_id, held_on in (
        _attendances(ids, start, end)
        .filter(took_part, meeting__kind__in=ORGANIZATIONAL_LIFE_KINDS)
        .values_list("member_id", "meeting__held_on")
        .order_by("meeting__held_on")
    ):
        days.setdefault(member_id, []).append(held_on)
    branches = dict(Member.objects.filter(pk__in=ids).values_list("pk", "branch_id"))
    firsts = dict(
        Attendance.objects.filter(
            member__branch_id__in=set(branches.values()),
            is_guest=False,
            meeting__kind__in=ORGANIZATIONAL_LIFE_KINDS,
            meeting__held_on__lte=min(end, timezone.localdate()),
        )
        .values("member__branch_id")
        .annotate(first=Min("meeting__held_on"))
        .order_by()
        .values_list("member__branch_id", "first")
    )
    since = {pk: firsts[branch] for pk, branch in branches.items() if branch in firsts}
    return Answer({pk: tuple(found) for pk, found in days.items()}, None, since)


def organizational_life_rate(
    member_ids: Collection[int], start: dt.date | None, end: dt.date
) -> Answer:
    """量化考核 item 2: the share (%) of expected 支部大会, 党小组会 and 组织生活会 attended."""
    rows = (
        _attendances(member_ids, start, end)
        .filter(EXPECTED, meeting__kind__in=LIFE_RATE_KINDS)
        .values("member_id")
        .annotate(expected=Count("id"), attended=Count("id", filter=PRESENT), since=FIRST_RECORD)
        .order_by()
    )
    found = [{**row, "rate": _percent(row["attended"], row["expected"])} for row in rows]
    return _answer(found, "rate")


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def lectures_missed(member_ids: Collection[int], start: dt.date | None, end: dt.date) -> Answer:
    """量化考核 item 4: 党课 missed without leave (出差、病事假 are 请假, not missed)."""
    rows = (
        _attendances(member_ids, start, end)
        .filter(meeting__kind=MeetingKind.LECTURE, is_guest=False, status=AttendanceStatus.ABSENT)
        .values("member_id")
        .annotate(missed=Count("id"), since=FIRST_RECORD)
        .order_by()
    )
    return _answer(list(rows), "missed")


def meetings_listed(member_ids: Collection[int], start: dt.date | None, end: dt.date) -> Answer:
    """党员写实档案: the meetings each member was listed at from `start` to `end`, with kind,
    topic and status (a guest's marked 列席), in date order. One query."""
    from members.participation import MeetingLine

    found: dict[int, list[MeetingLine]] = {}
    rows = (
        _attendances(member_ids, start, end)
        .select_related("meeting")
        .order_by("meeting__held_on", "meeting_id")
    )
    for attendance in rows:
        status = attendance.get_status_display() + ("（列席）" if attendance.is_guest else "")
        meeting = attendance.meeting
        line = MeetingLine(meeting.held_on, meeting.get_kind_display(), meeting.topic, status)
        found.setdefault(attendance.member_id, []).append(line)  # type: ignore[arg-type]
    return Answer(found)


# --- the member page's tab ------------------------------------------------------------------------
TAB_MEETINGS = 20  # the latest meetings the tab lists (the meetings' list has them all)


def member_attendance_tab(*, member: Member, user: Any) -> Any:
    """The member page's 会议出席 tab (members/selectors/member.py Tab): the latest meetings of
    the member the user may see, with the status, and the year's rate over the same meetings.
    Two queries."""
    from django.urls import reverse

    from members.selectors.member import Tab

    permission = "activities.view_meeting"
    if not user.has_perm(permission):
        return None
    today = timezone.localdate()
    seen = Attendance.objects.visible_to(user).filter(member=member, meeting__held_on__lte=today)
    year = seen.filter(meeting__held_on__year=today.year).aggregate(
        expected=Count("id", filter=EXPECTED),
        attended=Count("id", filter=EXPECTED & PRESENT),
        on_leave=Count("id", filter=EXPECTED & Q(status=AttendanceStatus.LEAVE)),
    )
    summary = AttendanceSummary(year["expected"], year["attended"], year["on_leave"])
    rows = [
        (
            reverse("admin:activities_meeting_change", args=[a.meeting_id]),
            [f"{a.meeting.held_on:%Y-%m-%d}", a.meeting.get_kind_display(), a.meeting.topic,
             _status_text(a)],
        )
        for a in seen.select_related("meeting").order_by("-meeting__held_on", "-pk")[:TAB_MEETINGS]
    ]  # fmt: skip
    list_url = reverse("admin:activities_meeting_changelist")
    return Tab(
        "会议出席", ("日期", "会议类型", "主题", "出席情况"), rows, list_url, permission,
        summary=_rate_text(today.year, summary),
        badge=f"出席率{summary.rate}%" if summary.rate is not None else str(len(rows)),
        list_label="查看全部会议",
    )  # fmt: skip


def _status_text(attendance: Attendance) -> str:
    text = attendance.get_status_display()
    if attendance.is_guest:
        text += "（列席）"
    if attendance.reason:
        text += f"：{attendance.reason}"
    return text


def _rate_text(year: int, summary: AttendanceSummary) -> str:
    if not summary.expected:
        return f"{year}年尚无应参加的会议记录。"
    return (
        f"{year}年应到{summary.expected}次，出席{summary.attended}次，请假{summary.on_leave}次，"
        f"缺席{summary.absent}次，出席率{summary.rate}%。"
    )
