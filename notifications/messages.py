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

Parameters are plain JSON values (str, int, float, bool, None): names of tasks, departments and
people, notice references, user-written text, codes. Anything in the UI language belongs in the
template, not in a parameter. A parameter that must be shown in the reader's language — a date,
a choice label, a reporting period — is stored as a code and turned into text when the message is
rendered, by a formatter given at registration::

    register_message(
        "supervision.notice.escalated",
        title=gettext_lazy("Notice %(reference)s escalated to %(level)s"),
        formats={"level": choice_label(SupervisionNotice.Level), "due_on": iso_date},
    )
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import mark_safe

#: Keys look like "<app>.<subject>.<event>": lower case words separated by dots.
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
PLAIN_TYPES = (str, int, float, bool, type(None))

Formatter = Callable[[Any], str]


@dataclass(frozen=True)
class Message:
    key: str
    title: str | Promise
    body: str | Promise = ""
    formats: Mapping[str, Formatter] = field(default_factory=dict)


_MESSAGES: dict[str, Message] = {}


def register_message(
    key: str, *, title: str | Promise, body: str | Promise = "", formats: Mapping[str, Formatter] | None = None
) -> None:
    """Add (or replace) a message. ``formats`` maps a parameter name to a function turning its
    stored value into text in the active language (``iso_date``, ``choice_label(…)``)."""
    if not KEY_PATTERN.match(key):
        raise ValueError(f"Notification message keys look like 'app.subject.event', not {key!r}")
    _MESSAGES[key] = Message(key, title, body, dict(formats or {}))


def message(key: str) -> Message | None:
    return _MESSAGES.get(key)


def is_registered(key: str) -> bool:
    return key in _MESSAGES


def registered_keys() -> list[str]:
    return sorted(_MESSAGES)


# --- parameter formatters (applied at display time, in the active language) -------------------


def iso_date(value: Any) -> str:
    """A date stored as "2024-08-10", shown as the active language writes dates (2024年8月10日)."""
    try:
        return date_format(datetime.date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)


def choice_label(choices) -> Formatter:
    """A choice stored as its code ("yellow"), shown as its label in the active language."""

    def label(value: Any) -> str:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)

    return label


# --- checking and rendering --------------------------------------------------------------------


def check_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The parameters as a plain dict, or TypeError: string keys, plain JSON values only (no lazy
    translations, dates or model instances — store a name, a code or an ISO date instead)."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise TypeError(f"Notification params must be a dict, not {type(params).__name__}")
    wrong = {
        name: type(value).__name__
        for name, value in params.items()
        if not isinstance(name, str) or not isinstance(value, PLAIN_TYPES)
    }
    if wrong:
        raise TypeError(f"Notification params must be plain values (str, int, float, bool, None): {wrong}")
    return dict(params)


def _formatted(found: Message, params: Mapping[str, Any]) -> dict[str, Any]:
    if not found.formats:
        return dict(params)
    values = dict(params)
    for name, formatter in found.formats.items():
        if name in values and values[name] not in (None, ""):
            try:
                values[name] = formatter(values[name])
            except Exception:  # an odd stored value: show it as it is
                values[name] = str(values[name])
    return values


def _format(template: str | Promise, params: dict[str, Any], *, strict: bool = False) -> str:
    text = str(template)
    try:
        return text % params if params or "%(" in text else text
    except (KeyError, TypeError, ValueError):
        if strict:
            raise
        return text  # a parameter missing from an old row: show the template


def check_message(key: str, params: Mapping[str, Any]) -> None:
    """ValueError unless ``key`` is registered and ``params`` fill every placeholder of its
    templates: a typo fails when the notification is made (in tests), not when it is read."""
    found = _MESSAGES.get(key)
    if found is None:
        raise ValueError(f"Unknown notification message {key!r}: register it with notifications.messages.register_message")
    values = _formatted(found, params)
    for template in (found.title, found.body):
        if template:
            try:
                _format(template, values, strict=True)
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"Notification message {key!r} cannot be filled with {sorted(params)}: {exc!r}") from exc


def render(key: str, params: Mapping[str, Any] | None, mark: Callable[[Any], str] | None = None) -> tuple[str, str]:
    """(title, body) of a registered message in the active language; ("", "") for an unknown key.

    With ``mark`` (HTML for a page), the sentence is escaped and each parameter becomes
    ``mark(value)`` — e.g. Chinese names wrapped in ``<span lang="zh">`` — and the result is safe."""
    found = _MESSAGES.get(key)
    if found is None:
        return "", ""
    values = _formatted(found, params or {})
    if mark is None:
        return _format(found.title, values), _format(found.body, values) if found.body else ""
    marked = {name: mark(value) for name, value in values.items()}
    title = mark_safe(_format(escape(str(found.title)), marked))
    body = mark_safe(_format(escape(str(found.body)), marked)) if found.body else ""
    return title, body
