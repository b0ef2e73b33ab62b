"""What makes the public pages stale: a change to anything they show. Each such save or delete
replaces the cache's version token, at once and again when its transaction commits (``public.cache.bump``).

Model signals rather than calls from the services of other apps: approvals of reports and
indicator values, publications, and edits of plans, sections, tasks, departments and indicators
all end in a save of one of these models. Draft edits of indicator values are left out (the pages
show approved values only)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from public import cache


def _bump(**_kwargs) -> None:
    # At once (this process sees the change from now on) and again once committed: a page built
    # by another request between the two from data read before the commit is dropped too.
    cache.bump()
    transaction.on_commit(cache.bump)


def _value_saved(sender, instance, update_fields=None, **kwargs) -> None:
    approved = instance.status == instance.Status.APPROVED
    if approved or update_fields is None or "status" in update_fields:
        _bump()


def connect() -> None:
    from indicators.models import AnnualIndicatorTarget, Indicator, IndicatorValue
    from public.models import PlanPublication
    from tasks.models import Department, KeyTask, Plan, PlanSection, TaskDepartment

    for model in (PlanPublication, Plan, PlanSection, KeyTask, TaskDepartment, Department, Indicator, AnnualIndicatorTarget):
        post_save.connect(_bump, sender=model, dispatch_uid=f"public-bump-save-{model._meta.label}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"public-bump-delete-{model._meta.label}")
    post_save.connect(_value_saved, sender=IndicatorValue, dispatch_uid="public-bump-value")
    post_delete.connect(_bump, sender=IndicatorValue, dispatch_uid="public-bump-value-delete")
