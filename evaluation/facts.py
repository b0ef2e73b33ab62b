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

from funding.selectors import ALLOCATED_KINDS, Kind, ledger_sum
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
    return DepartmentFacts(
        plan=plan, department=department, on=on, tasks=_tasks(plan, department, on),
        indicators=indicator_facts(plan, department),
    )


# --- reads ----------------------------------------------------------------------------------
# One query reads the department's tasks with every count beside each (correlated subqueries
# grouped by task), one more the periods of their latest approved reports, and one the extended
# reports when there are any: three at most, whatever the number of tasks.


def _per_task(queryset, expression, default=0, *, key="task_id"):
    """``expression`` aggregated over the rows of ``queryset`` that belong to the outer row's task."""
    rows = queryset.filter(**{key: OuterRef("task_id")}).order_by().values(key).annotate(value=expression)
    field = expression.output_field if hasattr(expression, "output_field") else None
    if default is None:
        return Subquery(rows.values("value")[:1], output_field=field)
    return Coalesce(Subquery(rows.values("value")[:1], output_field=field), default, output_field=field)


def _report_counts(on: datetime.date) -> dict:
    reports = ProgressReport.objects.all()
    latest = reports.filter(task_id=OuterRef("task_id"), status=APPROVED).order_by("-period__ends_on", "-pk")
    return {
        "latest_percent": Subquery(latest.values("percent_complete")[:1]),
        "latest_period_id": Subquery(latest.values("period_id")[:1]),
        "reports_due": _per_task(reports, Count("pk", filter=Q(period__due_on__lte=on) | Q(status=APPROVED))),
        "reports_approved": _per_task(reports, Count("pk", filter=Q(status=APPROVED))),
        "reports_late": _per_task(reports, Count("pk", filter=LATE_AGAINST_ORIGINAL)),
        "reports_extended": _per_task(reports, Count("pk", filter=~Q(due_on=F("period__due_on")))),
    }


def _milestone_counts(on: datetime.date) -> dict:
    # The milestone keeps the approved claim's date (milestone_apply_claim); the claim is the fallback.
    claimed_on = (
        MilestoneClaim.objects.filter(milestone_id=OuterRef("pk"), status=MilestoneClaim.Status.APPROVED)
        .order_by("-decided_at", "-pk")
        .values("completed_on")[:1]
    )
    milestones = Milestone.objects.annotate(
        done_on=Coalesce("completed_on", Subquery(claimed_on), output_field=DateField())
    )
    met = Q(status=Milestone.Status.APPROVED)
    return {
        "milestones": _per_task(milestones, Count("pk")),
        "milestones_approved": _per_task(milestones, Count("pk", filter=met)),
        "milestones_on_time": _per_task(milestones, Count("pk", filter=met & Q(done_on__lte=F("due_date")))),
        "milestones_overdue": _per_task(milestones, Count("pk", filter=~met & Q(due_date__lt=on))),
    }


def _notice_counts(department: Department, on: datetime.date) -> dict:
    notices = SupervisionNotice.objects.filter(department=department)
    answered = Q(responded_at__isnull=False)
    return {
        "notices": _per_task(notices, Count("pk")),
        "notices_blue": _per_task(notices, Count("pk", filter=Q(level=LEVELS.BLUE))),
        "notices_yellow": _per_task(notices, Count("pk", filter=Q(level=LEVELS.YELLOW))),
        "notices_red": _per_task(notices, Count("pk", filter=Q(level=LEVELS.RED))),
        "notices_closed": _per_task(notices, Count("pk", filter=Q(status=SupervisionNotice.Status.CLOSED))),
        "notices_answered": _per_task(notices, Count("pk", filter=answered)),
        # __date: the day in the project's time zone, as response_due_on is meant
        "notices_answered_on_time": _per_task(
            notices, Count("pk", filter=answered & Q(responded_at__date__lte=F("response_due_on")))
        ),
        "notices_answered_late": _per_task(
            notices, Count("pk", filter=answered & Q(responded_at__date__gt=F("response_due_on")))
        ),
        "notice_response_time": _per_task(
            notices,
            Avg(
                ExpressionWrapper(F("responded_at") - F("issued_at"), output_field=DurationField()),
                filter=answered,
            ),
            default=None,
        ),
        "notices_overdue": _per_task(
            notices, Count("pk", filter=Q(status__in=AWAITING_RESPONSE, response_due_on__lt=on))
        ),
    }


def _funding_sums() -> dict:
    prefix = "funding_lines__entries__"
    tasks = KeyTask.objects.all()
    return {
        "funding_lines": _per_task(tasks, Count("funding_lines", distinct=True), key="pk"),
        "allocated": _per_task(tasks, ledger_sum(ALLOCATED_KINDS, prefix=prefix), ZERO, key="pk"),
        "spent": _per_task(tasks, ledger_sum([Kind.EXPENDITURE], prefix=prefix), ZERO, key="pk"),
    }


COUNTED = (
    "reports_due", "reports_approved", "reports_late",
    "milestones", "milestones_approved", "milestones_on_time", "milestones_overdue",
    "notices", "notices_blue", "notices_yellow", "notices_red", "notices_closed", "notices_answered",
    "notices_answered_on_time", "notices_answered_late", "notices_overdue",
    "funding_lines", "allocated", "spent",
)  # fmt: skip


def _tasks(plan: Plan, department: Department, on: datetime.date) -> list[TaskFacts]:
    links = (
        TaskDepartment.objects.filter(department=department, task__plan=plan)
        .select_related("task", "task__section")
        .annotate(**_report_counts(on), **_milestone_counts(on), **_notice_counts(department, on), **_funding_sums())
        .order_by("task__position", "task__pk")
    )
    tasks, latest_periods, extended = [], [], []
    for link in links:
        facts = TaskFacts(task=link.task, role=link.role, **{name: getattr(link, name) for name in COUNTED})
        facts.approved_percent = link.latest_percent
        if link.latest_period_id:
            latest_periods.append((facts, link.latest_period_id))
        if link.notice_response_time is not None:
            facts.notice_response_days = link.notice_response_time.total_seconds() / 86400
        if facts.allocated > 0:
            facts.execution_rate = float(facts.spent) * 100.0 / float(facts.allocated)
        if link.reports_extended:
            extended.append(link.task_id)
        tasks.append(facts)
    if latest_periods:
        periods = ReportingPeriod.objects.in_bulk({period_id for _facts, period_id in latest_periods})
        for facts, period_id in latest_periods:
            facts.approved_period = periods[period_id]
    if extended:  # the list of extensions costs a query only when there are some
        by_id = {facts.task.pk: facts for facts in tasks}
        reports = (
            ProgressReport.objects.filter(task_id__in=extended)
            .exclude(due_on=F("period__due_on"))
            .select_related("period")
            .order_by("period__starts_on", "pk")
        )
        for report in reports:
            by_id[report.task_id].extensions.append(
                ExtendedReport(
                    period=report.period,
                    original_due_on=report.original_due_on,
                    due_on=report.due_on,
                    late=report.is_late_against_original,
                )
            )
    return tasks


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
