import secrets
import uuid

from django.core.files.storage import default_storage
from django.db import migrations, models

import common.models


def fill_tokens(apps, schema_editor):
    """Every existing document gets its own random token (a default would give them one)."""
    Document = apps.get_model("common", "Document")
    for pk in Document.objects.values_list("pk", flat=True).iterator():
        Document.objects.filter(pk=pk).update(token=uuid.uuid4())


def rename_files(apps, schema_editor):
    """Files stored under their Chinese names (documents/2026/11/党费台账-….pdf) move to random
    names; a file that is gone stays recorded as it is."""
    Document = apps.get_model("common", "Document")
    for document in Document.objects.exclude(file="").iterator():
        old = document.file.name
        if not default_storage.exists(old):
            continue
        with default_storage.open(old, "rb") as handle:
            new = default_storage.save(f"documents/{secrets.token_hex(16)}.pdf", handle)
        Document.objects.filter(pk=document.pk).update(file=new)
        default_storage.delete(old)


class Migration(migrations.Migration):

    dependencies = [
        ("common", "0002_cache_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="token",
            field=models.UUIDField(editable=False, null=True, verbose_name="下载标识"),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="document",
            name="token",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="下载标识"
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="file",
            field=models.FileField(
                blank=True, upload_to=common.models.document_path, verbose_name="文件"
            ),
        ),
        migrations.RunPython(rename_files, migrations.RunPython.noop, elidable=True),
    ]
