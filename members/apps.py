from __future__ import annotations

from kit.apps import PartyAppConfig, Step, WorkGroup


class MembersConfig(PartyAppConfig):
    name = "members"
    printables = "members.printables.PRINTABLES"  # common/printables.py reads it
    verbose_name = "党员队伍"
    searchable = ("member",)  # the record search (common/search.py)
    work_groups = (
        WorkGroup(
            "党员队伍",
            {
                "member": "person",
                "floatingrecord": "directions_walk",
                "membershiptransfer": "swap_horiz",
                "review": "fact_check",
                "assessment": "scoreboard",
                "lapsedecision": "gavel",
            },
            icon="groups",
            order=10,
        ),
        WorkGroup(
            "在职党员双联双管",
            {
                "registrationcampaign": "campaign",
                "registration": "how_to_reg",
                "postkind": "work",
                "postclaim": "assignment_ind",
                "activityrecord": "volunteer_activism",
                "communityevent": "event_available",
            },
            icon="handshake",
            order=20,
        ),
        WorkGroup(
            "社区党建示范小区",
            {"showcaseround": "flag", "showcaseapplication": "military_tech"},
            icon="emoji_events",
            order=65,
        ),
        WorkGroup("台账与记录", {"personaldataaccess": "policy"}),  # common's group
    )
    role_permissions = ("members.roles",)
    demo_builders = (
        Step(20, "members.demo.build"),  # into organizations' tree (10)
        Step(22, "members.demo_events.build"),
        # 小区 and their residents before meetings and dues are made for every member (40, 50);
        # the 示范小区 round after every other demo, pre-filled from what they made.
        Step(24, "members.demo_showcase.build_people"),
        Step(60, "members.demo_showcase.build"),
    )
    district_steps = (Step(20, "members.district.generate"),)
    dashboard_panels = (
        "members.dashboard.members_panel",
        "members.dashboard_showcase.showcase_panel",
    )

    def ready(self) -> None:
        from . import participation

        participation.register_declared()  # the facts higher apps answer (participation.py)
