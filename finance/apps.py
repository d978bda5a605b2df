from __future__ import annotations

from django.apps import AppConfig


class FinanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "finance"
    printables = "finance.printables.PRINTABLES"  # common/printables.py reads it
    verbose_name = "党费与经费"

    def ready(self) -> None:
        from common.dashboard import register
        from members import participation

        from .dashboard import finance_panel
        from .selectors import dues_arrears, dues_overdue_months

        # The members app asks these facts for the 自行脱党 flags and the 量化考核 pre-fill.
        if not participation.is_registered(participation.DUES_ARREARS):
            participation.register(participation.DUES_ARREARS, dues_arrears)
        if not participation.is_registered(participation.DUES_OVERDUE_MONTHS):
            participation.register(participation.DUES_OVERDUE_MONTHS, dues_overdue_months)
        register(finance_panel)
