"""Facts an evaluator sees beside a department's key tasks, computed from the data the platform tracks.

For one department of one plan: each task it leads or co-operates on, with
- its latest approved progress report (percent complete, period) and how many of its reports were
  due, approved and submitted late — against the ORIGINAL due dates (the periods'), whatever
  extension was granted; the extended reports are listed beside, with both dates;
- its milestones: how many, approved, approved on time (completed on or before the due date),
  overdue and not approved;
- the supervision notices the department received about it: by level, closed, answered on time or
  late, the average response time, and those still awaiting a response after their due date;
- the funding lines that pay for it: allocated, spent and the execution rate;
and, once for the department, the plan's indicators it is responsible for with their attainment.

A fixed number of queries whatever the number of tasks (aggregates grouped by task, no query per
row). Plain dataclasses: the page template reads them as they are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from funding.selectors import ALLOCATED_KINDS, Kind, ledger_sum, percent_of
from indicators.attainment import LABELS, NO_DATA, attainment, latest_approved_values
from indicators.models import Indicator
from supervision.models import SupervisionNotice
from supervision.notices import AWAITING_RESPONSE
from tasks.models import (
    LATE_AGAINST_ORIGINAL,
    Department,
    KeyTask,
    Milestone,
    MilestoneClaim,
    Plan,
    ProgressReport,
    ReportingPeriod,
    TaskDepartment,
)

APPROVED = ProgressReport.Status.APPROVED
LEVELS = SupervisionNotice.Level
ZERO = Decimal("0.00")


@dataclass
class ExtendedReport:
    """A report of the task whose due date was extended: "due 2024-04-15 (extended to 2024-04-30)"."""

    period: ReportingPeriod
    original_due_on: datetime.date
    due_on: datetime.date
    late: bool  # submitted after the original due date


@dataclass
class TaskFacts:
    """One key task of the department, with what the data says about it."""

    task: KeyTask
    role: str  # "lead" or "cooperating" (TaskDepartment.Role)

    # Progress reports
    approved_percent: int | None = None  # percent complete of the latest approved report
    approved_period: ReportingPeriod | None = None  # its period (.code e.g. 2024Q2, .label)
    # Deadlines are the ORIGINAL ones (the period's due date): an extension granted to a report
    # does not excuse its lateness here; the extensions are listed beside (``extensions``).
    reports_due: int = 0  # originally due on or before ``on`` (an approved report counts even if approved early)
    reports_approved: int = 0
    reports_late: int = 0  # submitted after their original due date
    extensions: list[ExtendedReport] = field(default_factory=list)

    # Milestones
    milestones: int = 0
    milestones_approved: int = 0  # met: completion approved by a supervisor
    milestones_on_time: int = 0  # approved, completed on or before the due date
    milestones_overdue: int = 0  # due before ``on`` and not approved

    # Supervision notices to this department about this task
    notices: int = 0
    notices_blue: int = 0
    notices_yellow: int = 0
    notices_red: int = 0
    notices_closed: int = 0
    notices_answered: int = 0  # responded_at set
    notices_answered_on_time: int = 0  # responded on or before response_due_on
    notices_answered_late: int = 0  # responded after response_due_on
    notice_response_days: float | None = None  # average of responded_at − issued_at, in days
    notices_overdue: int = 0  # still awaiting a response and response_due_on before ``on``

    # Funding lines paying for the task (a line paying for several tasks counts for each)
    funding_lines: int = 0
    allocated: Decimal = ZERO
    spent: Decimal = ZERO
    execution_rate: float | None = None  # spent ÷ allocated × 100; None when nothing is allocated

    @property
    def is_lead(self) -> bool:
        return self.role == TaskDepartment.Role.LEAD


@dataclass
class IndicatorFact:
    """An indicator the department is responsible for, with its latest approved value."""

    indicator: Indicator
    value: str  # the latest approved value as printed (80%, 1:3000, a qualitative text), or —
    year: int | None  # the year of that value
    status: str  # indicators.attainment: met, on_track, at_risk, not_met, no_data
    status_label: str  # its label (lazy translation)


@dataclass
class DepartmentFacts:
    plan: Plan
    department: Department
    on: datetime.date
    tasks: list[TaskFacts]
    indicators: list[IndicatorFact]


def department_facts(
    plan: Plan, department: Department, *, on: datetime.date | None = None
) -> DepartmentFacts:
    """The facts of ``department``'s tasks in ``plan`` as of ``on`` (default today), and its indicators."""
    on = on or timezone.localdate()
    tasks = _tasks(plan, department)
    if tasks:
        ids = [facts.task.pk for facts in tasks]
        by_id = {facts.task.pk: facts for facts in tasks}
        _reports(by_id, ids, on)
        _milestones(by_id, ids, on)
        _notices(by_id, ids, department, on)
        _funding(by_id, ids)
    return DepartmentFacts(
        plan=plan, department=department, on=on, tasks=tasks, indicators=indicator_facts(plan, department)
    )


