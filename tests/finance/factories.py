from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from finance.models import (
    DuesAssessment,
    DuesPayment,
    DuesPublication,
    DuesPublicationLine,
    DuesRelief,
    FundApprover,
    FundBudget,
    IncomeChange,
    PlanSignature,
    SpendingItem,
    SpendingPlan,
)
from finance.rules import ChainStep, DuesBasis, FundUse, PaymentMethod
from tests.members.factories import MemberFactory
from tests.organizations.factories import OrganizationFactory, UserFactory


class IncomeChangeFactory(DjangoModelFactory):
    class Meta:
        model = IncomeChange

    member = factory.SubFactory(MemberFactory, categories=["in_service"])
    effective_month = dt.date(2026, 3, 1)
    monthly_income = Decimal("6000")


class DuesAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = DuesAssessment

    member = factory.SubFactory(MemberFactory, categories=["in_service"])
    year = 2026
    basis = DuesBasis.IN_SERVICE
    monthly_income = Decimal("4000")
    rate = "1%"
    monthly_amount = Decimal("40.00")
    fixed_on = dt.date(2026, 1, 5)


class DuesReliefFactory(DjangoModelFactory):
    class Meta:
        model = DuesRelief

    member = factory.SubFactory(MemberFactory)
    kind = "waive"
    first_month = dt.date(2026, 1, 1)
    last_month = dt.date(2026, 6, 1)
    monthly_amount = Decimal("0")
    reason = "重病住院"
    branch_decided_on = dt.date(2025, 12, 20)
    branch_decision = "支部委员会会议决定"


class DuesPaymentFactory(DjangoModelFactory):
    class Meta:
        model = DuesPayment

    member = factory.SubFactory(MemberFactory)
    period = factory.Sequence(lambda n: dt.date(2000 + n // 12, 1 + n % 12, 1))
    amount = Decimal("15.00")
    paid_on = factory.LazyAttribute(lambda o: o.period + dt.timedelta(days=9))
    method = PaymentMethod.IN_PERSON


class DuesPublicationFactory(DjangoModelFactory):
    class Meta:
        model = DuesPublication

    branch = factory.SubFactory(OrganizationFactory)
    first_month = factory.Sequence(lambda n: dt.date(2000 + n // 12, 1 + n % 12, 1))
    last_month = factory.LazyAttribute(lambda o: o.first_month)


class DuesPublicationLineFactory(DjangoModelFactory):
    class Meta:
        model = DuesPublicationLine

    publication = factory.SubFactory(DuesPublicationFactory)
    position = factory.Sequence(int)
    member_name = factory.Sequence(lambda n: f"党员{n}")
    amount = Decimal("15.00")


class FundBudgetFactory(DjangoModelFactory):
    class Meta:
        model = FundBudget

    community = factory.SubFactory(OrganizationFactory, kind="community_committee")
    year = 2026


class FundApproverFactory(DjangoModelFactory):
    class Meta:
        model = FundApprover

    user = factory.SubFactory(UserFactory)
    sub_district = factory.SubFactory(OrganizationFactory, kind="sub_district")
    step = ChainStep.ORGANIZATION_MEMBER


class SpendingPlanFactory(DjangoModelFactory):
    class Meta:
        model = SpendingPlan

    community = factory.SubFactory(OrganizationFactory, kind="community_committee")
    month = factory.Sequence(lambda n: dt.date(2000 + n // 12, 1 + n % 12, 1))


class SpendingItemFactory(DjangoModelFactory):
    class Meta:
        model = SpendingItem

    plan = factory.SubFactory(SpendingPlanFactory)
    description = factory.Sequence(lambda n: f"学习资料{n}")
    use = FundUse.EDUCATION_MATERIALS
    amount = Decimal("100.00")


class PlanSignatureFactory(DjangoModelFactory):
    class Meta:
        model = PlanSignature

    plan = factory.SubFactory(SpendingPlanFactory)
    step = ChainStep.COMMUNITY_HEAD
    approved = True
    user = factory.SubFactory(UserFactory)
    signer_name = "张书记"
    signed_at = factory.LazyFunction(lambda: dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))
