from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Supervisors may sign off any evaluation (evaluation.sign_off)."""

    dependencies = [
        ("accounts", "0004_supervision_notice_permission"),
        ("evaluation", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
