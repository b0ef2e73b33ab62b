"""Reads for plans and key tasks: querysets built once, with everything a page shows prefetched."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from tasks.access import visible_departments, visible_key_tasks
from tasks.models import Department, KeyTask, Plan, PlanSection, TaskDepartment


def key_task_rows(*, user: User, plan: Plan) -> QuerySet[KeyTask]:
    """The key tasks of a plan the user may see, ready for a table (no query per row)."""
    return (
        visible_key_tasks(user)
        .filter(plan=plan)
        .select_related("section", "plan")
        .prefetch_related(Prefetch("task_departments", queryset=TaskDepartment.objects.select_related("department")))
        .order_by("position", "pk")
    )


def key_task_detail(*, task: KeyTask) -> KeyTask:
    """One task with its departments, milestones and annual targets loaded."""
    return (
        KeyTask.objects.filter(pk=task.pk)
        .select_related("plan__region", "section__parent")
        .prefetch_related(
            Prefetch("task_departments", queryset=TaskDepartment.objects.select_related("department")),
            "milestones",
            "annual_targets",
        )
        .get()
    )


@dataclass
class SectionNode:
    section: PlanSection | None
    depth: int
    tasks: list[KeyTask]


def plan_outline(*, user: User, plan: Plan) -> list[SectionNode]:
    """The plan's chapter tree in order, each section with the key tasks the user may see."""
    tasks_by_section: dict[int | None, list[KeyTask]] = {}
    for task in key_task_rows(user=user, plan=plan):
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
    """Counts of the user's visible tasks in the plan, by status."""
    counts = visible_key_tasks(user).filter(plan=plan).aggregate(
        total=Count("pk"),
        not_started=Count("pk", filter=Q(status=KeyTask.Status.NOT_STARTED)),
        in_progress=Count("pk", filter=Q(status=KeyTask.Status.IN_PROGRESS)),
        completed=Count("pk", filter=Q(status=KeyTask.Status.COMPLETED)),
    )
    return counts


def department_rows(*, user: User) -> QuerySet[Department]:
    """Departments with how many key tasks they lead and support (counted by the database)."""
    return (
        visible_departments(user)
        .filter(is_active=True)
        .annotate(
            lead_count=Count("task_links", filter=Q(task_links__role=TaskDepartment.Role.LEAD)),
            cooperating_count=Count("task_links", filter=Q(task_links__role=TaskDepartment.Role.COOPERATING)),
        )
        .prefetch_related("aliases")
        .order_by("region__code", "position", "name")
    )
