"""Pure rules of the organization tree and the joint committee: no database, no request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models


class OrganizationKind(models.TextChoices):
    # 区委组织部 (县/区委组织部): the county or district organization department above the
    # sub-districts (issue 25); it supervises them and keeps no members of its own.
    DISTRICT = "district", "区委组织部"
    SUB_DISTRICT = "sub_district", "街道党工委"
    COMMUNITY_COMMITTEE = "community_committee", "社区党委"
    COMMUNITY_GENERAL_BRANCH = "community_general_branch", "社区党总支"
    BRANCH = "branch", "党支部"
    GROUP = "group", "党小组"
    UNIT_ORG = "unit_org", "单位党组织"


COMMUNITY_KINDS = frozenset(
    {OrganizationKind.COMMUNITY_COMMITTEE, OrganizationKind.COMMUNITY_GENERAL_BRANCH}
)

# Which kind may sit under which. None stands for "no parent" (a root of the tree). The 区委组织部
# is a root above the sub-districts, and only sub-districts sit under it; a sub-district may still
# be a root of its own (a system for one sub-district). A branch may sit directly under the
# sub-district (DOMAIN.md); a workplace's party organization is a root of its own, linked to
# communities through its unit rather than placed under them.
ALLOWED_PARENT_KINDS: dict[str, frozenset[str | None]] = {
    OrganizationKind.DISTRICT: frozenset({None}),
    OrganizationKind.SUB_DISTRICT: frozenset({None, OrganizationKind.DISTRICT}),
    OrganizationKind.COMMUNITY_COMMITTEE: frozenset({OrganizationKind.SUB_DISTRICT}),
    OrganizationKind.COMMUNITY_GENERAL_BRANCH: frozenset({OrganizationKind.SUB_DISTRICT}),
    OrganizationKind.BRANCH: frozenset(
        {OrganizationKind.SUB_DISTRICT, *COMMUNITY_KINDS, OrganizationKind.UNIT_ORG}
    ),
    OrganizationKind.GROUP: frozenset({OrganizationKind.BRANCH}),
    OrganizationKind.UNIT_ORG: frozenset({None}),
}


def parent_kind_error(kind: str, parent_kind: str | None) -> str | None:
    """Why a node of `kind` may not sit under a node of `parent_kind`, or None if it may."""
    allowed = ALLOWED_PARENT_KINDS[kind]
    if parent_kind in allowed:
        return None
    label = OrganizationKind(kind).label
    kinds = sorted(k for k in allowed if k is not None)
    if parent_kind is None:
        names = "、".join(OrganizationKind(k).label for k in kinds)
        return f"{label}必须有上级党组织，请选择{names}作为上级。"
    parent_label = OrganizationKind(parent_kind).label
    if allowed == {None}:
        return f"{label}是最上级组织，不能设在{parent_label}之下，请清空上级党组织。"
    names = "、".join(OrganizationKind(k).label for k in kinds)
    return f"{label}不能设在{parent_label}之下，上级只能是{names}。"


def children_kind_error(kind: str, child_kinds: Iterable[str]) -> str | None:
    """Why a node with children of `child_kinds` may not become a `kind` (retyping a 党支部 that
    has 党小组 into a 社区党委 would leave the groups under a node they may not sit under)."""
    for child_kind in sorted(child_kinds):
        if parent_kind_error(child_kind, kind) is None:
            continue
        child = OrganizationKind(child_kind).label
        allowed = "、".join(
            OrganizationKind(k).label
            for k in sorted(k for k in ALLOWED_PARENT_KINDS[child_kind] if k)
        )
        return (
            f"该党组织下设有{child}，{child}只能设在{allowed}之下，"
            f"不能把本组织改为{OrganizationKind(kind).label}。"
        )
    return None


class PositionTitle(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANIZATION_MEMBER = "organization_member", "组织委员"
    PUBLICITY_MEMBER = "publicity_member", "宣传委员"
    DISCIPLINE_MEMBER = "discipline_member", "纪检委员"


# Titles held by one person at a time in one organization; a committee may have several 副书记.
SINGLE_HOLDER_TITLES = frozenset(
    {
        PositionTitle.SECRETARY,
        PositionTitle.ORGANIZATION_MEMBER,
        PositionTitle.PUBLICITY_MEMBER,
        PositionTitle.DISCIPLINE_MEMBER,
    }
)

Period = tuple[dt.date, dt.date | None]


def periods_overlap(a: Period, b: Period) -> bool:
    """Whether two date ranges share a day; an open end (None) runs on indefinitely."""
    a_start, a_end = a
    b_start, b_end = b
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def committee_term_error(
    start: dt.date,
    end: dt.date,
    earlier_terms: Iterable[Period],
    *,
    max_years: int,
    max_consecutive_years: int,
    gap_days: int,
) -> str | None:
    """Why a joint-committee member's term is not allowed, or None.

    A term lasts at most `max_years` (its end may fall on that anniversary of its start). Terms
    that follow each other with at most `gap_days` days between them are consecutive (a
    re-appointment a few weeks late does not restart the count); together with the new term they
    may span at most `max_consecutive_years` (004).
    """
    if end < start:
        return "任期结束日期不能早于开始日期。"
    if end > add_years(start, max_years):
        return f"委员每届任期最长{max_years}年，本届最晚应于{add_years(start, max_years):%Y-%m-%d}结束。"
    terms = sorted((s, e) for s, e in earlier_terms if e is not None and s < start)
    chain_start = start
    for term_start, term_end in reversed(terms):
        if term_end >= chain_start - dt.timedelta(days=gap_days + 1):
            chain_start = min(chain_start, term_start)
    limit = add_years(chain_start, max_consecutive_years)
    if end > limit:
        return (
            f"委员可连任，但连续任职最长{max_consecutive_years}年：自{chain_start:%Y-%m-%d}起连续任职，"
            f"本届最晚应于{limit:%Y-%m-%d}结束。"
        )
    return None


# 上级党委 (DOMAIN.md): the nearest 社区党委 or 街道党工委 above a branch admits its candidates
# (发展党员 steps 13, 17, 24; the 公示) and approves its dues reductions; a 社区党总支 is not a 党委
# and is passed over.
APPROVING_COMMITTEE_KINDS = frozenset(
    {OrganizationKind.COMMUNITY_COMMITTEE, OrganizationKind.SUB_DISTRICT}
)


# --- the choices of the models' fields (the models import them from here) --------------------
class UnitKind(models.TextChoices):
    AGENCY = "agency", "机关"
    INSTITUTION = "institution", "事业单位"
    STATE_ENTERPRISE = "state_enterprise", "国有企业"
    PRIVATE_ENTERPRISE = "private_enterprise", "非公企业"
    SCHOOL = "school", "学校"
    SOCIAL_ORGANIZATION = "social_organization", "社会组织"
    OTHER = "other", "其他"


class JointCommitteeKind(models.TextChoices):
    JOINT_MEETING = "joint_meeting", "社区党建联席会"
    BIG_COMMITTEE = "big_committee", "社区大党委"


class CommitteeRole(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    MEMBER = "member", "委员"
