"""会议落实情况: for each organization and period, the required meetings held, due and overdue.

The whole of a sub-district is computed in a fixed number of queries (the organizations, their
full members, their joint committees, the 党小组 below each community, the meetings held by
month, the attendance, the reviews), aggregated in the database, whatever the number of branches. Each organization is shown its own
status; nothing here ranks organizations (2023 guidance against formalism).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import ExtractMonth

from members.models import DelegateConference, Member, RegionalBranch
from members.models.member import MemberQuerySet
from members.rules import Category
from organizations.models import JointCommittee, Organization
from organizations.rules import COMMUNITY_KINDS, OrganizationKind

from ..models import Attendance, AttendanceStatus, Meeting
from ..rules import (
    CONGRESS,
    JOINT_COMMITTEE_KINDS,
    REGIONAL_BRANCH,
    WITH_GROUPS,
    WITHOUT_GROUPS,
    MeetingKind,
    Period,
    Requirement,
    Status,
    compliance_status,
    has_committee,
    is_due_soon,
    parse_requirements,
    periods_of,
    rate,
    requirement_applies,
)

HEADERS = ("党组织代码", "党组织名称", "会议类型", "期间", "要求次数", "有效次数", "状态")
COMPLIANCE_KINDS = (
    OrganizationKind.BRANCH,
    OrganizationKind.UNIT_ORG,
    OrganizationKind.GROUP,
    *sorted(COMMUNITY_KINDS),
)


# Up to this many organizations (a page of the compliance page: 50) are named by id in the
# queries of compliance_list; more (a sub-district's 6,000) are a subquery.
IDS_NAMED = 500


@dataclass(frozen=True)
class ComplianceRow:
    organization_id: int
    code: str
    name: str
    kind: MeetingKind
    period: Period
    required: int
    held: int
    status: Status

    def as_export_row(self) -> tuple[Any, ...]:
        return (
            self.code,
            self.name,
            self.kind.label,
            self.period.label,
            self.required,
            self.held,
            self.status.label,
        )


@dataclass
class OrganizationCompliance:
    """One organization's status: its rows, attendance rates and last year's 民主评议."""

    organization: Organization
    rows: list[ComplianceRow] = field(default_factory=list)
    attendance_rate: int | None = None
    in_service_rate: int | None = None
    reviewed: int = 0
    to_review: int = 0
    shown: list[ComplianceRow] = field(default_factory=list)  # the rows a page lists
    shown_html: str = ""  # those rows as the page's table rows (drawn in Python: thousands a page)

    def count(self, status: Status) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def overdue(self) -> int:
        return self.count(Status.OVERDUE)

    @property
    def in_progress(self) -> int:
        return self.count(Status.IN_PROGRESS)

    @property
    def done(self) -> int:
        return self.count(Status.DONE)

    @property
    def attendance_ok(self) -> bool | None:
        if self.attendance_rate is None:
            return None
        return self.attendance_rate >= settings.ACTIVITIES_ATTENDANCE_TARGET

    @property
    def in_service_ok(self) -> bool | None:
        if self.in_service_rate is None:
            return None
        return self.in_service_rate >= settings.ACTIVITIES_IN_SERVICE_TARGET


def requirements(setting: Mapping[str, str]) -> list[Requirement]:
    found = [r for kind, spec in setting.items() if spec for r in parse_requirements(kind, spec)]
    return [requirement for requirement in found if requirement.count > 0]


def community_own_requirements() -> list[Requirement]:
    """What every 社区党委/党总支 owes of its own meetings (issue 24): the setting's kinds, and
    its 总支党员大会 quarterly in a period it has a 党小组 below it, monthly in one it has none."""
    general = MeetingKind.COMMUNITY_GENERAL_MEETING
    conditional = [
        Requirement(r.kind, r.unit, r.count, condition)
        for spec, condition in (
            (settings.ACTIVITIES_COMMUNITY_GENERAL_MEETING_WITH_GROUPS, WITH_GROUPS),
            (settings.ACTIVITIES_COMMUNITY_GENERAL_MEETING_WITHOUT_GROUPS, WITHOUT_GROUPS),
        )
        for r in requirements({general: spec})
    ]
    return conditional + requirements(settings.ACTIVITIES_COMMUNITY_OWN_REQUIREMENTS)


def compliance_organizations(organizations: QuerySet[Organization]) -> QuerySet[Organization]:
    """The organizations that owe meetings: branches, unit organizations (those holding members
    directly), groups, communities (query 1)."""
    return organizations.filter(kind__in=COMPLIANCE_KINDS, is_active=True).order_by("code")


def _requirements_of(
    organization: Organization, members: tuple[int, int], joint_kinds: set[str]
) -> list[Requirement]:
    """What `organization` owes, given its (members, full members) on the roster and its
    community's joint committees. Every 党小组 owes its meetings, members placed in it or not; a
    branch, or a unit organization, with nobody held on its roster owes nothing (a unit
    organization with branches below it holds nobody directly; an empty branch shows as soon as
    its roster is entered)."""
    on_roster, full = members
    if organization.kind == OrganizationKind.GROUP:
        return requirements(settings.ACTIVITIES_GROUP_REQUIREMENTS)
    if organization.kind in COMMUNITY_KINDS:
        owed = requirements(settings.ACTIVITIES_COMMUNITY_REQUIREMENTS)
        joint = [r for r in owed if JOINT_COMMITTEE_KINDS[r.kind] in joint_kinds]
        return community_own_requirements() + joint
    if not on_roster:
        return []
    owed = requirements(settings.ACTIVITIES_BRANCH_REQUIREMENTS)
    minimum = settings.ACTIVITIES_COMMITTEE_MIN_FULL_MEMBERS
    if not has_committee(full, minimum):
        owed = [r for r in owed if r.kind != MeetingKind.COMMITTEE_MEETING]
    return owed


@dataclass
class _Held:
    by_month: dict[tuple[int, str], dict[int, int]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    expected: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    present: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def _held_by_month(ids: Any, year: int, as_of: dt.date) -> _Held:
    """Meetings held with their quorum by (organization, kind) and month, and the attendance
    counts of all meetings (recorded or imported) by organization; with them, a community's
    meetings held for its branches, counted for each branch named (no attendance of theirs):
    one query."""
    own = (
        Meeting.objects.filter(organization_id__in=ids, held_on__year=year, held_on__lte=as_of)
        .annotate(month=ExtractMonth("held_on"))
        .values("organization_id", "kind", "month")
        .annotate(
            n=Count("id", filter=Q(is_quorate=True)),
            expected=Sum("expected_count"),
            present=Sum("present_count"),
        )
        .order_by()
    )
    held_for = (
        Meeting.held_for.through.objects.filter(
            organization_id__in=ids,
            meeting__held_on__year=year,
            meeting__held_on__lte=as_of,
            meeting__is_quorate=True,
        )
        .annotate(kind=F("meeting__kind"), month=ExtractMonth("meeting__held_on"))
        .values("organization_id", "kind", "month")
        .annotate(n=Count("id"), expected=Value(0), present=Value(0))
        .order_by()
    )
    rows = own.union(held_for, all=True)
    found = _Held()
    for row in rows:
        org = row["organization_id"]
        by_month = found.by_month[(org, row["kind"])]
        by_month[row["month"]] = by_month.get(row["month"], 0) + row["n"]
        found.expected[org] += row["expected"] or 0
        found.present[org] += row["present"] or 0
    return found


def _members(ids: Any, as_of: dt.date) -> dict[int, tuple[int, int]]:
    """(members on the roster, full members) of each branch and each group on `as_of` (two
    queries: by the branch that holds them, by the group they are placed in)."""
    on_roster = Member.objects.on_roster(as_of)
    full = MemberQuerySet.full_on_condition(as_of)
    found: dict[int, tuple[int, int]] = {}
    for lookup in ("branch_id", "group_id"):
        rows = (
            on_roster.filter(**{f"{lookup}__in": ids})
            .values(lookup)
            .annotate(n=Count("id"), full=Count("id", filter=full))
            .order_by()
        )
        found.update({row[lookup]: (row["n"], row["full"]) for row in rows})
    return found


def _joint_kinds(ids: Any) -> dict[int, set[str]]:
    """The bodies each community has: its joint committees, and a 党员代表会议 or 区域化党总支
    (两会一化) of any term; one query."""
    committees = (
        JointCommittee.objects.filter(community_id__in=ids)
        .values_list("community_id", "kind")
        .order_by()
    )
    conferences = (
        DelegateConference.objects.filter(community_id__in=ids)
        .values_list("community_id", Value(CONGRESS))
        .order_by()
    )
    regional = (
        RegionalBranch.objects.filter(conference__community_id__in=ids)
        .values_list("conference__community_id", Value(REGIONAL_BRANCH))
        .order_by()
    )
    found: dict[int, set[str]] = defaultdict(set)
    for community_id, kind in committees.union(conferences, regional, all=True):
        found[community_id].add(kind)
    return found


def _group_days(ids: Any) -> dict[int, list[dt.date | None]]:
    """Per community: the 成立日期 of each active 党小组 below it (under one of its branches or
    directly under it), one query; None for a group whose date is not recorded."""
    found: dict[int, list[dt.date | None]] = defaultdict(list)
    rows = (
        Organization.objects.filter(kind=OrganizationKind.GROUP, is_active=True)
        .filter(Q(parent_id__in=ids) | Q(parent__parent_id__in=ids))
        .values_list("parent_id", "parent__parent_id", "established_on")
    )
    for parent, grandparent, founded in rows:
        for holder in {parent, grandparent} - {None}:
            found[holder].append(founded)
    return found


def has_groups_on(founded: list[dt.date | None], day: dt.date) -> bool:
    """Whether a 党小组 existed below the community on `day` (one of unknown date always did)."""
    return any(date is None or date <= day for date in founded)


def _rows_of(
    organization: Organization,
    owed: list[Requirement],
    held: dict[tuple[int, str], dict[int, int]],
    year: int,
    as_of: dt.date,
    groups: list[dt.date | None] | None = None,
) -> list[ComplianceRow]:
    rows = []
    founded = organization.established_on
    for requirement in owed:
        by_month = held.get((organization.pk, requirement.kind), {})
        for period in periods_of(year, requirement.unit):
            if period.start > as_of:
                break
            if founded is not None and period.end < founded:
                continue  # it did not exist yet; the period it was founded in owes its meeting
            # Whether a 党小组 existed matters only to a requirement with a condition (the
            # community's 总支党员大会): 180,000 periods of a sub-district are not asked it.
            if requirement.condition and not requirement_applies(
                requirement, has_groups=has_groups_on(groups or [], min(period.end, as_of))
            ):
                continue
            count = (
                sum(n for m, n in by_month.items() if period.start.month <= m <= period.end.month)
                if by_month
                else 0
            )
            status = compliance_status(
                required=requirement.count, held=count, period_end=period.end, as_of=as_of
            )
            rows.append(
                ComplianceRow(
                    organization.pk,
                    organization.code,
                    organization.name,
                    requirement.kind,
                    period,
                    requirement.count,
                    count,
                    status,
                )  # fmt: skip
            )
    return rows


def compliance_list(
    organizations: QuerySet[Organization], year: int, as_of: dt.date
) -> list[OrganizationCompliance]:
    """Each organization's status for `year` as of `as_of`, in a fixed number of queries. The
    organizations are read first: a page's few are then named by id in each query (the indexes
    on the organization columns used), a whole scope's are a subquery."""
    orgs = list(compliance_organizations(organizations))
    ids: Any = [organization.pk for organization in orgs]
    if len(ids) > IDS_NAMED:
        ids = compliance_organizations(organizations).values("pk")
    held = _held_by_month(ids, year, as_of)
    members = _members(ids, as_of)
    joint = _joint_kinds(ids)
    groups = _group_days(ids)
    in_service = _in_service_rates(ids, year, as_of)
    reviews = _reviews(ids, year - 1)
    found = []
    for organization in orgs:
        counts = members.get(organization.pk, (0, 0))
        owed = _requirements_of(organization, counts, joint[organization.pk])
        rows = _rows_of(organization, owed, held.by_month, year, as_of, groups.get(organization.pk))
        entry = OrganizationCompliance(organization, rows)
        entry.attendance_rate = rate(held.present[organization.pk], held.expected[organization.pk])
        entry.in_service_rate = in_service.get(organization.pk)
        entry.reviewed, entry.to_review = reviews.get(organization.pk, (0, 0))
        found.append(entry)
    return found


