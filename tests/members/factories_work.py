"""Factories of the daily-work registers (members/models/work.py)."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from members.models import (
    DutyPost,
    DutyReview,
    Household,
    MemberDeed,
    UnitDeed,
    UnitPledge,
    Visit,
)
from members.rules import DutyGrade, VisitKind
from tests.members.factories import MemberFactory


class DutyPostFactory(DjangoModelFactory):
    class Meta:
        model = DutyPost

    member = factory.SubFactory(MemberFactory)
    title = "治安防范巡逻岗"
    duties = "每周两次楼院巡逻，发现隐患及时报告。"
    starts_on = dt.date(2025, 3, 1)


class DutyReviewFactory(DjangoModelFactory):
    class Meta:
        model = DutyReview

    post = factory.SubFactory(DutyPostFactory)
    year = 2025
    reviewed_on = dt.date(2026, 1, 15)
    grade = DutyGrade.COMPETENT


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    member = factory.SubFactory(MemberFactory)
    head_name = factory.Sequence(lambda n: f"户主{n}")
    address = "幸福小区3栋2单元501室"
    phone = "13912345678"
    starts_on = dt.date(2025, 1, 1)


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    visited_on = dt.date(2026, 5, 10)
    visitor = factory.LazyAttribute(lambda o: o.household.member)
    household = factory.SubFactory(HouseholdFactory)
    kind = VisitKind.ROUTINE
    notes = "了解生活情况，宣传政策。"


class UnitPledgeFactory(DjangoModelFactory):
    class Meta:
        model = UnitPledge

    starts_on = dt.date(2025, 1, 1)


class UnitDeedFactory(DjangoModelFactory):
    class Meta:
        model = UnitDeed

    done_on = dt.date(2026, 6, 1)
    title = "捐赠社区图书角书籍"
    beneficiaries = "社区居民"


class MemberDeedFactory(DjangoModelFactory):
    class Meta:
        model = MemberDeed

    done_on = dt.date(2026, 6, 1)
    title = "为老旧楼道更换声控灯"
    beneficiaries = "5号楼住户"
