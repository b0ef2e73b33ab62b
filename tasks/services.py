"""Writes on plans and key tasks. Every entry point (views, commands, seeding) calls these."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.services import audit_record
from common.db import DryRunRollback
from tasks.breakdown_table import (
    ParsedMilestone,
    ParsedTable,
    ParsedTask,
    Problem,
    TableError,
    TableRow,
    parse_deadline,
    read_breakdown_table,
    write_breakdown_table,
)
from tasks.models import (
    AnnualTarget,
    Department,
    DepartmentAlias,
    KeyTask,
    Milestone,
    Plan,
    PlanImport,
    PlanSection,
    Region,
    RegionStaff,
    TaskDepartment,
)

# --- department matching -------------------------------------------------------------------


def _department_key(name: str, region_names: list[str], level_prefix: str) -> str:
    """The comparable form of a department name: full-width folded, spaces gone, region prefix off.

    Only the region's own level word is dropped (市 for a city: 市公安局 = 公安局); a 区 or 县
    department named in a city's table is another government's and must not match.
    """
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    for region_name in region_names:
        if region_name and key.startswith(region_name) and len(key) > len(region_name):
            key = key[len(region_name) :]
            break
    if level_prefix and key.startswith(level_prefix) and len(key) > 2:
        key = key[1:]
    return key


class DepartmentDirectory:
    """Finds a region's departments by full name, short name or alias, however the table writes them.

    Two departments reducing to one lookup key (one's full name, another's short name or alias)
    are never resolved silently: :meth:`matches` returns both and the importer stops on the cell.
    """

    def __init__(self, region: Region):
        self.region = region
        names = [region.name]
        if region.name.endswith(("市", "省", "县", "区")):
            names.append(region.name[:-1])
        self._region_names = sorted(names, key=len, reverse=True)
        self._level_prefix = region.name[-1] if region.name.endswith(("市", "省", "州", "县", "区")) else ""
        self._by_key: dict[str, list[Department]] = {}
        departments = Department.objects.filter(region=region, is_active=True).prefetch_related("aliases")
        for department in departments:
            self.add(department, department.name, department.short_name, *[a.alias for a in department.aliases.all()])

    def key(self, name: str) -> str:
        return _department_key(name, self._region_names, self._level_prefix)

    def matches(self, name: str) -> list[Department]:
        """Every department ``name`` may mean (more than one: a collision to report)."""
        return list(self._by_key.get(self.key(name), []))

    def find(self, name: str) -> Department | None:
        """The one department ``name`` means; None when none (or several) match."""
        found = self._by_key.get(self.key(name), [])
        return found[0] if len(found) == 1 else None

    def add(self, department: Department, *names: str) -> None:
        for name in names:
            if not name:
                continue
            found = self._by_key.setdefault(self.key(name), [])
            if all(other.pk != department.pk for other in found):
                found.append(department)


def department_create(
    *, region: Region, name: str, actor: User | None = None, comment: str = "任务分工表导入"
) -> Department:
    """A department not yet in the directory (named in a task table, or added on the region page),
    with a generated code."""
    taken = set(Department.objects.filter(region=region).values_list("code", flat=True))
    number = len(taken) + 1
    while f"dept{number}" in taken:
        number += 1
    department = Department(
        region=region,
        code=f"dept{number}",
        name=name,
        short_name=name if len(name) <= 50 else "",
        position=(Department.objects.filter(region=region).aggregate(m=Max("position"))["m"] or 0) + 1,
    )
    department.full_clean()
    department.save()
    audit_record(subject=department, actor=actor, action="create", to_state="active", comment=comment)
    return department


# --- import --------------------------------------------------------------------------------


@dataclass
class ImportOptions:
    """What the importer should do with a table: create a plan, or add to an existing one."""

    plan_id: int | None = None
    title: str = ""
    region_id: int | None = None
    start_year: int | None = None
    end_year: int | None = None
    create_departments: bool = False
    dry_run: bool = False
    filename: str = ""  # tells .csv from .xlsx where the content does not
    sheet: str = ""  # the worksheet to read; "" = the one that holds the table
    splits: dict[str, list[str]] = field(default_factory=dict)  # corrected department cells, "<row>:lead" → names


@dataclass
class ImportResult:
    plan: Plan | None
    table: ParsedTable
    created_tasks: int = 0
    created_sections: int = 0
    created_milestones: int = 0
    created_targets: int = 0
    created_departments: list[str] = field(default_factory=list)
    unknown_departments: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False


@transaction.atomic
def record_split_correction(*, record: PlanImport, cell: str, names: list[str]) -> PlanImport:
    """Keep the administrator's split of one department cell ("<row>:lead") for the preview and the
    import; no names = back to the reader's split. Whether each name is written in the cell is
    checked when the table is read again (a problem on that cell if not)."""
    record = PlanImport.objects.select_for_update().get(pk=record.pk)
    splits = dict(record.options.get("splits") or {})
    if names:
        splits[cell] = names
    else:
        splits.pop(cell, None)
    record.options = {**record.options, "splits": splits}
    record.save(update_fields=["options"])
    return record


def plan_import(*, data: bytes, options: ImportOptions, actor: User | None = None) -> ImportResult:
    """Import a task breakdown table: all or nothing.

    Raises :class:`TableError` listing every problem (nothing is written then). With
    ``dry_run`` everything is validated against the database, then rolled back.
    """
    table = read_breakdown_table(data, options.filename, sheet=options.sheet or None, splits=options.splits)
    result: ImportResult | None = None
    try:
        with transaction.atomic():
            result = _apply(table, options, actor)
            if options.dry_run:
                raise DryRunRollback
    except DryRunRollback:
        assert result is not None
        result.dry_run = True
        result.plan = None if options.plan_id is None else result.plan
    assert result is not None
    return result


def _resolve_plan(options: ImportOptions, problems: list[Problem]) -> Plan | None:
    if options.plan_id is not None:
        plan = Plan.objects.select_for_update().select_related("region").filter(pk=options.plan_id).first()
        if plan is None:
            problems.append(Problem(gettext_lazy("There is no plan with the id %(id)s.") % {"id": options.plan_id}))
        elif plan.status == Plan.Status.CLOSED:
            problems.append(Problem(gettext_lazy("The plan “%(plan)s” is closed; tasks cannot be added.") % {"plan": plan}))
        return plan
    region = Region.objects.filter(pk=options.region_id).first() if options.region_id else None
    if region is None:
        problems.append(Problem(gettext_lazy("Choose the region the plan belongs to.")))
    if not options.title.strip():
        problems.append(Problem(gettext_lazy("Give the plan a title.")))
    if not options.start_year or not options.end_year or options.end_year < options.start_year:
        problems.append(Problem(gettext_lazy("Give the plan's first and last year (the last not before the first).")))
    if problems:
        return None
    assert region is not None
    if Plan.objects.filter(region=region, title=options.title.strip()).exists():
        problems.append(Problem(gettext_lazy("A plan titled “%(title)s” already exists in %(region)s.") % {"title": options.title.strip(), "region": region}))
        return None
    plan = Plan(region=region, title=options.title.strip(), start_year=options.start_year, end_year=options.end_year)
    try:
        plan.full_clean()
    except ValidationError as exc:  # e.g. a year before 2000 or a title too long: a problem, not a crash
        problems.extend(Problem(message) for message in exc.messages)
        return None
    plan.save()
    return plan


def _apply(table: ParsedTable, options: ImportOptions, actor: User | None) -> ImportResult:
    problems: list[Problem] = []
    plan = _resolve_plan(options, problems)
    if plan is None:
        raise TableError(problems)
    result = ImportResult(plan=plan, table=table, warnings=list(table.warnings))

    for year in table.years:
        if year not in plan.years:
            problems.append(
                Problem(
                    gettext_lazy("The column %(year)d年 lies outside the plan period %(start)d–%(end)d.")
                    % {"year": year, "start": plan.start_year, "end": plan.end_year}
                )
            )
    existing_codes = set(plan.key_tasks.values_list("code", flat=True))
    directory = DepartmentDirectory(plan.region)
    unknown: dict[str, list[int]] = {}
    for task in table.tasks:
        if task.code in existing_codes:
            problems.append(Problem(gettext_lazy("the number %(code)s already exists in the plan") % {"code": task.code}, row=task.row, column=table.labels.get("code", "")))
        for role, names in (("lead", task.lead_names), ("cooperating", task.cooperating_names)):
            for name in names:
                found = directory.matches(name)
                if len(found) > 1:
                    problems.append(
                        Problem(
                            gettext_lazy(
                                "“%(name)s” matches more than one department: %(departments)s. Give the cell the full name, "
                                "or correct the directory's short names and aliases."
                            )
                            % {"name": name, "departments": "、".join(f"“{d.name}”" for d in found)},
                            row=task.row,
                            column=table.labels.get(role if role in table.labels else "lead", ""),
                        )
                    )
                elif not found:
                    unknown.setdefault(name, []).append(task.row)
        _check_dates(task, plan, table, problems)
    result.unknown_departments = list(unknown)
    if unknown and not options.create_departments:
        for name, rows in unknown.items():
            problems.append(
                Problem(
                    gettext_lazy("the department “%(name)s” is not in the directory (add it, give it an alias, or let the import create it)")
                    % {"name": name},
                    row=rows[0],
                    column=table.labels.get("lead", ""),
                )
            )
    if problems:
        raise TableError(problems)

    for name, rows in unknown.items():
        if directory.find(name) is not None:  # another spelling (市档案局 / 档案局) of one created above
            continue
        try:
            department = department_create(region=plan.region, name=name, actor=actor)
        except ValidationError as exc:  # e.g. an inactive department of that name exists
            problems.append(
                Problem(
                    gettext_lazy("the department “%(name)s” cannot be created: %(reason)s")
                    % {"name": name, "reason": " ".join(exc.messages)},
                    row=rows[0],
                    column=table.labels.get("lead", ""),
                )
            )
            continue
        directory.add(department, name)
        result.created_departments.append(name)
    if problems:
        raise TableError(problems)

    sections: dict[tuple[tuple[str, str], ...], PlanSection] = {
        path: section for section in plan.sections.all() for path in [_section_path_key(section, plan)]
    }
    next_section_position = max((s.position for s in sections.values()), default=0) + 1
    next_task_position = (plan.key_tasks.aggregate(m=Max("position"))["m"] or 0) + 1
    links: list[TaskDepartment] = []
    targets: list[AnnualTarget] = []
    milestones: list[Milestone] = []
    for parsed in table.tasks:
        section = None
        for depth in range(1, len(parsed.section_path) + 1):
            key = tuple(parsed.section_path[:depth])
            if key not in sections:
                code, title = key[-1]
                sections[key] = PlanSection.objects.create(
                    plan=plan, parent=section, code=code, title=title, position=next_section_position
                )
                next_section_position += 1
                result.created_sections += 1
            section = sections[key]
        task = KeyTask(
            plan=plan,
            section=section,
            code=parsed.code,
            position=next_task_position,
            title=parsed.title,
            content=parsed.content,
            source_clause=parsed.source_clause,
            lead_text=parsed.lead_text[:200],
            cooperating_text=parsed.cooperating_text[:200],
            start_date=parsed.start_date or plan.start_date,
            due_date=parsed.due_date or plan.end_date,
            deadline_text=parsed.deadline_text[:100],
            deadline_undated=parsed.deadline_undated,
            is_ongoing=parsed.is_ongoing,
            cadence=parsed.cadence or KeyTask.Cadence.QUARTERLY,
        )
        task.save()
        next_task_position += 1
        result.created_tasks += 1
        seen: set[int] = set()
        for role, names in ((TaskDepartment.Role.LEAD, parsed.lead_names), (TaskDepartment.Role.COOPERATING, parsed.cooperating_names)):
            for position, name in enumerate(names):
                department = directory.find(name)
                assert department is not None
                if department.pk in seen:
                    continue
                seen.add(department.pk)
                links.append(TaskDepartment(task=task, department=department, role=role, position=position))
        targets.extend(AnnualTarget(task=task, year=year, target=text) for year, text in parsed.annual_targets.items())
        milestones.extend(
            Milestone(task=task, title=m.title[:300], due_date=m.due_date, evidence_required=m.evidence_required[:300], position=i)
            for i, m in enumerate(parsed.milestones)
        )
    TaskDepartment.objects.bulk_create(links)
    AnnualTarget.objects.bulk_create(targets)
    Milestone.objects.bulk_create(milestones)
    result.created_targets, result.created_milestones = len(targets), len(milestones)
    audit_record(
        subject=plan,
        actor=actor,
        action="import",
        to_state=plan.status,
        comment=table.title,
        data={
            "tasks": result.created_tasks,
            "sections": result.created_sections,
            "milestones": result.created_milestones,
            "departments_created": result.created_departments,
            "sheet": table.sheet_name,
            "splits_corrected": options.splits,
        },
    )
    return result


def _check_dates(task: ParsedTask, plan: Plan, table: ParsedTable, problems: list[Problem]) -> None:
    column = table.labels.get("deadline", "")
    start = task.start_date or plan.start_date
    due = task.due_date or plan.end_date
    if due < plan.start_date:
        problems.append(Problem(gettext_lazy("the deadline %(date)s is before the plan period begins") % {"date": due.isoformat()}, row=task.row, column=column))
    elif due < start:
        problems.append(Problem(gettext_lazy("the deadline %(date)s is before the task's start") % {"date": due.isoformat()}, row=task.row, column=column))
    elif due > plan.end_date:
        table.warnings.append(Problem(gettext_lazy("the deadline %(date)s is after the plan period ends") % {"date": due.isoformat()}, row=task.row, column=column))
    for milestone in task.milestones:
        if not plan.start_date <= milestone.due_date <= max(due, plan.end_date):
            problems.append(
                Problem(
                    gettext_lazy("the milestone “%(title)s” is due outside the plan period") % {"title": milestone.title[:30]},
                    row=task.row,
                    column=table.labels.get("milestones", ""),
                )
            )


def _section_path_key(section: PlanSection, plan: Plan) -> tuple[tuple[str, str], ...]:
    path = []
    node: PlanSection | None = section
    by_id = {s.pk: s for s in plan.sections.all()} if section.parent_id else {}
    while node is not None:
        path.append((node.code, node.title))
        node = by_id.get(node.parent_id) if node.parent_id else None
    return tuple(reversed(path))


# --- export --------------------------------------------------------------------------------


def plan_export(*, plan: Plan) -> bytes:
    """The plan's key tasks as a task breakdown table (the layout ``plan_import`` reads)."""
    sections = {s.pk: s for s in plan.sections.all()}

    def path_of(section_id: int | None) -> list[tuple[str, str]]:
        path = []
        while section_id is not None:
            section = sections[section_id]
            path.append((section.code, section.title))
            section_id = section.parent_id
        return list(reversed(path))

    tasks = (
        plan.key_tasks.order_by("position", "pk")
        .prefetch_related(
            Prefetch("task_departments", queryset=TaskDepartment.objects.select_related("department")),
            "annual_targets",
            "milestones",
        )
    )
    rows = []
    for task in tasks:
        rows.append(
            TableRow(
                code=task.code,
                section_path=path_of(task.section_id),
                title=task.title,
                content=task.content,
                lead=_department_cell([d.name for d in task.lead_departments], task.lead_text),
                cooperating=_department_cell([d.name for d in task.cooperating_departments], task.cooperating_text),
                deadline=_deadline_cell(task, plan),
                start=task.start_date if task.start_date != _derived_start(task, plan) else None,
                cadence=task.cadence,
                milestones=[
                    ParsedMilestone(title=m.title, due_date=m.due_date, evidence_required=m.evidence_required)
                    for m in task.milestones.all()
                ],
                source_clause=task.source_clause,
                annual_targets={t.year: t.target for t in task.annual_targets.all()},
            )
        )
    return write_breakdown_table(title=f"{plan.title}重点任务分工表", years=list(plan.years), rows=rows)


