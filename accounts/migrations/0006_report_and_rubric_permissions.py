from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Supervisors generate reports, supervisors and evaluators download them, administrators edit rubrics."""

    dependencies = [
        ("accounts", "0005_evaluation_sign_off_permission"),
        ("evaluation", "0002_evaluation_process_and_generated_reports"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
