"""Reads for plans and key tasks: querysets built once, with everything a page shows prefetched."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from tasks import access
from tasks.access import visible_departments, visible_key_tasks
from tasks.models import (
    Contribution,
    Department,
    KeyTask,
    Light,
    Milestone,
    MilestoneClaim,
    Plan,
    PlanSection,
    ProgressReport,
    ReportingPeriod,
    TaskDepartment,
)


def key_task_rows(*, user: User, plan: Plan) -> QuerySet[KeyTask]:
    """The key tasks of a plan the user may see, ready for a table (no query per row)."""
    return (
        visible_key_tasks(user)
        .filter(plan=plan)
        .select_related("section", "plan")
        .prefetch_related(Prefetch("task_departments", queryset=TaskDepartment.objects.select_related("department")))
        .order_by("position", "pk")
    )


def key_task_detail(*, user: User, pk: int) -> KeyTask:
    """One task the user may see (or 404), with its departments, milestones and annual targets
    loaded in the query that checks access."""
    return access.get_key_task_for_user(
        user,
        pk,
        loading=lambda tasks: tasks.select_related("plan__region", "section__parent", "parent__plan__region").prefetch_related(
            Prefetch("task_departments", queryset=TaskDepartment.objects.select_related("department")),
            "milestones",
            "annual_targets",
        ),
    )


@dataclass
class SectionNode:
    section: PlanSection | None
    depth: int
    tasks: list[KeyTask]


def plan_outline(*, user: User, plan: Plan) -> list[SectionNode]:
    """The plan's chapter tree in order, each section with the key tasks the user may see."""
    return outline_of(plan=plan, tasks=key_task_rows(user=user, plan=plan))


def outline_of(*, plan: Plan, tasks) -> list[SectionNode]:
    """The plan's chapter tree in order, each section with those of ``tasks`` under it (sections
    without any left out); also the public page's outline (``public.selectors``)."""
    tasks_by_section: dict[int | None, list[KeyTask]] = {}
    for task in tasks:
        tasks_by_section.setdefault(task.section_id, []).append(task)
    sections = list(plan.sections.order_by("position", "pk"))
    children: dict[int | None, list[PlanSection]] = {}
    for section in sections:
        children.setdefault(section.parent_id, []).append(section)

    outline: list[SectionNode] = []

    def has_tasks(section: PlanSection) -> bool:
        return bool(tasks_by_section.get(section.pk)) or any(has_tasks(c) for c in children.get(section.pk, []))

    def walk(parent_id: int | None, depth: int) -> None:
        for section in children.get(parent_id, []):
            if not has_tasks(section):
                continue
            outline.append(SectionNode(section=section, depth=depth, tasks=tasks_by_section.get(section.pk, [])))
            walk(section.pk, depth + 1)

    walk(None, 0)
    if tasks_by_section.get(None):
        outline.append(SectionNode(section=None, depth=0, tasks=tasks_by_section[None]))
    return outline


def plan_summary(*, user: User, plan: Plan) -> dict[str, int]:
    """Counts of the user's visible tasks in the plan, by status and by light."""
    counts = visible_key_tasks(user).filter(plan=plan).aggregate(
        total=Count("pk"),
        not_started=Count("pk", filter=Q(status=KeyTask.Status.NOT_STARTED)),
        in_progress=Count("pk", filter=Q(status=KeyTask.Status.IN_PROGRESS)),
        completed=Count("pk", filter=Q(status=KeyTask.Status.COMPLETED)),
        red=Count("pk", filter=Q(light=Light.RED)),
        yellow=Count("pk", filter=Q(light=Light.YELLOW)),
        green=Count("pk", filter=Q(light=Light.GREEN)),
    )
    return counts


def department_lights(*, user: User, plan: Plan) -> QuerySet[Department]:
    """Per department, the lights of the tasks it answers for (first lead), counted by the database."""
    answerable = Q(task_links__role=TaskDepartment.Role.LEAD, task_links__position=0, task_links__task__plan=plan)
    if not access.sees_all_tasks(user):
        answerable &= Q(pk__in=access.user_department_ids(user))
    return (
        Department.objects.filter(answerable)
        .annotate(
            red=Count("task_links", filter=Q(task_links__task__light=Light.RED)),
            yellow=Count("task_links", filter=Q(task_links__task__light=Light.YELLOW)),
            green=Count("task_links", filter=Q(task_links__task__light=Light.GREEN)),
        )
        .order_by("-red", "-yellow", "position")
    )


