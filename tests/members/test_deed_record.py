"""A 为社区办实事 is recorded once, as a MemberDeed: the migration moves the activity records of the
old kind there (with both histories), the kind is gone from the activity records, and the year's
count reads the moved deeds."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from members.models import ActivityRecord, MemberDeed, Registration
from tests.members.factories import ActivityRecordFactory, MemberFactory, RegistrationFactory
from tests.members.factories_work import MemberDeedFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("members.migrations.0018_member_deeds_from_activity_records")
DAY = dt.date(2026, 5, 1)


def _member(tree: SimpleNamespace) -> object:
    member = MemberFactory(name="办实事", categories=["in_service"],
                           branch=tree.unit_b.party_organization)  # fmt: skip
    RegistrationFactory(member=member, community=tree.community_a, unit=tree.unit_b,
                        registered_on=dt.date(2025, 1, 1))  # fmt: skip
    return member


def _old_service(member: object, community: object, title: str, hours: str) -> ActivityRecord:
    record = ActivityRecordFactory(member=member, community=community, date=DAY, title=title,
                                   hours=Decimal(hours))  # fmt: skip
    ActivityRecord.objects.filter(pk=record.pk).update(kind="service")  # as the old kind left it
    return record


def test_the_old_kind_becomes_deeds_once_and_leaves_the_activity_records(
    tree: SimpleNamespace,
) -> None:
    member = _member(tree)
    moved = _old_service(member, tree.community_a, "义诊", "2.5")
    twice = _old_service(member, tree.community_a, "修灯", "1")
    MemberDeedFactory(member=member, community=tree.community_a, done_on=DAY, title="修灯")
    kept = ActivityRecordFactory(member=member, community=tree.community_a, date=DAY,
                                 kind="activity")  # fmt: skip
    assert Registration.objects.with_deeds(2026).get().done == 1

    assert migration.move_service_records(apps, None) == 1
    assert list(ActivityRecord.objects.all()) == [kept]
    deeds = MemberDeed.objects.order_by("title")
    assert [(d.title, d.done_on, d.community_id) for d in deeds] == [
        ("义诊", DAY, tree.community_a.pk), ("修灯", DAY, tree.community_a.pk),
    ]  # fmt: skip
    assert deeds.get(title="义诊").content == "（原社区活动记录，时长2.5小时）"
    # The year's count (the to-dos and the 实事完成情况 read it) now sees both.
    assert Registration.objects.with_deeds(2026).get().done == 2
    made = MemberDeed.history.get(title="义诊")
    assert (made.history_type, made.history_change_reason) == ("+", migration.REASON)
    removed = ActivityRecord.history.filter(
        id__in=[moved.pk, twice.pk], history_type="-", history_change_reason=migration.MOVED_OUT
    )
    assert removed.count() == 2
    assert migration.move_service_records(apps, None) == 0  # run again: nothing


def test_an_activity_record_of_the_old_kind_is_refused(tree: SimpleNamespace) -> None:
    record = ActivityRecord(member=_member(tree), community=tree.community_a, kind="service",
                            date=DAY, title="义诊")  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    assert "kind" in raised.value.message_dict
