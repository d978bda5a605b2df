"""The publicity app's rows of the registry-driven admin tests (tests/registries.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from publicity.models import BranchVote, DevelopmentStep, VoteExclusion
from publicity.rules import VoteExclusionReason
from tests.members.factories import MemberFactory
from tests.publicity.factories import (
    BoardItemFactory,
    DevelopmentCaseFactory,
    NoticeFactory,
    OpinionFactory,
)
from tests.registries import LOGIN, NO, OK

ACCESS: dict[str, tuple[str, str, str, str, str, str]] = {
    #                              superuser sub_district secretary branch  unit  member
    "publicity.boarditem":         ("vacd", "vacd", "vacd", "v",   "",   ""),
    "publicity.branchvote":        ("vacd", "vac",  "vac",  "vac", "",   ""),
    "publicity.developmentcase":   ("vacd", "vac",  "vac",  "vac", "",   ""),
    "publicity.notice":            ("vacd", "vac",  "vac",  "vac", "",   ""),
    "publicity.opinion":           ("vacd", "vac",  "vac",  "vac", "",   ""),
}  # fmt: skip


def _case(t: SimpleNamespace, i: int) -> Any:
    case = DevelopmentCaseFactory(branch=t.branch_a, residence_community=t.community_a)
    DevelopmentStep.objects.create(case=case, number=1, date=timezone.localdate())
    return case


def _notice(t: SimpleNamespace, i: int) -> Any:
    return NoticeFactory(case=_case(t, i), community=t.community_a)


MAKERS = {
    "publicity.boarditem": lambda t, i: BoardItemFactory(community=t.community_a),
    "publicity.branchvote": lambda t, i: BranchVote.objects.create(
        case=_case(t, i), step=15, held_on=timezone.localdate()
    ),
    "publicity.developmentcase": _case,
    "publicity.notice": _notice,
    "publicity.opinion": lambda t, i: OpinionFactory(notice=_notice(t, i)),
}


def populate_scope(tree: SimpleNamespace) -> None:
    """Rows of every scoped publicity model in both communities, for
    tests/test_scope_consistency.py's `populated` fixture (the lead wires it in)."""
    for branch, community in ((tree.branch_a, tree.community_a), (tree.branch_b, tree.community_b)):
        case = DevelopmentCaseFactory(branch=branch, residence_community=community)
        DevelopmentStep.objects.create(case=case, number=1, date=timezone.localdate())
        vote = BranchVote.objects.create(case=case, step=15, held_on=timezone.localdate())
        VoteExclusion.objects.create(
            vote=vote, member=MemberFactory(branch=branch), reason=VoteExclusionReason.ABROAD
        )
        OpinionFactory(notice=NoticeFactory(case=case, community=community))
        BoardItemFactory(community=community)
    # A candidate held by community A's branch who lives in community B.
    elsewhere = DevelopmentCaseFactory(branch=tree.branch_a, residence_community=tree.community_b)
    OpinionFactory(notice=NoticeFactory(case=elsewhere, community=tree.community_b))


def scope_rows(tree: Any, people: Any, users: Any) -> None:
    """tests/test_scope_consistency.py's hook (tests/registries.py)."""
    populate_scope(tree)


# tests/test_view_and_document_access.py: this app's custom admin URLs, printables (through
# the one print view) and documents (queued for the worker), role by role.
CUSTOM_URLS: dict[str, tuple[str, ...]] = {
    #                                          superuser sub_district secretary branch unit member
    "publicity_branchvote_voters":             (OK, OK, OK, OK, NO, LOGIN),
    "publicity_developmentcase_import_template": (OK, OK, OK, OK, NO, LOGIN),
}  # fmt: skip
PRINTABLES: dict[str, tuple[str, ...]] = {
    #                              superuser sub_district secretary branch unit member
    "development_ledger":          (OK, OK, OK, OK, NO, LOGIN),
    "notice_poster":               (OK, OK, OK, OK, NO, LOGIN),
    "notice_record_book":          (OK, OK, OK, OK, NO, LOGIN),
}  # fmt: skip
DOCUMENTS: dict[str, dict[str, str]] = {
    "development_ledger": {
        "superuser": "y--",
        "sub_district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "notice_poster": {
        "superuser": "y--",
        "sub_district": "yy-",
        "secretary": "yyn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "notice_record_book": {
        "superuser": "y--",
        "sub_district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
}
PRINTABLE_OBJECTS = {"notice_poster": {"published_at__isnull": False}}