def _department_cell(names: list[str], generic: str) -> str:
    return "、".join(names + ([generic] if generic else []))


def _deadline_cell(task: KeyTask, plan: Plan) -> str | datetime.date:
    """The text as written while it still gives the task's due date (else the date, e.g. after an edit);
    a deadline still waiting to be dated (试点验收前) as its text."""
    if task.deadline_undated and task.deadline_text:
        return task.deadline_text
    if task.deadline_text:
        try:
            deadline = parse_deadline(task.deadline_text)
        except ValueError:
            deadline = None
        if deadline is not None and (deadline.due_date or plan.end_date) == task.due_date:
            return task.deadline_text
    if task.is_ongoing and task.due_date == plan.end_date:
        return "长期坚持"
    return task.due_date


def _derived_start(task: KeyTask, plan: Plan) -> datetime.date:
    """The start the importer will derive from the 完成时限 cell written for ``task``."""
    deadline = _deadline_cell(task, plan)
    try:
        start = parse_deadline(deadline).start_date if isinstance(deadline, str) else None
    except ValueError:  # a deadline in words (试点验收前): no start in it
        start = None
    return start or plan.start_date


# --- plan status ---------------------------------------------------------------------------


@transaction.atomic
def plan_set_status(*, plan: Plan, status: str, actor: User | None, comment: str = "") -> Plan:
    """Move a plan draft → in force → closed (and only forward); recorded in the audit trail."""
    order = [Plan.Status.DRAFT, Plan.Status.ACTIVE, Plan.Status.CLOSED]
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if status not in order or order.index(status) <= order.index(plan.status):
        raise ValidationError(gettext_lazy("A plan can only move forward: draft → in force → closed."))
    previous = plan.status
    plan.status = status
    plan.save(update_fields=["status", "updated_at"])
    audit_record(subject=plan, actor=actor, action="status", from_state=previous, to_state=status, comment=comment)
    return plan


