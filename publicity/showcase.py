"""The 示范小区 evidence the 公示 and 党务公开 records hold (members/showcase.py), declared on
PublicityConfig.showcase_evidence."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from members.showcase import Figure

from .models import BoardItem, Notice


def _quarter(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def _quarters_ended(start: dt.date, end: dt.date) -> set[int]:
    """The quarters of the year fully past by `end`."""
    return {q for q in range(1, 5) if _last_day(start.year, q) <= end}


def _last_day(year: int, quarter: int) -> dt.date:
    month = 3 * quarter
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def openness_kept(
    community_ids: Collection[int], start: dt.date, end: dt.date
) -> dict[int, Figure]:
    """党务公开: the quarters of the year (ended by `end`, or running with an item already) in
    which the community published a 党务公开 item, with its 公示 of the year told beside. A
    community that has never published a 党务公开 item here is left out (no data)."""
    party = BoardItem.objects.filter(
        community_id__in=list(community_ids), kind=BoardItem.Kind.PARTY, published=True
    )
    used = set(party.filter(publish_on__lte=end).values_list("community_id", flat=True).distinct())
    covered: dict[int, set[int]] = defaultdict(set)
    for community, day in party.filter(publish_on__gte=start, publish_on__lte=end).values_list(
        "community_id", "publish_on"
    ):
        covered[community].add(_quarter(day))
    notices = dict(
        Notice.objects.published()
        .filter(community_id__in=list(community_ids), starts_on__gte=start, starts_on__lte=end)
        .values("community_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("community_id", "n")
    )
    ended = _quarters_ended(start, end)
    figures = {}
    for community in used:
        quarters = covered[community]
        counted = ended | quarters
        text = (
            f"党务公开：已到期{len(counted)}个季度，有公开事项的季度{len(quarters & counted)}个；"
            f"本年度发展党员公示{notices.get(community, 0)}次"
        )
        url = f"{reverse('admin:publicity_boarditem_changelist')}?{urlencode({'community': community})}"
        figures[community] = Figure(len(quarters & counted), len(counted), text, url)
    return figures
