# Notification moved to the notifications app, CalendarException to workdays: state only, the
# tables stay where they are.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_notices_and_notifications"),
        ("notifications", "0001_initial"),
        ("workdays", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification"), migrations.DeleteModel(name="CalendarException")],
            database_operations=[],
        ),
    ]
