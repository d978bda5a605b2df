from django.apps import AppConfig


class PublicityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publicity"
    verbose_name = "发展党员与公开"
