from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from activities.models import Attendance, AttendanceStatus, Meeting, Notification
from activities.rules import MeetingKind
from tests.organizations.factories import OrganizationFactory, UserFactory


class MeetingFactory(DjangoModelFactory):
    """A meeting as a service leaves it; set the counts and `is_quorate` as the test needs."""

    class Meta:
        model = Meeting

    organization = factory.SubFactory(OrganizationFactory)
    kind = MeetingKind.GENERAL_MEETING
    held_on = dt.date(2026, 3, 10)
    topic = factory.Sequence(lambda n: f"会议主题{n}")
    is_quorate = True


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.LazyAttribute(lambda o: o.member.name if o.member else "列席人员")
    status = AttendanceStatus.PRESENT
    member = None


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"test:{n}")
    title = factory.Sequence(lambda n: f"提醒{n}")
