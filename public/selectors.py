"""What the public progress page shows, read once and kept as plain data (cached, also the JSON).

Only what the plan publishes anyway and what supervisors approved: the plan's outline; each key
task's title, lead department, deadline, light and progress; each indicator's baseline, target,
latest approved value and attainment. No person, no report text, no evidence, no notice, no
comment. The rules are the system's own: the light is the one ``tasks.lights`` stores on the task,
the progress the one the latest approved report set (``tasks.progress.task_apply_report``), the
attainment ``indicators.attainment`` of the latest approved value, the completion figure the
average task progress of the evaluation reports (``evaluation.report_province``: Avg("progress")).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.attainment import CSS, LABELS, NO_DATA, attainment, latest_approved_values
from indicators.models import Indicator
from tasks.models import KeyTask, Light, Plan, ProgressReport, TaskDepartment
from tasks.selectors import outline_of


def published_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(publication__is_published=True).select_related("region").order_by("region__path", "-start_year", "title")


def published_plan(pk: int) -> Plan | None:
    return published_plans().filter(pk=pk).first()


def _number(value) -> str | None:
    return None if value is None else f"{Decimal(value).normalize():f}"


def _task_row(task: KeyTask) -> dict:
    return {
        "code": task.code,
        "title": task.title,
        "lead": task.lead_display,
        "deadline": task.deadline_text or task.due_date.isoformat(),
        "due_date": task.due_date.isoformat(),
        "status": task.status,
        "status_label": str(KeyTask.Status(task.status).label),
        "light": task.light,
        "light_label": str(Light(task.light).label),
        "progress": task.progress,
    }


def _indicator_rows(plan: Plan) -> tuple[list[dict], object]:
    indicators = list(plan.indicators.select_related("plan").prefetch_related("annual_targets").order_by("position", "pk"))
    years = list(plan.years)
    latest = latest_approved_values(indicators, years) if indicators else {}
    rows, newest = [], None
    for indicator in indicators:
        found = next(((year, latest[(indicator.pk, year)]) for year in reversed(years) if (indicator.pk, year) in latest), None)
        year, value = found if found else (None, None)
        state = attainment(indicator, year, value) if value is not None else NO_DATA
        if value is not None and value.decided_at and (newest is None or value.decided_at > newest):
            newest = value.decided_at
        # A qualitative value is a text a department wrote: only its attainment (the supervisor's
        # judgement) is shown, not the text.
        shown = indicator.format_number(value.value) if value is not None and indicator.is_numeric else None
        rows.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit_display,
                "nature": str(Indicator.Nature(indicator.nature).label),
                "baseline": indicator.format_number(indicator.baseline_value) if indicator.baseline_value is not None else None,
                "baseline_value": _number(indicator.baseline_value),
                "baseline_year": indicator.baseline_year,
                "target": indicator.target_display,
                "target_value": _number(indicator.target_value),
                "target_year": indicator.target_year,
                "latest": shown,
                "latest_value": _number(value.value) if value is not None and indicator.is_numeric else None,
                "latest_year": year,
                "attainment": state,
                "attainment_label": str(LABELS[state]),
                "attainment_css": CSS[state],
            }
        )
    return rows, newest


def plan_snapshot(plan: Plan) -> dict:
    """Everything the public page, its CSV and its JSON show of ``plan``, in the active language
    (labels translated), as plain data. Seven queries whatever the plan's size."""
    tasks = list(
        KeyTask.objects.filter(plan=plan)
        .select_related("section")
        .prefetch_related(Prefetch("task_departments", queryset=TaskDepartment.objects.select_related("department")))
        .order_by("position", "pk")
    )
    sections = [
        {
            "code": node.section.code if node.section else "",
            "title": node.section.title if node.section else _("Tasks outside any section"),
            "depth": node.depth,
            "tasks": [_task_row(task) for task in node.tasks],
        }
        for node in outline_of(plan=plan, tasks=tasks)
    ]
    indicators, newest_value = _indicator_rows(plan)
    newest_report = ProgressReport.objects.filter(task__plan=plan, status=ProgressReport.Status.APPROVED).aggregate(at=Max("decided_at"))["at"]
    newest = max([at for at in (newest_report, newest_value) if at is not None], default=None)
    lights = {light: sum(1 for t in tasks if t.light == light) for light in Light.values}
    total = len(tasks)
    return {
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "region": plan.region.name,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
        },
        "generated_at": timezone.localtime().isoformat(timespec="minutes"),
        "data_date": timezone.localtime(newest).date().isoformat() if newest else None,
        "summary": {
            "tasks": total,
            "completed": sum(1 for t in tasks if t.status == KeyTask.Status.COMPLETED),
            "in_progress": sum(1 for t in tasks if t.status == KeyTask.Status.IN_PROGRESS),
            "not_started": sum(1 for t in tasks if t.status == KeyTask.Status.NOT_STARTED),
            "average_progress": round(sum(t.progress for t in tasks) / total, 1) if total else None,
            "lights": lights,
            "light_rows": [
                {"light": light, "label": str(Light(light).label), "count": count, "share": round(100 * count / total, 1) if total else 0}
                for light, count in lights.items()
            ],
        },
        "sections": sections,
        "indicators": indicators,
    }
