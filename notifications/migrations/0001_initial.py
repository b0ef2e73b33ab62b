# The Notification model moved here from supervision; its table (supervision_notification) stays.
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("supervision", "0002_notices_and_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("reminder", "Reminder"), ("overdue", "Overdue"), ("notice", "Supervision notice"), ("escalation", "Escalation"), ("extension", "Extension request"), ("info", "Information")], max_length=12, verbose_name="kind")),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        ("body", models.TextField(blank=True, verbose_name="message")),
                        ("url", models.CharField(blank=True, max_length=300, verbose_name="link")),
                        ("send_email", models.BooleanField(default=False, help_text="Reminders go out in the daily digest instead.", verbose_name="e-mail it")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                        ("email_claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="e-mailed")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL, verbose_name="user")),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "db_table": "supervision_notification",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [models.Index(fields=["user", "read_at"], name="supervision_user_id_25aba3_idx"), models.Index(fields=["send_email", "emailed_at"], name="notification_unsent")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
