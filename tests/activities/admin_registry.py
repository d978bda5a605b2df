"""The activities app's rows of the registry-driven admin tests (tests/registries.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.members import factories as mf
from tests.registries import LOGIN, NO, OK

ACCESS: dict[str, tuple[str, ...]] = {
    #                                    superuser sub_district secretary branch  unit  member  district
    # 反馈卡: generated, never added; the unit and the member use the portal instead.
    "activities.feedbackcard":            ("vcd",  "vc",  "vc",  "",    "",   "", "v"),
    # 会议活动: recorded by the officers of the organizations in their scope.
    "activities.meeting":                 ("vacd", "vacd", "vacd", "vacd", "",  "", "v"),
    # 提醒通知: each user's own (reminders create them), read only.
    "activities.notification":            ("vd",   "v",   "v",   "v",   "v",  "", "v"),
}  # fmt: skip


def _feedback_card(t: SimpleNamespace, i: int) -> Any:
    from activities.feedback import services

    member = mf.MemberFactory(
        branch=t.unit_b.party_organization,
        residence_community=t.community_a,
        categories=["in_service"],
    )
    registration = mf.RegistrationFactory(member=member, community=t.community_a, unit=t.unit_b)
    services.feedback_cards_generate_for(
        registration_ids=[registration.pk], period=services.period_get("2026H1")
    )


def _meeting(t: SimpleNamespace, i: int) -> Any:
    from tests.activities.factories import AttendanceFactory, MeetingFactory

    meeting = MeetingFactory(organization=t.branch_a, topic=f"会议{i}", expected_count=1)
    AttendanceFactory(meeting=meeting, member=mf.MemberFactory(branch=t.branch_a))


def _notification(t: SimpleNamespace, i: int) -> Any:
    from tests.activities.factories import NotificationFactory

    NotificationFactory(recipient=t.secretary, organization=t.branch_a)


MAKERS: dict[str, Any] = {
    "activities.feedbackcard": _feedback_card,
    "activities.meeting": _meeting,
    "activities.notification": _notification,
}


def populate_scope(tree: SimpleNamespace, people: SimpleNamespace) -> None:
    """Rows for tests/test_scope_consistency.py's `populated` (once it calls this hook): a card
    for every registration it made, in both communities, for units A and B."""
    from activities.feedback import services

    services.feedback_cards_generate(period=services.period_get("2026H1"))


def scope_rows(tree: Any, people: Any, users: Any) -> None:
    """tests/test_scope_consistency.py's hook: feedback cards, and meetings, attendance,
    attachments and notifications in both communities."""
    populate_scope(tree, people)
    from activities.models import MeetingAttachment
    from tests.activities.factories import AttendanceFactory, MeetingFactory, NotificationFactory

    for branch, member in ((tree.branch_a, people.a), (tree.branch_b, people.b)):
        meeting = MeetingFactory(organization=branch)
        AttendanceFactory(meeting=meeting, member=member)
        MeetingAttachment.objects.create(meeting=meeting, file="x.pdf")
    for user in users[:2]:
        NotificationFactory(recipient=user)


# tests/test_view_and_document_access.py: this app's custom admin URLs, printables (through
# the one print view) and documents (queued for the worker), role by role.
CUSTOM_URLS: dict[str, tuple[str, ...]] = {
    #                                          superuser sub_district secretary branch unit member  district
    "activities_meeting_compliance":          (OK, OK, OK, OK, NO, LOGIN, OK),
    "activities_meeting_expected":            (OK, OK, OK, OK, NO, LOGIN, NO),
    "activities_meeting_import_template":     (OK, OK, OK, OK, NO, LOGIN, NO),
    "activities_meeting_qr":                  (OK, OK, OK, OK, NO, LOGIN, OK),
}  # fmt: skip
PRINTABLES: dict[str, tuple[str, ...]] = {
    #                              superuser sub_district secretary branch unit member  district
    "feedback_cards":              (OK, OK, OK, NO, OK, LOGIN, OK),
    "meeting_compliance":          (OK, OK, OK, OK, NO, LOGIN, OK),
    "meeting_ledger":              (OK, OK, OK, OK, NO, LOGIN, OK),
    "congress_session_record":     (OK, OK, OK, OK, NO, LOGIN, OK),
    # The year's sessions from the report center (an organization and a year).
    "congress_session_records":    (OK, OK, OK, OK, NO, LOGIN, OK),
    "meeting_record":              (OK, OK, OK, OK, NO, LOGIN, OK),
    "meeting_sign_in_sheet":       (OK, OK, OK, OK, NO, LOGIN, OK),
    "screening_log":               (OK, OK, OK, OK, NO, LOGIN, OK),
    "screening_discussion":        (OK, OK, OK, OK, NO, LOGIN, OK),
    "screening_feedback":          (OK, OK, OK, OK, NO, LOGIN, OK),
    "screening_roll":              (OK, OK, OK, OK, NO, LOGIN, OK),
}  # fmt: skip
# A 党员代表会议记录 is printed of a session of the 党员代表会议 (the demo's in 春晖社区).
PRINTABLE_OBJECTS = {"congress_session_record": {"kind": "congress_session"}}
DOCUMENTS: dict[str, dict[str, str]] = {
    "meeting_ledger": {
        "superuser": "y--",
        "sub_district": "yyn",
        "district": "yy-",
        "secretary": "yyn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "feedback_cards": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "n-n",
        "unit": "y-n",
        "member": "-nn",
    },
    "meeting_compliance": {
        "superuser": "y--",
        "sub_district": "yyn",
        "district": "yy-",
        "secretary": "yyn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "congress_session_record": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "congress_session_records": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "meeting_record": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "meeting_sign_in_sheet": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
}
# 电化教育's 三簿一册: names and what was said, of an organization and those below it.
for _book in ("screening_log", "screening_discussion", "screening_feedback", "screening_roll"):
    DOCUMENTS[_book] = {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    }
PERIODS = {"feedback_cards": "2026H1"}