# --- reads (one query each) ----------------------------------------------------------------


def _tasks(plan: Plan, department: Department) -> list[TaskFacts]:
    latest = (
        ProgressReport.objects.filter(task_id=OuterRef("task_id"), status=APPROVED)
        .order_by("-period__ends_on", "-pk")
        .values("pk")[:1]
    )
    links = (
        TaskDepartment.objects.filter(department=department, task__plan=plan)
        .select_related("task", "task__section")
        .annotate(latest_report_id=Subquery(latest))
        .order_by("task__position", "task__pk")
    )
    tasks, latest_ids = [], {}
    for link in links:
        tasks.append(TaskFacts(task=link.task, role=link.role))
        if link.latest_report_id:
            latest_ids[link.latest_report_id] = tasks[-1]
    if latest_ids:
        for report in ProgressReport.objects.filter(pk__in=list(latest_ids)).select_related("period"):
            facts = latest_ids[report.pk]
            facts.approved_percent, facts.approved_period = report.percent_complete, report.period
    return tasks


def _reports(by_id: dict[int, TaskFacts], ids: list[int], on: datetime.date) -> None:
    rows = (
        ProgressReport.objects.filter(task_id__in=ids)
        .values("task_id")
        .annotate(
            due=Count("pk", filter=Q(period__due_on__lte=on) | Q(status=APPROVED)),
            approved=Count("pk", filter=Q(status=APPROVED)),
            late=Count("pk", filter=LATE_AGAINST_ORIGINAL),
            extended=Count("pk", filter=~Q(due_on=F("period__due_on"))),
        )
        .order_by()
    )
    any_extended = False
    for row in rows:
        any_extended = any_extended or bool(row["extended"])
        facts = by_id[row["task_id"]]
        facts.reports_due, facts.reports_approved, facts.reports_late = (
            row["due"],
            row["approved"],
            row["late"],
        )
    if not any_extended:
        return  # the list of extensions costs a query only when there are some
    extended = (
        ProgressReport.objects.filter(task_id__in=ids)
        .exclude(due_on=F("period__due_on"))
        .select_related("period")
        .order_by("period__starts_on", "pk")
    )
    for report in extended:
        by_id[report.task_id].extensions.append(
            ExtendedReport(
                period=report.period,
                original_due_on=report.original_due_on,
                due_on=report.due_on,
                late=report.is_late_against_original,
            )
        )


def _milestones(by_id: dict[int, TaskFacts], ids: list[int], on: datetime.date) -> None:
    # The milestone keeps the approved claim's date (milestone_apply_claim); the claim is the fallback.
    claimed_on = (
        MilestoneClaim.objects.filter(milestone_id=OuterRef("pk"), status=MilestoneClaim.Status.APPROVED)
        .order_by("-decided_at", "-pk")
        .values("completed_on")[:1]
    )
    met = Q(status=Milestone.Status.APPROVED)
    rows = (
        Milestone.objects.filter(task_id__in=ids)
        .annotate(done_on=Coalesce("completed_on", Subquery(claimed_on), output_field=DateField()))
        .values("task_id")
        .annotate(
            total=Count("pk"),
            approved=Count("pk", filter=met),
            on_time=Count("pk", filter=met & Q(done_on__lte=F("due_date"))),
            overdue=Count("pk", filter=~met & Q(due_date__lt=on)),
        )
        .order_by()
    )
    for row in rows:
        facts = by_id[row["task_id"]]
        facts.milestones, facts.milestones_approved = row["total"], row["approved"]
        facts.milestones_on_time, facts.milestones_overdue = row["on_time"], row["overdue"]


