"""Reads of 临时党小组, 停止党籍 and 不合格处置 that other reads and the 工作台 use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from ..models import StandingSuspension, TemporaryGroupReport


def temporary_group_life_days(
    member_ids: Collection[int], day: dt.date
) -> dict[int, list[dt.date]]:
    """The organizational life each member had in their 临时党小组 up to `day`, as the reports
    home record it: only the members named as attending count (one query)."""
    through = TemporaryGroupReport.attendees.through
    found: dict[int, list[dt.date]] = {}
    for member_id, held_on in through.objects.filter(
        member_id__in=list(member_ids),
        temporarygroupreport__life_held_on__isnull=False,
        temporarygroupreport__life_held_on__lte=day,
    ).values_list("member_id", "temporarygroupreport__life_held_on"):
        if held_on is not None:  # excluded by the filter; the type does not know
            found.setdefault(member_id, []).append(held_on)
    return found


def standing_stopped_ids(member_ids: Collection[int], day: dt.date) -> set[int]:
    """Of `member_ids`, those whose party standing is stopped on `day` (one query)."""
    return set(
        StandingSuspension.objects.stopped_on(day)
        .filter(member_id__in=list(member_ids))
        .values_list("member_id", flat=True)
    )
