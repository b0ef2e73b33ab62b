"""What the final report and the bulletin of a plan with cascaded plans (a province's) read: the
plan and the plans it handed down to the prefectures, summed per prefecture and per section.

Every figure is an aggregate computed by the database (``values`` + ``annotate``), grouped by plan
or by section, so the number of queries is the same for 2 prefectures as for 17, and for 10 tasks
as for 2,040. Evidence is counted per task (the files are listed in the system, not in the PDF);
per-task detail is read only for the optional appendix (``task_detail``). Only reads: the
typesetting stays in ``evaluation.report``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from evidence.models import Evidence
from indicators.attainment import NO_DATA, STATES, attainment
from indicators.models import Indicator, IndicatorValue
from supervision.models import SupervisionNotice
from supervision.notices import AWAITING_RESPONSE
from tasks.models import (
    LATE_AGAINST_ORIGINAL,
    KeyTask,
    Light,
    MilestoneClaim,
    Plan,
    ProgressReport,
    TaskDepartment,
)
from tasks.models.progress import OPEN_REPORT_STATES

COMPLETED, IN_PROGRESS, NOT_STARTED = (
    KeyTask.Status.COMPLETED,
    KeyTask.Status.IN_PROGRESS,
    KeyTask.Status.NOT_STARTED,
)
# Evidence hangs on reports, milestone claims and notices: the path from each to its key task.
EVIDENCE_OWNERS = [(ProgressReport, "task"), (MilestoneClaim, "milestone__task"), (SupervisionNotice, "task")]


def child_plans(plan: Plan) -> list[Plan]:
    """The plans ``plan`` handed down to the regions one level below (its prefectures), in the
    order of their division codes."""
    return list(Plan.objects.filter(parent=plan).select_related("region").order_by("region__code", "pk"))


def scope_tasks(plan: Plan, children: list[Plan]) -> QuerySet[KeyTask]:
    """The key tasks the report counts: the child plans' tasks, and the plan's own tasks that were
    not handed down (a handed-down task is carried out, and counted, in the prefectures)."""
    handed_down = KeyTask.objects.filter(parent=OuterRef("pk"))
    return KeyTask.objects.filter(Q(plan__in=children) | (Q(plan=plan) & ~Exists(handed_down)))


@dataclass
class Tally:
    """Key tasks of one prefecture, or of one section: completion and lights, and evidence."""

    name: str
    tasks: int = 0
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    average_progress: float | None = None
    lights: dict[str, int] = field(default_factory=dict)
    with_evidence: int = 0  # tasks with at least one live evidence file
    files: int = 0  # live evidence files behind them
    path: str = ""  # where the tasks (and their files) are listed in the system

    def share(self, count: int) -> str:
        return f"{100 * count / self.tasks:.0f}%" if self.tasks else "—"


TALLY = {
    "tasks": Count("pk"),
    "completed": Count("pk", filter=Q(status=COMPLETED)),
    "in_progress": Count("pk", filter=Q(status=IN_PROGRESS)),
    "not_started": Count("pk", filter=Q(status=NOT_STARTED)),
    "average_progress": Avg("progress"),
    **{f"light_{light}": Count("pk", filter=Q(light=light)) for light in Light.values},
}


def _fill(tally: Tally, row: dict) -> Tally:
    tally.tasks, tally.completed = row["tasks"], row["completed"]
    tally.in_progress, tally.not_started = row["in_progress"], row["not_started"]
    tally.average_progress = row["average_progress"]
    tally.lights = {light: row[f"light_{light}"] for light in Light.values}
    return tally


def plan_label(plan: Plan, top: Plan) -> str:
    """A row's name: the prefecture's, or "<province> (own tasks)" for the province plan itself."""
    if plan.pk == top.pk:
        return _("%(region)s (own tasks)") % {"region": plan.region.name}
    return plan.region.name


def _owned_evidence(tasks: QuerySet[KeyTask]):
    """For each kind of owner: the live evidence on owners of ``tasks`` (a queryset to group or
    list) and the owner id → task id map (one query). Two plain queries rather than one with a
    correlated subquery per file: PostgreSQL's estimate of the latter switches JIT on (+0.5 s)."""
    types = ContentType.objects.get_for_models(*(model for model, _path in EVIDENCE_OWNERS))
    for model, path in EVIDENCE_OWNERS:
        owners = dict(model.objects.filter(**{f"{path}__in": tasks.values("pk")}).order_by().values_list("pk", path))
        if owners:
            files = Evidence.objects.live().filter(
                content_type=types[model], object_id__in=model.objects.filter(**{f"{path}__in": tasks.values("pk")}).values("pk")
            )
            yield files, owners


