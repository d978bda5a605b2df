"""Two officers changing the same case at once (PostgreSQL: row locks): every state change
locks its row and checks the state again inside the lock, so exactly one wins and the other is
told why in Chinese (a ValidationError the admin shows), never a database error (a 500).

Each service's save is slowed down: without the lock both would pass their checks before either
wrote, and both would write (or the second would hit a unique constraint)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from kit import services as kit_services
from members.rules import months_after
from publicity import services
from publicity.models import BranchVote, DevelopmentStep, Notice
from tests.publicity.factories import (
    DevelopmentCaseFactory,
    publish_notice,
    record_steps,
    step_date,
    voters,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks between two threads need PostgreSQL"
    ),
]


@pytest.fixture
def slow_saves(monkeypatch: pytest.MonkeyPatch) -> None:
    real = kit_services.model_save

    def slow(instance: Any, **kwargs: Any) -> Any:
        # Only the racing threads are slowed: the test's own set-up (tens of saves in the main
        # thread) races nothing, and slowing it cost about 10 s a test.
        if threading.current_thread() is not threading.main_thread():
            time.sleep(0.3)
        return real(instance, **kwargs)

    monkeypatch.setattr(services, "model_save", slow)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at once, one thread each; each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test looks at what each thread got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def one_wins(results: list[Any], refusal: str) -> None:
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], ValidationError), repr(errors[0])
    assert refusal in " ".join(errors[0].messages)


@pytest.fixture
def case(tree: SimpleNamespace) -> Any:
    return DevelopmentCaseFactory(branch=tree.branch_a, residence_community=tree.community_a)


START = months_after(dt.date.today(), -36)  # noqa: DTZ011 - a date only


def test_two_votes_on_the_same_meeting(case: Any, slow_saves: None) -> None:
    record_steps(case, 14, START)
    people = voters(case.branch)
    meeting = step_date(START, 15)

    def vote() -> Any:
        fresh = type(case).objects.get(pk=case.pk)
        return services.branch_vote_save(
            vote=BranchVote(case=fresh, step=15, held_on=meeting, yes=3),
            actor=None,
            attended=people,
        )

    one_wins(race(vote, vote), "表决已经记录")
    assert BranchVote.objects.count() == 1
    assert DevelopmentStep.objects.filter(case=case, number=15).count() == 1


def test_two_publications_of_the_same_notice(case: Any, slow_saves: None) -> None:
    record_steps(case, 15, START)
    notice = services.notice_save(
        notice=Notice(
            case=case, community=case.residence_community, starts_on=timezone.localdate()
        ),
        actor=None,
    )

    def publish() -> Any:
        return services.notice_publish(notice=Notice.objects.get(pk=notice.pk), actor=None)

    one_wins(race(publish, publish), "该公示已经发布")


def test_publication_and_withdrawal_at_once(case: Any, slow_saves: None) -> None:
    record_steps(case, 15, START)
    notice = publish_notice(case, timezone.localdate())

    def withdraw() -> Any:
        return services.notice_withdraw(
            notice=Notice.objects.get(pk=notice.pk), reason="信息有误", actor=None
        )

    one_wins(race(withdraw, withdraw), "撤回")
    assert Notice.objects.get(pk=notice.pk).is_withdrawn


def test_two_approvals_of_the_same_case(case: Any, slow_saves: None) -> None:
    record_steps(case, 16, START)
    publish_notice(case, step_date(START, 15))
    approval = step_date(START, 17)

    def approve() -> Any:
        fresh = type(case).objects.get(pk=case.pk)
        step = DevelopmentStep(case=fresh, number=17, date=approval)
        return services.development_step_record(step=step, actor=None)

    one_wins(race(approve, approve), "已经记录")
    case.refresh_from_db()
    assert case.member is not None


def test_an_approval_and_a_deferral_at_once(case: Any, slow_saves: None) -> None:
    record_steps(case, 16, START)
    publish_notice(case, step_date(START, 15))
    approval = step_date(START, 17)

    def approve() -> Any:
        fresh = type(case).objects.get(pk=case.pk)
        step = DevelopmentStep(case=fresh, number=17, date=approval)
        return services.development_step_record(step=step, actor=None)

    def defer() -> Any:
        fresh = type(case).objects.get(pk=case.pk)
        return services.development_case_defer(
            case=fresh, reason="经核实存在问题", on=approval, actor=None
        )

    results = race(approve, defer)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], ValidationError), results
    assert any(m in errors[0].messages[0] for m in ("暂缓发展", "上级党委已审批"))
    case.refresh_from_db()
    assert case.is_deferred != (case.member is not None)
