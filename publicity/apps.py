from django.apps import AppConfig


class PublicityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publicity"
    printables = "publicity.printables.PRINTABLES"  # common/printables.py reads it
    verbose_name = "发展党员与公开"

    def ready(self) -> None:
        from common.dashboard import register
        from members import participation

        from . import signals
        from .dashboard import publicity_panel
        from .selectors import probation_approved_on

        if not participation.is_registered(participation.PROBATION_APPROVED_ON):
            participation.register(participation.PROBATION_APPROVED_ON, probation_approved_on)
        register(publicity_panel)  # the 工作台 (common/dashboard.py)
        signals.connect()
