"""PDF ledgers move to the shared documents registry (common.Document)."""

from django.db import migrations


def copy_reports(apps, schema_editor):
    report = apps.get_model("organizations", "ReportDocument")
    document = apps.get_model("common", "Document")
    for row in report.objects.all():
        document.objects.create(
            kind=row.kind,
            organization_id=row.organization_id,
            requested_by_id=row.requested_by_id,
            status=row.status,
            progress=100 if row.status == "done" else 0,
            file=row.file.name,
            error=row.error,
            created_at=row.created_at,
            finished_at=row.finished_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0001_initial"),
        ("common", "0001_documents"),
    ]

    operations = [
        migrations.RunPython(copy_reports, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="ReportDocument"),
    ]
