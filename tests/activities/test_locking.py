"""Two writers at once (Trust item 6): each state change of a card or a meeting locks its row
(`select_for_update`) and checks the state again inside the lock. Two threads, two connections,
one of them held inside its transaction while the other arrives."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from activities import services as meeting_services
from activities.feedback import services
from activities.models import Attendance, FeedbackCard, FeedbackStatus, Meeting
from activities.models import AttendanceStatus as S
from activities.rules import MeetingKind as K
from tests.members.factories import MemberFactory, RegistrationFactory
from tests.organizations.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) need PostgreSQL; SQLite locks the whole file",
    ),
]
HOLD = 1.0  # seconds the first writer holds its transaction open


def _race(
    monkeypatch: Any, module: Any, name: str, first: Callable[[], Any], second: Callable[[], Any]
) -> tuple[Any, Any]:
    """Run `first` until it calls `module.name` (inside its transaction, after its lock), hold it
    there HOLD seconds while `second` starts, then let both finish; each one's result or error."""
    original = getattr(module, name)
    inside = threading.Event()
    started = threading.local()

    def held(*args: Any, **kwargs: Any) -> Any:
        if not getattr(started, "done", False) and threading.current_thread().name == "first":
            started.done = True
            inside.set()
            threading.Event().wait(HOLD)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    results: dict[str, Any] = {}

    def run(key: str, call: Callable[[], Any]) -> None:
        try:
            results[key] = call()
        except Exception as error:  # noqa: BLE001 (the outcome is what the test asserts)
            results[key] = error
        finally:
            connection.close()

    one = threading.Thread(target=run, args=("first", first), name="first")
    one.start()
    assert inside.wait(10)
    two = threading.Thread(target=run, args=("second", second), name="second")
    two.start()
    one.join(20)
    two.join(20)
    return results["first"], results["second"]


@pytest.fixture
def card(tree: Any, secretary_a: Any) -> FeedbackCard:
    member = MemberFactory(
        categories=["in_service"], branch=tree.unit_b.party_organization,
        residence_community=tree.community_a,
    )  # fmt: skip
    RegistrationFactory(
        member=member, community=tree.community_a, unit=tree.unit_b,
        registered_on=dt.date(2026, 2, 1),
    )  # fmt: skip
    services.feedback_cards_generate(period=services.period_get("2026H1"))
    card = FeedbackCard.objects.get()
    for name in ("participation", "law_abiding", "neighbourliness", "cooperation"):
        setattr(card, name, "good")
    card.community_comment = "积极参加社区活动。"
    return services.feedback_card_save(card=card, actor=secretary_a)


def test_a_card_sent_twice_at_once_is_sent_once(monkeypatch, card, secretary_a) -> None:
    def send() -> Any:
        return services.feedback_card_send(
            card=FeedbackCard.objects.get(pk=card.pk), actor=secretary_a
        )

    first, second = _race(monkeypatch, services, "model_save", send, send)
    assert isinstance(first, FeedbackCard)
    assert isinstance(second, services.FeedbackCardError)
    assert "已经送达单位" in str(second)
    assert FeedbackCard.history.filter(id=card.pk, status=FeedbackStatus.SENT).count() == 1


def test_a_card_rated_while_it_is_sent_is_refused(monkeypatch, card, secretary_a) -> None:
    def send() -> Any:
        return services.feedback_card_send(
            card=FeedbackCard.objects.get(pk=card.pk), actor=secretary_a
        )

    def rate_again() -> Any:
        stale = FeedbackCard.objects.get(pk=card.pk)
        stale.community_comment = "送达之后改写的评语"
        return services.feedback_card_save(
            card=stale, actor=secretary_a, update_fields=["community_comment"]
        )

    first, second = _race(monkeypatch, services, "model_save", send, rate_again)
    assert isinstance(first, FeedbackCard)
    assert isinstance(second, services.FeedbackCardError)
    stored = FeedbackCard.objects.get(pk=card.pk)
    assert stored.status == FeedbackStatus.SENT
    assert stored.community_comment == "积极参加社区活动。"


def test_a_card_acknowledged_twice_at_once_is_acknowledged_once(
    monkeypatch, card, secretary_a, reviewer_b
) -> None:
    services.feedback_card_send(card=card, actor=secretary_a)

    def acknowledge(comment: str) -> Callable[[], Any]:
        return lambda: services.feedback_card_acknowledge(
            card=FeedbackCard.objects.get(pk=card.pk), unit_comment=comment, actor=reviewer_b
        )

    first, second = _race(
        monkeypatch, services, "model_save", acknowledge("第一次"), acknowledge("第二次")
    )
    assert isinstance(first, FeedbackCard)
    assert isinstance(second, services.FeedbackCardError)
    assert "已经签收" in str(second)
    assert FeedbackCard.objects.get(pk=card.pk).unit_comment == "第一次"


def test_two_members_signing_in_at_once_are_both_counted(monkeypatch, tree) -> None:
    people = [MemberFactory(branch=tree.branch_a, user=UserFactory()) for _ in range(3)]
    meeting = meeting_services.meeting_save(
        meeting=Meeting(
            organization=tree.branch_a, kind=K.THEME_DAY, held_on=timezone.localdate(),
            topic="主题党日",
        ),
        actor=None,
    )  # fmt: skip
    at = timezone.localtime().replace(hour=12)  # noon of the meeting's (local) day

    def sign_in(member: Any) -> Callable[[], Any]:
        return lambda: meeting_services.attendance_sign_in(
            meeting=Meeting.objects.get(pk=meeting.pk), user=member.user, at=at
        )

    first, second = _race(
        monkeypatch, meeting_services, "_stored_counts", sign_in(people[0]), sign_in(people[1])
    )
    assert isinstance(first, Attendance)
    assert isinstance(second, Attendance)
    meeting.refresh_from_db()
    assert meeting.present_count == 2
    assert meeting.attendances.filter(status=S.PRESENT).count() == 2
