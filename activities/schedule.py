"""The activities app's periodic tasks (ActivitiesConfig.periodic_tasks), installed in
django-celery-beat's tables by `setup_periodic_tasks` (kit/schedule.py) after every `migrate`. The
settings give the schedule a task starts with; afterwards it is edited in the admin (周期任务), and
a later `migrate` keeps what was edited there."""

from __future__ import annotations

from django.conf import settings

from kit.schedule import Periodic

REMINDERS_NAME = "三会一课到期提醒（每天）"
REMINDERS_TASK = "activities.tasks.send_meeting_reminders"
FEEDBACK_NAME = "在职党员社区表现反馈卡（每半年）"
FEEDBACK_TASK = "activities.feedback.tasks.generate_feedback_cards"


def periodic_tasks() -> list[Periodic]:
    return [
        Periodic(
            name=REMINDERS_NAME,
            task=REMINDERS_TASK,
            hour=str(settings.ACTIVITIES_REMINDER_HOUR),
            description="每天提醒负责人：7天内到期和已逾期的三会一课，重复执行不会重复提醒。",
            # the name of settings.CELERY_BEAT_SCHEDULE's entry, which beat copied into its table
            former_names=("activities-meeting-reminders",),
        ),
        Periodic(
            name=FEEDBACK_NAME,
            task=FEEDBACK_TASK,
            hour=str(settings.FEEDBACK_SCHEDULE_HOUR),
            day_of_month=str(settings.FEEDBACK_SCHEDULE_DAY),
            month_of_year=settings.FEEDBACK_SCHEDULE_MONTHS,
            description="生成刚结束的半年度（或季度）在职党员社区表现反馈卡，重复执行不会重复生成。",
        ),
    ]
