from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"
    printables = "activities.printables.PRINTABLES"  # common/printables.py reads it
    verbose_name = "组织生活"

    def ready(self) -> None:
        from .meetings_setup import connect

        connect()  # meetings: participation facts, workbench panel, documents (meetings_setup.py)
        from .feedback.schedule import connect as connect_feedback

        connect_feedback()  # feedback cards: beat schedule, documents (feedback/schedule.py)
