# Notifications written before message keys existed keep the finished sentence they were stored
# with (legacy_title / legacy_body, in the language of the moment they were made — Chinese): free
# text cannot be re-translated, so they get no key (message = "") and no parameters, and are shown
# as stored in every language. Only rows made from now on render in the reader's language.
from django.db import migrations


def keep_stored_text(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    # Every row present now predates message keys (0002 added the columns with these defaults);
    # stated here so that the rule is written down and holds whatever defaults 0002 had.
    Notification.objects.update(message="", params={})


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_message_key_and_params"),
    ]

    operations = [
        migrations.RunPython(keep_stored_text, migrations.RunPython.noop),
    ]
