from __future__ import annotations

from kit.apps import PartyAppConfig, Step, WorkGroup, WorkPage


class ActivitiesConfig(PartyAppConfig):
    name = "activities"
    printables = "activities.printables.PRINTABLES"  # common/printables.py reads it
    verbose_name = "组织生活"
    searchable = ("meeting",)  # the record search (common/search.py)
    work_groups = (
        WorkGroup(
            "组织生活",
            {"meeting": "event", "notification": "notifications"},
            icon="event",
            order=30,
        ),
        WorkGroup("在职党员双联双管", {"feedbackcard": "rate_review"}),  # members' group
    )
    work_pages = (
        WorkPage(
            "三会一课落实情况",
            "event_available",
            "admin:activities_meeting_compliance",
            "activities.view_meeting",
            order=20,
        ),
    )
    role_permissions = ("activities.roles", "activities.roles_feedback")
    # After publicity's (30): the members its approved cases create then meet like the others.
    # The feedback cards rate what the meetings and the members' records hold.
    demo_builders = (
        Step(40, "activities.demo.build"),
        Step(45, "activities.demo_feedback.build"),
        Step(46, "activities.demo_congress.build"),  # after members' 两会一化 (24)
    )
    district_steps = (
        Step(30, "activities.district.generate"),
        # The communities' own meetings, the 党员代表会议's sessions (members' 24) and the 在职党员大会
        # with the registered members' attendance.
        Step(32, "activities.district_community.generate"),
    )
    dashboard_panels = (
        "activities.dashboard.activities_panel",
        "activities.feedback.dashboard.feedback_panel",
    )
    periodic_tasks = "activities.schedule.periodic_tasks"
    participation_facts = {
        "organizational_life_days": "activities.selectors.attendance.organizational_life_days",
        "organizational_life_rate": "activities.selectors.attendance.organizational_life_rate",
        "lectures_missed": "activities.selectors.attendance.lectures_missed",
        "meetings_listed": "activities.selectors.attendance.meetings_listed",
    }
    member_tabs = ("activities.selectors.attendance.member_attendance_tab",)
    showcase_evidence = {  # the 示范小区 evaluation's pre-fill (members/showcase.py)
        "meetings_held": "activities.selectors.showcase.meetings_held",
        "attendance": "activities.selectors.showcase.attendance",
        "in_service_attendance": "activities.selectors.showcase.in_service_attendance",
        "joint_meeting_quarters": "activities.selectors.showcase.joint_meeting_quarters",
    }