def is_due(row: ComplianceRow, as_of: dt.date, days: int) -> bool:
    """In progress and its period ends within `days`: what the reminders remind of."""
    return row.status == Status.IN_PROGRESS and is_due_soon(row.period.end, as_of, days)


class ComplianceSummary(NamedTuple):
    """One organization's counts, small enough to keep a whole sub-district's in the cache
    (6,000 of them; the rows themselves are built again only for the page that shows them)."""

    pk: int
    overdue: int
    in_progress: int
    done: int
    due_soon: int


def compliance_summary_list(
    organizations: QuerySet[Organization], year: int, as_of: dt.date, days: int
) -> list[ComplianceSummary]:
    """Per organization, in code order: its rows counted by status, and those due within
    `days` (the reminders' window)."""
    found = []
    for entry in compliance_list(organizations, year, as_of):
        due = sum(1 for row in entry.rows if is_due(row, as_of, days))
        found.append(
            ComplianceSummary(
                entry.organization.pk, entry.overdue, entry.in_progress, entry.done, due
            )
        )
    return found


def compliance_rows(entries: list[OrganizationCompliance]) -> list[ComplianceRow]:
    return [row for entry in entries for row in entry.rows]


def _in_service_rates(ids: Any, year: int, as_of: dt.date) -> dict[int, int | None]:
    """Per organization: in-service members' attendance of its activities (%, against 50%, 003),
    from the recorded attendance (an imported ledger has counts, not names)."""
    expected = Q(is_guest=False) & ~Q(status=AttendanceStatus.EXCUSED)
    in_service = Exists(
        Member.categories.through.objects.filter(
            member_id=OuterRef("member_id"), membercategory__code=Category.IN_SERVICE
        )
    )
    rows = (
        Attendance.objects.filter(
            meeting__organization_id__in=ids,
            meeting__held_on__year=year,
            meeting__held_on__lte=as_of,
        )
        .filter(expected, in_service)
        .values("meeting__organization_id")
        .annotate(
            expected=Count("id"), present=Count("id", filter=Q(status=AttendanceStatus.PRESENT))
        )
        .order_by()
    )
    return {row["meeting__organization_id"]: rate(row["present"], row["expected"]) for row in rows}


