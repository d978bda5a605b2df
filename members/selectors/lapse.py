"""自行脱党 flags (002 社区党员管理制度 8, 流动党员管理制度 五) from what the participation
providers answer (members/participation.py).

Each of the three conditions alone flags a member for the branch meeting to decide: six consecutive
months without paying dues, without organizational life, or without doing the work the Party
assigned. A phone call clears none of them. A member out on an outflow takes part in
organizational life where they are, which the home branch's records do not show: for them the
organizational-life condition is the floating rule instead, more than six months with no
organizational life AND no contact. A condition whose records no app provides is not checked, and
the report says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from .. import participation
from ..models import FloatingRecord, Member
from ..models.member import MemberQuerySet
from ..participation import Answer, Fact
from ..rules import (
    SELF_LAPSE_MONTHS,
    FloatingDirection,
    absent_for,
    floating_needs_handling,
    unpaid_months,
)

LAST_FACTS = (
    participation.DUES_LAST_PAID,
    participation.ORGANIZATIONAL_LIFE_LAST,
    participation.ASSIGNED_WORK_LAST,
)


def _conditions() -> list[tuple[str, Fact]]:
    """Each condition as the page names it, with the fact that answers it."""
    months, floating = SELF_LAPSE_MONTHS, settings.FLOATING_NO_CONTACT_MONTHS
    return [
        (f"连续{months}个月不交纳党费", participation.DUES_LAST_PAID),
        (f"连续{months}个月不参加组织生活", participation.ORGANIZATIONAL_LIFE_LAST),
        (f"连续{months}个月不做党组织分配的工作", participation.ASSIGNED_WORK_LAST),
        (
            f"流动党员{floating}个月以上不参加组织生活、不与党组织联系",
            participation.ORGANIZATIONAL_LIFE_LAST,
        ),
    ]


@dataclass(frozen=True)
class LapseRow:
    member: Member
    reasons: list[str]


@dataclass
class LapseReport:
    today: dt.date
    checked: list[str] = field(default_factory=list)
    unchecked: list[tuple[str, str]] = field(default_factory=list)  # (condition, missing records)
    rows: list[LapseRow] = field(default_factory=list)

    def summary(self) -> str:
        checked = "、".join(self.checked) or "无"
        if not self.unchecked:
            return f"已核查：{checked}。"
        missing = "；".join(
            f"{label}（{records}尚未接入本系统）" for label, records in self.unchecked
        )
        return f"已核查：{checked}。尚不能核查：{missing}。"


def self_lapse_report(*, members: MemberQuerySet, today: dt.date | None = None) -> LapseReport:
    """The current members of `members` that a condition flags, with the reasons. Two queries,
    and one per registered provider, whatever the number of members."""
    day = today or timezone.localdate()
    report = LapseReport(today=day)
    for label, fact in _conditions():
        if participation.is_registered(fact):
            report.checked.append(label)
        else:
            report.unchecked.append((label, fact.records))
    people = list(members.current().select_related("branch").order_by("branch__code", "name", "pk"))
    ids = [member.pk for member in people]
    contacts = _outflow_contacts(ids)
    answers = {fact.code: participation.ask(fact, ids, start=None, end=day) for fact in LAST_FACTS}
    for member in people:
        if reasons := _reasons(member, answers, contacts.get(member.pk), day):
            report.rows.append(LapseRow(member, reasons))
    return report


def _outflow_contacts(member_ids: list[int]) -> dict[int, dt.date]:
    """The latest contact of each member now out on an outflow."""
    found = (
        FloatingRecord.objects.current()
        .filter(member_id__in=member_ids, direction=FloatingDirection.OUTFLOW)
        .values("member_id")
        .annotate(last=Max("last_contact_on"))
        .order_by()
    )
    return {row["member_id"]: row["last"] for row in found}


def _counted_from(member: Member, answer: Answer) -> dt.date:
    """A member without a record is counted from joining, or from the records' first day."""
    return max(member.joined_on, answer.recorded_since or member.joined_on)


def _reasons(
    member: Member,
    answers: dict[str, Answer | None],
    last_contact_on: dt.date | None,
    today: dt.date,
) -> list[str]:
    reasons = []
    if (dues := answers[participation.DUES_LAST_PAID.code]) is not None:
        reasons += _dues_reason(member, dues, today)
    if (life := answers[participation.ORGANIZATIONAL_LIFE_LAST.code]) is not None:
        if last_contact_on is None:
            reasons += _absence_reason(member, life, today, "未参加组织生活")
        else:
            reasons += _floating_reason(member, life, last_contact_on, today)
    if (work := answers[participation.ASSIGNED_WORK_LAST.code]) is not None:
        reasons += _absence_reason(member, work, today, "未做党组织分配的工作")
    return reasons


def _dues_reason(member: Member, answer: Answer, today: dt.date) -> list[str]:
    last = answer.values.get(member.pk)
    owed_from = _counted_from(member, answer)
    months = unpaid_months(last, owed_from=owed_from, today=today)
    if months < SELF_LAPSE_MONTHS:
        return []
    since = (
        f"最近交纳：{last.year}年{last.month}月"
        if last
        else f"{owed_from:%Y-%m-%d}以来没有交纳记录"
    )
    return [f"连续{months}个月未交纳党费（{since}）"]


def _absence_reason(member: Member, answer: Answer, today: dt.date, what: str) -> list[str]:
    last = answer.values.get(member.pk)
    start = last or _counted_from(member, answer)
    if not absent_for(start, today=today, months=SELF_LAPSE_MONTHS):
        return []
    since = f"最近一次：{last:%Y-%m-%d}" if last else f"{start:%Y-%m-%d}以来没有记录"
    return [f"{SELF_LAPSE_MONTHS}个月以上{what}（{since}）"]


def _floating_reason(
    member: Member, life: Answer, last_contact_on: dt.date, today: dt.date
) -> list[str]:
    months = settings.FLOATING_NO_CONTACT_MONTHS
    last_life = life.values.get(member.pk) or _counted_from(member, life)
    if not floating_needs_handling(
        last_life_on=last_life, last_contact_on=last_contact_on, today=today, months=months
    ):
        return []
    return [
        f"外出流动{months}个月以上不参加组织生活、不与党组织联系"
        f"（最近联系：{last_contact_on:%Y-%m-%d}）"
    ]
