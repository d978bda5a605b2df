"""python manage.py backup DIR: the database and MEDIA_ROOT, with a manifest (kit/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kit.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "备份数据库（PostgreSQL：pg_dump -Fc；SQLite：复制数据库文件）和上传/生成的文件（MEDIA_ROOT），"
        "并写入清单 manifest.json（每张表的行数、文件列表、备份时间）。DIR 须为新目录或空目录。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", type=Path, help="备份目录（新目录或空目录）")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_create(directory=options["directory"], using=options["database"])
        except (BackupError, OSError) as error:
            raise CommandError(f"备份失败：{error}") from error
        self.stdout.write(
            f"备份完成：{summary.tables}张表、{summary.rows}行、{summary.files}个文件，"
            f"已写入{options['directory']}。"
        )
