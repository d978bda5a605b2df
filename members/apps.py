from django.apps import AppConfig


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    printables = "members.printables.PRINTABLES"  # common/printables.py reads it
    verbose_name = "党员管理"

    def ready(self) -> None:
        from common.dashboard import register

        from .dashboard import members_panel

        register(members_panel)  # the 工作台 (common/dashboard.py)
