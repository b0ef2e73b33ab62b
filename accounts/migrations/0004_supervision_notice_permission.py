from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Supervisors issue supervision notices and decide on responses (supervision.issue_supervisionnotice)."""

    dependencies = [
        ("accounts", "0003_review_permission"),
        ("supervision", "0002_notices_and_notifications"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
