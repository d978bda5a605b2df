"""Reads of the publicity app: the public site's pages (only what is published and running, only
the public fields) and the printouts of a notice. Each read runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from members.participation import Answer
from members.selectors.dual import BoardEntry, supervision_board_list
from organizations.models import Organization
from organizations.rules import COMMUNITY_KINDS

from . import rules
from .models import BoardItem, DevelopmentCase, DevelopmentStep, Notice, Opinion


def _dues_publication_source() -> Callable[[int], list[Any]] | None:
    """党费收缴公示 comes from the finance app, through its selector, when finance provides one
    (issue 11 adds `finance.selectors.dues_publication_list(community_id)`). Until then the
    board simply has no dues section."""
    try:
        module = importlib.import_module("finance.selectors")
    except ImportError:
        return None
    return getattr(module, "dues_publication_list", None)


# --- the public site --------------------------------------------------------------------------------
def probation_approved_on(
    member_ids: Collection[int], start: dt.date | None, end: dt.date
) -> Answer:
    """The PROBATION_APPROVED_ON fact (members/participation.py): the day the 上级党委 approved
    each member as a 预备党员 (step 17), where their development case is recorded. One query."""
    found = DevelopmentStep.objects.filter(
        case__member_id__in=list(member_ids), number=rules.APPROVAL, date__lte=end
    ).values_list("case__member_id", "date")
    return Answer(dict(found))


def public_community_list(today: dt.date) -> list[Organization]:
    """Every community, each with `notice_count` (its running notices): one query."""
    running = Q(
        notices__published_at__isnull=False,
        notices__starts_on__lte=today,
        notices__ends_on__gte=today,
    )
    return list(
        Organization.objects.filter(kind__in=COMMUNITY_KINDS)
        .annotate(notice_count=Count("notices", filter=running))
        .only("pk", "name", "code", "kind")
        .order_by("code")
    )


def public_community_get(code: str) -> Organization | None:
    return (
        Organization.objects.filter(kind__in=COMMUNITY_KINDS, code=code)
        .only("pk", "name", "code", "kind")
        .first()
    )


def public_notices(community: Organization, today: dt.date) -> QuerySet[Notice]:
    """The community's running notices, with the public fields only."""
    return (
        Notice.objects.running_on(today)
        .filter(community=community)
        .only("pk", "community_id", "published_at", *Notice.PUBLIC_FIELDS)
        .order_by("ends_on", "pk")
    )


def public_notice_get(pk: int, today: dt.date) -> Notice | None:
    return (
        Notice.objects.running_on(today)
        .select_related("community")
        .only("pk", "published_at", "community__name", "community__code", *Notice.PUBLIC_FIELDS)
        .filter(pk=pk)
        .first()
    )


@dataclass
class PublicBoard:
    community: Organization
    notices: list[Notice]
    items: list[BoardItem]
    supervision: list[BoardEntry]
    dues: list[Any] = field(default_factory=list)
    has_dues: bool = False


def public_board_get(community: Organization, today: dt.date) -> PublicBoard:
    """A community's board: running notices, the 监督台, 党务公开 items showing today, and the dues
    summary if finance publishes one. Five queries at most."""
    items = list(
        BoardItem.objects.filter(community=community)
        .showing_on(today)
        .only("pk", "kind", "title", "body", "publish_on", "end_on")
        .order_by("-publish_on", "-pk")
    )
    source = _dues_publication_source()
    notices = list(public_notices(community, today))
    for notice in notices:
        notice.left = rules.notice_days_left(notice.ends_on or today, today)  # type: ignore[attr-defined]
    return PublicBoard(
        community=community,
        notices=notices,
        items=items,
        supervision=supervision_board_list(community),
        dues=list(source(community.pk)) if source else [],
        has_dues=source is not None,
    )


# --- the record book ------------------------------------------------------------------------------
@dataclass
class RecordBook:
    notice: Notice
    opinions: list[Opinion]
    open_count: int


def record_book_get(notice: Notice) -> RecordBook:
    opinions = list(notice.opinions.order_by("received_at", "pk"))
    return RecordBook(notice, opinions, sum(1 for o in opinions if not o.is_closed))


# --- 发展党员台账 -------------------------------------------------------------------------------------
@dataclass
class LedgerRow:
    case: DevelopmentCase
    dates: dict[int, dt.date]
    next_step: rules.NextStep | None

    @property
    def key_dates(self) -> list[dt.date | None]:
        return [self.dates.get(number) for number in LEDGER_STEPS]


LEDGER_STEPS = (
    rules.APPLICATION, rules.ACTIVIST, rules.CANDIDATE, rules.ACCEPTANCE_MEETING, rules.APPROVAL,
    rules.FULL_APPROVAL,
)  # fmt: skip


def development_ledger_list(organization: Organization, *, reader: Any) -> list[LedgerRow]:
    """Every case held in `organization` and below that `reader` sees (None: no limit), with
    its key dates: three queries."""
    ids = [o.pk for o in organization.descendants(include_self=True)]
    cases = DevelopmentCase.objects.filter(branch_id__in=ids)
    if reader is not None:
        cases = cases.visible_to(reader)
    cases = (
        cases.select_related("branch").prefetch_related("steps").order_by("branch__code", "name")
    )
    rows = []
    for case in cases:
        steps: list[DevelopmentStep] = list(case.steps.all())
        rows.append(LedgerRow(case, {s.number: s.date for s in steps}, case.next_step()))
    return rows
