from __future__ import annotations

from kit.apps import PartyAppConfig, Step, WorkGroup, WorkPage


class OrganizationsConfig(PartyAppConfig):
    name = "organizations"
    printables = "organizations.printables.PRINTABLES"  # common/printables.py reads it
    verbose_name = "组织建设"
    searchable = ("organization", "unit")  # the record search (common/search.py)
    work_groups = (
        WorkGroup(
            "组织建设",
            {
                "organization": "account_tree",
                "position": "badge",
                "unit": "apartment",
                "jointcommittee": "diversity_3",
                "committeemember": "group",
                "compound": "holiday_village",
            },
            icon="corporate_fare",
            order=60,
        ),
        WorkGroup("系统管理", {"organizationaccess": "key"}),  # common's group
    )
    work_pages = (
        WorkPage(
            "组织架构图",
            "account_tree",
            "admin:organizations_organization_tree",
            "organizations.view_organization",
            order=10,
        ),
    )
    role_permissions = ("organizations.roles",)
    demo_builders = (Step(10, "organizations.demo.build"),)  # the tree, before anyone in it
    district_steps = (Step(10, "organizations.district.generate"),)
    dashboard_panels = ("organizations.dashboard.organizations_panel",)

    def ready(self) -> None:
        from .scope import connect_scope_signals

        # A change to the tree, a unit or an access starts a new version of every cached scope.
        connect_scope_signals()
