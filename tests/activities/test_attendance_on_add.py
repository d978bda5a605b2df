"""Attendance recorded with the meeting, on its add page (issue 22, point 4): the list of who
should attend is there from the start, marked present in one go, the exceptions marked, a pasted
list of names marks those present; a mark that cannot be applied refuses the whole meeting, in
Chinese, and nothing is saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Attendance, Meeting
from activities.models import AttendanceStatus as S
from activities.rules import MeetingKind as K
from activities.rules import match_names, parse_names
from members.rules import MemberStatus
from tests.members.factories import MemberFactory

DAY = dt.date(2026, 3, 18)
ADD = "admin:activities_meeting_add"
EXPECTED = "admin:activities_meeting_expected"


# --- the pasted list (pure) ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("张三\n李四\r\n王五", ["张三", "李四", "王五"]),
        ("张三、李四，王五,赵六；钱七;孙八", ["张三", "李四", "王五", "赵六", "钱七", "孙八"]),
        ("张三 李四\u3000王五\t赵六", ["张三", "李四", "王五", "赵六"]),
        ("  张三、、\n\n李四 ,", ["张三", "李四"]),
        ("张三、李四、张三", ["张三", "李四"]),
        ("", []),
        ("、，\n ", []),
    ],
)
def test_a_pasted_list_is_split_on_every_separator_a_secretary_copies(
    text: str, names: list[str]
) -> None:
    assert parse_names(text) == names


def test_names_match_their_rows_and_the_others_are_said_in_chinese() -> None:
    rows = [("m1", "张三"), ("m2", "李四"), ("m3", "张伟"), ("m4", "张伟")]
    found = match_names(["张三", "王五", "张伟", "李四"], rows)
    assert found.keys == ("m1", "m2")
    assert found.error == (
        "以下姓名不在应到名单中：王五；以下姓名在应到名单中有重名，请在名单中逐人勾选：张伟。"
    )
    assert match_names(["李四"], rows).error is None


# --- the service -----------------------------------------------------------------------------------
def _branch(tree: Any, size: int) -> list[Any]:
    return [MemberFactory(branch=tree.branch_a, name=f"党员{i:02d}") for i in range(size)]


def _meeting(tree: Any, day: dt.date = DAY) -> Meeting:
    return Meeting(organization=tree.branch_a, kind=K.GENERAL_MEETING, held_on=day, topic="大会")


@pytest.mark.django_db
def test_a_meeting_is_recorded_with_everyone_present_but_those_on_leave(
    tree: Any, branch_officer_a: Any
) -> None:
    members = _branch(tree, 28)
    marks = {f"m{m.pk}": services.Mark(S.PRESENT) for m in members}
    for member in members[:3]:
        marks[f"m{member.pk}"] = services.Mark(S.LEAVE, "出差")
    meeting = services.meeting_save(meeting=_meeting(tree), actor=branch_officer_a, marks=marks)
    assert (meeting.expected_count, meeting.present_count, meeting.leave_count) == (28, 25, 3)
    assert meeting.is_quorate
    on_leave = meeting.attendances.filter(status=S.LEAVE)
    assert sorted(on_leave.values_list("reason", flat=True)) == ["出差"] * 3
    assert meeting.attendances.filter(status=S.PRESENT).count() == 25


@pytest.mark.django_db
def test_pasted_names_mark_those_present_and_the_rest_stay_absent(
    tree: Any, branch_officer_a: Any
) -> None:
    _branch(tree, 4)
    meeting = services.meeting_save(
        meeting=_meeting(tree), actor=branch_officer_a, present_names=["党员00", "党员02"]
    )
    statuses = dict(meeting.attendances.values_list("name", "status"))
    assert statuses == {"党员00": S.PRESENT, "党员01": S.ABSENT, "党员02": S.PRESENT,
                        "党员03": S.ABSENT}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("names", "leave_reason", "message"),
    [
        (["党员00", "王五"], "出差", "以下姓名不在应到名单中：王五。"),
        (["张伟"], "出差", "以下姓名在应到名单中有重名，请在名单中逐人勾选：张伟。"),
        ([], "", "党员01请假，请填写请假事由。"),
        (["党员01"], "出差", "党员01已标记为请假，又在粘贴的出席名单中，请核对。"),
    ],
)
def test_a_mark_that_cannot_be_applied_saves_nothing_and_says_why(
    tree: Any, branch_officer_a: Any, names: list[str], leave_reason: str, message: str
) -> None:
    members = _branch(tree, 3)
    MemberFactory(branch=tree.branch_a, name="张伟")
    MemberFactory(branch=tree.branch_a, name="张伟")
    marks = {f"m{members[1].pk}": services.Mark(S.LEAVE, leave_reason)}
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(
            meeting=_meeting(tree), actor=branch_officer_a, marks=marks, present_names=names
        )
    assert message in refused.value.messages
    assert not Meeting.objects.exists()
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_a_row_no_longer_on_the_list_refuses_the_meeting(tree: Any, branch_officer_a: Any) -> None:
    _branch(tree, 2)
    other: Any = MemberFactory(branch=tree.branch_b)
    marks = {f"m{other.pk}": services.Mark(S.PRESENT)}
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(meeting=_meeting(tree), actor=branch_officer_a, marks=marks)
    assert services.LIST_CHANGED in refused.value.messages
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_nobody_is_marked_present_at_a_meeting_not_yet_held(
    tree: Any, branch_officer_a: Any
) -> None:
    members = _branch(tree, 2)
    later = timezone.localdate() + dt.timedelta(days=7)
    marks = {
        f"m{members[0].pk}": services.Mark(S.PRESENT),
        f"m{members[1].pk}": services.Mark(S.LEAVE, "出差"),
    }
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(
            meeting=_meeting(tree, day=later), actor=branch_officer_a, marks=marks
        )
    assert refused.value.messages == [
        f"会议定于{later:%Y-%m-%d}召开，尚不能登记党员00出席：请会后登记（请假可以提前登记）。"
    ]
    del marks[f"m{members[0].pk}"]  # a leave asked ahead is recorded
    meeting = services.meeting_save(
        meeting=_meeting(tree, day=later), actor=branch_officer_a, marks=marks
    )
    assert meeting.leave_count == 1


@pytest.mark.django_db
def test_only_the_rules_excuse_a_member(tree: Any, branch_officer_a: Any) -> None:
    member = _branch(tree, 1)[0]
    marks = {f"m{member.pk}": services.Mark(S.EXCUSED)}
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(meeting=_meeting(tree), actor=branch_officer_a, marks=marks)
    assert "党员00应参加支部党员大会" in refused.value.messages[0]


# --- the add page ----------------------------------------------------------------------------------
def _post(client: Any, tree: Any, **extra: Any) -> Any:
    data = {"organization": tree.branch_a.pk, "kind": K.GENERAL_MEETING,
            "held_on": DAY.isoformat(), "topic": "第一季度党员大会", **extra}  # fmt: skip
    return client.post(reverse(ADD), data, follow=True)


@pytest.mark.django_db
def test_the_add_page_lists_who_should_attend_before_anything_is_saved(
    client: Any, tree: Any, branch_officer_a: Any
) -> None:
    _branch(tree, 3)
    MemberFactory(
        branch=tree.branch_a, name="预备甲", status=MemberStatus.PROBATIONARY,
        joined_on=dt.date(2025, 9, 1),
    )  # fmt: skip
    MemberFactory(branch=tree.branch_b, name="别的支部")
    client.force_login(branch_officer_a)
    url = f"{reverse(ADD)}?organization={tree.branch_a.pk}&kind={K.GENERAL_MEETING}"
    text = client.get(url).content.decode()
    assert "全部出席" in text
    for name in ("党员00", "党员01", "党员02", "预备甲"):
        assert f"{name}</td>" in text
    assert "预备党员（无表决权）" in text
    assert "别的支部" not in text

    listed = client.get(
        reverse(EXPECTED),
        {"organization": tree.branch_a.pk, "kind": K.GENERAL_MEETING, "held_on": "2026-03-18"},
    )
    assert listed.status_code == 200
    assert "党员02</td>" in listed.content.decode()


@pytest.mark.django_db
def test_the_list_of_another_communitys_branch_is_never_shown(
    client: Any, tree: Any, branch_officer_a: Any
) -> None:
    MemberFactory(branch=tree.branch_b, name="别的支部")
    client.force_login(branch_officer_a)
    listed = client.get(
        reverse(EXPECTED),
        {"organization": tree.branch_b.pk, "kind": K.GENERAL_MEETING, "held_on": "2026-03-18"},
    )
    assert "别的支部" not in listed.content.decode()
    assert "选择党组织、会议类型和召开日期后" in listed.content.decode()


@pytest.mark.django_db
def test_the_add_page_saves_the_meeting_with_its_attendance_at_once(
    client: Any, tree: Any, branch_officer_a: Any
) -> None:
    members = _branch(tree, 5)
    client.force_login(branch_officer_a)
    marks: dict[str, Any] = {"attendance-key": [f"m{m.pk}" for m in members]}
    for member in members:
        marks[f"attendance-m{member.pk}-status"] = S.PRESENT
    marks[f"attendance-m{members[4].pk}-status"] = S.LEAVE
    marks[f"attendance-m{members[4].pk}-reason"] = "住院"
    response = _post(client, tree, **marks)
    assert "已登记5人的出席情况：应到5人、实到4人、请假1人。" in response.content.decode()
    meeting = Meeting.objects.get()
    assert meeting.is_quorate
    assert meeting.attendances.get(member=members[4]).reason == "住院"


@pytest.mark.django_db
def test_an_unknown_pasted_name_is_said_on_the_form_and_nothing_is_saved(
    client: Any, tree: Any, branch_officer_a: Any
) -> None:
    _branch(tree, 3)
    client.force_login(branch_officer_a)
    response = _post(client, tree, present_names="党员00、党员01、王小明")
    text = response.content.decode()
    assert "以下姓名不在应到名单中：王小明。" in text
    assert "党员02</td>" in text  # the list is shown again, as posted
    assert not Meeting.objects.exists()
