"""Squashed: one CreateModel per model, with its indexes and constraints, written from the models
as the replaced migrations left them. A fresh database runs this file; one migrated before the
squash (recording the replaced names) has nothing to apply. Left out, as they only touch rows a
fresh database does not have: 0003's tokens and random names for existing documents."""

import common.models
import django.core.validators
import django.db.models.deletion
import uuid
from django.conf import settings
from django.core.management import call_command
from django.db import migrations, models


def create_cache_table(apps, schema_editor):
    """From 0002_cache_table: without Redis the cache is a table in the database
    (config/settings.py); with Redis this does nothing."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('common', '0001_documents'),
        ('common', '0002_cache_table'),
        ('common', '0003_document_token_and_random_file_names'),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # Not the last organizations migration: its 0002 depends on common 0001, and a document
        # needs only the Organization of 0001.
        ('organizations', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Document',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='下载标识')),
                ('kind', models.CharField(max_length=48, verbose_name='台账')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='参数')),
                ('status', models.CharField(choices=[('pending', '排队中'), ('running', '生成中'), ('done', '已完成'), ('failed', '失败')], default='pending', max_length=16, verbose_name='状态')),
                ('progress', models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(100)], verbose_name='进度（%）')),
                ('file', models.FileField(blank=True, upload_to=common.models.document_path, verbose_name='文件')),
                ('error', models.TextField(blank=True, verbose_name='错误信息')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='申请时间')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='organizations.organization', verbose_name='党组织')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='申请人')),
            ],
            options={
                'verbose_name': 'PDF台账',
                'verbose_name_plural': 'PDF台账',
                'ordering': ['-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='document_progress_le_100')],
            },
        ),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
