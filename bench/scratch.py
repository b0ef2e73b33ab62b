"""The start every benchmark shares: its own database — ``DATABASE_URL`` (which it migrates and
fills: give it one you can throw away) or a scratch SQLite file — then ``django.setup()``."""

import os
import tempfile
from pathlib import Path


def django_setup(**environment: str) -> Path | None:
    """Set up Django for a benchmark; ``environment`` gives further defaults (e.g. ``DEBUG="1"``).
    Returns the scratch SQLite file, or None when ``DATABASE_URL`` names the database."""
    scratch = None
    if not os.environ.get("DATABASE_URL"):
        scratch = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    for name, value in {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "bench", "DATABASE_CONN_MAX_AGE": "0",
                        **environment}.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()
    return scratch
