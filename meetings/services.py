"""Writes on joint meetings and their decisions. Every entry point (views, the demo, tests) calls
these; each is atomic, checks who acts and writes the audit trail.

A decision becomes tracked work through the services that already create it: a key task through
``tasks.services.key_task_create``, a supervision notice through ``supervision.notices.notice_issue``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.services import audit_record
from common.db import DryRunRollback
from common.spreadsheets import Problem, TableError
from meetings.access import require_manage
from meetings.models import Attendance, Decision, DecisionDepartment, Meeting
from supervision.models import SupervisionNotice
from supervision.notices import notice_issue
from tasks.breakdown_table import read_breakdown_table
from tasks.models import Department, KeyTask, Plan, Region
from tasks.services import DepartmentDirectory, key_task_create

TEXT_MAX = 3000


# --- meetings ----------------------------------------------------------------------------------


def _check_meeting(*, region: Region, plan: Plan | None, title: str, convenor: str, present, absent) -> dict:
    errors: dict[str, object] = {}
    if plan is not None and plan.region_id != region.pk:
        errors["plan"] = _("The plan belongs to another region.")
    if not title.strip():
        errors["title"] = _("Give the meeting a title.")
    if not convenor.strip():
        errors["convenor"] = _("Say who convened the meeting.")
    both = {d.pk for d in present} & {d.pk for d in absent}
    if both:
        errors["absent"] = _("A department cannot be both present and absent.")
    if any(d.region_id != region.pk for d in [*present, *absent]):
        errors["present"] = _("The member departments must belong to the meeting's region.")
    return errors


def _set_attendance(meeting: Meeting, present, absent) -> None:
    meeting.attendances.all().delete()
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, department=d, present=True) for d in present]
        + [Attendance(meeting=meeting, department=d, present=False) for d in absent]
    )


@transaction.atomic
def meeting_create(
    *,
    region: Region,
    plan: Plan | None,
    kind: str,
    title: str,
    held_on: datetime.date,
    convenor: str,
    minutes: str = "",
    present: list[Department] = (),
    absent: list[Department] = (),
    actor: User,
) -> Meeting:
    require_manage(actor, region)
    errors = _check_meeting(region=region, plan=plan, title=title, convenor=convenor, present=present, absent=absent)
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        region=region, plan=plan, kind=kind, title=title.strip(), held_on=held_on, convenor=convenor.strip(),
        minutes=minutes.strip(), created_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    _set_attendance(meeting, present, absent)
    audit_record(
        subject=meeting, actor=actor, action="create", to_state=meeting.kind, comment=meeting.title,
        data={"held_on": held_on.isoformat(), "present": [d.pk for d in present], "absent": [d.pk for d in absent]},
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    kind: str,
    title: str,
    held_on: datetime.date,
    convenor: str,
    minutes: str,
    present: list[Department],
    absent: list[Department],
    actor: User,
) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require_manage(actor, meeting.region)
    errors = _check_meeting(region=meeting.region, plan=meeting.plan, title=title, convenor=convenor, present=present, absent=absent)
    earliest = meeting.decisions.order_by("deadline").values_list("deadline", flat=True).first()
    if earliest is not None and held_on > earliest:
        errors["held_on"] = _("A decision of this meeting is due %(date)s, before that date.") % {"date": earliest.isoformat()}
    if errors:
        raise ValidationError(errors)
    before = {"kind": meeting.kind, "title": meeting.title, "held_on": meeting.held_on.isoformat(), "convenor": meeting.convenor}
    meeting.kind, meeting.title, meeting.held_on = kind, title.strip(), held_on
    meeting.convenor, meeting.minutes = convenor.strip(), minutes.strip()
    meeting.full_clean()
    meeting.save()
    _set_attendance(meeting, present, absent)
    audit_record(
        subject=meeting, actor=actor, action="change", from_state=before["kind"], to_state=meeting.kind, comment=meeting.title,
        data={"before": before, "present": [d.pk for d in present], "absent": [d.pk for d in absent]},
    )
    return meeting


# --- decisions -----------------------------------------------------------------------------------


def _check_decision(meeting: Meeting, text: str, departments: list[Department], deadline: datetime.date | None) -> dict:
    errors: dict[str, object] = {}
    if not text.strip():
        errors["text"] = _("Write what was decided.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Keep the decision within %(max)d characters.") % {"max": TEXT_MAX}
    if not departments:
        errors["departments"] = _("Name at least one responsible department.")
    elif any(d.region_id != meeting.region_id for d in departments):
        errors["departments"] = _("The responsible departments must belong to the meeting's region.")
    if deadline is None:
        errors["deadline"] = _("Give the decision a deadline.")
    elif deadline < meeting.held_on:
        errors["deadline"] = _("The deadline %(date)s is before the meeting (%(meeting)s).") % {
            "date": deadline.isoformat(), "meeting": meeting.held_on.isoformat()
        }
    return errors


def _save_decision(meeting: Meeting, number: int, text: str, departments: list[Department], deadline: datetime.date) -> Decision:
    decision = Decision.objects.create(meeting=meeting, number=number, text=text.strip(), deadline=deadline)
    DecisionDepartment.objects.bulk_create(
        [DecisionDepartment(decision=decision, department=d, position=i) for i, d in enumerate(dict.fromkeys(departments))]
    )
    return decision


@transaction.atomic
def decision_add(
    *, meeting: Meeting, text: str, departments: list[Department], deadline: datetime.date | None, actor: User
) -> Decision:
    """A numbered decision (议定事项); the next free number."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require_manage(actor, meeting.region)
    errors = _check_decision(meeting, text, departments, deadline)
    if errors:
        raise ValidationError(errors)
    number = (meeting.decisions.aggregate(m=Max("number"))["m"] or 0) + 1
    decision = _save_decision(meeting, number, text, departments, deadline)
    audit_record(
        subject=decision, actor=actor, action="create", to_state=Decision.State.OPEN, comment=f"{meeting.title} {number}",
        data={"departments": [d.pk for d in departments], "deadline": deadline.isoformat()},
    )
    return decision


