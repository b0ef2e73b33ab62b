"""Small database helpers."""


class DryRunRollback(Exception):
    """Raised inside ``transaction.atomic()`` to roll back a dry run (an import preview)."""
