"""What the meetings part of the activities app plugs into when the app starts (called from
ActivitiesConfig.ready(); kept here so that the feedback cards' own lines in apps.py stay apart):
the participation facts (members/participation.py) and the 工作台 panel."""

from __future__ import annotations


def connect() -> None:
    from common.dashboard import register
    from members import participation

    from .dashboard import activities_panel
    from .selectors import attendance

    facts = (
        (participation.ORGANIZATIONAL_LIFE_DAYS, attendance.organizational_life_days),
        (participation.ORGANIZATIONAL_LIFE_RATE, attendance.organizational_life_rate),
        (participation.LECTURES_MISSED, attendance.lectures_missed),
    )
    for fact, provider in facts:
        if not participation.is_registered(fact):
            participation.register(fact, provider)
    register(activities_panel)