@transaction.atomic
def decision_update(
    *, decision: Decision, text: str, departments: list[Department], deadline: datetime.date | None, actor: User
) -> Decision:
    """Correct a decision's text, departments or deadline while it is not yet tracked work (after
    that, the task or the notice is what is changed)."""
    decision = _lock_without_work(decision, actor)
    errors = _check_decision(decision.meeting, text, departments, deadline)
    if errors:
        raise ValidationError(errors)
    before = {
        "text": decision.text, "deadline": decision.deadline.isoformat(),
        "departments": list(decision.decision_departments.order_by("position").values_list("department_id", flat=True)),
    }
    decision.text, decision.deadline = text.strip(), deadline
    decision.save(update_fields=["text", "deadline"])
    decision.decision_departments.all().delete()
    DecisionDepartment.objects.bulk_create(
        [DecisionDepartment(decision=decision, department=d, position=i) for i, d in enumerate(dict.fromkeys(departments))]
    )
    audit_record(
        subject=decision, actor=actor, action="change", from_state=Decision.State.OPEN, to_state=decision.state,
        data={"before": before, "departments": [d.pk for d in departments], "deadline": deadline.isoformat()},
    )
    return decision


def _lock_without_work(decision: Decision, actor: User) -> Decision:
    decision = Decision.objects.select_for_update(of=("self",)).select_related("meeting__region", "meeting__plan").get(pk=decision.pk)
    require_manage(actor, decision.meeting.region)
    if decision.task_id is not None or decision.notice_id is not None:
        work = str(KeyTask.objects.get(pk=decision.task_id)) if decision.task_id else str(SupervisionNotice.objects.get(pk=decision.notice_id))
        raise ValidationError(
            _("Decision %(number)d has already been turned into work (%(work)s); nothing was changed.")
            % {"number": decision.number, "work": work}
        )
    return decision


@transaction.atomic
def decision_to_task(
    *,
    decision: Decision,
    actor: User,
    code: str,
    title: str,
    leads: list[Department],
    cooperating: list[Department],
    due_date: datetime.date,
    cadence: str,
    plan: Plan | None = None,
) -> KeyTask:
    """The decision becomes a new key task of the meeting's plan (or of ``plan``, one of the
    meeting's region, for a meeting held for the region); linked back, once only."""
    decision = _lock_without_work(decision, actor)
    meeting = decision.meeting
    plan = meeting.plan or plan
    if plan is None:
        raise ValidationError({"plan": _("Choose the plan the task belongs to.")})
    if plan.region_id != meeting.region_id:
        raise ValidationError({"plan": _("The plan belongs to another region.")})
    start = min(max(meeting.held_on, plan.start_date), due_date) if due_date else None
    task = key_task_create(
        plan=plan, code=code, title=title, leads=leads, cooperating=cooperating, due_date=due_date, start_date=start,
        cadence=cadence, content=decision.text if decision.text.strip() != title.strip() else "", actor=actor,
        comment=f"{meeting.title} · {decision.number}",
    )
    decision.task = task
    decision.save(update_fields=["task"])
    audit_record(
        subject=decision, actor=actor, action="status", from_state=Decision.State.OPEN, to_state=decision.state,
        comment=str(task), data={"task": task.pk},
    )
    return task


@transaction.atomic
def decision_to_notice(
    *,
    decision: Decision,
    actor: User,
    task: KeyTask,
    department: Department,
    level: str,
    requirements: str,
    response_due_on: datetime.date | None = None,
) -> SupervisionNotice:
    """The decision becomes a supervision notice (督办) on an existing task of the meeting's region,
    to one of the decision's responsible departments; linked back, once only."""
    decision = _lock_without_work(decision, actor)
    meeting = decision.meeting
    errors: dict[str, object] = {}
    if task.plan.region_id != meeting.region_id or (meeting.plan_id and task.plan_id != meeting.plan_id):
        errors["task"] = _("Choose a task of the meeting's plan.")
    if not decision.decision_departments.filter(department=department).exists():
        errors["department"] = _("Choose one of the decision's responsible departments.")
    if errors:
        raise ValidationError(errors)
    notice = notice_issue(
        task=task, department=department, level=level, requirements=requirements, user=actor, response_due_on=response_due_on
    )
    decision.notice = notice
    decision.save(update_fields=["notice"])
    audit_record(
        subject=decision, actor=actor, action="status", from_state=Decision.State.OPEN, to_state=decision.state,
        comment=notice.reference, data={"notice": notice.pk, "task": task.pk},
    )
    return notice


