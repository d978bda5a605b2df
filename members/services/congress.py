"""Writes of 两会一化: the 党员代表会议's terms and seats, the elections of its delegates (each
nominee with the votes for them), and the 区域化党总支 it elects with its members.

The checks that need other rows are `<entity>_errors(...)` ({field: message}); the services raise
them as a ValidationError and the admin forms show them first."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone

from kit.services import model_delete, model_save
from organizations.scope import require_editable

from .. import rules
from ..models import (
    DelegateConference,
    DelegateElection,
    DelegateNominee,
    RegionalBranch,
    RegionalBranchMember,
)
from ..selectors import congress as selectors


def _parent(instance: Any, name: str) -> Any:
    """The row's parent, saved or not yet (an inline of a new page): None when not given."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


# --- the conference ------------------------------------------------------------------------------
def delegate_conference_errors(conference: DelegateConference) -> dict[str, str]:
    """One conference a community at a time: the terms may not overlap."""
    if not (conference.community_id and conference.term_starts_on and conference.term_ends_on):
        return {}
    overlapping = (
        DelegateConference.objects.filter(
            community_id=conference.community_id,
            term_starts_on__lte=conference.term_ends_on,
            term_ends_on__gte=conference.term_starts_on,
        )
        .exclude(pk=conference.pk)
        .first()
    )
    if overlapping is not None:
        return {
            "term_starts_on": f"任期与“{overlapping.name}”重叠：一个社区同一时间只有一届党员代表会议。"
        }
    return {}


@transaction.atomic
def delegate_conference_save(
    *, conference: DelegateConference, actor: Any, update_fields: list[str] | None = None
) -> DelegateConference:
    require_editable(actor, conference, "登记该社区的党员代表会议")
    _raise(delegate_conference_errors(conference))
    return model_save(conference, actor=actor, update_fields=update_fields)


@transaction.atomic
def delegate_conference_delete(*, conference: DelegateConference, actor: Any) -> None:
    require_editable(actor, conference, "删除该党员代表会议")
    if conference.elections.exists() or conference.regional_branches.exists():
        raise ValidationError(f"“{conference.name}”已有代表选举或区域化党总支记录，不能删除。")
    model_delete(conference, actor=actor)


# --- delegate elections ---------------------------------------------------------------------------
@transaction.atomic
def delegate_election_save(
    *, election: DelegateElection, actor: Any, update_fields: list[str] | None = None
) -> DelegateElection:
    require_editable(actor, election, "登记该社区的代表选举")
    if election.pk is not None and update_fields and "voters" in update_fields:
        for nominee in election.nominees.select_related("member"):
            if error := rules.votes_error(nominee.votes, election.voters):
                raise ValidationError({"voters": f"{nominee.member.name}：{error}"})
    return model_save(election, actor=actor, update_fields=update_fields)


@transaction.atomic
def delegate_election_delete(*, election: DelegateElection, actor: Any) -> None:
    require_editable(actor, election, "删除该代表选举")
    for nominee in election.nominees.all():
        model_delete(nominee, actor=actor)
    model_delete(election, actor=actor)


def delegate_nominee_errors(nominee: DelegateNominee) -> dict[str, str]:
    """The nominee fits the seat's group on the election day; an elected nominee takes a vacant
    seat of the group (not one already held, not more than the vacant seats)."""
    election = _parent(nominee, "election")
    if election is None or not nominee.member_id or nominee.votes is None:
        return {}
    conference = election.conference
    facts = selectors.delegate_facts(nominee.member, conference.community, election.held_on)
    if error := rules.delegate_group_error(election.group, facts):
        return {"member": error}
    if not rules.is_elected(nominee.votes, election.voters):
        return {}
    return _seat_errors(nominee, election, conference)