def evidence_per_task(tasks: QuerySet[KeyTask]) -> dict[int, int]:
    """Task id → live evidence files on its reports, milestone claims and notices (files counted
    per owner by the database; two queries per kind of owner, plus the cached content types)."""
    counts: dict[int, int] = defaultdict(int)
    for files, owners in _owned_evidence(tasks):
        for object_id, number in files.values("object_id").annotate(n=Count("pk")).order_by().values_list("object_id", "n"):
            counts[owners[object_id]] += number
    return counts


@dataclass
class Completion:
    by_plan: list[Tally]  # the province's own tasks (if any) first, then each prefecture
    by_section: list[Tally]
    total: Tally


def _section_key():
    # A handed-down task keeps its section's title (the cascade copies it); the province's copy is
    # the fallback for children made without one.
    return Coalesce("section__title", "parent__section__title")


def completion(plan: Plan, children: list[Plan], *, evidence: bool = True) -> Completion:
    """Completion, lights and (with ``evidence``) evidence per prefecture and per section (two
    queries, and five more for the evidence)."""
    tasks = scope_tasks(plan, children)
    rows = {row["plan_id"]: row for row in tasks.values("plan_id").annotate(**TALLY).order_by()}
    by_plan = {
        p.pk: _fill(Tally(plan_label(p, plan), path=reverse("tasks:task_list", args=[p.pk])), rows[p.pk])
        for p in [plan, *children]
        if p.pk in rows
    }
    sections = (
        tasks.annotate(section_key=_section_key())
        .values("section_key")
        .annotate(**TALLY, order=Min(Coalesce("parent__section__position", "section__position")))
        .order_by(F("order").asc(nulls_last=True), "section_key")
    )
    by_section = {row["section_key"]: _fill(Tally(row["section_key"] or _("(no section)")), row) for row in sections}
    # Evidence: counted per task in SQL, rolled up here (2,040 small tuples for a province).
    files = evidence_per_task(tasks) if evidence else {}
    if files:
        for pk, plan_id, section_key in tasks.annotate(section_key=_section_key()).values_list("pk", "plan_id", "section_key"):
            if files.get(pk):
                for tally in (by_plan[plan_id], by_section[section_key]):
                    tally.files += files[pk]
                    tally.with_evidence += 1
    total = Tally(_("Total"))
    for tally in by_plan.values():
        total.tasks += tally.tasks
        total.completed += tally.completed
        total.in_progress += tally.in_progress
        total.not_started += tally.not_started
        total.with_evidence += tally.with_evidence
        total.files += tally.files
        for light, count in tally.lights.items():
            total.lights[light] = total.lights.get(light, 0) + count
    if total.tasks:
        total.average_progress = sum((t.average_progress or 0) * t.tasks for t in by_plan.values()) / total.tasks
    return Completion(by_plan=list(by_plan.values()), by_section=list(by_section.values()), total=total)


@dataclass
class Supervision:
    """Reports and notices of one prefecture (or of all: ``total``)."""

    name: str
    reports: int = 0
    approved: int = 0
    overdue: int = 0  # open (draft or returned) after the original due date
    late: int = 0  # submitted after the original due date
    extended: int = 0
    notices: int = 0
    notices_red: int = 0
    notices_awaiting: int = 0
    notices_overdue: int = 0  # awaiting a response after its response date
    response_days: float | None = None


