"""The demo's 两会一化 in 春晖社区 (CN-CH): the 党员代表会议 of this term with its delegates elected
by group (one nominee of the direct group not elected), ONE seat vacant because its delegate's
transfer out was received after the election, one delegate who moved away (the departure the
secretary recorded) replaced by a by-election, and the 区域化党总支 of 7 elected by the delegates.
The session itself is a meeting (activities/demo_congress.py).

Every write goes through the services (which check each delegate's group and the majority), so
the demo shows the rules working. Idempotent: nothing is made when the conference exists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from kit.services import model_save
from organizations.models import Organization, Position
from organizations.rules import PositionTitle

from .models import (
    DelegateConference,
    DelegateElection,
    DelegateNominee,
    FloatingRecord,
    Member,
    MembershipTransfer,
    RegionalBranch,
    RegionalBranchMember,
)
from .rules import Category, DelegateGroup, DepartureReason, FloatingDirection, RegionalRole
from .services import congress as services
from .services.records import membership_transfer_receive

COMMUNITY = "CN-CH"
TERM_YEARS = 5
SESSION_AFTER_DAYS = 10  # the first session (and the 区域化党总支's election) after the term opens


def term_start(today: dt.date) -> dt.date:
    return dt.date(today.year - 1, 7, 1)


def build() -> list[Any]:
    community = Organization.objects.filter(code=COMMUNITY).first()
    if community is None or DelegateConference.objects.filter(community=community).exists():
        return []
    actor = get_user_model().objects.get(username="admin")
    today = timezone.localdate()
    start = term_start(today)
    secretary = _position(community, PositionTitle.SECRETARY, start)
    conference = services.delegate_conference_save(
        conference=DelegateConference(
            community=community,
            name=f"{_short(community)}第一届党员代表会议",
            term_starts_on=start,
            term_ends_on=dt.date(start.year + TERM_YEARS, 6, 30),
            liaison=secretary or "",
        ),  # fmt: skip
        actor=actor,
    )
    held_on = start - dt.timedelta(days=20)
    chosen = _elect_all(conference, held_on, actor)
    _one_leaves(chosen[DelegateGroup.DIRECT][0], actor, today)
    _one_moves_away(conference, chosen[DelegateGroup.DIRECT][1], actor, today)
    _regional_branch(conference, chosen, actor)
    return []


def _position(community: Organization, title: str, day: dt.date) -> str | None:
    found = Position.objects.current(on=day).filter(organization=community, title=title).first()
    return found.holder_name if found else None


def _candidates(conference: DelegateConference, day: dt.date) -> dict[str, list[Member]]:
    community = conference.community
    below = Organization.objects.descendant_ids([community.pk])
    full = Member.objects.full_on(day).current().order_by("pk")
    direct = list(full.filter(branch_id__in=below)[:40])
    area = list(full.filter(branch__unit__community=community)[:3])
    in_service = [
        m
        for m in full.in_service().filter(residence_community=community)[:20]
        if m not in direct and m not in area
    ][:3]
    floating = _floating(community, [m for m in direct[25:] if m not in in_service], day)
    direct = [m for m in direct if m not in in_service and m != floating][:21]
    return {
        DelegateGroup.DIRECT: direct,
        DelegateGroup.REGIONAL_ORG: area,
        DelegateGroup.IN_SERVICE: in_service,
        DelegateGroup.FLOATING: [floating],
    }


def _floating(community: Organization, spare: list[Member], day: dt.date) -> Member:
    """A member of the community out (外出) on the election day; one is recorded if none is."""
    below = Organization.objects.descendant_ids([community.pk])
    out = (
        FloatingRecord.objects.filter(
            direction=FloatingDirection.OUTFLOW,
            since__lte=day,
            ended_on__isnull=True,
            member__branch_id__in=below,
            member__in=Member.objects.full_on(day).current(),
        )
        .select_related("member")
        .order_by("pk")
        .first()
    )
    if out is not None:
        return out.member
    member = spare[0]
    model_save(
        FloatingRecord(
            member=member,
            direction=FloatingDirection.OUTFLOW,
            place="广东省深圳市南山区",
            since=day - dt.timedelta(days=60),
            last_contact_on=day - dt.timedelta(days=5),
            contact="13800000000",
        ),  # fmt: skip
        actor=None,
    )
    if not member.categories.filter(code=Category.FLOATING).exists():
        member.categories.add(*member.categories.model.objects.filter(code=Category.FLOATING))
    return member


# (voters, the votes of the first nominee, and of each next one fewer); 直管 at a meeting of the
# branches' members, the others recommended and approved by the 社区党组织 (000 七 三.3)
VOTES = {
    DelegateGroup.DIRECT: (56, 52),
    DelegateGroup.REGIONAL_ORG: (9, 9),
    DelegateGroup.IN_SERVICE: (7, 7),
    DelegateGroup.FLOATING: (7, 6),
}


def _elect_all(
    conference: DelegateConference, held_on: dt.date, actor: Any
) -> dict[str, list[Member]]:
    chosen: dict[str, list[Member]] = {}
    for group, members in _candidates(conference, held_on).items():
        voters, top = VOTES[DelegateGroup(group)]
        election = services.delegate_election_save(
            election=DelegateElection(
                conference=conference,
                group=group,
                held_on=held_on,
                voters=voters,
                note="差额选举" if len(members) > conference.seats[group] else "",
            ),  # fmt: skip
            actor=actor,
        )
        seats = conference.seats[group]
        for index, member in enumerate(members):
            # The nominee past the seats gets fewer than half: 差额选举, not elected.
            votes = top - index if index < seats else voters // 2
            services.delegate_nominee_save(
                nominee=DelegateNominee(election=election, member=member, votes=votes),
                actor=actor,
            )
        chosen[group] = members[:seats]
    return chosen


def _one_leaves(member: Member, actor: Any, today: dt.date) -> None:
    """A directly managed delegate moves the membership record away: the seat falls vacant."""
    issued = today - dt.timedelta(days=40)
    transfer = model_save(
        MembershipTransfer(
            member=member,
            direction="out",
            branch=member.branch,
            other_organization="杭州市上城区湖滨街道党工委",
            letter_number=f"{today.year}-DB-001",
            issued_on=issued,
            valid_until=issued + dt.timedelta(days=90),
        ),  # fmt: skip
        actor=actor,
    )
    membership_transfer_receive(
        transfer=transfer, actor=actor, received_on=issued + dt.timedelta(days=12)
    )


def _one_moves_away(
    conference: DelegateConference, member: Member, actor: Any, today: dt.date
) -> None:
    """A directly managed delegate moves out of the community, keeping the branch (no transfer,
    no 报到登记 to end): the secretary records the departure, and a by-election a month later
    elects the nominee who had missed a seat at the election."""
    nominee = DelegateNominee.objects.get(election__conference=conference, member=member)
    nominee.left_on, nominee.left_reason = (
        today - dt.timedelta(days=150),
        DepartureReason.MOVED_AWAY,
    )
    nominee.left_note = "迁往外区居住，组织关系仍在本社区党支部"
    services.delegate_departure_save(nominee=nominee, actor=actor)
    runner_up = (
        DelegateNominee.objects.filter(
            election__conference=conference, election__group=DelegateGroup.DIRECT
        )
        .exclude(pk__in=DelegateNominee.objects.elected().values("pk"))
        .select_related("member")
        .order_by("pk")
        .first()
    )
    if runner_up is None:
        return
    by_election = services.delegate_election_save(
        election=DelegateElection(
            conference=conference,
            group=DelegateGroup.DIRECT,
            is_by_election=True,
            held_on=nominee.left_on + dt.timedelta(days=30),
            voters=48,
            note="补选迁出代表的席位",
        ),  # fmt: skip
        actor=actor,
    )
    services.delegate_nominee_save(
        nominee=DelegateNominee(election=by_election, member=runner_up.member, votes=40),
        actor=actor,
    )


def _regional_branch(
    conference: DelegateConference, chosen: dict[str, list[Member]], actor: Any
) -> None:
    community = conference.community
    elected_on = conference.term_starts_on + dt.timedelta(days=SESSION_AFTER_DAYS)
    seated = sum(len(v) for v in chosen.values())
    voters = seated - 2  # two delegates on leave that day
    recorded = _position(community, PositionTitle.SECRETARY, elected_on)
    branch = services.regional_branch_save(
        regional_branch=RegionalBranch(
            conference=conference,
            name=f"{_short(community)}区域化党总支",
            elected_on=elected_on,
            term_ends_on=conference.term_ends_on,
            voters=voters,
            secretary_reason="" if recorded else "社区党组织书记任职未登记，由代表会议选举产生",
        ),  # fmt: skip
        actor=actor,
    )
    people = _regional_people(community, chosen, elected_on)
    for index, (role, name, member, where) in enumerate(people):
        services.regional_branch_member_save(
            member=RegionalBranchMember(
                regional_branch=branch,
                role=role,
                name=name,
                member=member,
                organization_name=where,
                votes=voters - index % 3,
                is_secretary=role == RegionalRole.SECRETARY,
            ),  # fmt: skip
            actor=actor,
        )


def _regional_people(
    community: Organization, chosen: dict[str, list[Member]], day: dt.date
) -> list[tuple[str, str, Member | None, str]]:
    """社区书记、副书记、组织委员 (their positions; a name where none is recorded), three
    representatives of the area's party organizations and one in-service member."""
    people: list[tuple[str, str, Member | None, str]] = []
    for role, title, fallback in (
        (RegionalRole.SECRETARY, PositionTitle.SECRETARY, "社区书记"),
        (RegionalRole.DEPUTY_SECRETARY, PositionTitle.DEPUTY_SECRETARY, "社区副书记"),
        (RegionalRole.ORGANIZATION_MEMBER, PositionTitle.ORGANIZATION_MEMBER, "社区组织委员"),
    ):
        name = (
            _position(community, title, day)
            or f"{community.name.removesuffix('社区党委')}{fallback}"
        )
        people.append((role, name, None, community.name))
    for member in chosen[DelegateGroup.REGIONAL_ORG][:3]:
        people.append((RegionalRole.KEY_ORGANIZATION, member.name, member, member.branch.name))
    in_service = chosen[DelegateGroup.IN_SERVICE][0]
    people.append((RegionalRole.IN_SERVICE, in_service.name, in_service, in_service.work_unit))
    return people


def _short(community: Organization) -> str:
    """春晖社区党委 → 春晖社区."""
    return community.name.removesuffix("党委").removesuffix("党总支")
