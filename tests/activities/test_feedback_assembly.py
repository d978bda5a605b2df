"""Issue 24 (after): the year-end 在职党员大会 (001) on the in-service member's feedback card: the
member's attendance at the assembly their community held in the card's half-year; no line when
none was held (not held is not absent), and none for a member its roll does not list."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from activities.feedback import services
from activities.models import FeedbackCard
from activities.rules import AssemblyAttendance, AttendanceStatus, MeetingKind
from tests.activities.factories import AttendanceFactory, MeetingFactory
from tests.activities.test_feedback import rate
from tests.activities.test_portal import logged_in, pdf_text
from tests.members.factories import MemberFactory, RegistrationFactory

H2 = services.period_get("2025H2")  # ended: its cards can be made
H1 = services.period_get("2026H1")


def _registered(tree: SimpleNamespace, name: str, on: dt.date = dt.date(2025, 2, 1)) -> Any:
    member = MemberFactory(
        name=name,
        categories=["in_service"],
        branch=tree.unit_b.party_organization,
        residence_community=tree.community_a,
    )
    RegistrationFactory(member=member, community=tree.community_a, unit=tree.unit_b,
                        registered_on=on)  # fmt: skip
    return member


def _assembly(community: Any, day: dt.date, **statuses: Any) -> Any:
    meeting = MeetingFactory(
        organization=community, kind=MeetingKind.IN_SERVICE_ASSEMBLY, held_on=day,
        topic=f"{day.year}年在职党员大会",
    )  # fmt: skip
    for member, status in statuses.values():
        AttendanceFactory(meeting=meeting, member=member, status=status, has_vote=False)
    return meeting


def _cards(period: Any) -> dict[str, str]:
    services.feedback_cards_generate(period=period)
    cards = FeedbackCard.objects.filter(period=period.code).select_related("member")
    return {card.member.name: card.in_service_assembly for card in cards}


def test_the_h2_card_shows_each_members_attendance_at_the_year_end_assembly(
    tree: SimpleNamespace,
) -> None:
    came, leave, absent = (_registered(tree, n) for n in ("到会", "请假的", "缺席的"))
    late = _registered(tree, "会后报到", on=dt.date(2025, 12, 25))
    _assembly(
        tree.community_a, dt.date(2025, 12, 20),
        a=(came, AttendanceStatus.PRESENT), b=(leave, AttendanceStatus.LEAVE),
        c=(absent, AttendanceStatus.ABSENT),
    )  # fmt: skip
    assert late.pk
    assert _cards(H2) == {
        "到会": AssemblyAttendance.PRESENT,
        "请假的": AssemblyAttendance.LEAVE,
        "缺席的": AssemblyAttendance.ABSENT,
        # Not on the roll (报到 after it): no record, so not absent.
        "会后报到": AssemblyAttendance.UNLISTED,
    }
    card = FeedbackCard.objects.get(member=leave)
    assert card.assembly_text == "请假"


def test_no_assembly_in_the_half_year_leaves_the_line_blank_not_absent(
    tree: SimpleNamespace,
) -> None:
    _registered(tree, "无大会")
    assert _cards(H2) == {"无大会": ""}
    assert FeedbackCard.objects.get().assembly_text == ""


@pytest.mark.parametrize(
    ("day", "counted"),
    [
        (dt.date(2025, 6, 30), False),  # the day before the half-year: the first half's
        (dt.date(2025, 7, 1), True),  # its first day
        (dt.date(2025, 12, 31), True),  # its last day
        (dt.date(2026, 1, 1), False),  # the day after: next year's
    ],
)
def test_the_assembly_counts_in_the_half_year_it_was_held(
    tree: SimpleNamespace, day: dt.date, counted: bool
) -> None:
    member = _registered(tree, "边界")
    _assembly(tree.community_a, day, a=(member, AttendanceStatus.PRESENT))
    expected = AssemblyAttendance.PRESENT if counted else ""
    assert _cards(H2) == {"边界": expected}


def test_an_assembly_of_another_community_is_not_the_members(tree: SimpleNamespace) -> None:
    member = _registered(tree, "别的社区")
    _assembly(tree.community_b, dt.date(2025, 12, 20), a=(member, AttendanceStatus.PRESENT))
    assert _cards(H2) == {"别的社区": ""}


def test_the_last_assembly_of_the_half_year_is_the_one_shown(tree: SimpleNamespace) -> None:
    member = _registered(tree, "两次")
    _assembly(tree.community_a, dt.date(2025, 7, 10), a=(member, AttendanceStatus.ABSENT))
    _assembly(tree.community_a, dt.date(2025, 12, 20), a=(member, AttendanceStatus.PRESENT))
    assert _cards(H2) == {"两次": AssemblyAttendance.PRESENT}


def test_the_unit_sees_the_line_on_the_card_and_in_its_pdf_only_when_held(
    tree: SimpleNamespace, secretary_a: Any, reviewer_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    held = _registered(tree, "请假者")
    _assembly(tree.community_a, dt.date(2025, 12, 20), a=(held, AttendanceStatus.LEAVE))
    services.feedback_cards_generate(period=H2)
    services.feedback_cards_generate(period=H1)  # no assembly in the first half of 2026
    client = logged_in(reviewer_b)
    pages = {}
    for card in FeedbackCard.objects.all():
        rate(card, secretary_a)
        services.feedback_card_send(card=card, actor=secretary_a)
        url = reverse("portal:unit_card", args=[card.pk])
        pages[card.period] = client.get(url).content.decode()
    assert "在职党员大会</dt><dd>请假" in pages["2025H2"]
    assert "在职党员大会" not in pages["2026H1"]
    assert "缺席" not in pages["2026H1"]
    for period, shown in (("2025H2", True), ("2026H1", False)):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("portal:unit_pdf"), {"period": period})
        token = response["Location"].rstrip("/").split("/")[-1]
        download = client.get(reverse("portal:document_download", args=[token]))
        _, text = pdf_text(b"".join(download.streaming_content))
        assert ("在职党员大会" in text) is shown, period
        if shown:
            assert "请假" in text


def test_the_communitys_admin_page_says_not_held_rather_than_absent(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    _registered(tree, "管理页")
    services.feedback_cards_generate(period=H2)
    card = FeedbackCard.objects.get()
    page = logged_in(secretary_a).get(
        reverse("admin:activities_feedbackcard_change", args=[card.pk])
    )
    text = page.content.decode()
    assert "在职党员大会" in text
    assert "本期未召开" in text


def test_a_chunk_with_an_assembly_takes_the_same_queries_for_one_card_or_five(
    tree: SimpleNamespace,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.models import Registration

    members = [_registered(tree, f"党员{i}") for i in range(6)]
    _assembly(tree.community_a, dt.date(2025, 12, 20),
              **{str(i): (m, AttendanceStatus.PRESENT) for i, m in enumerate(members)})  # fmt: skip
    ids = list(Registration.objects.order_by("pk").values_list("pk", flat=True))
    counts = []
    for chunk in (ids[:1], ids[1:]):
        with CaptureQueriesContext(connection) as queries:
            services.feedback_cards_generate_for(registration_ids=chunk, period=H2)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert set(FeedbackCard.objects.values_list("in_service_assembly", flat=True)) == {"present"}
