"""python manage.py media_to_storage: the files kept on disk (MEDIA_ROOT) copied into the shared
bucket of STORAGE_URL (kit/storage.py), under the same names; harmless when run again."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from kit.storage import SharedStorage


class Command(BaseCommand):
    help = (
        "把本机 MEDIA_ROOT 中的上传文件和生成的台账复制到 STORAGE_URL 所指的共享存储（同名，"
        "已有的跳过；可重复运行）。复制完成后可设 STORAGE_LOCAL_FALLBACK=false。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        storage = storages["default"]
        if not isinstance(storage, SharedStorage):
            raise CommandError("未设置 STORAGE_URL：文件已在本机 MEDIA_ROOT 中，无需复制。")
        copied, present = storage.local_files_copy()
        self.stdout.write(f"已复制{copied}个文件到共享存储，{present}个已在其中。")
