from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Administrators see login lockouts (django-axes) and unlock them."""

    dependencies = [
        ("accounts", "0006_report_and_rubric_permissions"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
