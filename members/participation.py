"""What the records of higher apps will say about members' participation, asked from here.

The 自行脱党 flags (002: six consecutive months without paying dues, OR without organizational
life, OR without doing the work the Party assigned) and the 量化考核 pre-fill need dues and meeting
records, which the members app does not keep: finance keeps dues, activities keeps meetings, and
apps only import downwards. So the members app names the facts it needs (`Fact`), and a higher app
answers one by declaring its provider on its AppConfig (kit/apps.py), by the fact's code:

    class FinanceConfig(PartyAppConfig):
        participation_facts = {"dues_arrears": "finance.selectors.dues_arrears"}

MembersConfig.ready() registers every declared provider (`register_declared`); a code that names
no fact below, or a fact two apps answer, stops the start.

A provider is called once for all the members of a list, never once per member:
`provider(member_ids, start, end)` answers in one query with an `Answer`: for each member it has
records of, the value, and the first day its records cover, for all (`recorded_since`) or per
member (`since`). The 自行脱党 flags are judged only where the records are held, never from their
absence (DOMAIN.md): a member whose branch has no records is not judged. `start` is None for the
自行脱党 facts; for the yearly ones it is 1 January.

A fact no app has registered cannot be checked: the pages that use it say so, in Chinese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Fact:
    """Something a higher app's records answer about each member."""

    code: str
    label: str  # what is checked, as the pages say it
    records: str  # which records answer it, as the pages say it


# For the 自行脱党 flags. DUES_ARREARS: for each member whose dues are judged, the longest run of
# consecutive owed months left unsettled (a `Run`, or None), and in `errors` the members whose
# dues cannot be computed. ORGANIZATIONAL_LIFE_DAYS: the days each member took part, and in
# `since` the first day of their branch's named attendance records (no key: none; not judged).
DUES_ARREARS = Fact("dues_arrears", "交纳党费", "党费收缴记录")
ORGANIZATIONAL_LIFE_DAYS = Fact("organizational_life_days", "参加组织生活", "组织生活签到记录")
ASSIGNED_WORK_LAST = Fact("assigned_work_last", "做党组织分配的工作", "党组织分配工作的记录")
# The day the 上级党委 approved a new 预备党员 (step 17), where the development records hold it.
PROBATION_APPROVED_ON = Fact("probation_approved_on", "上级党委审批日期", "发展党员记录")
# For the 量化考核 pre-fill, per member over one year.
DUES_OVERDUE_MONTHS = Fact("dues_overdue_months", "逾期未交党费的月数", "党费收缴记录")
ORGANIZATIONAL_LIFE_RATE = Fact(
    "organizational_life_rate", "参加支部大会、党小组会、组织生活会的比例（%）", "组织生活签到记录"
)
LECTURES_MISSED = Fact("lectures_missed", "缺席党课次数（不含出差、病事假）", "党课签到记录")
# For the 党员写实档案, per member over one year: the meetings they were listed at, each a
# `MeetingLine` (date, kind, topic, status as the pages say them), in date order.
MEETINGS_LISTED = Fact("meetings_listed", "参加的会议和活动", "会议签到记录")


@dataclass(frozen=True)
class MeetingLine:
    held_on: dt.date
    kind: str
    topic: str
    status: str


FACTS = {
    fact.code: fact
    for fact in (
        DUES_ARREARS,
        ORGANIZATIONAL_LIFE_DAYS,
        ASSIGNED_WORK_LAST,
        PROBATION_APPROVED_ON,
        DUES_OVERDUE_MONTHS,
        ORGANIZATIONAL_LIFE_RATE,
        LECTURES_MISSED,
        MEETINGS_LISTED,
    )
}


@dataclass(frozen=True)
class Answer:
    values: Mapping[int, Any] = field(default_factory=dict)
    recorded_since: dt.date | None = None
    since: Mapping[int, dt.date] = field(default_factory=dict)  # per member, where it differs
    errors: Mapping[int, str] = field(default_factory=dict)  # per member: why not judged


Provider = Callable[[Collection[int], dt.date | None, dt.date], Answer]


class ProviderError(Exception):
    """A fact was registered twice, or unregistered without being registered."""


_providers: dict[str, Provider] = {}


def register(fact: Fact, provider: Provider) -> None:
    """Answer `fact` with `provider` (once per fact, from an AppConfig.ready())."""
    if fact.code in _providers:
        raise ProviderError(f"“{fact.label}”已经登记了数据来源。")
    _providers[fact.code] = provider


def register_declared() -> None:
    """Every provider the apps declare (`participation_facts`), imported now; each fact once."""
    from django.core.exceptions import ImproperlyConfigured

    from kit.apps import declared, resolve

    seen: dict[str, str] = {}
    for app, facts in declared("participation_facts"):
        for code, path in facts.items():
            if code not in FACTS:
                raise ImproperlyConfigured(f"{app.label}声明的参与情况“{code}”不存在。")
            if code in seen:
                raise ImproperlyConfigured(
                    f"“{FACTS[code].label}”由{seen[code]}和{app.label}重复提供。"
                )
            seen[code] = app.label
            if not is_registered(FACTS[code]):  # ready() may run again (a test's override)
                register(FACTS[code], resolve(path))


def unregister(fact: Fact) -> None:
    if _providers.pop(fact.code, None) is None:
        raise ProviderError(f"“{fact.label}”没有登记数据来源。")


def is_registered(fact: Fact) -> bool:
    return fact.code in _providers


def registered_facts() -> list[str]:
    return sorted(_providers)


def ask(
    fact: Fact, member_ids: Collection[int], *, start: dt.date | None, end: dt.date
) -> Answer | None:
    """The registered provider's answer for all `member_ids` at once; None if none is registered."""
    provider = _providers.get(fact.code)
    if provider is None:
        return None
    return provider(member_ids, start, end) if member_ids else Answer()
