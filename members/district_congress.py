"""The generated district's 两会一化 and 示范小区 (issue 23; kit/district.py), in the proportions of
the demo (members/demo_congress.py, demo_showcase.py), in bulk:

- every community's 党员代表会议 of this term (opened last 1 July, five years), its four groups'
  elections with their nominees (the direct group's one past its seats not elected: fewer than half
  of the votes), a floating delegate with the outflow record the seat needs, and the 区域化党总支 of
  7 it elected ten days after the term opened;
- the sub-district's 示范小区 round of this year with two 小区 applying in January, each with its 18
  standards to score.

Idempotent: a district whose conferences exist is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.utils import timezone

from kit.district import District, bulk_insert
from organizations.models import Compound, Organization
from organizations.rules import OrganizationKind as K

from .models import (
    DelegateConference,
    DelegateElection,
    DelegateNominee,
    FloatingRecord,
    Member,
    RegionalBranch,
    RegionalBranchMember,
    ShowcaseApplication,
    ShowcaseRound,
    ShowcaseScore,
)
from .rules import SHOWCASE_STANDARDS, DelegateGroup, FloatingDirection, MemberStatus, RegionalRole

TERM_YEARS = 5
SESSION_AFTER_DAYS = 10
# (voters, the first nominee's votes; each next one has one fewer), as in the demo
VOTES = {
    DelegateGroup.DIRECT: (56, 52),
    DelegateGroup.REGIONAL_ORG: (9, 9),
    DelegateGroup.IN_SERVICE: (7, 7),
    DelegateGroup.FLOATING: (7, 6),
}
SHOWCASE_APPLICANTS = 2


def generate(district: District) -> None:
    prefix = f"{district.code}-"
    if DelegateConference.objects.filter(community__code__startswith=prefix).exists():
        district.say(f"两会一化：{district.code} 已生成，跳过")
        return
    today = timezone.localdate()
    start = dt.date(today.year - 1, 7, 1)
    held_on = start - dt.timedelta(days=20)
    communities = list(
        Organization.objects.filter(code__startswith=prefix, kind=K.COMMUNITY_COMMITTEE)
        .filter(parent__code=district.code)
        .order_by("code")
    )
    candidates = _candidates(prefix, held_on)
    conferences = [
        DelegateConference(
            community=c,
            name=f"{c.name.removesuffix('党委')}第一届党员代表会议",
            term_starts_on=start,
            term_ends_on=dt.date(start.year + TERM_YEARS, 6, 30),
            liaison=f"{c.name.removesuffix('党委')}联络员",
        )  # fmt: skip
        for c in communities
        if all(len(candidates[c.pk][g]) >= _seats(g) for g in DelegateGroup)
    ]
    bulk_insert(district, "党员代表会议", DelegateConference, conferences, len(conferences))
    _floating(district, conferences, candidates, held_on)
    _elections(district, conferences, candidates, held_on)
    _regional_branches(district, conferences, candidates)
    _showcase(district, today)


def _seats(group: str) -> int:
    return int(settings.MEMBERS_CONGRESS_SEATS[group])


def _candidates(prefix: str, day: dt.date) -> dict[int, dict[str, list[tuple[int, str, str]]]]:
    """Each community's full members who may stand, by group: (id, name, branch or unit name).
    直管: its branches' members; 区域内党组织 and 在职: the units' members living there (the first
    for the one, the next for the other); 流动: direct members after those standing there."""
    found: dict[int, dict[str, list[tuple[int, str, str]]]] = defaultdict(lambda: defaultdict(list))
    full = Member.objects.filter(
        branch__code__startswith=prefix, status=MemberStatus.FULL, full_member_on__lte=day
    ).order_by("pk")
    direct = full.filter(branch__kind=K.BRANCH).values_list(
        "pk", "name", "branch__name", "branch__parent_id"
    )
    room = {DelegateGroup.DIRECT: _seats(DelegateGroup.DIRECT) + 1,  # one not elected
            DelegateGroup.FLOATING: _seats(DelegateGroup.FLOATING)}  # fmt: skip
    for pk, name, where, community in direct:
        groups = found[community]
        for group in (DelegateGroup.DIRECT, DelegateGroup.FLOATING):
            if len(groups[group]) < room[group]:
                groups[group].append((pk, name, where))
                break
    units = full.filter(branch__kind=K.UNIT_ORG).values_list(
        "pk", "name", "work_unit", "residence_community_id"
    )
    for pk, name, where, community in units:
        groups = found[community]
        for group in (DelegateGroup.REGIONAL_ORG, DelegateGroup.IN_SERVICE):
            if len(groups[group]) < _seats(group):
                groups[group].append((pk, name, where))
                break
    return found


def _floating(
    district: District, conferences: list[DelegateConference], candidates: Any, day: dt.date
) -> None:
    """The floating seats' members are out (外出) on the election day."""
    records = [
        FloatingRecord(
            member_id=pk,
            direction=FloatingDirection.OUTFLOW,
            place="广东省深圳市",
            since=day - dt.timedelta(days=60),
            last_contact_on=day - dt.timedelta(days=5),
            contact="13800000000",
        )  # fmt: skip
        for c in conferences
        for pk, _, _ in candidates[c.community_id][DelegateGroup.FLOATING][
            : _seats(DelegateGroup.FLOATING)
        ]
    ]
    bulk_insert(district, "流动党员（代表）", FloatingRecord, records, len(records))


