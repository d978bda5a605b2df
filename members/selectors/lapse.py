"""自行脱党 flags (党章 第九条; 002 社区党员管理制度 8, 党费 第十三条, 流动党员管理办法 四) from what
the participation providers answer (members/participation.py): the 处置提示 of DOMAIN.md.

Each of the three conditions alone flags a member for the branch meeting to decide: six consecutive
months without paying dues, without organizational life, or without doing the work the Party
assigned. They are judged only where the system holds the records, never from their absence: from
the later of the member's start in the branch and the first record of the branch (DOMAIN.md). A
phone call clears none of them; an outflowing member's organizational life where they are counts
when the branch records it (the 活动证's entries). A raised flag stands until the branch records its
decision (LapseDecision); the condition is judged again from the day after. A condition whose
records no app provides is not checked, and the report says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from organizations.scope import within

from .. import participation
from ..models import (
    FloatingRecord,
    LapseDecision,
    Member,
    MembershipTransfer,
    StandingSuspension,
)
from ..models.member import MemberQuerySet
from ..models.records import FloatingLifeEntry, TransferDirection, TransferState
from ..participation import Answer, Fact
from ..rules import (
    SELF_LAPSE_MONTHS,
    FloatingDirection,
    LapseCondition,
    Run,
    longest_absence,
    longest_unperformed_run,
    months_after,
)
from .floating import temporary_group_life_days

FACTS: dict[str, Fact] = {
    LapseCondition.DUES: participation.DUES_ARREARS,
    LapseCondition.LIFE: participation.ORGANIZATIONAL_LIFE_DAYS,
    LapseCondition.WORK: participation.ASSIGNED_WORK_LAST,
}
LAPSE_REPORT_HEADERS = ("姓名", "所在党组织", "条件", "起始月份", "月数")


# --- from when a member is judged -----------------------------------------------------------------
@dataclass(frozen=True)
class JudgedFrom:
    """A member's start in the branch for one condition: organizational life is judged from
    `day`, dues from `month` (its 1st)."""

    day: dt.date
    month: dt.date


def _month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def judged_from(
    member_ids: Collection[int] | QuerySet[Any], condition: str, *, today: dt.date | None = None
) -> dict[int, JudgedFrom]:
    """From when each member is judged on `condition`: the latest of 入党日期 (a member of the
    roster import is in the branch since then), a transfer in received by their branch, the
    上级党委's approval of a new 预备党员 (dues from the month after) and the branch's last
    decision on the condition (from the day after) and a restored 党籍 (from its restoration).
    Five queries, and the approval's provider. `member_ids` may be a queryset of members: the
    database reads it as a subquery (a scope of 100,000 members: cheaper than their ids)."""
    day = today or timezone.localdate()
    if isinstance(member_ids, QuerySet):
        chosen = member_ids.values("pk")

        def among(lookup: str) -> Q:
            return Q(**{f"{lookup}__in": chosen})
    else:
        sent = frozenset(member_ids)

        def among(lookup: str) -> Q:  # the ids as one parameter (organizations.scope.within)
            return within(lookup, sent)

    found = {
        pk: JudgedFrom(joined_on, _month_of(joined_on))
        for pk, joined_on in Member.objects.filter(among("pk")).values_list("pk", "joined_on")
    }
    transfers = (
        MembershipTransfer.objects.filter(
            among("member_id"),
            direction=TransferDirection.IN,
            state=TransferState.RECEIVED,
            branch_id=F("member__branch_id"),
        )
        .values("member_id")
        .annotate(last=Max("received_on"))
        .order_by()
    )
    starts = [(row["member_id"], row["last"], _month_of(row["last"])) for row in transfers]
    ids = list(found)
    approved = participation.ask(participation.PROBATION_APPROVED_ON, ids, start=None, end=day)
    for pk, on in (approved.values if approved else {}).items():
        starts.append((pk, on, _month_of(months_after(on, 1))))
    decisions = (
        LapseDecision.objects.filter(among("member_id"), condition=condition, decided_on__lte=day)
        .values("member_id")
        .annotate(last=Max("decided_on"))
        .order_by()
    )
    for row in decisions:
        after = row["last"] + dt.timedelta(days=1)
        starts.append((row["member_id"], after, _month_of(months_after(row["last"], 1))))
    restored = (
        StandingSuspension.objects.filter(among("member_id"), restored_on__lte=day)
        .values("member_id")
        .annotate(last=Max("restored_on"))
        .order_by()
    )
    for row in restored:  # a restored standing is judged again from its restoration
        starts.append((row["member_id"], row["last"], _month_of(row["last"])))
    for pk, start_day, start_month in starts:
        if (current := found.get(pk)) is not None:
            found[pk] = JudgedFrom(max(current.day, start_day), max(current.month, start_month))
    return found


# --- the report -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LapseRow:
    member: Member
    condition: LapseCondition
    run: Run

    def cells(self) -> tuple[str, str, str, str, int]:
        """The row as the 处置提示 export writes it (DOMAIN.md)."""
        return (
            self.member.name,
            self.member.branch.code,
            self.condition.label,
            f"{self.run.first:%Y-%m}",
            self.run.months,
        )


@dataclass
class LapseReport:
    today: dt.date
    checked: list[str] = field(default_factory=list)
    unchecked: list[tuple[str, str]] = field(default_factory=list)  # (condition, missing records)
    rows: list[LapseRow] = field(default_factory=list)
    errors: list[tuple[Member, str]] = field(default_factory=list)  # not judged: data errors

    def summary(self) -> str:
        checked = "、".join(self.checked) or "无"
        text = f"已核查：{checked}。"
        if self.unchecked:
            missing = "；".join(
                f"{label}（{records}尚未接入本系统）" for label, records in self.unchecked
            )
            text += f"尚不能核查：{missing}。"
        return text


def self_lapse_report(*, members: MemberQuerySet, today: dt.date | None = None) -> LapseReport:
    """One row per current member of `members` and condition met on `today` (ordered by branch
    code, then name), with the conditions that could not be checked and the members whose dues
    are a data error. A fixed number of queries whatever the number of members."""
    day = today or timezone.localdate()
    report = LapseReport(today=day)
    for condition, fact in FACTS.items():
        label = f"连续{SELF_LAPSE_MONTHS}个月{LapseCondition(condition).label}"
        if participation.is_registered(fact):
            report.checked.append(label)
        else:
            report.unchecked.append((label, fact.records))
    people = list(
        members.current()
        .filter(joined_on__lte=day)
        .exclude(pk__in=StandingSuspension.objects.stopped_on(day).values("member_id"))
        .select_related("branch")
        .order_by("branch__code", "name", "pk")
    )
    ids = [member.pk for member in people]
    runs = {
        LapseCondition.DUES: _dues_runs(ids, day, report, people),
        LapseCondition.LIFE: _absence_runs(ids, day, LapseCondition.LIFE, _outflow_days(ids, day)),
        LapseCondition.WORK: _work_runs(ids, day),
    }
    for member in people:
        for condition in LapseCondition:
            run = runs[condition].get(member.pk)
            if run is not None and run.months >= SELF_LAPSE_MONTHS:
                report.rows.append(LapseRow(member, condition, run))
    return report


def _dues_runs(
    ids: list[int], day: dt.date, report: LapseReport, people: list[Member]
) -> dict[int, Run]:
    answer = participation.ask(participation.DUES_ARREARS, ids, start=None, end=day)
    if answer is None:
        return {}
    report.errors = [(m, answer.errors[m.pk]) for m in people if m.pk in answer.errors]
    return {pk: run for pk, run in answer.values.items() if run is not None}


def _absence_runs(
    ids: list[int], day: dt.date, condition: str, extra: dict[int, list[dt.date]]
) -> dict[int, Run]:
    """The longest stretch without the records' days of each member whose branch keeps named
    records (`since`), from the later of that and the member's start."""
    answer = participation.ask(FACTS[condition], ids, start=None, end=day)
    if answer is None:
        return {}
    starts = judged_from(ids, condition, today=day)
    found = {}
    for pk, start in starts.items():
        records_since = _records_since(answer, pk, extra)
        if records_since is None:
            continue
        days = _days(answer.values.get(pk)) + extra.get(pk, [])
        if run := longest_absence(days, start=max(start.day, records_since), today=day):
            found[pk] = run
    return found


