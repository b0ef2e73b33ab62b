# CalendarException moved here from supervision; its table (supervision_calendarexception) stays.
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("supervision", "0002_notices_and_notifications")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarException",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("date", models.DateField(unique=True, verbose_name="date")),
                        ("is_working_day", models.BooleanField(help_text="Ticked: a make-up working day (调休). Unticked: a holiday.", verbose_name="working day")),
                        ("note", models.CharField(blank=True, help_text="e.g. 国庆节, 春节调休", max_length=100, verbose_name="note")),
                    ],
                    options={"verbose_name": "calendar exception", "verbose_name_plural": "calendar exceptions", "db_table": "supervision_calendarexception", "ordering": ["date"]},
                ),
            ],
            database_operations=[],
        ),
    ]
