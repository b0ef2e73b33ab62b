"""The header's search (``search``): pg_trgm and trigram indexes on the titles and names it
matches. PostgreSQL only (``common.db.RunSQLOnPostgreSQL``); nothing on SQLite. pg_trgm is a
trusted extension (PostgreSQL 13+): the database's owner may create it without a superuser.
The extension stays when migrated back (other indexes may use it)."""

from django.db import migrations

from common.db import RunSQLOnPostgreSQL, trigram_index


class Migration(migrations.Migration):
    dependencies = [("tasks", "0009_archive_indexes")]

    operations = [
        RunSQLOnPostgreSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        trigram_index("search_plan_title_trgm", "tasks_plan", "title"),
        trigram_index("search_keytask_title_trgm", "tasks_keytask", "title"),
        trigram_index("search_department_name_trgm", "tasks_department", "name"),
        trigram_index("search_department_short_trgm", "tasks_department", "short_name"),
        trigram_index("search_departmentalias_trgm", "tasks_departmentalias", "alias"),
    ]
