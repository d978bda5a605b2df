"""Roles a user holds in an organization, and the model permissions each role grants.

The permissions are granted by organizations.backends.RoleBackend, so a role's rights are kept
here in one place instead of in groups edited by hand. Which rows a permission reaches is decided
separately by the user's scope (organizations/scope.py).
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    DISTRICT_OFFICER = "district_officer", "区委组织部工作人员"
    SUB_DISTRICT_OFFICER = "sub_district_officer", "街道党工委工作人员"
    COMMUNITY_SECRETARY = "community_secretary", "社区党组织书记"
    COMMUNITY_OFFICER = "community_officer", "社区党务专干"
    BRANCH_OFFICER = "branch_officer", "党支部工作人员"
    UNIT_REVIEWER = "unit_reviewer", "驻区单位党组织审核人"
    MEMBER = "member", "党员"
    # An explicit grant, kept with its history like every access: its holder reads members'
    # citizen IDs and phones in full (each read logged). Given by a superuser to a district
    # officer, whose role alone shows them masked.
    PERSONAL_DATA_GRANT = "personal_data_grant", "授权查看党员完整个人信息"


# Roles that manage the organization they are attached to and everything below it.
MANAGING_ROLES = frozenset(
    {
        Role.SUB_DISTRICT_OFFICER,
        Role.COMMUNITY_SECRETARY,
        Role.COMMUNITY_OFFICER,
        Role.BRANCH_OFFICER,
    }
)

# The 区委组织部's officer supervises every sub-district below it and writes nothing: its
# permissions are the sub-district officer's read permissions of every app (RoleBackend derives
# them, organizations/backends.py), less reading members' personal data in full, which takes
# Role.PERSONAL_DATA_GRANT. Its scope reaches its whole tree read-only (organizations/scope.py).
SUPERVISING_ROLES = frozenset({Role.DISTRICT_OFFICER})
SUPERVISED_ROLE = Role.SUB_DISTRICT_OFFICER
PERSONAL_DATA_PERMISSION = "members.view_personal_data"
# What a reading role may do besides viewing: print (a document is a copy of what it reads).
READING_EXTRAS = frozenset({"common.add_document"})

# Who receives the feedback cards of the cadres of 副科级 and above (001: the sub-district's and
# the county's organization departments).
CADRE_CARD_ROLES = frozenset({Role.SUB_DISTRICT_OFFICER, Role.DISTRICT_OFFICER})


def read_only(permissions: frozenset[str]) -> frozenset[str]:
    """The permissions to view (and print) among `permissions`, less personal data in full."""
    return frozenset(
        perm
        for perm in permissions
        if (perm.split(".", 1)[1].startswith("view_") or perm in READING_EXTRAS)
        and perm != PERSONAL_DATA_PERMISSION
    )


_VIEW_TREE = {
    "organizations.view_organization",
    "organizations.view_position",
    "organizations.view_unit",
    "organizations.view_jointcommittee",
    "organizations.view_committeemember",
    "organizations.view_compound",
    "common.view_document",
    "common.add_document",
}
_MANAGE_TREE = _VIEW_TREE | {
    "organizations.add_organization",
    "organizations.change_organization",
    "organizations.add_position",
    "organizations.change_position",
    "organizations.delete_position",
}
_MANAGE_COMMUNITY = _MANAGE_TREE | {
    "organizations.add_unit",
    "organizations.change_unit",
    "organizations.add_jointcommittee",
    "organizations.change_jointcommittee",
    "organizations.add_committeemember",
    "organizations.change_committeemember",
    "organizations.delete_committeemember",
    "organizations.add_compound",
    "organizations.change_compound",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SUB_DISTRICT_OFFICER: frozenset(
        _MANAGE_COMMUNITY
        | {"organizations.view_organizationaccess"}
        # 登录锁定: see the lockouts of the users in scope and lift them (django-axes).
        | {"axes.view_accessattempt", "axes.delete_accessattempt"}
    ),
    Role.COMMUNITY_SECRETARY: frozenset(_MANAGE_COMMUNITY),
    Role.COMMUNITY_OFFICER: frozenset(_MANAGE_COMMUNITY),
    Role.BRANCH_OFFICER: frozenset(_MANAGE_TREE),
    Role.UNIT_REVIEWER: frozenset({"organizations.view_organization", "organizations.view_unit"}),
    Role.MEMBER: frozenset(),
}

# Roles that work in the browser admin (is_staff); a member only uses self-service pages.
STAFF_ROLES = frozenset(set(Role) - {Role.MEMBER})
