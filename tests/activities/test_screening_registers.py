"""电化教育 and its 三簿一册 (issue 24 point 2; 002 党员电教播放员职责 六): a screening names its film,
carries its discussion and feedback, its attendance is the roll; each book prints as an A4
register of a community and a year, read through the reader's scope."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import Meeting
from activities.printables import (
    SCREENING_DISCUSSION,
    SCREENING_FEEDBACK,
    SCREENING_LOG,
    SCREENING_ROLL,
)
from activities.rules import MeetingKind as K
from organizations.roles import Role
from tests.members.factories import MemberFactory
from tests.printing import make

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    done = subprocess.run(  # noqa: S603 (a fixed program on a file of the test's own)
        ["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    )
    return done.stdout.decode()


def screen(org, day, film, present=(), **fields) -> Meeting:
    meeting = Meeting(
        organization=org, kind=K.SCREENING, held_on=day, topic=f"电教片：{film}",
        film_title=film, **fields,
    )  # fmt: skip
    return services.meeting_save(meeting=meeting, actor=None, present_names=present)


@pytest.fixture
def screenings(tree):
    MemberFactory(branch=tree.branch_a, name="张卫国")
    MemberFactory(branch=tree.branch_a, name="王建华")
    MemberFactory(branch=tree.branch_b, name="乙社区党员")
    first = screen(
        tree.community_a, dt.date(2026, 3, 6), "榜样9", present=["张卫国"], place="党员活动室",
        host="梁放映", duration_minutes=95, discussion="大家谈了学习体会：要立足岗位做贡献。",
        feedback="希望多播放反映身边典型的片子。",
    )  # fmt: skip
    second = screen(
        tree.community_a, dt.date(2026, 4, 3), "时代楷模", present=["张卫国", "王建华"],
        duration_minutes=60,
    )  # fmt: skip
    screen(tree.community_b, dt.date(2026, 3, 7), "乙社区的片子", present=["乙社区党员"])
    return first, second


def test_a_screening_names_its_film(tree) -> None:
    meeting = Meeting(
        organization=tree.community_a, kind=K.SCREENING, held_on=dt.date(2026, 3, 6), topic="电教"
    )
    with pytest.raises(ValidationError, match="电化教育须填写播放的片名"):
        services.meeting_save(meeting=meeting, actor=None)


def test_a_screening_is_held_once_someone_watched(screenings) -> None:
    first, _ = screenings
    assert (first.expected_count, first.present_count, first.is_quorate) == (2, 1, True)


def test_the_log_lists_each_screening_of_the_community(tree, screenings, tmp_path) -> None:
    text = pdf_text(make(SCREENING_LOG, organization=tree.community_a, period="2026"), tmp_path)
    for words in ("电化教育放映记录簿", "甲社区党委", "2026年度", "榜样9", "时代楷模", "95",
                  "党员活动室", "梁放映", "本年度共播放2次", "第1页/共1页"):  # fmt: skip
        assert words in text, words
    assert "乙社区的片子" not in text


def test_the_discussion_and_feedback_books(tree, screenings, tmp_path) -> None:
    text = pdf_text(
        make(SCREENING_DISCUSSION, organization=tree.community_a, period="2026"), tmp_path
    )
    assert "电化教育讨论记录簿" in text
    assert "要立足岗位做贡献" in text
    assert "（未记录）" in text  # the second screening kept no discussion
    text = pdf_text(
        make(SCREENING_FEEDBACK, organization=tree.community_a, period="2026"), tmp_path
    )
    assert "电化教育反馈记录簿" in text
    assert "希望多播放反映身边典型的片子" in text


def test_the_roll_marks_each_member_month_by_month(tree, screenings, tmp_path) -> None:
    text = pdf_text(make(SCREENING_ROLL, organization=tree.community_a, period="2026"), tmp_path)
    assert "电化教育党员花名册" in text
    lines = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.strip()}
    assert lines["张卫国"] == ["到", "到"]  # March, April
    assert lines["王建华"] == ["缺", "到"]
    assert "乙社区党员" not in text


def test_a_year_without_screenings_prints_an_empty_register(tree, tmp_path) -> None:
    text = pdf_text(make(SCREENING_LOG, organization=tree.community_a, period="2025"), tmp_path)
    assert "本年度没有电化教育播放记录" in text


def test_the_registers_read_through_the_readers_scope(tree, screenings, make_user, tmp_path):
    other = make_user(Role.COMMUNITY_SECRETARY, tree.community_b)
    text = pdf_text(
        make(SCREENING_LOG, organization=tree.community_a, period="2026", reader=other), tmp_path
    )
    assert "榜样9" not in text
    own = make_user(Role.COMMUNITY_SECRETARY, tree.community_a)
    text = pdf_text(
        make(SCREENING_ROLL, organization=tree.community_a, period="2026", reader=own), tmp_path
    )
    assert "张卫国" in text
