"""红黄绿灯: each key task's light, stored on the task and rolled up by the selectors.

- red: the task is past its due date and not completed, or one of its reports is overdue;
- yellow: the task, or an open report of it, is due within the plan's ``due_soon_working_days``
  working days and not submitted; or the reported progress trails the share of the task's time
  already elapsed by more than the plan's ``progress_lag_margin`` points;
- green: otherwise (and always once completed).
"""

from __future__ import annotations

import datetime

from django.db.models import Min

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


def lights_refresh(*, on: datetime.date, plan: Plan | None = None) -> dict[str, int]:
    """Recompute the lights of the tasks of plans in force; write only those that changed."""
    calendar = WorkingCalendar()
    plans = [plan] if plan else list(Plan.objects.filter(status=Plan.Status.ACTIVE))
    changed: list[KeyTask] = []
    counts = {Light.GREEN: 0, Light.YELLOW: 0, Light.RED: 0}
    for current in plans:
        # Open reports only, read through the (status, due_on) index: not every report ever made.
        earliest = dict(
            ProgressReport.objects.filter(status__in=OPEN, task__plan=current)
            .values_list("task_id")
            .annotate(earliest=Min("due_on"))
            .order_by()
        )
        for task in current.key_tasks.all():
            light = task_light(task, plan=current, today=on, calendar=calendar, earliest_open_report_due=earliest.get(task.pk))
            counts[light] += 1
            if light != task.light:
                task.light = light
                changed.append(task)
    KeyTask.objects.bulk_update(changed, ["light"], batch_size=500)
    return {"changed": len(changed), **{str(k): v for k, v in counts.items()}}
