"""Model permissions that each role holds in the publicity app (merged by RoleBackend).

Branches and communities record their cases, votes, notices and opinions, and the cases'
registers (思想汇报, 培养考察, 政审, 考察写实人); the sub-district (the
higher committee that approves candidates) does the same for the whole district. A unit reviewer
and a member have nothing here: the public site shows residents what is published.
"""

from __future__ import annotations

from organizations.roles import Role


def _perms(models: tuple[str, ...], actions: tuple[str, ...]) -> set[str]:
    return {f"publicity.{action}_{model}" for model in models for action in actions}


_RECORDS = (
    "developmentcase",
    "developmentstep",
    "branchvote",
    "voteexclusion",
    "notice",
    "opinion",
    # the development registers (issue 24)
    "developmentreport",
    "caseassessment",
    "politicalreview",
    "politicalreviewer",
    "caseobserver",
)
_MANAGE = (
    _perms(_RECORDS, ("view", "add", "change"))
    | _perms(("developmentstep", "politicalreviewer", "caseobserver"), ("delete",))
    | _perms(("boarditem",), ("view", "add", "change", "delete"))
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SUB_DISTRICT_OFFICER: frozenset(_MANAGE),
    Role.COMMUNITY_SECRETARY: frozenset(_MANAGE),
    Role.COMMUNITY_OFFICER: frozenset(_MANAGE),
    Role.BRANCH_OFFICER: frozenset(_MANAGE - _perms(("boarditem",), ("add", "change", "delete"))),
}
