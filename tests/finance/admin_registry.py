"""The finance admins in the registry-driven tests (tests/registries.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from tests.finance import factories as ff
from tests.members.factories import MemberFactory
from tests.organizations.factories import OrganizationFactory
from tests.registries import LOGIN, NO, OK

ACCESS: dict[str, tuple[str, ...]] = {
    #                             superuser sub_district secretary branch unit  member  district
    "finance.duesassessment":    ("vd",   "v",    "v",    "v",    "",   "", "v"),
    "finance.duespayment":       ("vac",  "vac",  "vac",  "vac",  "",   "", "v"),
    "finance.duespublication":   ("vacd", "vac",  "vac",  "vac",  "",   "", "v"),
    "finance.duesrelief":        ("vacd", "vac",  "vac",  "vac",  "",   "", "v"),
    "finance.fundapprover":      ("vacd", "vacd", "",     "",     "",   "", "v"),
    "finance.fundbudget":        ("vacd", "vacd", "v",    "",     "",   "", "v"),
    "finance.incomechange":      ("vacd", "vacd", "vacd", "vacd", "",   "", "v"),
    "finance.memberdues":        ("v",    "v",    "v",    "v",    "",   "", "v"),
    "finance.spendingplan":      ("vacd", "vacd", "vacd", "",     "",   "", "v"),
}  # fmt: skip


def _member(t: SimpleNamespace, i: int) -> Any:
    return MemberFactory(branch=t.branch_a, residence_community=t.community_a)


def _community(t: SimpleNamespace, i: int) -> Any:
    """Plans and budgets are one per community and month/year: a new month each in A."""
    return t.community_a


MAKERS = {
    "finance.duesassessment": lambda t, i: ff.DuesAssessmentFactory(member=_member(t, i)),
    "finance.duespayment": lambda t, i: ff.DuesPaymentFactory(member=_member(t, i)),
    "finance.duespublication": lambda t, i: ff.DuesPublicationFactory(branch=t.branch_a),
    "finance.duesrelief": lambda t, i: ff.DuesReliefFactory(member=_member(t, i)),
    "finance.fundapprover": lambda t, i: ff.FundApproverFactory(sub_district=t.sub_district),
    "finance.fundbudget": lambda t, i: ff.FundBudgetFactory(community=t.community_a, year=1900 + i),
    "finance.incomechange": lambda t, i: ff.IncomeChangeFactory(member=_member(t, i)),
    "finance.memberdues": _member,
    "finance.spendingplan": lambda t, i: (
        ff.SpendingItemFactory(plan=ff.SpendingPlanFactory(community=t.community_a)).plan
    ),
}


def populate_scope(tree: SimpleNamespace, people: SimpleNamespace) -> None:
    """Rows of every finance model in and out of community A's scope, for
    tests/test_scope_consistency.py's `populated` (the lead wires it in)."""
    for member in (people.a, people.b, people.unit_a, people.unit_b_in_a):
        ff.IncomeChangeFactory(member=member)
        ff.DuesAssessmentFactory(member=member)
        ff.DuesReliefFactory(member=member)
        ff.DuesPaymentFactory(member=member, period=dt.date(2026, 3, 1))
    for branch in (tree.branch_a, tree.branch_b):
        ff.DuesPublicationLineFactory(publication=ff.DuesPublicationFactory(branch=branch))
    for community in (tree.community_a, tree.community_b):
        ff.FundBudgetFactory(community=community)
        plan = ff.SpendingPlanFactory(community=community)
        ff.SpendingItemFactory(plan=plan)
        ff.PlanSignatureFactory(plan=plan)
    ff.FundApproverFactory(sub_district=tree.sub_district)
    ff.FundApproverFactory(sub_district=OrganizationFactory(kind="sub_district", code="SD2"))


def scope_rows(tree: Any, people: Any, users: Any) -> None:
    """tests/test_scope_consistency.py's hook (tests/registries.py)."""
    populate_scope(tree, people)


# tests/test_view_and_document_access.py: this app's custom admin URLs, printables (through
# the one print view) and documents (queued for the worker), role by role.
CUSTOM_URLS: dict[str, tuple[str, ...]] = {
    #                                          superuser sub_district secretary branch unit member  district
    "finance_duespayment_import_template":    (OK, OK, OK, OK, NO, LOGIN, NO),
    "finance_memberdues_pay":                 (OK, OK, OK, OK, NO, LOGIN, NO),
    "finance_spendingplan_act":               (OK, OK, OK, NO, NO, LOGIN, OK),
}  # fmt: skip
PRINTABLES: dict[str, tuple[str, ...]] = {
    #                              superuser sub_district secretary branch unit member  district
    "dues_ledger":                 (OK, OK, OK, OK, NO, LOGIN, OK),
    "spending_plan":               (OK, OK, OK, NO, NO, LOGIN, OK),
}  # fmt: skip
DOCUMENTS: dict[str, dict[str, str]] = {
    "spending_plan": {
        "superuser": "y--",
        "sub_district": "yyn",
        "district": "yy-",
        "secretary": "yyn",
        "branch": "n-n",
        "unit": "n-n",
        "member": "-nn",
    },
    "dues_ledger": {
        "superuser": "y--",
        "sub_district": "ynn",
        "district": "yn-",
        "secretary": "ynn",
        "branch": "y-n",
        "unit": "n-n",
        "member": "-nn",
    },
}
PERIODS = {"dues_ledger": "2026-11"}
