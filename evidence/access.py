"""The gatekeeper for evidence files. The download view gets files only through here.

Each owner type's app decides who may see its files, by registering a checker in its
``AppConfig.ready()``::

    from evidence.access import register_owner
    register_owner(ProgressReport, lambda user, report: can_view_report(user, report))

A file is given out only when it exists, is not removed, its owner still exists, the owner's type is
registered (unregistered types fail closed) and the checker says yes. Every refusal is a 404, so a
user learns nothing about files they may not see.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404

from accounts.models import User
from evidence.models import Evidence

Checker = Callable[[User, models.Model], bool]

_checkers: dict[str, Checker] = {}


def _key(model: type[models.Model]) -> str:
    # Evidence points at concrete models (ContentType.get_for_model), so a proxy registers its concrete model.
    return model._meta.concrete_model._meta.label_lower


def register_owner(model: type[models.Model], can_view: Checker) -> None:
    """Let files be attached to ``model`` and downloaded by users for whom ``can_view(user, owner)``."""
    key = _key(model)
    existing = _checkers.get(key)
    if existing is not None and existing is not can_view:
        raise ImproperlyConfigured(f"Evidence owner {key} is already registered with another checker.")
    _checkers[key] = can_view


def unregister_owner(model: type[models.Model]) -> Checker | None:
    """Forget ``model``'s checker (for tests); returns it so that it can be registered again."""
    return _checkers.pop(_key(model), None)


def is_registered(model: type[models.Model]) -> bool:
    return _key(model) in _checkers


def can_view_owner_files(user: User, owner: models.Model) -> bool:
    """Whether ``user`` may see the files of ``owner`` (False for unregistered types)."""
    checker = _checkers.get(_key(type(owner)))
    if checker is None or not (user.is_authenticated and user.is_active):
        return False
    try:
        return bool(checker(user, owner))
    except (Http404, PermissionDenied):
        return False


def get_evidence_for_download(user: User, public_id: uuid.UUID | str) -> Evidence:
    """The live file with this public id if ``user`` may see it, else Http404."""
    try:
        evidence = Evidence.objects.select_related("content_type").get(
            public_id=public_id, removed_at__isnull=True
        )
    except (Evidence.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc
    model = evidence.content_type.model_class()
    if model is None or not is_registered(model):
        raise Http404
    owner = evidence.owner
    if owner is None or not can_view_owner_files(user, owner):
        raise Http404
    return evidence
