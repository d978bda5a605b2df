"""两会一化 (000 items 七 and 十): the community's 党员代表会议 (常任制: a term, seats by group,
delegates elected by a recorded vote) and the 区域化党总支 it elects (7 members, a term).

The conference's sessions are meetings (activities: kind 党员代表会议), as are the 区域化党总支's;
this module knows no meeting. A seat is held from the election until the term ends or the
delegate leaves it (transfer out, moving away), derived from the records (selectors/congress.py).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from organizations.models import Organization
from organizations.rules import COMMUNITY_KINDS
from organizations.scope import ScopedQuerySet

from .. import rules
from ..rules import DelegateGroup, DepartureReason, RegionalRole
from .member import Member

# Delegates are elected before the term they serve opens (a 筹备阶段 of some months, 000 七 六).
ELECTION_LEAD = dt.timedelta(days=366)


def default_direct_seats() -> int:
    return int(settings.MEMBERS_CONGRESS_SEATS["direct"])


def default_regional_org_seats() -> int:
    return int(settings.MEMBERS_CONGRESS_SEATS["regional_org"])


def default_in_service_seats() -> int:
    return int(settings.MEMBERS_CONGRESS_SEATS["in_service"])


def default_floating_seats() -> int:
    return int(settings.MEMBERS_CONGRESS_SEATS["floating"])


class DelegateConferenceQuerySet(ScopedQuerySet["DelegateConference"]):
    scope_lookups = ("community_id",)

    def on(self, day: object) -> DelegateConferenceQuerySet:
        """The conferences whose term covers `day`."""
        return self.filter(term_starts_on__lte=day, term_ends_on__gte=day)


class DelegateConference(models.Model):
    """社区党员代表会议 (常任制): one term of a community's delegate conference and its seats."""

    community = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="delegate_conferences",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        verbose_name="社区",
    )
    name = models.CharField("名称", max_length=100, help_text="如：春晖社区第一届党员代表会议。")
    term_starts_on = models.DateField("任期开始日期")
    term_ends_on = models.DateField("任期届满日期")
    seats_direct = models.PositiveSmallIntegerField(
        "社区直管党员席位", default=default_direct_seats
    )
    seats_regional_org = models.PositiveSmallIntegerField(
        "区域内党组织席位", default=default_regional_org_seats
    )
    seats_in_service = models.PositiveSmallIntegerField(
        "在职党员席位", default=default_in_service_seats
    )
    seats_floating = models.PositiveSmallIntegerField(
        "流动党员席位", default=default_floating_seats
    )
    liaison = models.CharField(
        "区域化党建工作联络员",
        max_length=50,
        blank=True,
        help_text="由社区党组织书记担任，负责党员代表会议、区域化党总支的组织协调和日常工作。",
    )
    history = HistoricalRecords()

    objects = DelegateConferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "党员代表会议"
        verbose_name_plural = "党员代表会议"
        ordering = ["-term_starts_on", "community__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=F("term_starts_on")),
                name="conference_term_ends_after_start",
                violation_error_message="任期届满日期应晚于任期开始日期。",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def seats(self) -> dict[str, int]:
        return {
            DelegateGroup.DIRECT: self.seats_direct,
            DelegateGroup.REGIONAL_ORG: self.seats_regional_org,
            DelegateGroup.IN_SERVICE: self.seats_in_service,
            DelegateGroup.FLOATING: self.seats_floating,
        }

    def clean(self) -> None:
        errors = {}
        if self.term_starts_on and self.term_ends_on and self.term_ends_on <= self.term_starts_on:
            errors["term_ends_on"] = "任期届满日期应晚于任期开始日期。"
        if error := rules.seats_error(self.seats, settings.MEMBERS_CONGRESS_MAX_SEATS):
            errors["seats_direct"] = error
        if self.community_id and not self.community.is_community:
            errors["community"] = "党员代表会议由社区党委或社区党总支组织。"
        if errors:
            raise ValidationError(errors)


class DelegateElectionQuerySet(ScopedQuerySet["DelegateElection"]):
    scope_lookups = ("conference__community_id",)


class DelegateElection(models.Model):
    """The election of a group's delegates (or a by-election, 补选): who voted and the nominees'
    votes (000 七 三.3: 直管党员 at branch meetings, the others recommended and approved)."""

    conference = models.ForeignKey(
        DelegateConference,
        on_delete=models.PROTECT,
        related_name="elections",
        verbose_name="党员代表会议",
    )
    group = models.CharField("代表席位类别", max_length=16, choices=DelegateGroup.choices)
    held_on = models.DateField("选举日期")
    is_by_election = models.BooleanField("补选", default=False)
    voters = models.PositiveIntegerField(
        "参加投票人数",
        help_text="实到会有选举权的人数：候选人得票超过其半数始得当选（恰好半数不当选）。",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    objects = DelegateElectionQuerySet.as_manager()

    class Meta:
        verbose_name = "代表选举"
        verbose_name_plural = "代表选举"
        ordering = ["-held_on", "group"]

    def __str__(self) -> str:
        kind = "补选" if self.is_by_election else "选举"
        return f"{self.held_on:%Y-%m-%d} {self.get_group_display()}代表{kind}"

    def clean(self) -> None:
        conference = self.conference if self.conference_id else None
        if conference is None or not self.held_on:
            return
        earliest = conference.term_starts_on - ELECTION_LEAD
        if not earliest <= self.held_on <= conference.term_ends_on:
            raise ValidationError(
                {"held_on": "选举日期应在本届党员代表会议任期内（或任期开始前一年内）。"}
            )


class DelegateNomineeQuerySet(ScopedQuerySet["DelegateNominee"]):
    scope_lookups = ("election__conference__community_id",)

    def elected(self) -> DelegateNomineeQuerySet:
        """Nominees with more than half of the votes of their election (rules.is_elected)."""
        return self.alias(doubled=F("votes") * 2).filter(
            doubled__gt=F("election__voters"), election__voters__gt=0
        )


class DelegateNominee(models.Model):
    """A nominee of an election with the votes for them; elected with more than half."""

    election = models.ForeignKey(
        DelegateElection, on_delete=models.CASCADE, related_name="nominees", verbose_name="选举"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="delegate_nominations", verbose_name="党员"
    )
    votes = models.PositiveIntegerField("得票数")
    # A departure no other record dates (a directly managed member who moves away, 调离, 去世,
    # 辞去): recorded by the secretary with its date; the seat is vacant from that day.
    left_on = models.DateField("离任日期", null=True, blank=True)
    left_reason = models.CharField(
        "离任原因", max_length=16, choices=DepartureReason.choices, blank=True
    )
    left_note = models.CharField(
        "离任说明", max_length=200, blank=True, help_text="如：迁往外区居住；调往区教育局工作。"
    )
    history = HistoricalRecords()

    objects = DelegateNomineeQuerySet.as_manager()

    class Meta:
        verbose_name = "党员代表"
        verbose_name_plural = "党员代表（候选人及离任登记）"
        ordering = ["election", "-votes", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "member"],
                name="one_nomination_per_member_and_election",
                violation_error_message="该党员已是本次选举的候选人。",
            ),
            models.CheckConstraint(
                condition=(Q(left_on__isnull=True) & Q(left_reason=""))
                | (Q(left_on__isnull=False) & ~Q(left_reason="")),
                name="nominee_departure_dated_with_reason",
                violation_error_message="离任须同时填写离任日期和离任原因。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name}（{self.votes}票）"

    @property
    def is_elected(self) -> bool:
        return rules.is_elected(self.votes, self.election.voters)

    def clean(self) -> None:
        if (self.left_on is None) != (not self.left_reason):
            field = "left_reason" if self.left_on else "left_on"
            raise ValidationError({field: "离任须同时填写离任日期和离任原因。"})
        if not self.election_id or self.votes is None:
            return
        if error := rules.votes_error(self.votes, self.election.voters):
            raise ValidationError({"votes": error})


class RegionalBranchQuerySet(ScopedQuerySet["RegionalBranch"]):
    scope_lookups = ("conference__community_id",)

    def on(self, day: object) -> RegionalBranchQuerySet:
        return self.filter(elected_on__lte=day, term_ends_on__gte=day)


class RegionalBranch(models.Model):
    """区域化党总支: one term, elected by the community's 党员代表会议 (000 十 四)."""

    conference = models.ForeignKey(
        DelegateConference,
        on_delete=models.PROTECT,
        related_name="regional_branches",
        verbose_name="选举产生的党员代表会议",
    )
    name = models.CharField("名称", max_length=100, help_text="如：春晖社区区域化党总支。")
    elected_on = models.DateField("选举日期")
    term_ends_on = models.DateField("任期届满日期")
    voters = models.PositiveIntegerField(
        "到会代表人数",
        help_text="选举时到会的党员代表：须超过当日在任代表的半数；成员得票须超过其半数。",
    )
    secretary_reason = models.CharField(
        "书记另选理由",
        max_length=200,
        blank=True,
        help_text="区域化党总支书记原则上由社区党组织书记兼任；另选时填写理由。",
    )
    history = HistoricalRecords()

    objects = RegionalBranchQuerySet.as_manager()

    class Meta:
        verbose_name = "区域化党总支"
        verbose_name_plural = "区域化党总支"
        ordering = ["-elected_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=F("elected_on")),
                name="regional_branch_term_ends_after_election",
                violation_error_message="任期届满日期应晚于选举日期。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.elected_on:%Y}）"

    def clean(self) -> None:
        if self.elected_on and self.term_ends_on and self.term_ends_on <= self.elected_on:
            raise ValidationError({"term_ends_on": "任期届满日期应晚于选举日期。"})


class RegionalBranchMemberQuerySet(ScopedQuerySet["RegionalBranchMember"]):
    scope_lookups = ("regional_branch__conference__community_id",)


class RegionalBranchMember(models.Model):
    """A member of the 区域化党总支, elected with more than half of the delegates' votes."""

    regional_branch = models.ForeignKey(
        RegionalBranch,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name="区域化党总支",
    )
    role = models.CharField("成员构成", max_length=32, choices=RegionalRole.choices)
    name = models.CharField("姓名", max_length=50)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regional_branch_seats",
        verbose_name="党员档案",
        help_text="本系统有其党员档案时选择。",
    )
    organization_name = models.CharField("所在党组织/单位", max_length=100, blank=True)
    votes = models.PositiveIntegerField("得票数")
    is_secretary = models.BooleanField("区域化党总支书记", default=False)
    history = HistoricalRecords()

    objects = RegionalBranchMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "区域化党总支成员"
        verbose_name_plural = "区域化党总支成员"
        ordering = ["regional_branch", "-is_secretary", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["regional_branch"],
                condition=Q(is_secretary=True),
                name="one_secretary_per_regional_branch",
                violation_error_message="区域化党总支只能有一名书记。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"

    def clean(self) -> None:
        errors = {}
        if self.member is not None and not self.name:
            self.name = self.member.name
        if self.regional_branch_id and self.votes is not None:
            voters = self.regional_branch.voters
            if error := rules.votes_error(self.votes, voters):
                errors["votes"] = error
            elif not rules.is_elected(self.votes, voters):
                errors["votes"] = (
                    f"得票{self.votes}票，未超过到会代表{voters}人的半数，不能当选区域化党总支成员。"
                )
        if errors:
            raise ValidationError(errors)