def department_rows(*, user: User) -> QuerySet[Department]:
    """Departments with how many key tasks they lead and support, and the plan in force in their
    region (for the links), all counted by the database: one query for a page, however many rows."""
    in_force = Plan.objects.filter(region=OuterRef("region"), status=Plan.Status.ACTIVE).order_by("-start_year", "pk").values("pk")[:1]
    links = TaskDepartment.objects.filter(department=OuterRef("pk")).order_by().values("department")
    return (
        visible_departments(user)
        .filter(is_active=True)
        .select_related("region")
        .annotate(
            lead_count=Coalesce(Subquery(links.filter(role=TaskDepartment.Role.LEAD).annotate(n=Count("pk")).values("n")), 0),
            cooperating_count=Coalesce(
                Subquery(links.filter(role=TaskDepartment.Role.COOPERATING).annotate(n=Count("pk")).values("n")), 0
            ),
            plan_id=Subquery(in_force),
        )
        .prefetch_related("aliases")
        .order_by("region__code", "position", "name")
    )


# --- progress ------------------------------------------------------------------------------

def report_rows(*, user: User, on: datetime.date | None = None) -> QuerySet[ProgressReport]:
    """Reports the user may see, with everything a table shows joined: the light of the report's
    task (``KeyTask.light``, the one light of ``tasks.lights``) and whether the report is overdue
    on ``on`` (``overdue``, the rule of ``ProgressReport.is_overdue``)."""
    return (
        access.visible_reports(user)
        .select_related("task__plan", "period", "department", "assignee")
        .with_overdue(on or timezone.localdate())
        .order_by("due_on", "task__position", "pk")
    )


def plan_periods(*, plan: Plan) -> list[ReportingPeriod]:
    """The plan's reporting periods that have reports, latest first, each with its report counts
    (``reports_count``, ``unapproved``), ``latest_due_on`` and ``auto_close_on`` (tasks.periods)."""
    from tasks.periods import period_auto_close_on, periods_with_counts

    rows = list(
        periods_with_counts(plan.periods.all())
        .filter(reports_count__gt=0)
        .select_related("closed_by", "reopened_by")
        .order_by("-due_on", "cadence")
    )
    for period in rows:
        period.auto_close_on = None if period.closed_at else period_auto_close_on(period, plan)
    return rows


def inbox_reports(*, user: User) -> QuerySet[ProgressReport]:
    return report_rows(user=user).filter(
        assignee=user, status__in=[ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED]
    )


def queue_reports(*, user: User) -> QuerySet[ProgressReport]:
    if not access.can_review(user):
        return ProgressReport.objects.none()
    return report_rows(user=user).filter(status=ProgressReport.Status.SUBMITTED)


def archive_reports(*, user: User) -> QuerySet[ProgressReport]:
    return report_rows(user=user).filter(status=ProgressReport.Status.APPROVED).order_by("-decided_at", "pk")


def inbox_contributions(*, user: User) -> QuerySet[Contribution]:
    return (
        access.visible_contributions(user)
        .filter(status=Contribution.Status.PENDING, department_id__in=access.user_department_ids(user))
        .exclude(report__status=ProgressReport.Status.APPROVED)  # closed: the report went without it
        .select_related("report__task", "report__period", "department")
        .order_by("due_on", "pk")
    )


def queue_claims(*, user: User) -> QuerySet[MilestoneClaim]:
    if not access.can_review(user):
        return MilestoneClaim.objects.none()
    return (
        access.visible_claims(user)
        .filter(status=MilestoneClaim.Status.SUBMITTED)
        .select_related("milestone__task", "department", "created_by")
        .order_by("submitted_at", "pk")
    )


def inbox_claims(*, user: User) -> QuerySet[MilestoneClaim]:
    return (
        access.visible_claims(user)
        .filter(status=MilestoneClaim.Status.RETURNED, created_by=user)
        .select_related("milestone__task", "department", "created_by")
    )


def task_timeline(*, task: KeyTask, user: User, claims: list[MilestoneClaim] | None = None) -> QuerySet:
    """The audit entries of a task, of the reports the user may see, and of its milestones, in
    time order. Return reasons of reports or claims hidden from the user are not shown either:
    who cannot open a milestone's claims sees only the approvals.

    ``claims``: the task's claims the user may see, when the caller has them already (the task
    page); the task's milestones are read from its prefetch when there is one."""
    from audit.models import AuditEntry

    def of(model, ids):
        return Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)

    # The report ids as a list, not a subquery: with a subquery inside the OR the database reads
    # the whole audit trail (1.7 million rows at national scale) instead of its index.
    report_ids = [str(pk) for pk in access.visible_reports(user).filter(task=task).values_list("pk", flat=True)]
    milestone_ids = [str(milestone.pk) for milestone in task.milestones.all()]
    milestones = of(Milestone, milestone_ids)

    def claims_visible() -> bool:
        if claims is None:
            return access.visible_claims(user).filter(milestone__task=task).exclude(status=MilestoneClaim.Status.APPROVED).exists()
        return any(claim.status != MilestoneClaim.Status.APPROVED for claim in claims)

    if not (access.can_review(user) or claims_visible() or access.claiming_department_of_task(user, task)):
        milestones &= Q(action="approve")
    return (
        AuditEntry.objects.filter(of(KeyTask, [str(task.pk)]) | of(ProgressReport, report_ids) | milestones)
        .select_related("actor", "content_type")
        .order_by("at", "pk")
    )
