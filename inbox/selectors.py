"""The work lists, read from the engine: every open human task of every flow is a piece of work.

- 我的待办 (``my_work``): tasks assigned to me, and unassigned writing steps of my departments;
- 审核队列 (``review_queue``): unassigned tasks that my permissions let me take (reviews), of my
  regions' departments (region scope, ``tasks.access``);
- 部门待办 (``department_work``): every open task of the departments I head.

Each row is a viewflow ``Task`` with its process; the process's listing data (``workflows.listing``)
carries the kind, subject, department, due date, state and return reason, so that filtering,
ordering and pagination happen on the database and a page costs the same number of queries for
3 rows as for 30 (``attach_row_facts`` adds the departments, lights and links of one page).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, CharField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from tasks.access import headed_department_ids, region_scope_q, staff_region, user_department_ids
from tasks.models import Department, KeyTask

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
# Steps any writer of the department may pick up when nobody holds them.
DEPARTMENT_STEPS = ("write", "acknowledge")


def _open_tasks() -> QuerySet[Task]:
    return (
        Task.objects.filter(status__in=OPEN, flow_task_type="HUMAN", process__status="NEW")
        .select_related("process", "owner")
        .annotate(
            # A plain text column (ISO dates compare as text); KT's own lookups would parse JSON.
            due_on=Cast(KeyTextTransform("due_on", "process__data"), output_field=CharField()),
            task_pk=Cast(KeyTextTransform("task_id", "process__data"), output_field=IntegerField()),
            undated=Case(When(process__data__due_on="", then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        .order_by("undated", "due_on", "created", "pk")
    )


def department_of_process():
    """The department of a process's subject, as the index ``workflow_process_open_department``
    (migration ``workflows.0007``) has it: open processes are found by department through it."""
    return Cast(KeyTextTransform("department_id", "data"), output_field=IntegerField())


def _open_processes_of(department_ids: list[int]):
    """The open processes of these departments (one query through ``workflow_process_department``).
    Given to the task query as a list, so that the database fetches their tasks by process rather
    than reading every open task in the country and joining (which it prefers when it is handed a
    subquery: it cannot know how few processes a region has)."""
    if not department_ids:
        return []
    processes = Process.objects.annotate(department_pk=department_of_process()).filter(department_pk__in=department_ids, status="NEW")
    ids = list(processes.values_list("pk", flat=True))
    if connection.vendor == "postgresql":
        # One array parameter rather than thousands of placeholders: Django spends ~10 ms
        # compiling an IN list of a province's 5,000 processes, for each of the page's queries.
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return ids


def _unassigned_of_departments(department_ids: list[int]) -> QuerySet[Task]:
    """Open, unassigned tasks of the open processes of these departments."""
    return Task.objects.filter(
        process_id__in=_open_processes_of(department_ids), owner__isnull=True, status__in=OPEN, flow_task_type="HUMAN"
    )


def node_names(names) -> Q:
    query = Q()
    for name in names:
        query |= Q(flow_task__endswith=f".{name}")
    return query


def my_work(*, user: User) -> QuerySet[Task]:
    """Mine, and my departments' unassigned writing steps: two small sets found through their
    indexes and joined (an OR across the task and its process would read every open task)."""
    departments = list(user_department_ids(user))
    mine = Task.objects.filter(owner=user, status__in=OPEN).order_by().values("pk")
    if departments:
        mine = mine.union(_unassigned_of_departments(departments).filter(node_names(DEPARTMENT_STEPS)).order_by().values("pk"))
    return _open_tasks().filter(pk__in=mine)


REVIEW_PERMISSIONS = ("tasks.review_progressreport", "supervision.issue_supervisionnotice")


def reviews_anything(user: User) -> bool:
    return user.is_active and any(user.has_perm(p) for p in REVIEW_PERMISSIONS)


def review_queue(*, user: User) -> QuerySet[Task]:
    """Unassigned reviews my permissions let me take, of the departments of my regions (a
    prefecture's supervisor never sees another prefecture's work): one query, filtered on the
    process's listing data against the departments of the subtree."""
    permissions = [p for p in user.get_all_permissions() if p in REVIEW_PERMISSIONS]
    if not permissions:
        return Task.objects.none()
    queue = _open_tasks().filter(owner__isnull=True, owner_permission__in=permissions)
    if user.is_superuser:
        return queue
    # The higher level's accept step: for staff of the accepting region and above only.
    region = staff_region(user)
    accepting = Q(process__data__acceptor_region_path__startswith=region.path) if region else Q(pk__in=[])
    # The departments as a list, not a subquery: the database then looks each one up in the index
    # of open processes by department instead of reading every open review in the country.
    departments = list(Department.objects.filter(region_scope_q(user)).values_list("pk", flat=True))
    return queue.filter(~node_names(["accept"]) | accepting).filter(process_id__in=_open_processes_of(departments))


def department_work(*, user: User) -> QuerySet[Task]:
    departments = headed_department_ids(user)
    if not departments:
        return Task.objects.none()
    return _open_tasks().filter(process__data__department_id__in=departments)


@dataclass
class RowFacts:
    department: str
    light: str
    url: str
    overdue: bool  # the writers' step is past its due date
    late: bool  # submitted after the due date


def attach_row_facts(tasks: list[Task], *, today: datetime.date) -> None:
    """Give each task of a page its department's name, its key task's light and its subject's link:
    one query for the departments, one for the lights, one per kind of subject."""
    data = [task.process.data or {} for task in tasks]
    department_ids = {d.get("department_id") for d in data if d.get("department_id")}
    task_ids = {d.get("task_id") for d in data if d.get("task_id")}
    departments = dict(Department.objects.filter(pk__in=department_ids).values_list("pk", "name")) if department_ids else {}
    lights = dict(KeyTask.objects.filter(pk__in=task_ids).values_list("pk", "light")) if task_ids else {}
    by_type: dict[int, list[int]] = {}
    for task in tasks:
        by_type.setdefault(task.process.artifact_content_type_id, []).append(task.process.artifact_object_id)
    urls = _subject_urls(by_type)
    for task, row in zip(tasks, data, strict=True):
        due_on = row.get("due_on") or ""
        task.facts = RowFacts(
            department=departments.get(row.get("department_id"), ""),
            light=lights.get(row.get("task_id"), ""),
            url=urls.get((task.process.artifact_content_type_id, task.process.artifact_object_id), ""),
            overdue=bool(due_on) and due_on < today.isoformat() and task.flow_task.name in DEPARTMENT_STEPS,
            late=bool(row.get("late")),
        )


def _subject_urls(by_type: dict[int, list[int]]) -> dict[tuple[int, int], str]:
    from django.contrib.contenttypes.models import ContentType

    urls = {}
    for type_id, ids in by_type.items():
        if type_id is None:
            continue
        model = ContentType.objects.get_for_id(type_id).model_class()
        for pk in ids:
            # get_absolute_url of these subjects needs only the pk: no query per row.
            urls[(type_id, pk)] = model(pk=pk).get_absolute_url()
    return urls
