from __future__ import annotations

import datetime as dt
import random
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from members.models import (
    ActivityRecord,
    Assessment,
    AssessmentDeduction,
    CommunityEvent,
    DelegateConference,
    DelegateElection,
    DelegateNominee,
    FloatingLifeEntry,
    FloatingRecord,
    LapseDecision,
    Member,
    MemberCategory,
    MembershipTransfer,
    PostClaim,
    PostKind,
    RegionalBranch,
    RegionalBranchMember,
    Registration,
    RegistrationCampaign,
    Review,
    ReviewHandling,
    ShowcaseApplication,
    ShowcaseRound,
    StandingSuspension,
    TemporaryGroup,
    TemporaryGroupReport,
    TransferDirection,
)
from members.rules import (
    DelegateGroup,
    FloatingDirection,
    Gender,
    HandlingMeasure,
    LapseCondition,
    LapseOutcome,
    MemberStatus,
    RegionalRole,
    ReviewGrade,
    SuspensionReason,
    citizen_id_check_character,
)
from tests.organizations.factories import OrganizationFactory


def make_citizen_id(birth_date: dt.date, gender: str, serial: int, region: str = "330102") -> str:
    """A valid GB 11643 ID: region, birth date, a 3-digit serial whose parity gives the gender."""
    sequence = serial % 500 * 2 + (1 if gender == Gender.MALE else 0)
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + citizen_id_check_character(first17)


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Gender.MALE
    birth_date = factory.Sequence(lambda n: dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28))
    citizen_id = factory.LazyAttributeSequence(
        lambda o, n: make_citizen_id(o.birth_date, o.gender, n)
    )
    ethnicity = "汉族"
    education = "bachelor"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    address = factory.Sequence(lambda n: f"测试小区{n}栋")
    status = MemberStatus.FULL
    joined_on = factory.LazyAttribute(lambda o: dt.date(o.birth_date.year + 25, 7, 1))
    full_member_on = factory.LazyAttribute(
        lambda o: dt.date(o.joined_on.year + 1, 7, 1) if o.status == MemberStatus.FULL else None
    )
    branch = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def categories(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.categories.set(MemberCategory.objects.filter(code__in=extracted))


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    member = factory.SubFactory(MemberFactory, categories=["in_service"])
    residence = "测试小区1栋"
    registered_on = dt.date(2026, 3, 1)


class ActivityRecordFactory(DjangoModelFactory):
    class Meta:
        model = ActivityRecord

    title = "社区环境整治"
    date = dt.date(2026, 5, 1)
    hours = 2


def random_member_kwargs(rng: random.Random) -> dict[str, object]:
    birth = dt.date(rng.randint(1950, 1995), rng.randint(1, 12), rng.randint(1, 28))
    gender = rng.choice([Gender.MALE, Gender.FEMALE])
    return {"birth_date": birth, "gender": gender}


class RegistrationCampaignFactory(DjangoModelFactory):
    class Meta:
        model = RegistrationCampaign

    name = factory.Sequence(lambda n: f"在职党员报到活动{n}")
    starts_on = dt.date(2026, 3, 1)
    deadline = dt.date(2026, 4, 30)


class CommunityEventFactory(DjangoModelFactory):
    """Pass `community`: an activity a week ahead, 5 places, sign-up until the day before."""

    class Meta:
        model = CommunityEvent

    title = factory.Sequence(lambda n: f"社区活动{n}")
    held_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    place = "党群服务中心"
    capacity = 5
    signup_deadline = factory.LazyAttribute(lambda o: o.held_on - dt.timedelta(days=1))


class PostKindFactory(DjangoModelFactory):
    class Meta:
        model = PostKind

    name = factory.Sequence(lambda n: f"社区增设岗位{n}")


class PostClaimFactory(DjangoModelFactory):
    """Pass `community`; the kind defaults to one that community added."""

    class Meta:
        model = PostClaim

    member = factory.SubFactory(MemberFactory, categories=["in_service"])
    kind = factory.SubFactory(PostKindFactory, community=factory.SelfAttribute("..community"))
    commitment = "每月参加一次社区环境整治。"
    claimed_on = dt.date(2026, 3, 15)


class FloatingRecordFactory(DjangoModelFactory):
    class Meta:
        model = FloatingRecord

    member = factory.SubFactory(MemberFactory)
    direction = FloatingDirection.OUTFLOW
    place = "广东省深圳市"
    has_fixed_place = True
    since = dt.date(2026, 1, 1)
    contact = "13900000000"
    last_contact_on = dt.date(2026, 1, 1)


class MembershipTransferFactory(DjangoModelFactory):
    class Meta:
        model = MembershipTransfer

    member = factory.SubFactory(MemberFactory)
    direction = TransferDirection.OUT
    branch = factory.LazyAttribute(lambda o: o.member.branch)
    other_organization = "某县某镇党委"
    letter_number = factory.Sequence(lambda n: f"JS{n:05d}")
    issued_on = dt.date(2026, 3, 1)


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = Review

    member = factory.SubFactory(MemberFactory)
    branch = factory.LazyAttribute(lambda o: o.member.branch)
    year = 2026
    grade = ReviewGrade.QUALIFIED


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment

    member = factory.SubFactory(MemberFactory)
    year = 2026


class AssessmentDeductionFactory(DjangoModelFactory):
    class Meta:
        model = AssessmentDeduction

    assessment = factory.SubFactory(AssessmentFactory)
    item = 3
    points = 10
    reason = "党费逾期未缴"


class FloatingLifeEntryFactory(DjangoModelFactory):
    class Meta:
        model = FloatingLifeEntry

    floating_record = factory.SubFactory(FloatingRecordFactory)
    held_on = dt.date(2026, 2, 10)
    organization = "深圳市某街道流动党员党支部"


class LapseDecisionFactory(DjangoModelFactory):
    class Meta:
        model = LapseDecision

    member = factory.SubFactory(MemberFactory)
    condition = LapseCondition.DUES
    decided_on = dt.date(2026, 3, 20)
    decision = LapseOutcome.CORRECT


class TemporaryGroupFactory(DjangoModelFactory):
    """A 临时党小组 of three members of `branch` away at 广东省深圳市 (its records made with it)."""

    class Meta:
        model = TemporaryGroup
        skip_postgeneration_save = True

    branch = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"深圳临时党小组{n}")
    place = "广东省深圳市"
    formed_on = dt.date(2026, 1, 5)
    leader = factory.LazyAttribute(lambda o: MemberFactory(branch=o.branch))

    @factory.post_generation
    def records(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        if extracted is None:
            members = [self.leader] + [MemberFactory(branch=self.branch) for _ in range(2)]
            extracted = [
                FloatingRecordFactory(member=m, place=self.place, since=dt.date(2026, 1, 1))
                for m in members
            ]
        self.records.set(extracted)


class TemporaryGroupReportFactory(DjangoModelFactory):
    class Meta:
        model = TemporaryGroupReport

    group = factory.SubFactory(TemporaryGroupFactory)
    reported_on = dt.date(2026, 3, 1)
    content = "本季度集中学习一次，成员思想稳定，工作正常。"


class StandingSuspensionFactory(DjangoModelFactory):
    class Meta:
        model = StandingSuspension

    member = factory.SubFactory(MemberFactory)
    reason = SuspensionReason.SETTLED
    destination = "加拿大"
    left_on = dt.date(2025, 3, 1)
    decided_on = dt.date(2025, 9, 1)
    approved_by = "某县委组织部"
    approved_on = dt.date(2025, 9, 20)


class ReviewHandlingFactory(DjangoModelFactory):
    class Meta:
        model = ReviewHandling

    review = factory.SubFactory(ReviewFactory, grade=ReviewGrade.UNQUALIFIED, year=2025)
    measure = HandlingMeasure.CORRECT
    opened_on = dt.date(2026, 2, 1)
    deadline = dt.date(2026, 8, 1)


class DelegateConferenceFactory(DjangoModelFactory):
    class Meta:
        model = DelegateConference

    community = factory.SubFactory(OrganizationFactory, kind="community_committee")
    name = factory.Sequence(lambda n: f"第{n}届社区党员代表会议")
    term_starts_on = dt.date(2025, 7, 1)
    term_ends_on = dt.date(2030, 6, 30)


class DelegateElectionFactory(DjangoModelFactory):
    class Meta:
        model = DelegateElection

    conference = factory.SubFactory(DelegateConferenceFactory)
    group = DelegateGroup.DIRECT
    held_on = dt.date(2025, 6, 20)
    voters = 50


class DelegateNomineeFactory(DjangoModelFactory):
    class Meta:
        model = DelegateNominee

    election = factory.SubFactory(DelegateElectionFactory)
    member = factory.SubFactory(MemberFactory)
    votes = 40


class RegionalBranchFactory(DjangoModelFactory):
    class Meta:
        model = RegionalBranch

    conference = factory.SubFactory(DelegateConferenceFactory)
    name = "区域化党总支"
    elected_on = dt.date(2025, 7, 10)
    term_ends_on = dt.date(2030, 6, 30)
    voters = 20


class RegionalBranchMemberFactory(DjangoModelFactory):
    class Meta:
        model = RegionalBranchMember

    regional_branch = factory.SubFactory(RegionalBranchFactory)
    role = RegionalRole.KEY_ORGANIZATION
    name = factory.Sequence(lambda n: f"成员{n}")
    votes = 15


class ShowcaseRoundFactory(DjangoModelFactory):
    class Meta:
        model = ShowcaseRound

    year = 2025
    planned = 2
    application_deadline = dt.date(2025, 3, 31)


def showcase_application(compound: object, showcase_round: object, **kwargs: object) -> object:
    """An application as the service makes it: with its 18 standards to score."""
    from members.services.showcase import showcase_application_save

    kwargs.setdefault("applied_on", dt.date(2025, 2, 1))
    application = ShowcaseApplication(round=showcase_round, compound=compound, **kwargs)
    return showcase_application_save(application=application, actor=None)
