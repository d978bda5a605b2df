"""The printables' content (sign-in sheet, meeting record, yearly ledger) and the reminder task."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django_celery_beat.models import PeriodicTask
from pypdf import PdfReader

from activities import services
from activities.models import AttendanceStatus as S
from activities.models import Meeting, Notification
from activities.rules import MeetingKind as K
from activities.schedule import REMINDERS_NAME
from activities.tasks import send_meeting_reminders
from organizations.roles import Role
from tests.activities.factories import MeetingFactory
from tests.members.factories import MemberFactory
from tests.printing import make

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def meeting(tree):
    MemberFactory(branch=tree.branch_a, name="张卫国")
    MemberFactory(branch=tree.branch_a, name="李秀英", categories=["aged_or_ill"])
    MemberFactory(branch=tree.branch_a, name="王建华")
    meeting = Meeting(
        organization=tree.branch_a, kind=K.GENERAL_MEETING, held_on=dt.date(2026, 3, 18),
        topic="第一季度党员大会", place="社区会议室", host="赵书记",
    )  # fmt: skip

    def mark(rows):
        for row in rows:
            if row.name == "张卫国":
                row.status = S.PRESENT
            if row.name == "王建华":
                row.status, row.reason = S.LEAVE, "出差"

    return services.meeting_save(meeting=meeting, actor=None, mark=mark)


def test_the_sign_in_sheet_lists_who_should_attend_with_room_to_sign(meeting) -> None:
    pages, text = pdf_text(make("meeting_sign_in_sheet", meeting=meeting))
    assert pages == 1
    for words in (
        "支部党员大会签到表",
        "甲社区第一党支部",
        "第一季度党员大会",
        "张卫国",
        "本人签名",
    ):
        assert words in text
    # 年老病重 members are expected at a 支部党员大会 (excused only from a 主题党日).
    assert "应到 3 人" in text
    assert "送学上门" not in text
    assert "不要求手机签到" in text


def test_the_sign_in_sheet_carries_the_meetings_qr_code(meeting, settings) -> None:
    import segno

    from activities.printables import sign_in_sheet_context
    from kit.printables import Job

    settings.ACTIVITIES_SIGN_IN_BASE_URL = "https://dangjian.example.cn/"
    context = sign_in_sheet_context(Job({"meeting": meeting}, None, "pdf"))
    url = f"https://dangjian.example.cn/admin/activities/meeting/sign-in/{meeting.sign_in_token}/"
    assert context["sign_in_url"] == url
    assert context["qr"] == segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    _, text = pdf_text(make("meeting_sign_in_sheet", meeting=meeting))
    assert "会议时间内可扫码签到" in "".join(text.split())


def test_the_theme_day_sign_in_sheet_marks_the_aged_excused(tree, meeting) -> None:
    theme_day = services.meeting_save(
        meeting=Meeting(
            organization=tree.branch_a, kind=K.THEME_DAY, held_on=dt.date(2026, 3, 7),
            topic="主题党日",
        ),
        actor=None,
    )  # fmt: skip
    _, text = pdf_text(make("meeting_sign_in_sheet", meeting=theme_day))
    assert "李秀英 年老病重，免于参加主题党" in text
    assert "应到 2 人" in text


def test_the_meeting_record_says_who_attended_and_whether_it_was_held(meeting) -> None:
    _, text = pdf_text(make("meeting_record", meeting=meeting))
    assert "应到3人，实到1人，请假1人" in text
    assert "未达到法定人数" in text  # 1 of 3 is not more than half
    assert "王建华（出差）" in text
    assert "李秀英" in text  # expected, absent


def test_the_ledger_lists_the_years_meetings_of_the_branch_and_its_groups(tree, meeting) -> None:
    MeetingFactory(
        organization=tree.group_a, kind=K.GROUP_MEETING, topic="组会", held_on=dt.date(2026, 4, 1)
    )
    MeetingFactory(organization=tree.branch_a, topic="去年的会", held_on=dt.date(2025, 4, 1))
    _, text = pdf_text(make("meeting_ledger", organization=tree.branch_a, period="2026"))
    assert "三会一课台账" in text
    assert "2026年度" in text
    assert "第一季度党员大会" in text
    assert "组会" in text
    assert "去年的会" not in text
    assert "党小组会1次" in text


def test_the_reminder_task_is_scheduled_daily_and_notifies(tree, make_user) -> None:
    task = PeriodicTask.objects.get(name=REMINDERS_NAME)  # installed by `migrate`
    assert task.task == "activities.tasks.send_meeting_reminders"
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "7", "*")
    officer = make_user(Role.COMMUNITY_SECRETARY, tree.community_a, "sec")
    MemberFactory(branch=tree.branch_a)
    summary = send_meeting_reminders.delay("2026-03-26").get()
    assert summary.startswith("新提醒")
    assert Notification.objects.filter(recipient=officer).exists()
    assert send_meeting_reminders.delay("2026-03-26").get().startswith("新提醒0条")
