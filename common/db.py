"""Small database helpers."""

from django.db import migrations


class DryRunRollback(Exception):
    """Raised inside ``transaction.atomic()`` to roll back a dry run (an import preview)."""



class RunSQLOnPostgreSQL(migrations.RunSQL):
    """A migration's ``RunSQL`` that runs on PostgreSQL only (the search's trigram indexes): on
    SQLite, where the tests and ``make run`` live, it does nothing, forwards or backwards."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(name: str, table: str, column: str) -> RunSQLOnPostgreSQL:
    """A GIN trigram index on ``UPPER(column)``: the expression Django's ``icontains`` compares on
    PostgreSQL (``UPPER("column"::text) LIKE UPPER('%…%')``), so that such a search reads it."""
    return RunSQLOnPostgreSQL(
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)',
        f'DROP INDEX IF EXISTS "{name}"',
    )
