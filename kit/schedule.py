"""Periodic tasks: each app declares its own (`PartyAppConfig.periodic_tasks`), and one function
installs them all in django-celery-beat's tables, where beat reads them and a superuser edits
them (admin → 周期任务).

`setup_periodic_tasks()` runs after every `migrate` (common/apps.py) and as
`python manage.py setup_periodic_tasks`. It is idempotent: a task is known by its name; a missing
one is created with the declared schedule (from the settings of that moment); an existing one keeps
what a person may have edited in the admin (its schedule, whether it is enabled, its description)
and only follows the code on `task` (the Celery task it runs). A task found under one of its
`former_names` is renamed, so an installation upgraded from an older name does not run it twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from kit.apps import declared, resolve


@dataclass(frozen=True)
class Periodic:
    name: str  # unique, as the admin shows it (Chinese)
    task: str  # the Celery task's registered name
    minute: str = "0"
    hour: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    day_of_week: str = "*"
    description: str = ""
    former_names: tuple[str, ...] = ()


def declared_periodic_tasks() -> list[Periodic]:
    tasks: list[Periodic] = []
    for _, path in declared("periodic_tasks"):
        factory: Callable[[], list[Periodic]] = resolve(path)
        tasks += factory()
    return tasks


def setup_periodic_tasks(**kwargs: Any) -> list[str]:
    """Install every declared periodic task (also a post_migrate handler); the names created."""
    from django_celery_beat.models import PeriodicTask

    created = []
    for spec in declared_periodic_tasks():
        _rename_former(spec)
        existing = PeriodicTask.objects.filter(name=spec.name).first()
        if existing is None:
            PeriodicTask.objects.create(
                name=spec.name, task=spec.task, crontab=_crontab(spec), description=spec.description
            )
            created.append(spec.name)
        elif existing.task != spec.task:
            existing.task = spec.task
            existing.save(update_fields=["task"])
    return created


def _rename_former(spec: Periodic) -> None:
    from django_celery_beat.models import PeriodicTask

    if not spec.former_names or PeriodicTask.objects.filter(name=spec.name).exists():
        return
    former = PeriodicTask.objects.filter(name__in=spec.former_names).first()
    if former is not None:
        former.name = spec.name
        former.save(update_fields=["name"])


def _crontab(spec: Periodic) -> Any:
    from django_celery_beat.models import CrontabSchedule

    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=spec.minute,
        hour=spec.hour,
        day_of_month=spec.day_of_month,
        month_of_year=spec.month_of_year,
        day_of_week=spec.day_of_week,
        timezone=settings.TIME_ZONE,
    )
    return crontab