def _notices(by_id: dict[int, TaskFacts], ids: list[int], department: Department, on: datetime.date) -> None:
    answered = Q(responded_at__isnull=False)
    rows = (
        SupervisionNotice.objects.filter(task_id__in=ids, department=department)
        .values("task_id")
        .annotate(
            total=Count("pk"),
            blue=Count("pk", filter=Q(level=LEVELS.BLUE)),
            yellow=Count("pk", filter=Q(level=LEVELS.YELLOW)),
            red=Count("pk", filter=Q(level=LEVELS.RED)),
            closed=Count("pk", filter=Q(status=SupervisionNotice.Status.CLOSED)),
            answered=Count("pk", filter=answered),
            # __date: the day in the project's time zone, as response_due_on is meant
            on_time=Count("pk", filter=answered & Q(responded_at__date__lte=F("response_due_on"))),
            late=Count("pk", filter=answered & Q(responded_at__date__gt=F("response_due_on"))),
            response_time=Avg(
                ExpressionWrapper(F("responded_at") - F("issued_at"), output_field=DurationField()),
                filter=answered,
            ),
            overdue=Count("pk", filter=Q(status__in=AWAITING_RESPONSE, response_due_on__lt=on)),
        )
        .order_by()
    )
    for row in rows:
        facts = by_id[row["task_id"]]
        facts.notices = row["total"]
        facts.notices_blue, facts.notices_yellow, facts.notices_red = row["blue"], row["yellow"], row["red"]
        facts.notices_closed, facts.notices_answered = row["closed"], row["answered"]
        facts.notices_answered_on_time, facts.notices_answered_late = row["on_time"], row["late"]
        facts.notices_overdue = row["overdue"]
        if row["response_time"] is not None:
            facts.notice_response_days = row["response_time"].total_seconds() / 86400


def _funding(by_id: dict[int, TaskFacts], ids: list[int]) -> None:
    prefix = "funding_lines__entries__"
    rows = (
        KeyTask.objects.filter(pk__in=ids)
        .values("pk")
        .annotate(
            lines=Count("funding_lines", distinct=True),
            allocated=ledger_sum(ALLOCATED_KINDS, prefix=prefix),
            spent=ledger_sum([Kind.EXPENDITURE], prefix=prefix),
        )
        .annotate(execution_rate=percent_of("spent"))
        .order_by()
    )
    for row in rows:
        facts = by_id[row["pk"]]
        facts.funding_lines, facts.allocated, facts.spent = row["lines"], row["allocated"], row["spent"]
        facts.execution_rate = row["execution_rate"]


def indicator_facts(plan: Plan, department: Department) -> list[IndicatorFact]:
    """The plan's indicators ``department`` is responsible for, each with its latest approved value
    (the last year of the plan that has one) and its attainment (three queries)."""
    indicators = list(
        Indicator.objects.filter(plan=plan, department=department)
        .select_related("plan")
        .prefetch_related("annual_targets")
        .order_by("position", "pk")
    )
    if not indicators:
        return []
    years = list(plan.years)
    latest = latest_approved_values(indicators, years)
    facts = []
    for indicator in indicators:
        found = next(
            ((y, latest[(indicator.pk, y)]) for y in reversed(years) if (indicator.pk, y) in latest), None
        )
        if found:
            year, value = found
            shown = indicator.format_number(value.value) if indicator.is_numeric else (value.text or "—")
            status = attainment(indicator, year, value)
        else:
            year, shown, status = None, "—", NO_DATA
        facts.append(
            IndicatorFact(
                indicator=indicator, value=shown, year=year, status=status, status_label=LABELS[status]
            )
        )
    return facts
