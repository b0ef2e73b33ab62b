"""The catalogue of notification messages: a key, a title and a body, translated when read.

A notification stores its message *key* and plain parameters (names, codes, dates as text), never
a finished sentence, so that each reader sees it in their own language at display time. Apps
register their messages in ``AppConfig.ready()``::

    register_message(
        "tasks.report.returned",
        title=gettext_lazy("Report returned: %(subject)s"),
        body=gettext_lazy("Returned by %(actor)s: %(reason)s"),
    )

and notify with ``notify(users=…, kind=…, message="tasks.report.returned", params={…}, url=…)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Message:
    key: str
    title: str | Promise
    body: str | Promise = ""


_MESSAGES: dict[str, Message] = {}


def register_message(key: str, *, title: str | Promise, body: str | Promise = "") -> None:
    _MESSAGES[key] = Message(key, title, body)


def message(key: str) -> Message | None:
    return _MESSAGES.get(key)


def _format(template: str | Promise, params: dict[str, Any]) -> str:
    text = str(template)
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):  # a parameter missing from an old row: show the template
        return text


def render(key: str, params: dict[str, Any] | None) -> tuple[str, str]:
    """(title, body) of a registered message in the active language; ("", "") for an unknown key."""
    found = _MESSAGES.get(key)
    if found is None:
        return "", ""
    return _format(found.title, params or {}), _format(found.body, params or {}) if found.body else ""
