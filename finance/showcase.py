"""The 示范小区 evidence the dues records hold (members/showcase.py), declared on
FinanceConfig.showcase_evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.urls import reverse
from django.utils import timezone

from members.models import Member
from members.showcase import Figure
from organizations.scope import subtrees

from .selectors import dues_standing


def dues_collected(
    community_ids: Collection[int], start: dt.date, end: dt.date
) -> dict[int, Figure]:
    """党费收缴: of the members held in the community's branches on `end` whose dues are judged
    (their branch's payments are recorded: finance.selectors.dues_standing), how many owe no
    month of the year, judged the day after `end` (or today, if earlier). A community none of
    whose members is judged is left out (no data); a member whose dues cannot be computed is
    not counted either way."""
    trees, _ = subtrees({str(pk): [pk] for pk in community_ids})
    owner = {org: int(key) for key, ids in trees.items() for org in ids}
    members = dict(
        Member.objects.on_roster(end)
        .filter(branch_id__in=list(owner))
        .values_list("pk", "branch_id")
    )
    as_of = min(end + dt.timedelta(days=1), timezone.localdate())
    counts: dict[int, list[int]] = {}
    for pk, standing in dues_standing(list(members), as_of).items():
        if standing.arrears is None:
            continue
        pair = counts.setdefault(owner[members[pk]], [0, 0])
        owed = [m for m in standing.arrears.unsettled if start <= m <= end]
        pair[0] += not owed
        pair[1] += 1
    url = reverse("admin:finance_memberdues_changelist")
    return {
        community: Figure(
            settled, judged, f"按月收缴党费的党员{judged}人，本年度无欠交{settled}人", url
        )
        for community, (settled, judged) in counts.items()
    }
