"""党内统计: the yearly party statistics (DOMAIN.md "Import and export", the rows of
rules.STATISTICS_ROWS), every figure counted by the database in three queries whatever the
number of members (one over members, one over transfers, one over organizations), plus the
descent of a chosen organization.

Who is counted: the members whose record was held on 31 December of the year by a 党支部 (or a
单位党组织 working as one) in the reader's people scope (organizations.scope.Scope.people: the
managed tree, or a reviewed unit's tree; never a member who only lives in a managed community),
below the chosen organization if one is given. The models keep the member's present branch, the
day a transfer out was received (`transferred_out_on`) and each received transfer with its date,
so "held on that day by the branch" reads:

- accepted by then: 入党日期 on or before 31 December;
- not gone by then: no transfer out received on or before that day (a transfer out received
  after it still counts the member for that year, in the branch that sent them out);
- held where: the present branch, unless a transfer was received after that day; then the
  earliest such transfer says where the member was: a transfer out names the branch that held
  them; a transfer in means they came after the day (from outside, or in transit from another
  branch), and they are counted nowhere for that year. A member entered with the roster import
  and no transfer counts in the present branch since 入党日期 (DOMAIN.md).

Their sex, 民族, 学历 and categories are the record's present values (the models keep no dated
history of them); ages are on 31 December (`rules.age_on`); 正式/预备 on that day as
`MemberQuerySet.full_on_condition` says (a 正式党员 with no 转正日期 on file: one year after 入党日期).
年内发展党员 and 年内转为正式党员 are among those counted (入党日期, 转正日期 in the year; a member
developed and transferred out within the year is in neither). 年内转入/年内转出 count the transfers
received in the year by the organizations in scope (a move between two of them is one of each);
党支部/党小组 the organizations of that kind in scope that existed on 31 December
(organizations.selectors.organization_counts_on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from organizations.models import Organization
from organizations.rules import OrganizationKind
from organizations.scope import filter_by, scope_of, within
from organizations.selectors import organization_counts_on

from .. import rules
from ..models import Member, MembershipTransfer
from ..models.member import MemberQuerySet
from ..rules import (
    AGE_BANDS,
    CATEGORY_ROWS,
    EDUCATION_ROWS,
    MAJORITY_ETHNICITY,
    STATISTICS_HEADERS,
    STATISTICS_ROWS,
    Gender,
    MemberStatus,
    TransferDirection,
    TransferState,
)

ORGANIZATION_ROWS = {"党支部": OrganizationKind.BRANCH, "党小组": OrganizationKind.GROUP}


@dataclass(frozen=True)
class PartyStatistics:
    """The figures of one year, by row (rules.STATISTICS_ROWS), for an organization (None:
    everything the reader's people scope holds)."""

    year: int
    organization: Organization | None
    figures: dict[str, int]

    @property
    def day(self) -> dt.date:
        return rules.statistics_day(self.year)

    @property
    def headers(self) -> list[str]:
        return list(STATISTICS_HEADERS)

    def rows(self) -> list[list[Any]]:
        """`指标, 数量` in the format's order."""
        return [[label, self.figures[label]] for label in STATISTICS_ROWS]

    def __getitem__(self, label: str) -> int:
        return self.figures[label]

    def summary(self) -> str:
        return (
            f"{self.year}年党内统计（截至{self.day:%Y-%m-%d}）：党员{self['党员总数']}名，"
            f"其中预备党员{self['预备党员']}名；党支部{self['党支部']}个，党小组{self['党小组']}个"
        )


def statistics_organization_ids(reader: Any, organization: Organization | None) -> Any:
    """The organizations whose members and units are counted: the reader's people scope (None,
    the command line: all), below `organization` when one is chosen. None means no limit."""
    people = None if reader is None else scope_of(reader).people
    if organization is None:
        return people
    below = frozenset(Organization.objects.descendant_ids([organization.pk]))
    return below if people is None else below & people


def members_held_on(day: dt.date) -> MemberQuerySet:
    """Members on the roster on `day` annotated with `held_by`, the organization that held
    their record then (None: nowhere here); see the module's docstring."""
    later = MembershipTransfer.objects.filter(
        member_id=OuterRef("pk"), state=TransferState.RECEIVED, received_on__gt=day
    ).order_by("received_on", "pk")
    return (
        Member.objects.filter(joined_on__lte=day)
        .exclude(transferred_out_on__lte=day)
        .annotate(
            next_direction=Subquery(later.values("direction")[:1]),
            next_branch=Subquery(later.values("branch_id")[:1]),
        )
        .annotate(
            held_by=Case(
                When(next_direction__isnull=True, then=F("branch_id")),
                When(next_direction=TransferDirection.OUT, then=F("next_branch")),
                default=Value(None),
                output_field=BigIntegerField(),
            )
        )
    )


def _counts(day: dt.date) -> dict[str, Any]:
    """Each member row's Count, under an ASCII alias (the row's index)."""
    start = dt.date(day.year, 1, 1)
    undated_full = Q(
        full_member_on__isnull=True, joined_on__lte=rules.latest_join_date_full_by(day)
    )
    full = Q(status=MemberStatus.FULL) & (Q(full_member_on__lte=day) | undated_full)
    probationary = Q(status=MemberStatus.PROBATIONARY) | Q(
        Q(full_member_on__gt=day)
        | Q(full_member_on__isnull=True, joined_on__gt=rules.latest_join_date_full_by(day)),
        status=MemberStatus.FULL,
    )
    conditions: dict[str, Any] = {
        "党员总数": Q(),
        "正式党员": full,
        "预备党员": probationary,
        "女党员": Q(gender=Gender.FEMALE),
        "少数民族党员": ~Q(ethnicity__in=(MAJORITY_ETHNICITY, "")),
    }
    for label, lowest, highest in AGE_BANDS:
        after, on_or_before = rules.birth_date_bounds(day, lowest, highest)
        born = Q(birth_date__gt=after) if after else Q()
        conditions[label] = born & (Q(birth_date__lte=on_or_before) if on_or_before else Q())
    for label, values in EDUCATION_ROWS:
        conditions[label] = Q(education__in=values)
    through = Member.categories.through
    for label, code in CATEGORY_ROWS:
        category = through.objects.filter(member_id=OuterRef("pk"), membercategory__code=code)
        conditions[label] = Exists(category)
    conditions["年内发展党员"] = Q(joined_on__gte=start)
    conditions["年内转为正式党员"] = Q(full_member_on__gte=start, full_member_on__lte=day)
    return {
        f"row{STATISTICS_ROWS.index(label)}": Count("pk", filter=condition)
        if condition
        else Count("pk")
        for label, condition in conditions.items()
    }


def party_statistics_get(
    *, year: int, reader: Any, organization: Organization | None = None
) -> PartyStatistics:
    """The figures of `year` for `organization` (None: all) as `reader` may see them (None:
    the command line, no limit)."""
    day = rules.statistics_day(year)
    ids = statistics_organization_ids(reader, organization)
    members = filter_by(
        members_held_on(day).filter(Q(held_by__isnull=False)), within("held_by", ids)
    )
    found = members.aggregate(**_counts(day))
    figures = {label: found.get(f"row{index}") for index, label in enumerate(STATISTICS_ROWS)}
    transfers = filter_by(
        MembershipTransfer.objects.filter(
            state=TransferState.RECEIVED, received_on__gte=dt.date(year, 1, 1), received_on__lte=day
        ),
        within("branch_id", ids),
    ).aggregate(
        came=Count("pk", filter=Q(direction=TransferDirection.IN)),
        left=Count("pk", filter=Q(direction=TransferDirection.OUT)),
    )
    figures["年内转入"], figures["年内转出"] = transfers["came"], transfers["left"]
    units = organization_counts_on(day, tuple(ORGANIZATION_ROWS.values()), ids)
    for label, kind in ORGANIZATION_ROWS.items():
        figures[label] = units[kind]
    return PartyStatistics(year=year, organization=organization, figures=figures)


def statistics_dataset(statistics: PartyStatistics) -> Any:
    """The 党内统计 export (DOMAIN.md): `指标, 数量`, one row per figure in the format's order."""
    import tablib

    dataset = tablib.Dataset(headers=statistics.headers, title="党内统计")
    for row in statistics.rows():
        dataset.append(row)
    return dataset
