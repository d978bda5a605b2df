"""Feedback cards: generation (pre-filled, idempotent), the command, rating, sending and the
unit's acknowledgement, and who sees which card."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from activities.feedback import selectors, services
from activities.models import FeedbackCard, FeedbackStatus
from activities.rules import MeetingKind
from members.models import PostClaimStatus
from organizations.roles import Role
from organizations.scope import ScopeError
from tests.activities.factories import AttendanceFactory, MeetingFactory
from tests.members.factories import (
    ActivityRecordFactory,
    MemberFactory,
    PostClaimFactory,
    RegistrationFactory,
)

H1 = services.period_get("2026H1")


def registered(tree: SimpleNamespace, name: str, unit: Any = None, **kwargs: Any) -> Any:
    unit = unit or tree.unit_b
    member = MemberFactory(
        name=name,
        categories=["in_service"],
        branch=unit.party_organization,
        residence_community=tree.community_a,
    )
    return RegistrationFactory(
        member=member,
        community=tree.community_a,
        unit=unit,
        registered_on=dt.date(2026, 2, 1),
        **kwargs,
    )


def rate(card: FeedbackCard, actor: Any) -> FeedbackCard:
    for name in ("participation", "law_abiding", "neighbourliness", "cooperation"):
        setattr(card, name, "good")
    card.community_comment = "积极参加社区活动。"
    return services.feedback_card_save(card=card, actor=actor)


@pytest.fixture
def zhang(tree: SimpleNamespace) -> Any:
    return registered(tree, "张卫国", is_section_level_cadre=True)


def test_a_card_is_prefilled_with_posts_activities_and_attendance_of_the_half(
    tree: SimpleNamespace, zhang: Any
) -> None:
    member = zhang.member
    PostClaimFactory(member=member, community=tree.community_a, status=PostClaimStatus.APPROVED)
    PostClaimFactory(member=member, community=tree.community_a, status=PostClaimStatus.PENDING)
    for day, hours in ((dt.date(2026, 1, 1), 2), (dt.date(2026, 6, 30), "1.5")):
        ActivityRecordFactory(member=member, community=tree.community_a, date=day, hours=hours)
    ActivityRecordFactory(member=member, community=tree.community_a, date=dt.date(2026, 7, 1))
    meeting = MeetingFactory(
        organization=tree.unit_b.party_organization,
        kind=MeetingKind.GENERAL_MEETING,
        held_on=dt.date(2026, 3, 1),
    )
    AttendanceFactory(meeting=meeting, member=member)

    result = services.feedback_cards_generate(period=H1)

    assert (result.created, result.present, result.failed) == (1, 0, [])
    card = FeedbackCard.objects.get()
    assert card.period == "2026H1"
    assert (card.period_start, card.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert card.posts.startswith("社区增设岗位")  # the approved post only
    assert "、" not in card.posts
    assert (card.activity_count, card.activity_hours) == (2, Decimal("3.5"))
    assert (card.meetings_expected, card.meetings_attended) == (1, 1)
    assert card.unit_organization == tree.unit_b.party_organization
    assert card.is_section_level_cadre
    assert card.status == FeedbackStatus.DRAFT


def test_running_a_period_twice_never_makes_a_second_card(
    tree: SimpleNamespace, zhang: Any
) -> None:
    registered(tree, "李娜")
    first = services.feedback_cards_generate(period=H1)
    second = services.feedback_cards_generate(period=H1)
    assert (first.created, first.present) == (2, 0)
    assert (second.created, second.present) == (0, 2)
    assert FeedbackCard.objects.count() == 2


def test_a_chunk_that_races_another_run_counts_the_others_cards_as_present(
    tree: SimpleNamespace, zhang: Any, monkeypatch: Any
) -> None:
    """Two runs at once: the other run's card lands between this run's look-up and its insert."""
    other = registered(tree, "王芳")
    services.feedback_cards_generate_for(registration_ids=[other.pk], period=H1)
    real = services._new_cards

    def stale_look_up(registrations: Any, period: Any, result: Any) -> Any:
        cards = real(registrations, period, result)
        return cards + [services._card(other, period, selectors.Prefill())]

    monkeypatch.setattr(services, "_new_cards", stale_look_up)
    result = services.feedback_cards_generate_for(registration_ids=[zhang.pk], period=H1)
    assert (result.created, result.present) == (1, 1)
    assert FeedbackCard.objects.filter(period="2026H1").count() == 2


def test_the_database_refuses_a_second_card_for_a_member_and_period(
    tree: SimpleNamespace, zhang: Any
) -> None:
    services.feedback_cards_generate(period=H1)
    card = FeedbackCard.objects.get()
    card.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        card.save()


def test_each_generated_card_has_its_creation_in_the_history(
    tree: SimpleNamespace, zhang: Any, superuser: Any
) -> None:
    registered(tree, "李娜")
    services.feedback_cards_generate(period=H1, actor=superuser)
    for card in FeedbackCard.objects.all():
        (entry,) = card.history.all()
        assert (entry.history_type, entry.history_user) == ("+", superuser)
        assert (entry.member_id, entry.period, entry.posts) == (
            card.member_id,
            "2026H1",
            card.posts,
        )
        assert (entry.unit_organization_id, entry.status) == (card.unit_organization_id, "draft")


def test_a_chunk_takes_the_same_queries_for_one_card_or_ten(
    tree: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    registrations = [registered(tree, f"党员{i}") for i in range(11)]
    services.feedback_cards_generate_for(registration_ids=[registrations[0].pk], period=H1)
    # registrations, cards present, posts, activities, 实事, 在职党员大会 (none held: one query),
    # attendance; the insert, its history
    for chunk in ([registrations[1]], registrations[2:]):
        with django_assert_num_queries(11):
            services.feedback_cards_generate_for(registration_ids=[r.pk for r in chunk], period=H1)
    assert FeedbackCard.objects.count() == 11


def test_who_gets_a_card(tree: SimpleNamespace) -> None:
    registered(tree, "上半年报到")
    late = registered(tree, "七月才报到")
    late.registered_on = dt.date(2026, 7, 1)
    late.save()
    moved = registered(tree, "一月已迁出")
    moved.ended_on = dt.date(2026, 1, 1)
    moved.save()
    gone = registered(tree, "去年已迁出")
    gone.registered_on, gone.ended_on = dt.date(2025, 3, 1), dt.date(2025, 12, 31)
    gone.save()
    services.feedback_cards_generate(period=H1)
    names = set(FeedbackCard.objects.values_list("member__name", flat=True))
    # registered on 30 June: 一月已迁出 left in January (the new community rates their card)
    assert names == {"上半年报到"}


def test_a_member_who_moved_gets_the_card_from_the_community_of_the_last_day(
    tree: SimpleNamespace,
) -> None:
    old = registered(tree, "搬家的党员")
    old.ended_on = dt.date(2026, 4, 30)
    old.save()
    new = RegistrationFactory(
        member=old.member, community=tree.community_b, unit=old.unit,
        registered_on=dt.date(2026, 5, 10),
    )  # fmt: skip
    result = services.feedback_cards_generate(period=H1)
    card = FeedbackCard.objects.get(member=old.member, period="2026H1")
    assert (result.created, card.community, card.registration) == (1, tree.community_b, new)
    # moved away on the last day itself: no longer registered there on that day
    last_day = registered(tree, "六月三十日迁出")
    last_day.ended_on = dt.date(2026, 6, 30)
    last_day.save()
    stays = registered(tree, "七月一日迁出")
    stays.ended_on = dt.date(2026, 7, 1)
    stays.save()
    services.feedback_cards_generate(period=H1)
    names = set(FeedbackCard.objects.values_list("member__name", flat=True))
    assert "七月一日迁出" in names
    assert "六月三十日迁出" not in names


@pytest.mark.parametrize("code", ["2026H2", "2027H1"])
def test_cards_of_a_period_not_yet_ended_are_refused(
    tree: SimpleNamespace, zhang: Any, code: str, monkeypatch: Any
) -> None:
    from activities.feedback.tasks import generate_feedback_cards

    # 2026H2's last day: not ended yet
    monkeypatch.setattr(services.timezone, "localdate", lambda: dt.date(2026, 12, 31))
    with pytest.raises(CommandError, match=f"（{code}）到.*才结束，期间结束后才能生成"):
        call_command("feedback_cards", code, stdout=StringIO())
    with pytest.raises(ValidationError, match="才结束"):
        generate_feedback_cards.apply(kwargs={"period": code}, throw=True).get()
    with pytest.raises(ValidationError, match="才结束"):
        services.feedback_cards_generate_for(
            registration_ids=[zhang.pk], period=services.period_get(code)
        )
    assert not FeedbackCard.objects.exists()
    monkeypatch.setattr(services.timezone, "localdate", lambda: dt.date(2027, 1, 1))
    out = StringIO()
    call_command("feedback_cards", "2026H2", stdout=out)
    assert "新生成1张" in out.getvalue()


def test_the_command_prints_created_present_and_failed(tree: SimpleNamespace, zhang: Any) -> None:
    out = StringIO()
    call_command("feedback_cards", "2026H1", stdout=out)
    assert out.getvalue().strip() == "2026年上半年（2026H1）反馈卡：新生成1张，已存在0张，失败0张。"
    out = StringIO()
    call_command("feedback_cards", "2026h1", stdout=out)
    assert "新生成0张，已存在1张，失败0张" in out.getvalue()


def test_the_command_refuses_a_bad_period_in_chinese(db: None) -> None:
    with pytest.raises(CommandError, match="无法识别"):
        call_command("feedback_cards", "2026-2", stdout=StringIO())


def test_the_command_reports_a_failure_and_exits_non_zero(
    tree: SimpleNamespace, zhang: Any
) -> None:
    unit = tree.unit_c
    registration = registered(tree, "单位无党组织", unit=unit)
    type(unit).objects.filter(pk=unit.pk).update(party_organization=None)
    err = StringIO()
    with pytest.raises(CommandError, match="新生成1张，已存在0张，失败1张"):
        call_command("feedback_cards", "2026H1", stdout=StringIO(), stderr=err)
    assert f"{registration.member}：工作单位丙公司尚未登记党组织" in err.getvalue()


def test_the_scheduled_task_generates_the_half_just_ended(
    tree: SimpleNamespace, zhang: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from activities.feedback.tasks import generate_feedback_cards

    settings.FEEDBACK_CHUNK_SIZE = 1
    registered(tree, "李娜")
    with django_capture_on_commit_callbacks(execute=True):
        queued = generate_feedback_cards.apply(kwargs={"period": "2026H1"}).get()
    assert queued == 2
    assert FeedbackCard.objects.filter(period="2026H1").count() == 2


# --- Rating, sending, acknowledging -------------------------------------------------------------
@pytest.fixture
def card(tree: SimpleNamespace, zhang: Any) -> FeedbackCard:
    services.feedback_cards_generate(period=H1)
    return FeedbackCard.objects.get()


def test_a_card_is_sent_only_when_rated_and_commented(card: FeedbackCard, secretary_a: Any) -> None:
    with pytest.raises(ValidationError, match="四项评价和社区评语填写完整"):
        services.feedback_card_send(card=card, actor=secretary_a)
    rate(card, secretary_a)
    sent = services.feedback_card_send(card=card, actor=secretary_a)
    assert sent.status == FeedbackStatus.SENT
    assert sent.sent_by == secretary_a


def test_a_sent_card_cannot_be_rated_again(card: FeedbackCard, secretary_a: Any) -> None:
    rate(card, secretary_a)
    services.feedback_card_send(card=card, actor=secretary_a)
    card.refresh_from_db()
    card.participation = "poor"
    with pytest.raises(ValidationError, match="不能再修改"):
        services.feedback_card_save(card=card, actor=secretary_a)


def test_another_community_cannot_rate_the_card(card: FeedbackCard, secretary_b: Any) -> None:
    with pytest.raises(ScopeError):
        rate(card, secretary_b)


def test_the_unit_acknowledges_a_sent_card_with_its_comment(
    card: FeedbackCard, secretary_a: Any, reviewer_b: Any
) -> None:
    with pytest.raises(ValidationError, match="尚未送达"):
        services.feedback_card_acknowledge(card=card, unit_comment="", actor=reviewer_b)
    rate(card, secretary_a)
    services.feedback_card_send(card=card, actor=secretary_a)
    done = services.feedback_card_acknowledge(
        card=card, unit_comment="  工作认真负责。 ", actor=reviewer_b
    )
    assert done.status == FeedbackStatus.ACKNOWLEDGED
    assert (done.unit_comment, done.acknowledged_by) == ("工作认真负责。", reviewer_b)
    with pytest.raises(ValidationError, match="已经签收"):
        services.feedback_card_acknowledge(card=card, unit_comment="再签", actor=reviewer_b)


def test_another_unit_cannot_acknowledge_the_card(
    card: FeedbackCard, secretary_a: Any, make_user: Any, tree: SimpleNamespace
) -> None:
    rate(card, secretary_a)
    services.feedback_card_send(card=card, actor=secretary_a)
    other = make_user(Role.UNIT_REVIEWER, tree.unit_c.party_organization, "reviewer_c")
    with pytest.raises(PermissionDenied, match="不是送达贵单位党组织的"):
        services.feedback_card_acknowledge(card=card, unit_comment="", actor=other)
    with pytest.raises(PermissionDenied):
        services.feedback_card_acknowledge(card=card, unit_comment="", actor=secretary_a)


def test_the_unit_sees_only_delivered_cards_of_its_own_members(
    card: FeedbackCard, secretary_a: Any, reviewer_b: Any, tree: SimpleNamespace, make_user: Any
) -> None:
    assert not selectors.unit_card_list(reviewer_b).exists()  # a draft is not delivered
    rate(card, secretary_a)
    services.feedback_card_send(card=card, actor=secretary_a)
    assert list(selectors.unit_card_list(reviewer_b)) == [card]
    other = make_user(Role.UNIT_REVIEWER, tree.unit_c.party_organization, "reviewer_c")
    assert not selectors.unit_card_list(other).exists()
    assert not selectors.unit_card_list(secretary_a).exists()  # not a unit reviewer


def test_cadre_cards_go_to_the_sub_district_officers(
    tree: SimpleNamespace, card: FeedbackCard, secretary_a: Any, sub_district_officer: Any
) -> None:
    plain = registered(tree, "普通干部")
    services.feedback_cards_generate(period=H1)
    for each in FeedbackCard.objects.all():
        rate(each, secretary_a)
        services.feedback_card_send(card=each, actor=secretary_a)
    assert list(selectors.cadre_card_list(sub_district_officer)) == [card]
    assert not selectors.cadre_card_list(secretary_a).exists()
    assert plain.member_id not in {
        c.member_id for c in selectors.cadre_card_list(sub_district_officer)
    }
