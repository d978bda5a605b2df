"""What the records of higher apps show of a community for the 示范小区 evaluation, asked from here.

The evaluation (members/services/showcase.py) pre-fills the standards of 003 that the system's
records answer, but meetings, dues and notices are kept by activities, finance and publicity, which
the members app may not import. So, as with the participation facts (participation.py), each of
those apps declares on its AppConfig the providers of the evidence it holds, by code:

    class ActivitiesConfig(PartyAppConfig):
        showcase_evidence = {"meetings_held": "activities.selectors.showcase.meetings_held"}

A provider is called once for all the communities asked: `provider(community_ids, start, end)`
returns, for each community its records cover, a `Figure`: `count` of `of` (meetings held of those
owed, attendances of those expected, members settled of those judged, quarters met of those
ended), what it says in Chinese, and the admin address of the rows it counted. A community it has
no records of is left out: its standard shows 无数据，请人工评分 (never a pass or a failure from the
absence of records, DOMAIN.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Figure:
    count: int
    of: int
    text: str  # e.g. "应开会议48次，按期召开46次"
    url: str = ""  # the admin list of the rows counted


Provider = Callable[[Collection[int], dt.date, dt.date], Mapping[int, Figure]]

# The evidence the higher apps may declare (the codes of members.rules.SHOWCASE_CHECKS).
EVIDENCE = {
    "meetings_held": "会议落实情况",
    "attendance": "会议签到记录",
    "in_service_attendance": "在职党员签到记录",
    "joint_meeting_quarters": "联席会会议记录",
    "dues_collected": "党费收缴记录",
    "openness_kept": "公示和党务公开记录",
}


def providers() -> dict[str, Provider]:
    """Every provider the apps declare (`showcase_evidence`), each code once."""
    from kit.apps import declared, resolve

    found: dict[str, Provider] = {}
    for app, evidence in declared("showcase_evidence"):
        for code, path in evidence.items():
            if code not in EVIDENCE:
                raise ImproperlyConfigured(f"{app.label}声明的示范小区评审依据“{code}”不存在。")
            if code in found:
                raise ImproperlyConfigured(f"示范小区评审依据“{EVIDENCE[code]}”重复提供。")
            found[code] = resolve(path)
    return found


def ask(
    codes: Collection[str], community_ids: Collection[int], start: dt.date, end: dt.date
) -> dict[str, Mapping[int, Figure] | None]:
    """Each code's figures for all the communities at once; None where no app provides it."""
    declared_providers = providers()
    return {
        code: (
            declared_providers[code](community_ids, start, end)
            if code in declared_providers
            else None
        )
        for code in codes
    }