def _work_runs(ids: list[int], day: dt.date) -> dict[int, Run]:
    """不做党所分配的工作 only where the records prove it: the longest stretch a review graded
    未履职 covers (members.selectors.work.assigned_work), from the member's start. Unlike
    organizational life, a stretch without records proves nothing: a post is reviewed once a
    year and a member with no post owes no assigned work, so the absence of a record of work
    done is never a run."""
    answer = participation.ask(participation.ASSIGNED_WORK_LAST, ids, start=None, end=day)
    if answer is None:
        return {}
    starts = judged_from(ids, LapseCondition.WORK, today=day)
    found = {}
    for pk, work in answer.values.items():
        if pk not in starts:
            continue
        start = max(starts[pk].day, answer.since.get(pk, starts[pk].day))
        run = longest_unperformed_run(list(work.not_done), list(work.done), start=start, today=day)
        if run is not None:
            found[pk] = run
    return found


def _records_since(answer: Answer, pk: int, extra: dict[int, list[dt.date]]) -> dt.date | None:
    """The first day the records of a member's branch cover; for an outflowing member whose
    branch has none, the first entry of their 活动证."""
    since = answer.since.get(pk, answer.recorded_since)
    if since is None and extra.get(pk):
        return min(extra[pk])
    return since


def _days(value: object) -> list[dt.date]:
    if value is None:
        return []
    if isinstance(value, dt.date):
        return [value]
    return list(value)  # type: ignore[call-overload]


def _outflow_days(member_ids: list[int], day: dt.date) -> dict[int, list[dt.date]]:
    """The organizational life of members out on a current outflow, as their 活动证's entries
    recorded by the branch say, and of those named in their 临时党小组's reports home."""
    out = FloatingRecord.objects.current().filter(
        member_id__in=member_ids, direction=FloatingDirection.OUTFLOW
    )
    found: dict[int, list[dt.date]] = {}
    for member_id, held_on in FloatingLifeEntry.objects.filter(
        floating_record__in=out, held_on__lte=day
    ).values_list("floating_record__member_id", "held_on"):
        found.setdefault(member_id, []).append(held_on)
    for member_id, days in temporary_group_life_days(member_ids, day).items():
        found.setdefault(member_id, []).extend(days)
    return found


def lapse_dataset(report: LapseReport) -> Any:
    """The 处置提示 export (DOMAIN.md): `姓名, 所在党组织, 条件, 起始月份, 月数`."""
    import tablib

    dataset = tablib.Dataset(headers=list(LAPSE_REPORT_HEADERS), title="处置提示")
    for row in report.rows:
        dataset.append(row.cells())
    return dataset
