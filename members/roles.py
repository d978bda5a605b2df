"""Model permissions that each role holds in the members app (merged by RoleBackend)."""

from __future__ import annotations

from organizations.roles import Role


def _perms(models: tuple[str, ...], actions: tuple[str, ...]) -> set[str]:
    return {f"members.{action}_{model}" for model in models for action in actions}


_RECORDS = (
    "member",
    "registrationcampaign",
    "registration",
    "postkind",
    "postclaim",
    "activityrecord",
    "floatingrecord",
    "membershiptransfer",
    "review",
    "assessment",
    "lapsedecision",
    "communityevent",
    "temporarygroup",
    "standingsuspension",
    "reviewhandling",
    "delegateconference",
    "delegateelection",
    "regionalbranch",
)
# The daily-work registers (members/models/work.py): kept, corrected and removed by their keepers.
_WORK = ("dutypost", "dutyreview", "household", "visit", "unitpledge", "unitdeed", "memberdeed")
_MANAGE = (
    _perms(_RECORDS, ("view", "add", "change"))
    | _perms(_WORK, ("view", "add", "change", "delete"))
    | _perms(("activityrecord", "postkind", "assessmentdeduction", "communityevent"), ("delete",))
    # Reports home are corrected by removing a wrong one; a group is removed with its reports.
    | _perms(("temporarygroupreport",), ("view", "add", "change", "delete"))
    | _perms(("temporarygroup",), ("delete",))
    | _perms(("eventsignup",), ("view",))
    # 两会一化: a nominee and a 区域化党总支 member are written on their parent's page.
    | _perms(("delegatenominee", "regionalbranchmember"), ("view", "add", "change", "delete"))
    | _perms(("delegateelection",), ("delete",))
    # Portal logins for the members in scope (the member list's action, with a printed slip).
    | {"members.create_member_login"}
    | _perms(("assessmentdeduction",), ("view", "add", "change"))
    | {"members.view_personaldataaccess", "members.exchange_roster"}
)

# 示范小区 (003): the sub-district opens the round; communities apply and score, the sub-district
# records the inspection and the naming (the services check who writes what).
_SHOWCASE = _perms(("showcaseround",), ("view",)) | _perms(
    ("showcaseapplication", "showcasescore"), ("view", "add", "change")
)
_SHOWCASE_ROUNDS = _perms(("showcaseround",), ("add", "change"))

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SUB_DISTRICT_OFFICER: frozenset(
        _MANAGE | _SHOWCASE | _SHOWCASE_ROUNDS | {"members.view_personal_data"}
    ),
    Role.COMMUNITY_SECRETARY: frozenset(_MANAGE | _SHOWCASE | {"members.view_personal_data"}),
    Role.COMMUNITY_OFFICER: frozenset(_MANAGE | _SHOWCASE | {"members.view_personal_data"}),
    Role.BRANCH_OFFICER: frozenset(_MANAGE - {"members.view_personaldataaccess"}),
    Role.UNIT_REVIEWER: frozenset(
        _perms(("member", "registration", "activityrecord", "postclaim", "memberdeed"), ("view",))
    ),
    Role.MEMBER: frozenset(),
    # An explicit, audited grant (organizations.roles): personal data in full, each read logged.
    Role.PERSONAL_DATA_GRANT: frozenset({"members.view_personal_data"}),
}
