"""Dating a deadline the task breakdown table gave in words (试点验收前): a supervisor of the plan's
region sets the date; the words stay as written, the "needs a date" flag goes, the audit trail says
who dated it and from what."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from tasks.models import KeyTask


@transaction.atomic
def task_date_deadline(*, task: KeyTask, due_date: datetime.date | None, actor: User, comment: str = "") -> KeyTask:
    task = KeyTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
    if due_date is None:
        raise ValidationError({"due_date": _("Enter the date the task is due.")})
    if due_date < task.start_date:
        raise ValidationError({"due_date": _("The due date cannot be before the task starts (%(start)s).") % {"start": task.start_date}})
    if not (task.plan.start_date <= due_date <= task.plan.end_date):
        raise ValidationError(
            {"due_date": _("Choose a date within the plan (%(first)d–%(last)d).") % {"first": task.plan.start_year, "last": task.plan.end_year}}
        )
    previous = task.due_date
    task.due_date, task.deadline_undated = due_date, False
    task.save(update_fields=["due_date", "deadline_undated", "updated_at"])
    audit_record(
        subject=task,
        actor=actor,
        action="date_deadline",
        from_state=previous.isoformat(),
        to_state=due_date.isoformat(),
        comment=comment or task.deadline_text,
    )
    return task
