"""`ImportCommand` / `RegisterImportCommand` / `ExportCommand`: a resource (or one of an app's
registers) as `python manage.py ...` with `--user`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from .files import read_spreadsheet, spreadsheet_format, write_spreadsheet
from .resource import RowNumberedResource


def command_user(username: str | None) -> Any:
    """The user whose scope a command works in; None (no limit) without --user."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户“{username}”不存在或已停用。")
    return user


class ImportCommand(BaseCommand):
    """`python manage.py import_x FILE [--user NAME]`: a RowNumberedResource's import.

    On any bad row it prints every row with its reason and writes nothing. Without --user it
    runs with no scope limit (as a superuser would); with --user within that user's scope.
    """

    resource_class: type[RowNumberedResource]
    what = "数据"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="文件（.xlsx 或 .csv）")
        parser.add_argument("--user", help="按该用户的权限范围导入（用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = command_user(options["user"])
        try:
            dataset = read_spreadsheet(options["file"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        resource = self.resource_class(user=user)
        result = resource.import_data(dataset, dry_run=False, raise_errors=False)
        if problems := resource.error_lines(result):
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{self.what}有{len(problems)}处错误，没有导入任何数据。")
        self.stdout.write(f"导入完成：{resource.summary(result)}。")


class RegisterImportCommand(ImportCommand):
    """`python manage.py import_x REGISTER FILE [--user NAME]`: the import of one of an app's
    registers, named by its key in `registers`."""

    registers: dict[str, type[RowNumberedResource]]

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("register", choices=sorted(self.registers), help="台账")
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        self.resource_class = self.registers[options["register"]]
        self.what = self.resource_class.title
        super().handle(*args, **options)


class ExportCommand(BaseCommand):
    """`python manage.py export_x FILE [--user NAME]`: a resource's export, in its import format."""

    resource_class: type[RowNumberedResource]
    what = "数据"
    counted = "行"  # 导出完成：N<counted>

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="输出文件（.xlsx 或 .csv）")
        parser.add_argument("--user", help="只导出该用户可见的数据（用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            spreadsheet_format(path)
        except ValueError as error:
            raise CommandError(str(error)) from error
        resource = self.resource_class(user=command_user(options["user"]))
        dataset = resource.export()
        try:
            write_spreadsheet(path, dataset)
        except OSError as error:
            raise CommandError(f"无法写入文件{path}：{error.strerror}") from error
        self.stdout.write(f"导出完成：{len(dataset)}{self.counted}，已写入{path}。")