def _seat_errors(
    nominee: DelegateNominee, election: DelegateElection, conference: DelegateConference
) -> dict[str, str]:
    day = max(election.held_on, conference.term_starts_on)
    table = selectors.seat_table(conference, day)
    others = [d for g in table.groups for d in g.seated if d.nominee.election_id != election.pk]
    if any(d.member.pk == nominee.member_id for d in others):
        return {"member": f"{nominee.member.name}在选举日已是本届党员代表，不能重复当选。"}
    group = next(g for g in table.groups if g.group == election.group)
    vacant = rules.vacant_seats(group.seats, sum(1 for d in group.seated if d in others))
    same_election = 0
    if election.pk is not None:  # a new election's other nominees are not saved yet
        same = DelegateNominee.objects.elected().filter(election_id=election.pk)
        same_election = same.exclude(pk=nominee.pk).count()
    if error := rules.election_overflow_error(
        election.group, elected=same_election + 1, vacant=vacant
    ):
        return {"votes": error}
    return {}


def election_overflow_errors(election: DelegateElection, votes: list[int]) -> str | None:
    """The page's whole list of nominees (their votes): no more elected than the group's vacant
    seats on the day, the seats this election already filled counted as free."""
    if election.voters is None or not election.held_on or not election.group:
        return None
    conference = election.conference
    elected = sum(1 for v in votes if rules.is_elected(v, election.voters))
    day = max(election.held_on, conference.term_starts_on)
    table = selectors.seat_table(conference, day)
    group = next(g for g in table.groups if g.group == election.group)
    others = [d for d in group.seated if d.nominee.election_id != election.pk]
    vacant = rules.vacant_seats(group.seats, len(others))
    return rules.election_overflow_error(election.group, elected=elected, vacant=vacant)


@transaction.atomic
def delegate_nominee_save(
    *, nominee: DelegateNominee, actor: Any, update_fields: list[str] | None = None
) -> DelegateNominee:
    require_editable(actor, nominee, "登记该选举的候选人")
    _raise(delegate_nominee_errors(nominee))
    return model_save(nominee, actor=actor, update_fields=update_fields)


@transaction.atomic
def delegate_nominee_delete(*, nominee: DelegateNominee, actor: Any) -> None:
    require_editable(actor, nominee, "删除该候选人")
    model_delete(nominee, actor=actor)


# --- a delegate's recorded departure ---------------------------------------------------------------
DEPARTURE_FIELDS = ["left_on", "left_reason", "left_note"]


def delegate_departure_errors(nominee: DelegateNominee) -> dict[str, str]:
    """A departure is recorded on an elected delegate, dated between the election and the
    term's end and not ahead of today; it is withdrawn (or moved later) only while no
    by-election has filled the seat since."""
    election = nominee.election
    if nominee.left_on is not None:
        if not nominee.is_elected:
            return {"left_on": f"{nominee.member.name}未当选代表，无需登记离任。"}
        error = rules.departure_error(
            nominee.left_on,
            elected_on=election.held_on,
            term_ends_on=election.conference.term_ends_on,
            today=timezone.localdate(),
        )
        if error:
            return {"left_on": error}
    stored = DelegateNominee.objects.filter(pk=nominee.pk).values_list("left_on", flat=True)
    before = stored.first() if nominee.pk is not None else None
    if before is not None and (nominee.left_on is None or nominee.left_on > before):
        filled = DelegateNominee.objects.elected().filter(
            election__conference_id=election.conference_id,
            election__group=election.group,
            election__held_on__gte=before,
        )
        if filled.exists():
            return {"left_on": "该席位在原离任日期后已补选产生新代表，不能撤销或推迟离任登记。"}
    return {}


@transaction.atomic
def delegate_departure_save(
    *, nominee: DelegateNominee, actor: Any, update_fields: list[str] | None = None
) -> DelegateNominee:
    """Record (or correct) the departure of a delegate: only its date, reason and note change;
    the history keeps who recorded it."""
    require_editable(actor, nominee, "登记该代表的离任")
    _raise(delegate_departure_errors(nominee))
    fields = [f for f in (update_fields or DEPARTURE_FIELDS) if f in DEPARTURE_FIELDS]
    return model_save(nominee, actor=actor, update_fields=fields)