def supervision(plan: Plan, children: list[Plan], on: datetime.date) -> tuple[list[Supervision], dict, Supervision]:
    """Per prefecture: reports (due, approved, overdue, late, extended) and notices; the notices by
    level and status for the whole province; and the totals (four queries)."""
    tasks = scope_tasks(plan, children)
    rows = {p.pk: Supervision(plan_label(p, plan)) for p in [plan, *children]}
    reports = (
        ProgressReport.objects.filter(task__in=tasks.values("pk"))
        .values("task__plan_id")
        .annotate(
            reports=Count("pk"),
            approved=Count("pk", filter=Q(status=ProgressReport.Status.APPROVED)),
            overdue=Count("pk", filter=Q(status__in=OPEN_REPORT_STATES, period__due_on__lt=on)),
            late=Count("pk", filter=LATE_AGAINST_ORIGINAL),
            extended=Count("pk", filter=~Q(due_on=F("period__due_on"))),
        )
        .order_by()
    )
    for row in reports:
        r = rows[row["task__plan_id"]]
        r.reports, r.approved, r.overdue, r.late, r.extended = (
            row["reports"], row["approved"], row["overdue"], row["late"], row["extended"]
        )
    response = ExpressionWrapper(F("responded_at") - F("issued_at"), output_field=DurationField())
    notices = SupervisionNotice.objects.filter(task__in=tasks.values("pk"))
    figures = {
        "notices": Count("pk"),
        "notices_red": Count("pk", filter=Q(level=SupervisionNotice.Level.RED)),
        "notices_awaiting": Count("pk", filter=Q(status__in=AWAITING_RESPONSE)),
        "notices_overdue": Count("pk", filter=Q(status__in=AWAITING_RESPONSE, response_due_on__lt=on)),
        "response": Avg(response, filter=Q(responded_at__isnull=False)),
    }
    for row in notices.values("task__plan_id").annotate(**figures).order_by():
        r = rows[row["task__plan_id"]]
        r.notices, r.notices_red = row["notices"], row["notices_red"]
        r.notices_awaiting, r.notices_overdue = row["notices_awaiting"], row["notices_overdue"]
        r.response_days = row["response"].total_seconds() / 86400 if row["response"] is not None else None
    levels = {(row["level"], row["status"]): row["n"] for row in notices.values("level", "status").annotate(n=Count("pk")).order_by()}
    shown = [r for pk, r in rows.items() if pk != plan.pk or r.reports or r.notices]
    total = Supervision(_("Total"))
    for r in shown:
        for name in ("reports", "approved", "overdue", "late", "extended", "notices", "notices_red", "notices_awaiting", "notices_overdue"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    overall = notices.aggregate(response=figures["response"])["response"]
    total.response_days = overall.total_seconds() / 86400 if overall is not None else None
    return shown, levels, total


def indicator_attainment(plan: Plan, children: list[Plan]) -> list[tuple[str, dict[str, int]]]:
    """Per prefecture: how many of its indicators are met, on track, at risk, not met or without
    data, on their latest approved value for the prefecture's own region (three queries; the
    values are read as tuples: 3,400 of them for a province)."""
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(plan__in=children).select_related("plan").prefetch_related("annual_targets")
    }
    if not indicators:
        return []
    region_of = {p.pk: p.region_id for p in children}
    latest: dict[int, tuple] = {}  # indicator id → (year, value, text, judgement), the latest approved
    values = (
        IndicatorValue.objects.filter(
            indicator__plan__in=children, year__in=list(plan.years), status=IndicatorValue.Status.APPROVED
        )
        .order_by("indicator_id", "year", "period_code", "pk")
        .values_list("indicator_id", "indicator__plan_id", "region_id", "year", "value", "text", "supervisor_judgement")
    )
    for indicator_id, plan_id, region_id, *value in values:
        if region_id == region_of[plan_id]:
            latest[indicator_id] = tuple(value)  # ordered by year: the last one wins
    counts: dict[int, dict[str, int]] = {p.pk: dict.fromkeys(STATES, 0) for p in children}
    for indicator in indicators.values():
        found = latest.get(indicator.pk)
        if found is None:
            state = NO_DATA
        else:
            year, number, text, judgement = found
            state = attainment(indicator, year, number if indicator.is_numeric else text, judgement)
        counts[indicator.plan_id][state] += 1
    return [(p.region.name, counts[p.pk]) for p in children if sum(counts[p.pk].values())]


@dataclass
class TaskLine:
    """One key task in the optional appendix."""

    task: KeyTask
    lead: str
    files: list[str]


def task_detail(plan: Plan, children: list[Plan]) -> list[tuple[str, str, list[TaskLine]]]:
    """The optional appendix: per prefecture (name, path in the system), each task with its lead
    department and the names of its live evidence files (a fixed number of queries)."""
    tasks = scope_tasks(plan, children)
    links = TaskDepartment.objects.filter(role=TaskDepartment.Role.LEAD).select_related("department").order_by("position", "pk")
    rows = list(
        tasks.select_related("plan")
        .prefetch_related(Prefetch("task_departments", queryset=links, to_attr="leads"))
        .order_by("position", "pk")
    )
    names = evidence_names(tasks)
    by_plan: dict[int, list[TaskLine]] = defaultdict(list)
    for task in rows:
        department = task.leads[0].department if task.leads else None
        lead = (department.short_name or department.name) if department else (task.lead_text or _("(no lead department)"))
        by_plan[task.plan_id].append(TaskLine(task=task, lead=lead, files=names.get(task.pk, [])))
    return [
        (plan_label(p, plan), reverse("tasks:task_list", args=[p.pk]), by_plan[p.pk])
        for p in [plan, *children]
        if by_plan.get(p.pk)
    ]


def evidence_names(tasks: QuerySet[KeyTask]) -> dict[int, list[str]]:
    """Task id → the names of its live evidence files, oldest first (two queries per kind of owner)."""
    result: dict[int, list[tuple]] = defaultdict(list)
    for files, owners in _owned_evidence(tasks):
        rows = files.order_by().values_list("object_id", "uploaded_at", "pk", "original_name")
        for object_id, uploaded_at, pk, name in rows.iterator(chunk_size=5000):
            result[owners[object_id]].append((uploaded_at, pk, name))
    return {task_id: [name for *_key, name in sorted(files)] for task_id, files in result.items()}
