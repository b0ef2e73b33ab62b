from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Supervisors review progress reports and milestone claims (tasks.review_progressreport)."""

    dependencies = [
        ("accounts", "0002_role_groups"),
        ("tasks", "0002_progress_reporting"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
