"""The province's view (issue 11): the key tasks a plan handed down (下达), one column per region
that received them, each cell the region's copy of the task.

Counted so that the number of queries does not depend on the number of regions or tasks: the
regions (one query), the rows (the table's count and page), the cells of the rows shown (their
tasks, the latest approved report of each, their lead departments: three queries) and the totals
per region (one aggregate).

Staff only: the page shows every department's tasks. The regions are the cascaded plans the viewer
may see (``tasks.access.visible_plans``: their region and below), so a region outside the
viewer's scope is not a column, and nothing below it is counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import User
from tasks import access
from tasks.models import Department, KeyTask, Light, Plan, ProgressReport, Region, TaskDepartment


def require_staff(user: User) -> None:
    """The province's view is a staff page: liaisons (and anyone else) get a 404."""
    if not access.sees_all_tasks(user):
        raise Http404


@dataclass
class Tally:
    """Lights and average progress of a set of tasks (a region's column, a task's row, or all)."""

    total: int = 0
    green: int = 0
    yellow: int = 0
    red: int = 0
    progress_sum: int = 0

    def add(self, task: KeyTask) -> None:
        self.total += 1
        setattr(self, task.light, getattr(self, task.light) + 1)
        self.progress_sum += task.progress

    def share(self, light: str) -> int | None:
        return round(100 * getattr(self, light) / self.total) if self.total else None

    @property
    def share_green(self) -> int | None:
        return self.share(Light.GREEN)

    @property
    def share_yellow(self) -> int | None:
        return self.share(Light.YELLOW)

    @property
    def share_red(self) -> int | None:
        return self.share(Light.RED)

    @property
    def average_progress(self) -> int | None:
        return round(self.progress_sum / self.total) if self.total else None


@dataclass
class Cell:
    """A region's copy of a cascaded task: its light and progress (on ``task``), its latest approved
    report (with its period and the higher level's acceptance) and its first lead department."""

    task: KeyTask
    report: ProgressReport | None = None
    lead: Department | None = None

    @property
    def acceptance(self) -> str:
        return self.report.acceptance if self.report else ""


@dataclass
class Column:
    plan: Plan  # the region's cascaded plan (``plan.region`` loaded)
    tally: Tally = field(default_factory=Tally)

    @property
    def region(self) -> Region:
        return self.plan.region


def cascaded_plans(*, user: User, plan: Plan) -> list[Plan]:
    """The plans ``plan`` was cascaded to that ``user`` may see, in the order of their regions."""
    return list(
        access.visible_plans(user).filter(parent=plan).order_by("region__code", "region__name", "pk")
    )


def get_cascaded_plan(*, user: User, plan: Plan, region_pk: int) -> Plan:
    """The cascaded plan of one region (a column of the matrix), or 404."""
    try:
        return access.visible_plans(user).get(parent=plan, region_id=region_pk)
    except Plan.DoesNotExist as exc:
        raise Http404 from exc


def matrix_rows(*, plan: Plan, plans: list[Plan]) -> QuerySet[KeyTask]:
    """The plan's tasks that were cascaded to at least one of ``plans``."""
    cascaded = KeyTask.objects.filter(parent=OuterRef("pk"), plan__in=[p.pk for p in plans])
    return plan.key_tasks.filter(Exists(cascaded)).select_related("section").order_by("position", "pk")


def rows_with_light(rows: QuerySet[KeyTask], *, plans: list[Plan], light: str) -> QuerySet[KeyTask]:
    """The rows with at least one cell of ``light``."""
    lit = KeyTask.objects.filter(parent=OuterRef("pk"), plan__in=[p.pk for p in plans], light=light)
    return rows.filter(Exists(lit))


def cells(
    *, parents: Iterable[int] | QuerySet, plans: list[Plan], with_leads: bool = False
) -> dict[tuple[int, int], Cell]:
    """The cells of the rows ``parents`` (task ids, or a queryset of tasks), keyed by
    (higher-level task id, cascaded plan id). Two queries (three ``with_leads``), whatever the
    number of rows."""
    plan_ids = [p.pk for p in plans]
    parent_ids = parents.values("pk") if isinstance(parents, QuerySet) else list(parents)
    # Every staff member who sees a plan sees its approved reports (evaluators see only those):
    # the cascaded plans are already the ones the viewer may see.
    latest = ProgressReport.objects.filter(task=OuterRef("pk"), status=ProgressReport.Status.APPROVED).order_by(
        "-period__ends_on", "-pk"
    )
    children = KeyTask.objects.filter(parent__in=parent_ids, plan__in=plan_ids).annotate(
        latest_report_id=Subquery(latest.values("pk")[:1])
    )
    found = {}
    for task in children.only("pk", "plan_id", "parent_id", "code", "title", "light", "progress", "status"):
        found[task.pk] = Cell(task=task)
    reports = ProgressReport.objects.filter(pk__in=children.values("latest_report_id")).select_related("period")
    for report in reports.only(
        "pk", "task_id", "acceptance", "percent_complete",
        "period__year", "period__number", "period__cadence", "period__ends_on",
    ):
        found[report.task_id].report = report
    if not with_leads:
        return {(cell.task.parent_id, cell.task.plan_id): cell for cell in found.values()}
    leads = (
        TaskDepartment.objects.filter(task__in=children.values("pk"), role=TaskDepartment.Role.LEAD)
        .select_related("department")
        .order_by("-position")  # the first lead (position 0) written last wins
    )
    for link in leads:
        found[link.task_id].lead = link.department
    return {(cell.task.parent_id, cell.task.plan_id): cell for cell in found.values()}


def column_tallies(*, rows: QuerySet[KeyTask], plans: list[Plan]) -> dict[int, Tally]:
    """Per cascaded plan, the lights and progress of its copies of ``rows`` (all of them, not one page)."""
    totals = (
        KeyTask.objects.filter(parent__in=rows.values("pk"), plan__in=[p.pk for p in plans])
        .values("plan_id")
        .annotate(
            total=Count("pk"),
            green=Count("pk", filter=Q(light=Light.GREEN)),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
            red=Count("pk", filter=Q(light=Light.RED)),
            average=Avg("progress"),
        )
        .order_by()
    )
    return {
        row["plan_id"]: Tally(
            total=row["total"], green=row["green"], yellow=row["yellow"], red=row["red"],
            progress_sum=round((row["average"] or 0) * row["total"]),
        )
        for row in totals
    }


def row_tally(task: KeyTask, *, cells: dict[tuple[int, int], Cell], plans: list[Plan]) -> Tally:
    tally = Tally()
    for plan in plans:
        cell = cells.get((task.pk, plan.pk))
        if cell is not None:
            tally.add(cell.task)
    return tally


def overall_tally(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for each in tallies:
        total.total += each.total
        total.green += each.green
        total.yellow += each.yellow
        total.red += each.red
        total.progress_sum += each.progress_sum
    return total


def dashboard_links(*, user: User, plan: Plan) -> dict:
    """For a plan's dashboard (staff only): whether it has cascaded plans to show as a matrix
    (``has_cascade``) and the higher-level plan it carries out, if the viewer sees it (``higher``)."""
    if not access.sees_all_tasks(user):
        return {"has_cascade": False, "higher": None}
    higher = access.visible_plans(user).filter(pk=plan.parent_id).first() if plan.parent_id else None
    return {"has_cascade": access.visible_plans(user).filter(parent=plan).exists(), "higher": higher}
