import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from audit.models import AuditEntry


def audit_record(
    *,
    subject: models.Model,
    actor=None,
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail. Call it inside the transaction that makes the change."""
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        comment=comment,
        data=data or {},
        at=at or timezone.now(),
    )
