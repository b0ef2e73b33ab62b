"""Every add, change and delete made in the Django admin goes into the audit trail.

The admin site (config.admin_site) mixes :class:`AuditedAdminMixin` into every ModelAdmin it
registers, so a new admin is audited without anyone remembering to. The entry says who (actor),
when (at), what: the fields changed with their old and new values (``data.changes``), the
admin's own change message (``data.message``, inlines included) and, for a deletion, the object as
it was (``comment``).
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models

from audit.services import audit_record

ADDED, CHANGED, DELETED = "admin_add", "admin_change", "admin_delete"
SECRET_FIELDS = frozenset({"password"})


def _plain(value: Any) -> Any:
    """A form value as JSON: objects by their primary key and name, lists item by item."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (decimal.Decimal, datetime.date, datetime.time, datetime.timedelta)):
        return str(value)
    if isinstance(value, models.Model):
        return {"pk": value.pk, "str": str(value)}
    if isinstance(value, (list, tuple, set, frozenset, models.QuerySet)):
        return [_plain(item) for item in value]
    return str(value)


class AuditedAdminMixin:
    """log_addition / log_change / log_deletions that also write the audit trail (in the admin's
    transaction: the entry and the change are saved together or not at all)."""

    def save_model(self, request, obj, form, change):
        if change:
            obj._admin_changes = {
                name: [_plain(form.initial.get(name)), _plain(form.cleaned_data.get(name))]
                if name not in SECRET_FIELDS
                else ["***", "***"]
                for name in form.changed_data
            }
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        audit_record(subject=obj, actor=request.user, action=ADDED, to_state="added", comment=str(obj)[:500], data={"message": message})
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        audit_record(
            subject=obj,
            actor=request.user,
            action=CHANGED,
            comment=str(obj)[:500],
            data={"message": message, "changes": getattr(obj, "_admin_changes", {})},
        )
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            audit_record(
                subject=obj,
                actor=request.user,
                action=DELETED,
                to_state="deleted",
                comment=str(obj)[:500],
                data={
                    "fields": {
                        field.attname: _plain(getattr(obj, field.attname))
                        for field in obj._meta.concrete_fields
                        if field.attname not in SECRET_FIELDS
                    }
                },
            )
        return entries
