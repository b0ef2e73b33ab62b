"""The header's search (``search``): a trigram index on the indicators' names (PostgreSQL only;
the extension comes with ``tasks.0010_search_trigram_indexes``)."""

from django.db import migrations

from common.db import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0005_strict_relative_targets_and_plain_units"),
        ("tasks", "0010_search_trigram_indexes"),
    ]

    operations = [trigram_index("search_indicator_name_trgm", "indicators_indicator", "name")]
