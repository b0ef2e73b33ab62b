"""The public pages' cache: every entry is keyed by one version token, replaced whenever something
the pages show changes (an approval, a publication switched, a task or indicator edited: see
``public.invalidation``). Entries also expire after ``PUBLIC_CACHE_SECONDS`` (default 300 s), which
bounds what no signal announces (the lights written by the daily sweep with ``bulk_update``) and,
with a per-process cache (no ``CACHE_URL``), how long another worker may lag behind a change.
A hit is two cache reads and no database query."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "public:version"


def timeout() -> int:
    return getattr(settings, "PUBLIC_CACHE_SECONDS", 300)


def version() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, token, None):
            token = cache.get(VERSION_KEY) or token
    return token


def bump() -> None:
    """Forget every public page at once (a new token; the old entries expire unread)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def cached(name: str, build: Callable[[], Any]) -> Any:
    key = f"public:{version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout())
    return value
