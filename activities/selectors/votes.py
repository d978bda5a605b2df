"""The attendance of a branch's 支部党员大会, for the publicity app's votes on candidates."""

from __future__ import annotations

import datetime as dt

from ..models import Attendance, Meeting
from ..rules import MeetingKind


def general_meeting_present_ids(branch_id: int, day: dt.date) -> set[int] | None:
    """The members present at the branch's 支部党员大会 held on `day`, or None when no such
    meeting is recorded (the vote then records its own attendance)."""
    meetings = Meeting.objects.filter(
        organization_id=branch_id, kind=MeetingKind.GENERAL_MEETING, held_on=day
    )
    if not meetings.exists():
        return None
    return set(
        Attendance.objects.present()
        .filter(meeting__in=meetings, member__isnull=False, is_guest=False)
        .values_list("member_id", flat=True)
    )