def _elections(
    district: District, conferences: list[DelegateConference], candidates: Any, day: dt.date
) -> None:
    elections = [
        DelegateElection(
            conference_id=c.pk,
            group=group,
            held_on=day,
            voters=VOTES[group][0],
            note="差额选举" if group == DelegateGroup.DIRECT else "",
        )  # fmt: skip
        for c in conferences
        for group in DelegateGroup
    ]
    bulk_insert(district, "代表选举", DelegateElection, elections, len(elections))
    community_of = {c.pk: c.community_id for c in conferences}
    nominees = []
    for election in elections:
        voters, top = VOTES[DelegateGroup(election.group)]
        seats = _seats(election.group)
        people = candidates[community_of[election.conference_id]][election.group]
        room = seats + 1 if election.group == DelegateGroup.DIRECT else seats
        for index, (pk, _, _) in enumerate(people[:room]):
            votes = top - index if index < seats else voters // 2
            nominees.append(DelegateNominee(election_id=election.pk, member_id=pk, votes=votes))
    bulk_insert(district, "代表候选人", DelegateNominee, nominees, len(nominees))


def _regional_branches(
    district: District, conferences: list[DelegateConference], candidates: Any
) -> None:
    seated = sum(_seats(g) for g in DelegateGroup)
    branches = [
        RegionalBranch(
            conference_id=c.pk,
            name=f"{c.name.removesuffix('第一届党员代表会议')}区域化党总支",
            elected_on=c.term_starts_on + dt.timedelta(days=SESSION_AFTER_DAYS),
            term_ends_on=c.term_ends_on,
            voters=seated - 2,
            secretary_reason="社区党组织书记任职未登记，由代表会议选举产生",
        )  # fmt: skip
        for c in conferences
    ]
    bulk_insert(district, "区域化党总支", RegionalBranch, branches, len(branches))
    rows = []
    for conference, branch in zip(conferences, branches, strict=True):
        short = conference.name.removesuffix("第一届党员代表会议")
        people: list[tuple[str, str, int | None, str]] = [
            (RegionalRole.SECRETARY, f"{short}书记", None, short),
            (RegionalRole.DEPUTY_SECRETARY, f"{short}副书记", None, short),
            (RegionalRole.ORGANIZATION_MEMBER, f"{short}组织委员", None, short),
        ]
        groups = candidates[conference.community_id]
        people += [(RegionalRole.KEY_ORGANIZATION, name, pk, where)
                   for pk, name, where in groups[DelegateGroup.REGIONAL_ORG][:3]]  # fmt: skip
        pk, name, where = groups[DelegateGroup.IN_SERVICE][0]
        people.append((RegionalRole.IN_SERVICE, name, pk, where))
        rows += [
            RegionalBranchMember(
                regional_branch_id=branch.pk,
                role=role,
                name=name,
                member_id=pk,
                organization_name=where,
                votes=branch.voters - index % 3,
                is_secretary=role == RegionalRole.SECRETARY,
            )  # fmt: skip
            for index, (role, name, pk, where) in enumerate(people)
        ]
    bulk_insert(district, "区域化党总支成员", RegionalBranchMember, rows, len(rows))


def _showcase(district: District, today: dt.date) -> None:
    root = Organization.objects.get(code=district.code)
    showcase_round = ShowcaseRound(
        sub_district=root, year=today.year, planned=SHOWCASE_APPLICANTS,
        note="以点带面，整体推进：两个小区申报创建，年底检查验收。",
    )  # fmt: skip
    bulk_insert(district, "示范小区创建", ShowcaseRound, [showcase_round], 1)
    compounds = Compound.objects.filter(community__parent=root).order_by("community__code", "pk")
    chosen = list(compounds[: 3 * SHOWCASE_APPLICANTS : 3])  # the first 小区 of two communities
    applications = [
        ShowcaseApplication(
            round_id=showcase_round.pk,
            compound=compound,
            applied_on=dt.date(today.year, 1, 20),
            plan="党员责任区包楼到户，设立党员示范岗，联合驻区单位开展共建项目。",
        )  # fmt: skip
        for compound in chosen
    ]
    bulk_insert(district, "示范小区申报", ShowcaseApplication, applications, len(applications))
    scores = [ShowcaseScore(application_id=a.pk, number=n) for a in applications
              for n in SHOWCASE_STANDARDS]  # fmt: skip
    bulk_insert(district, "示范小区评分", ShowcaseScore, scores, len(scores))