# --- import from a sheet (序号 · 议定事项 · 责任单位 · 完成时限) ---------------------------------------


@dataclass
class ImportedDecision:
    row: int
    number: int
    text: str
    departments: list[Department]
    deadline: datetime.date


@dataclass
class DecisionImportResult:
    decisions: list[ImportedDecision] = field(default_factory=list)
    questions: list[Problem] = field(default_factory=list)  # the reader's doubts: shown, never guessed
    sheet: str = ""
    applied: bool = False


def decisions_import(
    *, meeting: Meeting, data: bytes, filename: str, actor: User, dry_run: bool = False
) -> DecisionImportResult:
    """Read the decisions of ``meeting`` from a sheet with the task-breakdown reader (old .xls, GBK
    csv, two-row headers, cover sheets, department cells with brackets and 、) and add them: all or
    nothing. Raises TableError listing every problem."""
    require_manage(actor, meeting.region)
    table = read_breakdown_table(data, filename)
    result = DecisionImportResult(questions=list(table.warnings), sheet=table.sheet_name)
    problems: list[Problem] = []
    directory = DepartmentDirectory(meeting.region)
    taken = set(meeting.decisions.values_list("number", flat=True))
    seen: set[int] = set()
    columns = table.labels

    def problem(row: int, name: str, message) -> None:
        problems.append(Problem(message, row=row, column=columns.get(name, "")))

    for parsed in table.tasks:
        number = int(parsed.code) if parsed.code.isdigit() else None
        if number is None or number < 1:
            problem(parsed.row, "code", _("the number %(code)s is not a whole number") % {"code": parsed.code})
        elif number in taken:
            problem(parsed.row, "code", _("the meeting already has a decision numbered %(code)s") % {"code": number})
        departments: list[Department] = []
        for name in [*parsed.lead_names, *parsed.cooperating_names]:
            found = directory.matches(name)
            if len(found) > 1:
                problem(
                    parsed.row, "lead",
                    _("“%(name)s” matches more than one department: %(departments)s. Give the cell the full name.")
                    % {"name": name, "departments": "、".join(f"“{d.name}”" for d in found)},
                )
            elif not found:
                problem(parsed.row, "lead", _("the department “%(name)s” is not in the directory") % {"name": name})
            elif found[0] not in departments:
                departments.append(found[0])
        if not parsed.lead_names and parsed.lead_text:
            problem(
                parsed.row, "lead",
                _("“%(text)s” names no department: a decision needs departments that answer for it") % {"text": parsed.lead_text},
            )
        elif parsed.lead_text or parsed.cooperating_text:
            result.questions.append(
                Problem(
                    _("“%(text)s” names no department and is not kept") % {"text": parsed.lead_text or parsed.cooperating_text},
                    row=parsed.row, column=columns.get("lead", ""),
                )
            )
        text = "\n".join(part for part in (parsed.title, parsed.content) if part)
        deadline = parsed.due_date
        if deadline is None:
            problem(
                parsed.row, "deadline",
                _("%(column)s “%(value)s” gives no date") % {"column": columns.get("deadline", "完成时限"), "value": parsed.deadline_text},
            )
        errors = _check_decision(meeting, text, departments, deadline)
        errors.pop("departments", None)  # each name was reported above
        for name, message in errors.items():
            if name == "deadline" and deadline is None:
                continue
            problem(parsed.row, {"text": "title", "departments": "lead"}.get(name, name), message)
        if number is not None and number in seen:
            continue
        if number is not None:
            seen.add(number)
        if deadline is not None and number is not None:
            result.decisions.append(ImportedDecision(parsed.row, number, text, departments, deadline))
    # The reader's own messages (a row repeating the header …) stay questions; a missing 完成时限
    # column is a problem here, since every decision needs a date.
    if "deadline" not in columns:
        problems.append(Problem(_("The sheet has no 完成时限 column.")))
    if problems:
        raise TableError(problems)
    try:
        with transaction.atomic():
            locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
            for item in result.decisions:
                decision = _save_decision(locked, item.number, item.text, item.departments, item.deadline)
                audit_record(subject=decision, actor=actor, action="import", to_state=Decision.State.OPEN, comment=filename)
            audit_record(
                subject=locked, actor=actor, action="import", to_state=locked.kind, comment=filename,
                data={"decisions": len(result.decisions), "sheet": table.sheet_name},
            )
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        return result
    result.applied = True
    return result


def minutes_attach(*, meeting: Meeting, upload, actor: User):
    """The minutes file (会议纪要), kept as the meeting's evidence file (checked, audited)."""
    from evidence.services import evidence_attach

    require_manage(actor, meeting.region)
    return evidence_attach(owner=meeting, upload=upload, user=actor)
