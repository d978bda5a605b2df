from __future__ import annotations

from kit.apps import PartyAppConfig, Step, WorkGroup


class FinanceConfig(PartyAppConfig):
    name = "finance"
    printables = "finance.printables.PRINTABLES"  # common/printables.py reads it
    verbose_name = "党费与经费"
    work_groups = (
        WorkGroup(
            "党费与经费",
            {
                "memberdues": "account_balance_wallet",
                "duespayment": "payments",
                "duesassessment": "calculate",
                "incomechange": "trending_up",
                "duesrelief": "volunteer_activism",
                "duespublication": "campaign",
                "spendingplan": "request_quote",
                "fundbudget": "savings",
                "fundapprover": "approval",
            },
            icon="payments",
            order=50,
        ),
    )
    role_permissions = ("finance.roles",)
    # Last: every member, including those publicity's approved cases create (30), has an income
    # and owes dues.
    demo_builders = (Step(50, "finance.demo.build"),)
    district_steps = (Step(50, "finance.district.generate"),)
    dashboard_panels = ("finance.dashboard.finance_panel",)
    # The members app asks these for the 自行脱党 flags and the 量化考核 pre-fill.
    participation_facts = {
        "dues_arrears": "finance.selectors.dues_arrears",
        "dues_overdue_months": "finance.selectors.dues_overdue_months",
    }
    member_tabs = ("finance.selectors.member_dues_tab",)
    showcase_evidence = {"dues_collected": "finance.showcase.dues_collected"}  # 示范小区
