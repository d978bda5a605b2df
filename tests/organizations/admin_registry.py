"""The organizations app's rows of the registry-driven admin tests (tests/registries.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from organizations.rules import OrganizationKind as K
from tests.organizations import factories as of
from tests.registries import LOGIN, NO, OK

ACCESS: dict[str, tuple[str, ...]] = {
    #                                    superuser sub_district secretary branch  unit  member  district
    "organizations.committeemember":      ("vacd", "vacd", "vacd", "v", "",   "", "v"),
    "organizations.compound":             ("vacd", "vac", "vac", "v",   "",   "", "v"),
    "organizations.jointcommittee":       ("vacd", "vac", "vac", "v",   "",   "", "v"),
    "organizations.organization":         ("vacd", "vac", "vac", "vac", "v",  "", "v"),
    "organizations.organizationaccess":   ("vacd", "v",   "",    "",    "",   "", "v"),
    "organizations.position":             ("vacd", "vacd", "vacd", "vacd", "", "", "v"),
    "organizations.unit":                 ("vacd", "vac", "vac", "v",   "v",  "", "v"),
}  # fmt: skip


def _branch(t: SimpleNamespace, i: int) -> Any:
    return of.OrganizationFactory(kind=K.BRANCH, parent=t.community_a, code=f"SD-A-Q{i}")


def _committee(t: SimpleNamespace, i: int) -> Any:
    """One committee of each kind per community: a new community each (under the sub-district,
    so only the superuser's list grows; the secretary's query count must stay flat all the same)."""
    community = of.OrganizationFactory(
        kind=K.COMMUNITY_COMMITTEE, parent=t.sub_district, code=f"SD-Q{i}"
    )
    return of.JointCommitteeFactory(community=community)


def _community_committee(t: SimpleNamespace) -> Any:
    return t.community_a.joint_committees.first() or of.JointCommitteeFactory(
        community=t.community_a
    )


MAKERS: dict[str, Any] = {
    "organizations.committeemember": lambda t, i: of.CommitteeMemberFactory(
        committee=_community_committee(t), unit=t.unit_a
    ),
    "organizations.compound": lambda t, i: of.CompoundFactory(community=t.community_a),
    "organizations.jointcommittee": _committee,
    "organizations.organization": _branch,
    "organizations.organizationaccess": lambda t, i: of.OrganizationAccessFactory(
        organization=_branch(t, i)
    ),
    "organizations.position": lambda t, i: of.PositionFactory(organization=_branch(t, i)),
    "organizations.unit": lambda t, i: of.UnitFactory(community=t.community_a),
}


def scope_rows(tree: Any, people: Any, users: Any) -> None:
    """tests/test_scope_consistency.py's hook: positions in branches A and B and in unit A's
    organization; a joint committee with a member in each community."""
    for organization in (tree.branch_a, tree.branch_b, tree.unit_a.party_organization):
        of.PositionFactory(organization=organization)
    for community in (tree.community_a, tree.community_b):
        of.CommitteeMemberFactory(committee=of.JointCommitteeFactory(community=community))
        of.CompoundFactory(community=community)


# tests/test_view_and_document_access.py: this app's custom admin URLs, printables (through
# the one print view) and documents (queued for the worker), role by role.
CUSTOM_URLS: dict[str, tuple[str, ...]] = {
    #                                          superuser sub_district secretary branch unit member  district
    "organizations_organization_import_template": (OK, OK, OK, OK, NO, LOGIN, NO),
    # 小区: those who add and change them (a branch officer only sees them).
    "organizations_compound_import_template": (OK, OK, OK, NO, NO, LOGIN, NO),
    "organizations_organization_tree":        (OK, OK, OK, OK, OK, LOGIN, OK),
}  # fmt: skip
PRINTABLES: dict[str, tuple[str, ...]] = {
    #                              superuser sub_district secretary branch unit member  district
    "organization_tree":           (OK, OK, OK, OK, OK, LOGIN, OK),
}  # fmt: skip
DOCUMENTS: dict[str, dict[str, str]] = {
    "organization_tree": {
        "superuser": "y--",
        "sub_district": "yyn",
        "district": "yy-",
        "secretary": "yyn",
        "branch": "y-n",
        "unit": "y-n",
        "member": "-nn",
    },
}
