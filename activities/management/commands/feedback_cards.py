"""`python manage.py feedback_cards 2026H2`: that period's 在职党员社区表现反馈卡, as the periodic
task makes them; prints how many were created, already present and failed (non-zero exit on any
failure). Running it twice, or while the task runs, never makes a second card."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from activities.feedback import services


class Command(BaseCommand):
    help = "生成某一期间的在职党员社区表现反馈卡（如 2026H2），重复执行不会重复生成。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("period", help="期间，如 2026H1 或 2026H2")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = services.period_get(options["period"])
            result = services.feedback_cards_generate(period=period)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        for reason in result.failed:
            self.stderr.write(reason)
        line = (
            f"{period.label}（{period.code}）反馈卡：新生成{result.created}张，"
            f"已存在{result.present}张，失败{len(result.failed)}张。"
        )
        if result.failed:
            raise CommandError(line)
        self.stdout.write(line)
