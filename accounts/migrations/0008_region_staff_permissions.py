from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Administrators place staff in their region (tasks.RegionStaff)."""

    dependencies = [
        ("accounts", "0007_login_throttling_permissions"),
        ("tasks", "0007_regions_and_cascades"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
