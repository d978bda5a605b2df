from django.apps import AppConfig


class PublicityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publicity"
    verbose_name = "发展党员与公开"

    def ready(self) -> None:
        from common.dashboard import register

        from . import signals
        from .dashboard import publicity_panel
        from .reports import register_documents

        register(publicity_panel)  # the 工作台 (common/dashboard.py)
        register_documents()
        signals.connect()
