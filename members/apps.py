from __future__ import annotations

from kit.apps import PartyAppConfig, Step, WorkGroup, WorkPage


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
                "temporarygroup": "diversity_3",
                "temporarygroupreport": "forum",
                "standingsuspension": "flight_takeoff",
                "reviewhandling": "report",
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
            "日常工作登记",
            {
                "dutypost": "badge",
                "dutyreview": "grading",
                "household": "home",
                "visit": "forum",
                "unitpledge": "apartment",
                "unitdeed": "domain_verification",
                "memberdeed": "task_alt",
            },
            icon="edit_note",
            order=55,  # after the daily ledgers (finance 50), before 两会一化 (58)
        ),
        WorkGroup(
            "两会一化",
            {
                "delegateconference": "how_to_vote",
                "delegateelection": "ballot",
                "delegatenominee": "person_remove",
                "regionalbranch": "hub",
            },
            icon="account_tree",
            order=58,  # after the daily ledgers (finance 50), before the tree (organizations 60)
        ),
        WorkGroup(
            "社区党建示范小区",
            {"showcaseround": "flag", "showcaseapplication": "military_tech"},
            icon="emoji_events",
            order=65,
        ),
        WorkGroup("台账与记录", {"personaldataaccess": "policy"}),  # common's group
    )
    work_pages = (
        WorkPage("党内统计", "bar_chart", "admin:members_member_statistics", "members.view_member",
                 order=25),
    )  # fmt: skip
    role_permissions = ("members.roles",)
    demo_builders = (
        Step(20, "members.demo.build"),  # into organizations' tree (10)
        Step(22, "members.demo_events.build"),
        Step(23, "members.demo_showcase.build_people"),  # 小区 and their residents, after 20
        Step(24, "members.demo_work.build"),  # on the members and registrations of 20
        Step(25, "members.demo_congress.build"),  # needs the members (20) and their transfers
        Step(27, "members.demo_floating.build"),  # after the members and last year's reviews
        # The 示范小区 round after every other demo, pre-filled from what they made (40, 50).
        Step(60, "members.demo_showcase.build"),
    )
    district_steps = (
        Step(20, "members.district.generate"),
        # On the members and registrations of 20: 小区, the daily-work registers, reviews and
        # floating members; then the 两会一化 and the 示范小区 round, on the 小区 and outflows.
        Step(22, "members.district_work.generate"),
        Step(24, "members.district_congress.generate"),
    )
    dashboard_panels = (
        "members.dashboard.members_panel",
        "members.dashboard_work.work_panel",
        "members.dashboard_congress.congress_panel",
        "members.dashboard_showcase.showcase_panel",
    )
    # 不做党所分配的工作: what the posts' reviews and the 实事 prove (members/selectors/work.py).
    participation_facts = {"assigned_work_last": "members.selectors.work.assigned_work"}

    def ready(self) -> None:
        from . import participation

        participation.register_declared()  # the facts higher apps answer (participation.py)
