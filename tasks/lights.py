"""红黄绿灯: each key task's light — the one place it is computed.

The light is stored on the task (``KeyTask.light``) and written only here: by the daily sweep
(``supervision.sweep`` → ``lights_refresh``) for every task of the plans in force, and for one task
at once when something that changes it happens (a report approved, an extension granted:
``task_light_refresh``). Every page — the task list and page, the work lists (inbox, review queue,
archive: the light of the report's task), the plan page, the dashboards and the PDFs — reads the
stored value, so one task shows one light everywhere; lists filter and count it in the database.
A report's own deadline state is not a light: it is ``ProgressReport.is_overdue`` (逾期).

- red: the task is past its due date and not completed, or one of its reports is overdue;
- yellow: the task, or an open report of it, is due within the plan's ``due_soon_working_days``
  working days and not submitted; or the reported progress trails the share of the task's time
  already elapsed by more than the plan's ``progress_lag_margin`` points;
- green: otherwise (and always once completed).
"""

from __future__ import annotations

import datetime

from django.db.models import Min
from django.utils import timezone

from tasks.models import KeyTask, Light, Plan, ProgressReport
from workdays.calendar import WorkingCalendar

OPEN = [ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED]


def task_light(
    task: KeyTask,
    *,
    plan: Plan,
    today: datetime.date,
    calendar: WorkingCalendar,
    earliest_open_report_due: datetime.date | None,
) -> str:
    if task.status == KeyTask.Status.COMPLETED:
        return Light.GREEN
    deadlines = [d for d in (None if task.is_ongoing else task.due_date, earliest_open_report_due) if d is not None]
    if any(d < today for d in deadlines):
        return Light.RED
    # N working days never span more than about 2N + 14 calendar days (the longest holiday is
    # about a week): beyond that there is no need to count them day by day.
    near = [d for d in deadlines if (d - today).days <= 2 * plan.due_soon_working_days + 14]
    if any(calendar.working_days_between(today, d) <= plan.due_soon_working_days for d in near):
        return Light.YELLOW
    if not task.is_ongoing and task.due_date > task.start_date:
        elapsed = (today - task.start_date).days / (task.due_date - task.start_date).days
        expected = round(100 * min(max(elapsed, 0.0), 1.0))
        if expected - task.progress > plan.progress_lag_margin:
            return Light.YELLOW
    return Light.GREEN


def lights_refresh(*, on: datetime.date, plan: Plan | None = None, task_ids: list[int] | None = None) -> dict[str, int]:
    """Recompute the lights of the tasks of plans in force (or of ``plan``, or only the tasks
    ``task_ids`` of it); write only those that changed."""
    calendar = WorkingCalendar()
    plans = [plan] if plan else list(Plan.objects.filter(status=Plan.Status.ACTIVE))
    changed: list[KeyTask] = []
    counts = {Light.GREEN: 0, Light.YELLOW: 0, Light.RED: 0}
    for current in plans:
        # Open reports only, read through the (status, due_on) index: not every report ever made.
        reports = ProgressReport.objects.filter(status__in=OPEN, task__plan=current)
        tasks = current.key_tasks.all()
        if task_ids is not None:
            reports, tasks = reports.filter(task_id__in=task_ids), tasks.filter(pk__in=task_ids)
        earliest = dict(reports.values_list("task_id").annotate(earliest=Min("due_on")).order_by())
        for task in tasks:
            light = task_light(task, plan=current, today=on, calendar=calendar, earliest_open_report_due=earliest.get(task.pk))
            counts[light] += 1
            if light != task.light:
                task.light = light
                changed.append(task)
    KeyTask.objects.bulk_update(changed, ["light"], batch_size=500)
    return {"changed": len(changed), **{str(k): v for k, v in counts.items()}}


def task_light_refresh(task: KeyTask, *, on: datetime.date | None = None) -> str:
    """Recompute one task's light now (after a change to it or its reports); returns it."""
    lights_refresh(on=on or timezone.localdate(), plan=task.plan, task_ids=[task.pk])
    return KeyTask.objects.values_list("light", flat=True).get(pk=task.pk)