def _reviews(ids: Any, year: int) -> dict[int, tuple[int, int]]:
    """Per branch: members reviewed in `year`'s 民主评议, of those who take part (members app)."""
    rows = (
        Member.objects.on_roster(dt.date(year, 12, 31))
        .current()
        .filter(branch_id__in=ids)
        .values("branch_id")
        .annotate(
            total=Count("id", distinct=True),
            reviewed=Count("id", filter=Q(reviews__year=year), distinct=True),
        )
        .order_by()
    )
    return {row["branch_id"]: (row["reviewed"], row["total"]) for row in rows}


def due_rows(
    entries: list[OrganizationCompliance], as_of: dt.date, days: int
) -> tuple[list[ComplianceRow], list[ComplianceRow]]:
    """(due within `days`, overdue): what the reminders and the workbench show."""
    rows = compliance_rows(entries)
    due = [row for row in rows if is_due(row, as_of, days)]
    overdue = [r for r in rows if r.status == Status.OVERDUE]
    return due, overdue


def monthly_trend(
    organizations: QuerySet[Organization], year: int, as_of: dt.date
) -> list[tuple[int, int, int | None]]:
    """(month, meetings held with their quorum, attendance %) for each month begun by `as_of`,
    in one query: the compliance page's trend chart."""
    ids = compliance_organizations(organizations).values("pk")
    rows = (
        Meeting.objects.filter(organization_id__in=ids, held_on__year=year, held_on__lte=as_of)
        .annotate(month=ExtractMonth("held_on"))
        .values("month")
        .annotate(
            held=Count("id", filter=Q(is_quorate=True)),
            expected=Sum("expected_count"),
            present=Sum("present_count"),
        )
        .order_by("month")
    )
    by_month = {row["month"]: row for row in rows}
    last = 12 if as_of.year > year else (as_of.month if as_of.year == year else 0)
    trend = []
    for month in range(1, last + 1):
        row = by_month.get(month) or {"held": 0, "expected": 0, "present": 0}
        trend.append((month, row["held"], rate(row["present"] or 0, row["expected"] or 0)))
    return trend
