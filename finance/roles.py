"""Model permissions that each role holds in the finance app (merged by RoleBackend).

Which rows they reach is the scope's business: a branch officer records its own members' dues; a
community's managers also approve reductions of their branches and draw up spending plans; the
sub-district sets budgets and names who holds each step of the approval chain (FundApprover).
Who may take a step of the chain is decided by the chain itself (finance/services/funds.py).
"""

from __future__ import annotations

from organizations.roles import Role


def _perms(models: tuple[str, ...], actions: tuple[str, ...]) -> set[str]:
    return {f"finance.{action}_{model}" for model in models for action in actions}


_DUES = ("incomechange", "duesassessment", "duesrelief", "duespayment", "duespublication")
_PLANS = ("spendingplan", "spendingitem")
_BRANCH = (
    _perms(_DUES, ("view", "add", "change"))
    | _perms(("incomechange",), ("delete",))  # a payment is reversed (冲正), never deleted
    | {"finance.view_memberdues", "finance.view_duespublicationline"}
)
_COMMUNITY = (
    _BRANCH
    | _perms(_PLANS, ("view", "add", "change", "delete"))
    | _perms(("fundbudget", "plansignature"), ("view",))
)
_SUB_DISTRICT = _COMMUNITY | _perms(
    ("fundbudget", "fundapprover"), ("view", "add", "change", "delete")
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SUB_DISTRICT_OFFICER: frozenset(_SUB_DISTRICT),
    Role.COMMUNITY_SECRETARY: frozenset(_COMMUNITY),
    Role.COMMUNITY_OFFICER: frozenset(_COMMUNITY),
    Role.BRANCH_OFFICER: frozenset(_BRANCH),
    Role.UNIT_REVIEWER: frozenset(),
    Role.MEMBER: frozenset(),
}
