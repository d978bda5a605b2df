"""python manage.py restore DIR: a backup into an empty database and MEDIA_ROOT (kit/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kit.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "把 backup 命令生成的备份恢复到空数据库（先建库，不要运行 migrate）和空的 MEDIA_ROOT，"
        "恢复后逐表核对行数、逐个核对文件。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", type=Path, help="backup 命令生成的备份目录")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_restore(directory=options["directory"], using=options["database"])
        except (BackupError, OSError) as error:
            raise CommandError(f"恢复失败：{error}") from error
        self.stdout.write(
            f"恢复完成：{summary.tables}张表、{summary.rows}行、{summary.files}个文件，"
            "与备份清单一致。"
        )
