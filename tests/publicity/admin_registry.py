"""The publicity app's rows of the registry-driven admin tests (tests/registries.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from publicity.models import (
    BranchVote,
    CaseAssessment,
    CaseObserver,
    DevelopmentReport,
    DevelopmentStep,
    PoliticalReview,
    PoliticalReviewer,
    VoteExclusion,
)
from publicity.rules import AssessmentConclusion, ReviewConclusion, VoteExclusionReason
from tests.members.factories import MemberFactory
from tests.publicity.factories import (
    BoardItemFactory,
    DevelopmentCaseFactory,
    NoticeFactory,
    OpinionFactory,
)
from tests.registries import LOGIN, NO, OK

ACCESS: dict[str, tuple[str, ...]] = {
    #                              superuser sub_district secretary branch  unit  member  district
    "publicity.boarditem":         ("vacd", "vacd", "vacd", "v",   "",   "", "v"),
    "publicity.branchvote":        ("vacd", "vac",  "vac",  "vac", "",   "", "v"),
    "publicity.developmentcase":   ("vacd", "vac",  "vac",  "vac", "",   "", "v"),
    "publicity.notice":            ("vacd", "vac",  "vac",  "vac", "",   "", "v"),
    "publicity.opinion":           ("vacd", "vac",  "vac",  "vac", "",   "", "v"),
    "publicity.developmentreport": ("vacd", "vac",  "vac",  "vac", "",   "", "v"),
    "publicity.caseassessment":    ("vacd", "vac",  "vac",  "vac", "",   "", "v"),
    "publicity.politicalreview":   ("vacd", "vac",  "vac",  "vac", "",   "", "v"),
}  # fmt: skip


def _case(t: SimpleNamespace, i: int) -> Any:
    case = DevelopmentCaseFactory(branch=t.branch_a, residence_community=t.community_a)
    DevelopmentStep.objects.create(case=case, number=1, date=timezone.localdate())
    return case


def _activist(branch: Any, community: Any) -> Any:
    case = DevelopmentCaseFactory(branch=branch, residence_community=community)
    DevelopmentStep.objects.create(case=case, number=3, date=dt.date(2025, 1, 5))
    return case


def _report(case: Any) -> Any:
    return DevelopmentReport.objects.create(
        case=case, period="2025Q1", kind="thought", received_on=dt.date(2025, 3, 20),
        due_on=dt.date(2025, 4, 15),
    )  # fmt: skip


def _assessment(case: Any) -> Any:
    return CaseAssessment.objects.create(
        case=case, period="2025H1", assessed_on=dt.date(2025, 7, 5), assessor="培养联系人",
        conclusion=AssessmentConclusion.GOOD, due_on=dt.date(2025, 7, 30),
    )  # fmt: skip


def _review(case: Any, member: Any) -> Any:
    review = PoliticalReview.objects.create(
        case=case, reviewed_on=dt.date(2025, 3, 1), conclusion=ReviewConclusion.PASSED
    )
    PoliticalReviewer.objects.create(review=review, member=member)
    PoliticalReviewer.objects.create(
        review=review, outside_name="外单位党员", outside_organization="区教育局机关党委"
    )
    return review


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
    "publicity.developmentreport": lambda t, i: _report(_activist(t.branch_a, t.community_a)),
    "publicity.caseassessment": lambda t, i: _assessment(_activist(t.branch_a, t.community_a)),
    "publicity.politicalreview": lambda t, i: _review(
        _activist(t.branch_a, t.community_a), MemberFactory(branch=t.branch_a)
    ),
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
        activist = _activist(branch, community)
        member = MemberFactory(branch=branch)
        _report(activist), _assessment(activist), _review(activist, member)
        CaseObserver.objects.create(case=activist, member=member, appointed_on=dt.date(2025, 2, 1))
    # A candidate held by community A's branch who lives in community B.
    elsewhere = DevelopmentCaseFactory(branch=tree.branch_a, residence_community=tree.community_b)
    OpinionFactory(notice=NoticeFactory(case=elsewhere, community=tree.community_b))


def scope_rows(tree: Any, people: Any, users: Any) -> None:
    """tests/test_scope_consistency.py's hook (tests/registries.py)."""
    populate_scope(tree)


# tests/test_view_and_document_access.py: this app's custom admin URLs, printables (through
# the one print view) and documents (queued for the worker), role by role.
CUSTOM_URLS: dict[str, tuple[str, ...]] = {
    #                                          superuser sub_district secretary branch unit member  district
    "publicity_branchvote_voters":             (OK, OK, OK, OK, NO, LOGIN, NO),
    "publicity_developmentcase_import_template": (OK, OK, OK, OK, NO, LOGIN, NO),
    "publicity_developmentreport_import_template": (OK, OK, OK, OK, NO, LOGIN, NO),
    "publicity_caseassessment_import_template": (OK, OK, OK, OK, NO, LOGIN, NO),
}  # fmt: skip
PRINTABLES: dict[str, tuple[str, ...]] = {
    #                              superuser sub_district secretary branch unit member  district
    "development_ledger":          (OK, OK, OK, OK, NO, LOGIN, OK),
    "notice_poster":               (OK, OK, OK, OK, NO, LOGIN, OK),
    "notice_record_book":          (OK, OK, OK, OK, NO, LOGIN, OK),
    "case_register":               (OK, OK, OK, OK, NO, LOGIN, OK),
}  # fmt: skip
DOCUMENTS: dict[str, dict[str, str]] = {
    "case_register": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "development_ledger": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "notice_poster": {
        "superuser": "y--",
        "sub_district": "yyn",
        "district": "yy-",
        "secretary": "yyn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "notice_record_book": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
}
PRINTABLE_OBJECTS = {"notice_poster": {"published_at__isnull": False}}
