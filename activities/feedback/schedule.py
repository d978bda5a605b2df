"""The beat schedule of the feedback cards: created once after `migrate` from the settings'
defaults, then edited in the admin (周期任务); never overwritten once it exists."""

from __future__ import annotations

from typing import Any

from django.conf import settings

TASK_NAME = "在职党员社区表现反馈卡（每半年）"
TASK = "activities.feedback.tasks.generate_feedback_cards"


def ensure_schedule(**kwargs: Any) -> None:
    """post_migrate handler: the periodic task, unless it exists (by name)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour=str(settings.FEEDBACK_SCHEDULE_HOUR),
        day_of_month=str(settings.FEEDBACK_SCHEDULE_DAY),
        month_of_year=settings.FEEDBACK_SCHEDULE_MONTHS,
        day_of_week="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task=TASK,
        crontab=crontab,
        description="生成刚结束的半年度（或季度）在职党员社区表现反馈卡，重复执行不会重复生成。",
    )


def connect() -> None:
    """Called from ActivitiesConfig.ready(): the schedule and the 工作台 panel."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from common import dashboard

    from .dashboard import feedback_panel

    post_migrate.connect(
        ensure_schedule, sender=apps.get_app_config("activities"), dispatch_uid="feedback-beat"
    )
    dashboard.register(feedback_panel)