PLAN_REOPEN_REASON_MAX = 1000


@transaction.atomic
def plan_reopen(*, plan: Plan, actor: User | None, reason: str) -> Plan:
    """Put a closed plan back in force, with a required reason (the one step backward); audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext_lazy("Say why the plan is reopened.")})
    if len(reason) > PLAN_REOPEN_REASON_MAX:
        raise ValidationError(
            {"reason": gettext_lazy("Ensure the reason has at most %(max)d characters.") % {"max": PLAN_REOPEN_REASON_MAX}}
        )
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Plan.Status.CLOSED:
        raise ValidationError(gettext_lazy("Only a closed plan can be reopened; nothing was changed."))
    plan.status = Plan.Status.ACTIVE
    plan.save(update_fields=["status", "updated_at"])
    audit_record(
        subject=plan, actor=actor, action="reopen", from_state=Plan.Status.CLOSED, to_state=Plan.Status.ACTIVE, comment=reason
    )
    return plan


def department_aliases_add(*, department: Department, aliases: list[str]) -> None:
    """Add aliases; an alias is unique in the region: one that another department's name, short
    name or alias already means is refused (ValidationError naming that department)."""
    directory = DepartmentDirectory(department.region)
    for alias in aliases:
        others = [d for d in directory.matches(alias) if d.pk != department.pk]
        if others:
            raise ValidationError(
                gettext_lazy("The alias “%(alias)s” already means “%(other)s” in this region.") % {"alias": alias, "other": others[0].name}
            )
    for alias in aliases:
        DepartmentAlias.objects.get_or_create(department=department, alias=alias)


@transaction.atomic
def staff_place(*, user: User, region: Region, actor: User | None = None) -> RegionStaff:
    """Place a supervisor, evaluator or administrator in a region's health commission (audited)."""
    placement = RegionStaff.objects.select_for_update().filter(user=user).first()
    previous = placement.region.name if placement else ""
    if placement is None:
        placement = RegionStaff.objects.create(user=user, region=region)
    elif placement.region_id != region.pk:
        placement.region = region
        placement.save(update_fields=["region"])
    else:
        return placement
    user._staff_region = region
    audit_record(subject=user, actor=actor, action="region", from_state=previous, to_state=region.name)
    return placement


