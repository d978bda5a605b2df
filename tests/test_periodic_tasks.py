"""Every app's declared periodic tasks are installed by `migrate` (and `manage.py
setup_periodic_tasks`) into django-celery-beat's tables: once, with their declared schedule; what
a superuser edits in the admin (周期任务) is kept by every later run (kit/schedule.py)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from activities.schedule import FEEDBACK_NAME, FEEDBACK_TASK, REMINDERS_NAME, REMINDERS_TASK

pytestmark = pytest.mark.django_db


def _schedule(name: str) -> tuple[str, str, str, str, str]:
    crontab = PeriodicTask.objects.get(name=name).crontab
    return (
        crontab.minute,
        crontab.hour,
        crontab.day_of_month,
        crontab.month_of_year,
        crontab.day_of_week,
    )


def _setup() -> str:
    out = StringIO()
    call_command("setup_periodic_tasks", stdout=out)
    return out.getvalue()


def test_after_migrate_both_tasks_exist_with_their_schedule() -> None:
    assert PeriodicTask.objects.get(name=REMINDERS_NAME).task == REMINDERS_TASK
    assert _schedule(REMINDERS_NAME) == ("0", "7", "*", "*", "*")  # every morning at 7
    assert PeriodicTask.objects.get(name=FEEDBACK_NAME).task == FEEDBACK_TASK
    assert _schedule(FEEDBACK_NAME) == ("0", "2", "1", "1,7", "*")  # 1 January and 1 July
    assert PeriodicTask.objects.get(name=REMINDERS_NAME).enabled


def test_running_it_twice_makes_no_duplicate() -> None:
    tasks, crontabs = PeriodicTask.objects.count(), CrontabSchedule.objects.count()
    assert "已存在，保留现有设置" in _setup()
    _setup()
    assert (PeriodicTask.objects.count(), CrontabSchedule.objects.count()) == (tasks, crontabs)
    assert PeriodicTask.objects.filter(name=REMINDERS_NAME).count() == 1


def test_a_schedule_edited_in_the_admin_is_kept() -> None:
    reminders = PeriodicTask.objects.get(name=REMINDERS_NAME)
    reminders.crontab = CrontabSchedule.objects.create(minute="30", hour="8")
    reminders.save()
    PeriodicTask.objects.filter(name=FEEDBACK_NAME).update(enabled=False)
    _setup()
    assert _schedule(REMINDERS_NAME)[:2] == ("30", "8")
    assert not PeriodicTask.objects.get(name=FEEDBACK_NAME).enabled


def test_a_deleted_task_comes_back_with_the_settings_of_the_day(settings) -> None:
    settings.ACTIVITIES_REMINDER_HOUR = 6
    settings.FEEDBACK_SCHEDULE_MONTHS = "1,4,7,10"
    PeriodicTask.objects.filter(name__in=[REMINDERS_NAME, FEEDBACK_NAME]).delete()
    assert "新建" in _setup()
    assert _schedule(REMINDERS_NAME)[:2] == ("0", "6")
    assert _schedule(FEEDBACK_NAME)[3] == "1,4,7,10"


def test_the_task_under_its_former_name_is_renamed_not_doubled() -> None:
    """An installation whose beat copied settings.CELERY_BEAT_SCHEDULE's entry into its table."""
    PeriodicTask.objects.filter(name=REMINDERS_NAME).delete()
    PeriodicTask.objects.create(
        name="activities-meeting-reminders",
        task=REMINDERS_TASK,
        crontab=CrontabSchedule.objects.create(minute="0", hour="9"),
    )
    _setup()
    assert not PeriodicTask.objects.filter(name="activities-meeting-reminders").exists()
    assert _schedule(REMINDERS_NAME)[:2] == ("0", "9")


def test_a_task_whose_code_moved_follows_the_code_and_keeps_its_schedule() -> None:
    PeriodicTask.objects.filter(name=REMINDERS_NAME).update(task="activities.tasks.old_name")
    _setup()
    assert PeriodicTask.objects.get(name=REMINDERS_NAME).task == REMINDERS_TASK
    assert _schedule(REMINDERS_NAME)[:2] == ("0", "7")
