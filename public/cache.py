"""The public pages' cache: every entry is keyed by a version, replaced whenever something the pages
show changes (an approval, a publication switched, a task or indicator edited: see
``public.invalidation``). Entries also expire after ``PUBLIC_CACHE_SECONDS`` (default 300 s), which
bounds what no signal announces (the lights the nightly sweep writes with ``bulk_update``).

The version is a token in the cache *and* a token in a small stamp file of the database's own in
the temporary directory: with a shared cache (``CACHE_URL``, Redis) the first is enough; with each
gunicorn worker's own memory (no ``CACHE_URL``) the file tells every worker of the machine at once
that a page was withdrawn. (Not in MEDIA_ROOT: that holds the uploads, and is counted file by
file.) A hit reads the cache twice and the file once, and makes no database query."""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "public:version"


def timeout() -> int:
    return getattr(settings, "PUBLIC_CACHE_SECONDS", 300)


def stamp_path() -> Path:
    """One file per database: the workers of a deployment share it, tests and deployments do not."""
    from django.db import connection

    database = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"plansupervisor-public-{database}"


def version() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, token, None):
            token = cache.get(VERSION_KEY) or token
    try:
        stamp = stamp_path().read_text()[:32]
    except OSError:
        stamp = ""
    return f"{token}{stamp}"


def bump() -> None:
    """Forget every public page at once (new tokens; the old entries expire unread)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    try:
        stamp_path().write_text(uuid.uuid4().hex)
    except OSError:  # an unwritable temporary directory: the cache's token and the time limit still hold
        pass


def cached(name: str, build: Callable[[], Any]) -> Any:
    key = f"public:{version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout())
    return value
