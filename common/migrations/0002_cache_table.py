"""Without Redis the cache is a table in the database (config/settings.py): `migrate` creates it,
so that no other command is needed before the system runs. With Redis this does nothing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("common", "0001_documents")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
