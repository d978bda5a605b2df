"""The demo's sessions of 两会一化 in 春晖社区 (after members/demo_congress.py): the 党员代表会议's
first session, the day the term opened plus a few, with the seated delegates' attendance (two on
leave) and its resolutions; and the 区域化党总支's meetings each quarter since, so that the
compliance view shows them like the 联席会. Idempotent (a meeting that exists is left alone)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.models import DelegateConference, RegionalBranch

from .models import Attendance, AttendanceStatus, Meeting
from .rules import MeetingKind
from .services import meeting_save

COMMUNITY = "CN-CH"
LEAVE = ("出差", "病假")


def build() -> list[Any]:
    conference = DelegateConference.objects.filter(community__code=COMMUNITY).first()
    if conference is None:
        return []
    actor = get_user_model().objects.get(username="admin")
    branch = RegionalBranch.objects.filter(conference=conference).order_by("elected_on").first()
    day = branch.elected_on if branch else conference.term_starts_on
    _session(conference, day, actor)
    if branch is not None:
        _regional_meetings(branch, actor, timezone.localdate())
    return []


def _on_leave(count: int) -> Any:
    def mark(rows: list[Attendance]) -> None:
        for index, row in enumerate(rows):
            if index < count:
                row.status, row.reason = AttendanceStatus.LEAVE, LEAVE[index % len(LEAVE)]
            else:
                row.status = AttendanceStatus.PRESENT

    return mark


def _session(conference: DelegateConference, day: dt.date, actor: Any) -> None:
    topic = f"{conference.name}第一次会议"
    if Meeting.objects.filter(organization=conference.community, held_on=day, topic=topic).exists():
        return
    meeting = Meeting(
        organization=conference.community, kind=MeetingKind.CONGRESS_SESSION, held_on=day,
        topic=topic, starts_at=dt.time(9, 0), place="社区党群服务中心", host="社区党组织书记",
        recorder="组织委员",
        agenda="一、听取筹备工作报告；二、选举区域化党总支；三、讨论区域化党建工作年度计划。",
        minutes="会议听取了筹备工作报告，以无记名投票方式差额选举产生区域化党总支成员7名，"
        "讨论了区域化党建工作年度计划。",
    )  # fmt: skip
    meeting_save(meeting=meeting, actor=actor, mark=_on_leave(2))
    meeting.decisions = "一、选举产生区域化党总支；二、通过区域化党建工作年度计划。"
    meeting_save(meeting=meeting, actor=actor, update_fields=["decisions"])


def _regional_meetings(branch: RegionalBranch, actor: Any, today: dt.date) -> None:
    community = branch.conference.community
    day = branch.elected_on + dt.timedelta(days=1)
    number = 0
    while day <= today:
        number += 1
        topic = f"{branch.name}第{number}次会议：区域化党建项目推进"
        if not Meeting.objects.filter(organization=community, held_on=day, topic=topic).exists():
            meeting = Meeting(
                organization=community, kind=MeetingKind.REGIONAL_BRANCH_MEETING, held_on=day,
                topic=topic, place="社区会议室", host="区域化党总支书记", recorder="组织委员",
                agenda="一、通报上季度共建项目；二、收集办理党员代表建议案；三、部署本季度工作。",
            )  # fmt: skip
            meeting_save(meeting=meeting, actor=actor, mark=_on_leave(1))
        day = _next_quarter(day)


def _next_quarter(day: dt.date) -> dt.date:
    month = day.month + 3
    return dt.date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, min(day.day, 28))
