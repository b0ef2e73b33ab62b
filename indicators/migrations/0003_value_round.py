from django.db import migrations, models


def first_round(apps, schema_editor):
    """Values submitted before rounds were counted are in their first (known) round."""
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")
    IndicatorValue.objects.exclude(status="draft").update(round=1)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_indicatorimport"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicatorvalue",
            name="round",
            field=models.PositiveSmallIntegerField(default=0, help_text="How many times it was submitted", verbose_name="round"),
        ),
        migrations.RunPython(first_round, migrations.RunPython.noop),
    ]
