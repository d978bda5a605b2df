from __future__ import annotations

from kit.apps import PartyAppConfig, Step, WorkGroup


class PublicityConfig(PartyAppConfig):
    name = "publicity"
    printables = "publicity.printables.PRINTABLES"  # common/printables.py reads it
    verbose_name = "发展党员与公示"
    searchable = ("developmentcase",)  # the record search (common/search.py)
    work_groups = (
        WorkGroup(
            "发展党员与公示",
            {
                "developmentcase": "person_add",
                "branchvote": "how_to_vote",
                "developmentreport": "description",
                "caseassessment": "fact_check",
                "politicalreview": "verified_user",
                "notice": "campaign",
                "opinion": "forum",
                "boarditem": "article",
            },
            icon="campaign",
            order=40,
        ),
    )
    role_permissions = ("publicity.roles",)
    # Before activities (40) and finance (50): the members its approved cases create are then
    # placed in groups, meet, get incomes and owe dues like the others.
    demo_builders = (Step(30, "publicity.demo.build"),)
    # Before finance (50): an approved case makes a member who pays.
    district_steps = (
        Step(40, "publicity.district.generate"),
        Step(42, "publicity.district_registers.generate"),  # on the cases and steps of 40
    )
    dashboard_panels = ("publicity.dashboard.publicity_panel",)
    participation_facts = {"probation_approved_on": "publicity.selectors.probation_approved_on"}
    member_tabs = ("publicity.selectors.member_development_tab",)
    showcase_evidence = {"openness_kept": "publicity.showcase.openness_kept"}  # 示范小区

    def ready(self) -> None:
        from . import signals

        signals.connect()
