# Notifications become a message key plus parameters, rendered in the reader's language when
# shown (notifications.messages). The finished text of the rows written before this change moves
# to legacy_title / legacy_body; new rows leave those blank. Adds the kind "review".
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="notification", old_name="title", new_name="legacy_title"),
        migrations.RenameField(model_name="notification", old_name="body", new_name="legacy_body"),
        migrations.AlterField(
            model_name="notification",
            name="legacy_title",
            field=models.CharField(blank=True, max_length=200, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="notification",
            name="message",
            field=models.CharField(
                blank=True, default="", help_text="Rendered in the reader's language when shown.", max_length=100, verbose_name="message key"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="message parameters"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("reminder", "Reminder"),
                    ("overdue", "Overdue"),
                    ("notice", "Supervision notice"),
                    ("escalation", "Escalation"),
                    ("extension", "Extension request"),
                    ("info", "Information"),
                    ("review", "Review"),
                ],
                max_length=12,
                verbose_name="kind",
            ),
        ),
    ]