# --- 区域化党总支 ---------------------------------------------------------------------------------
def regional_branch_errors(branch: RegionalBranch) -> dict[str, str]:
    """Elected by the conference in its term, with more than half of the delegates seated that
    day present (rules.delegate_quorum_error)."""
    if not (branch.conference_id and branch.elected_on) or branch.voters is None:
        return {}
    conference = branch.conference
    if not conference.term_starts_on <= branch.elected_on <= conference.term_ends_on:
        return {"elected_on": "区域化党总支由本届党员代表会议在任期内选举产生，请核对选举日期。"}
    seated = selectors.seat_table(conference, branch.elected_on).seated
    if branch.voters > seated:
        return {"voters": f"到会代表人数（{branch.voters}）超过了当日在任代表人数（{seated}）。"}
    if error := rules.delegate_quorum_error(branch.voters, seated):
        return {"voters": error}
    return {}


@transaction.atomic
def regional_branch_save(
    *, regional_branch: RegionalBranch, actor: Any, update_fields: list[str] | None = None
) -> RegionalBranch:
    require_editable(actor, regional_branch, "登记该社区的区域化党总支")
    _raise(regional_branch_errors(regional_branch))
    if regional_branch.pk is not None:
        secretary = regional_branch.members.filter(is_secretary=True).first()
        if secretary is not None:
            _raise(_secretary_errors(secretary, regional_branch, "secretary_reason"))
    return model_save(regional_branch, actor=actor, update_fields=update_fields)


@transaction.atomic
def regional_branch_delete(*, regional_branch: RegionalBranch, actor: Any) -> None:
    require_editable(actor, regional_branch, "删除该区域化党总支")
    for member in regional_branch.members.all():
        model_delete(member, actor=actor)
    model_delete(regional_branch, actor=actor)


def _secretary_errors(
    member: RegionalBranchMember, branch: RegionalBranch, field: str
) -> dict[str, str]:
    community_id = branch.conference.community_id
    secretary = selectors.community_secretary_name(community_id, branch.elected_on)
    error = rules.secretary_reason_error(
        chosen=member.name, community_secretary=secretary, reason=branch.secretary_reason
    )
    return {field: error} if error else {}


def regional_branch_member_errors(member: RegionalBranchMember) -> dict[str, str]:
    """No more members of a role than the composition lists (settings); a 书记 who is not the
    community's 书记 needs the branch's recorded reason."""
    branch = _parent(member, "regional_branch")
    if branch is None or not member.role:
        return {}
    others = RegionalBranchMember.objects.filter(regional_branch_id=branch.pk)
    others = others.exclude(pk=member.pk) if branch.pk is not None else others.none()
    taken = others.filter(role=member.role).count()
    composition = settings.MEMBERS_REGIONAL_BRANCH_COMPOSITION
    if error := rules.regional_role_error(member.role, taken=taken, composition=composition):
        return {"role": error}
    size = settings.MEMBERS_REGIONAL_BRANCH_SIZE
    if others.count() >= size:
        return {"role": f"区域化党总支成员为{size}人，已满。"}
    if member.is_secretary:
        return _secretary_errors(member, branch, "is_secretary")
    return {}


def regional_roles_error(roles: list[str]) -> str | None:
    """A whole list of members (the page's): no role beyond its number, no more than the size."""
    composition = settings.MEMBERS_REGIONAL_BRANCH_COMPOSITION
    size = settings.MEMBERS_REGIONAL_BRANCH_SIZE
    if len(roles) > size:
        return f"区域化党总支成员为{size}人，本页填写了{len(roles)}人。"
    for role in dict.fromkeys(roles):
        taken = roles.count(role) - 1
        if error := rules.regional_role_error(role, taken=taken, composition=composition):
            return error
    return None


@transaction.atomic
def regional_branch_member_save(
    *, member: RegionalBranchMember, actor: Any, update_fields: list[str] | None = None
) -> RegionalBranchMember:
    require_editable(actor, member, "登记该区域化党总支的成员")
    if member.member is not None and not member.name:
        member.name = member.member.name
    _raise(regional_branch_member_errors(member))
    return model_save(member, actor=actor, update_fields=update_fields)


@transaction.atomic
def regional_branch_member_delete(*, member: RegionalBranchMember, actor: Any) -> None:
    require_editable(actor, member, "删除该区域化党总支成员")
    model_delete(member, actor=actor)
