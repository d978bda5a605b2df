"""python manage.py setup_periodic_tasks: install every app's declared periodic tasks (also run
after every `migrate`; kit/schedule.py). What was edited in the admin is kept."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kit.schedule import declared_periodic_tasks, setup_periodic_tasks


class Command(BaseCommand):
    help = "安装各应用声明的周期任务（已存在的任务保留在后台修改过的时间安排）。"

    def handle(self, *args: Any, **options: Any) -> None:
        created = setup_periodic_tasks()
        for spec in declared_periodic_tasks():
            state = "新建" if spec.name in created else "已存在，保留现有设置"
            self.stdout.write(f"{spec.name}：{state}")
