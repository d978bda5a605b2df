from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from common.models import Document
from organizations.models import (
    CommitteeMember,
    Compound,
    JointCommittee,
    Organization,
    OrganizationAccess,
    Position,
    Unit,
)
from organizations.rules import OrganizationKind


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试党组织{n}")
    code = factory.Sequence(lambda n: f"T{n:04d}")
    kind = OrganizationKind.BRANCH


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    organization = factory.SubFactory(OrganizationFactory)
    title = "secretary"
    holder_name = factory.Sequence(lambda n: f"任职人{n}")
    start_date = dt.date(2022, 1, 1)


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"驻区单位{n}")
    kind = "agency"
    party_organization = factory.SubFactory(
        OrganizationFactory,
        kind=OrganizationKind.UNIT_ORG,
        name=factory.Sequence(lambda n: f"单位党组织{n}"),
    )


class JointCommitteeFactory(DjangoModelFactory):
    class Meta:
        model = JointCommittee

    kind = "big_committee"
    name = factory.Sequence(lambda n: f"社区大党委{n}")


class CommitteeMemberFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(JointCommitteeFactory)
    person_name = factory.Sequence(lambda n: f"委员{n}")
    role = "member"
    term_start = dt.date(2024, 1, 1)
    term_end = dt.date(2026, 12, 31)


class OrganizationAccessFactory(DjangoModelFactory):
    class Meta:
        model = OrganizationAccess

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "branch_officer"


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document

    kind = "organization_tree"
    organization = factory.SubFactory(OrganizationFactory)


class CompoundFactory(DjangoModelFactory):
    class Meta:
        model = Compound

    name = factory.Sequence(lambda n: f"幸福小区{n}")
    households = 300