# --- one key task, outside an import (e.g. a joint meeting's decision) -----------------------


@transaction.atomic
def key_task_create(
    *,
    plan: Plan,
    code: str,
    title: str,
    leads: list[Department],
    cooperating: list[Department] | None = None,
    due_date: datetime.date,
    start_date: datetime.date | None = None,
    cadence: str = KeyTask.Cadence.QUARTERLY,
    content: str = "",
    actor: User | None = None,
    comment: str = "",
) -> KeyTask:
    """Add one key task to ``plan`` with its lead and co-operating departments (of the plan's
    region), as the importer would; audited. Raises ValidationError naming the field at fault."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    cooperating = [d for d in (cooperating or []) if d.pk not in {lead.pk for lead in leads}]
    code, title = (code or "").strip(), (title or "").strip()
    errors: dict[str, object] = {}
    if plan.status == Plan.Status.CLOSED:
        raise ValidationError(gettext_lazy("The plan “%(plan)s” is closed; tasks cannot be added.") % {"plan": plan})
    if not code:
        errors["code"] = gettext_lazy("Give the task a number.")
    elif plan.key_tasks.filter(code=code).exists():
        errors["code"] = gettext_lazy("the number %(code)s already exists in the plan") % {"code": code}
    if not title:
        errors["title"] = gettext_lazy("Give the task a title.")
    if not leads:
        errors["leads"] = gettext_lazy("Choose at least one lead department.")
    if any(d.region_id != plan.region_id for d in [*leads, *cooperating]):
        errors["leads"] = gettext_lazy("The departments must belong to the plan's region.")
    start_date = start_date or plan.start_date  # as the importer: the plan's start unless given
    if due_date < start_date:
        errors["due_date"] = gettext_lazy("the deadline %(date)s is before the task's start") % {"date": due_date.isoformat()}
    if cadence not in KeyTask.Cadence.values:
        errors["cadence"] = gettext_lazy("Choose a reporting cadence.")
    if errors:
        raise ValidationError(errors)
    task = KeyTask(
        plan=plan,
        code=code,
        title=title,
        content=content,
        position=(plan.key_tasks.aggregate(m=Max("position"))["m"] or 0) + 1,
        start_date=start_date,
        due_date=due_date,
        cadence=cadence,
    )
    task.full_clean()
    task.save()
    TaskDepartment.objects.bulk_create(
        [TaskDepartment(task=task, department=d, role=TaskDepartment.Role.LEAD, position=i) for i, d in enumerate(leads)]
        + [TaskDepartment(task=task, department=d, role=TaskDepartment.Role.COOPERATING, position=i) for i, d in enumerate(cooperating)]
    )
    audit_record(
        subject=task,
        actor=actor,
        action="create",
        to_state=task.status,
        comment=comment,
        data={"leads": [d.pk for d in leads], "cooperating": [d.pk for d in cooperating], "due_date": due_date.isoformat()},
    )
    return task
