"""Progress reporting and milestone approval: every state change goes through here.

Each service is atomic, checks who may act (viewflow's programmatic API checks nothing), writes
the audit trail, and moves the viewflow process on (``workflows/``). Views, commands and the
demo seeding call these; nothing else changes a report's state.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from accounts.models import User
from audit.services import audit_record
from evidence.services import evidence_attach_all, evidence_for
from tasks import access
from tasks.models import (
    Contribution,
    Department,
    KeyTask,
    Membership,
    Milestone,
    MilestoneClaim,
    Plan,
    ProgressReport,
    ReportingPeriod,
    ReportSubmission,
    TaskDepartment,
)
from workflows import lifecycle
from workflows.engine import lock_row, process_of

PERIODS_PER_YEAR = {
    KeyTask.Cadence.MONTHLY: 12,
    KeyTask.Cadence.QUARTERLY: 4,
    KeyTask.Cadence.HALF_YEARLY: 2,
    KeyTask.Cadence.YEARLY: 1,
}
REPORT_FIELDS = ("percent_complete", "assessment", "achievements", "problems", "next_steps", "missing_contributions_reason")


def _flows():
    # The flows import this module (their Function nodes call it): import them when used.
    from workflows.contribution.flows import ContributionFlow
    from workflows.milestone.flows import MilestoneFlow
    from workflows.progress_report.flows import ProgressReportFlow

    return ProgressReportFlow, ContributionFlow, MilestoneFlow


def today() -> datetime.date:
    return timezone.localdate()


# --- reporting periods ---------------------------------------------------------------------


def period_bounds(cadence: str, year: int, number: int) -> tuple[datetime.date, datetime.date]:
    months = 12 // PERIODS_PER_YEAR[cadence]
    first_month = (number - 1) * months + 1
    last_month = first_month + months - 1
    return (
        datetime.date(year, first_month, 1),
        datetime.date(year, last_month, calendar.monthrange(year, last_month)[1]),
    )


def reporting_period(*, plan: Plan, cadence: str, year: int, number: int) -> ReportingPeriod:
    """The period, created with its due dates from the plan's settings on first use."""
    starts_on, ends_on = period_bounds(cadence, year, number)
    if plan.due_in_working_days:
        from workdays.calendar import add_working_days

        due_on = add_working_days(ends_on, plan.report_due_days)
    else:
        due_on = ends_on + datetime.timedelta(days=plan.report_due_days)
    period, _created = ReportingPeriod.objects.get_or_create(
        plan=plan,
        cadence=cadence,
        year=year,
        number=number,
        defaults={
            "starts_on": starts_on,
            "ends_on": ends_on,
            "due_on": due_on,
            "contribution_due_on": max(ends_on, due_on - datetime.timedelta(days=plan.contribution_lead_days)),
        },
    )
    return period


def task_periods(task: KeyTask, plan: Plan, until: datetime.date) -> list[tuple[int, int]]:
    """(year, number) of the task's periods that have begun by ``until`` and overlap the task."""
    first = max(task.start_date, plan.reporting_starts_on or plan.start_date)
    last = min(task.due_date if not task.is_ongoing else plan.end_date, plan.end_date, until)
    result = []
    for year in range(first.year, last.year + 1):
        for number in range(1, PERIODS_PER_YEAR[task.cadence] + 1):
            starts_on, ends_on = period_bounds(task.cadence, year, number)
            if ends_on >= first and starts_on <= last:
                result.append((year, number))
    return result


def first_liaison(department: Department) -> User | None:
    membership = (
        Membership.objects.filter(department=department, role=Membership.Role.LIAISON, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


@dataclass
class OpenedPeriods:
    reports: int = 0
    contributions: int = 0
    skipped_without_department: int = 0


def periods_open(*, on: datetime.date | None = None, plan: Plan | None = None, as_of_start: bool = False) -> OpenedPeriods:
    """Open every reporting period that has begun: a report for the lead department, a
    contribution for each co-operating one. Idempotent (one report per task and period).

    ``as_of_start`` records each opening in the history at its period's first day rather than now:
    a plan's past periods loaded afterwards (the demo), so that a report's history reads in order."""
    on = on or today()
    result = OpenedPeriods()
    plans = [plan] if plan else Plan.objects.filter(status=Plan.Status.ACTIVE)
    for current in plans:
        tasks = current.key_tasks.exclude(status=KeyTask.Status.COMPLETED).prefetch_related("task_departments__department")
        for task in tasks:
            lead = task.primary_lead
            if lead is None:
                result.skipped_without_department += 1
                continue
            for year, number in task_periods(task, current, on):
                period = reporting_period(plan=current, cadence=task.cadence, year=year, number=number)
                at = timezone.make_aware(datetime.datetime.combine(period.starts_on, datetime.time(9))) if as_of_start else None
                opened = report_open(task=task, period=period, department=lead, at=at)
                if opened is not None:
                    result.reports += 1
                    result.contributions += opened.contributions.count()
    return result


@transaction.atomic
def report_open(
    *, task: KeyTask, period: ReportingPeriod, department: Department, at: datetime.datetime | None = None
) -> ProgressReport | None:
    """Create the report of one task and period (None if it exists) and start its processes
    (their history's "opened" at ``at``, default now).

    Safe to run twice at once: the unique (task, period) constraint decides who opens it."""
    if ProgressReport.objects.filter(task=task, period=period).exists():
        return None
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(
                task=task, period=period, department=department, assignee=first_liaison(department)
            )
    except IntegrityError:
        return None
    lifecycle.review_open(report, data={"period": period.code}, at=at)
    for link in task.task_departments.all():
        if link.role != TaskDepartment.Role.COOPERATING:
            continue
        contribution = Contribution.objects.create(
            report=report, department=link.department, assignee=first_liaison(link.department), due_on=period.contribution_due_on
        )
        lifecycle.review_open(contribution, data={"period": period.code}, at=at)
    return report


# --- progress reports: the shared review lifecycle (workflows.lifecycle) with the report's kind --


def report_save(*, report: ProgressReport, user: User, data: dict, version: int) -> ProgressReport:
    """Save a draft (save and resume). ``version`` is what the user loaded: a stale save is refused."""
    return lifecycle.review_save(report, user=user, data=data, version=version)


def report_submit(
    *, report: ProgressReport, user: User, version: int, data: dict | None = None, at: datetime.datetime | None = None
) -> ProgressReport:
    """Submit for review (saving ``data`` first). Late submissions are accepted and marked late.

    ``at`` is the moment of submission; only the demo data and tests give one."""
    return lifecycle.review_submit(report, user=user, data=data, version=version, at=at)


def report_snapshot(report: ProgressReport, *, contributions: list[Contribution] | None = None) -> dict:
    """What a submission said, kept with its round so that the next one can show what changed
    (``contributions``: the report's, with their departments, when the caller has them as stored)."""
    if contributions is None:
        contributions = report.contributions.select_related("department")
    content = {field: getattr(report, field) for field in REPORT_FIELDS}
    content["evidence"] = [{"id": e.pk, "name": e.original_name, "sha256": e.sha256} for e in evidence_for(report)]
    content["contributions"] = [
        {"department": str(c.department), "content": c.content, "status": c.status} for c in contributions
    ]
    return content


def contributions_close(*, report: ProgressReport, user: User, now: datetime.datetime) -> None:
    """The report is approved: contributions never written are closed, with their processes."""
    contribution_flow = _flows()[1]
    for contribution in report.contributions.filter(status__in=[Contribution.Status.PENDING, Contribution.Status.RETURNED]):
        process = process_of(contribution, contribution_flow)
        for task in Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED]):
            task.flow_task.activation_class(task).cancel()
        process.status, process.finished = PROCESS.CANCELED, now
        process.save(update_fields=["status", "finished"])
        audit_record(subject=contribution, actor=user, action="close", from_state=contribution.status, to_state="closed", at=now)


def report_approve(
    *,
    report: ProgressReport,
    user: User,
    comment: str = "",
    at: datetime.datetime | None = None,
    round: int | None = None,
    accept_pending_evidence: bool = False,
) -> ProgressReport:
    """Approve: the report becomes immutable and updates its task's progress and status.

    ``round`` is the submission the supervisor read: a newer one is not approved blindly."""
    return lifecycle.review_decide(
        report, user=user, approve=True, reason=comment, at=at, round=round, accept_pending_evidence=accept_pending_evidence
    )


def report_return(
    *, report: ProgressReport, user: User, reason: str, at: datetime.datetime | None = None, round: int | None = None
) -> ProgressReport:
    """Return to the same liaison with a required reason; they revise and resubmit."""
    return lifecycle.review_decide(report, user=user, approve=False, reason=reason, at=at, round=round)


def task_apply_report(*, report: ProgressReport) -> KeyTask:
    """An approved report sets its task's progress and status (called by the flow)."""
    task = KeyTask.objects.select_for_update().get(pk=report.task_id)
    latest = (
        ProgressReport.objects.filter(task=task, status=ProgressReport.Status.APPROVED)
        .order_by("-period__ends_on")
        .first()
    )
    if latest is None or latest.pk != report.pk:
        return task  # an older period approved late does not roll the task back
    previous = task.status
    task.progress = report.percent_complete
    if report.percent_complete >= 100 or report.assessment == ProgressReport.Assessment.COMPLETED:
        task.status = KeyTask.Status.COMPLETED
    elif report.percent_complete > 0:
        task.status = KeyTask.Status.IN_PROGRESS
    task.save(update_fields=["progress", "status", "updated_at"])
    audit_record(
        subject=task,
        at=report.decided_at,
        action="progress",
        from_state=previous,
        to_state=task.status,
        data={"report": report.pk, "period": report.period.code, "percent": report.percent_complete},
    )
    return task


@dataclass
class FieldChange:
    field: str
    label: str
    before: str
    after: str


def report_changes(report: ProgressReport, submissions: list[ReportSubmission] | None = None) -> list[FieldChange]:
    """What the latest submission changed since the version that was returned before it
    (``submissions``: the report's, when the caller has read them already)."""
    if submissions is None:
        submissions = list(report.submissions.order_by("-round")[:2])
    else:
        submissions = sorted(submissions, key=lambda submission: submission.round, reverse=True)[:2]
    if len(submissions) < 2:
        return []
    after, before = submissions[0].content, submissions[1].content
    changes = []
    for field in REPORT_FIELDS:
        if before.get(field) != after.get(field):
            label = ProgressReport._meta.get_field(field).verbose_name
            changes.append(FieldChange(field, str(label), str(before.get(field, "")), str(after.get(field, ""))))
    old_files = {e["name"] for e in before.get("evidence", [])}
    new_files = {e["name"] for e in after.get("evidence", [])}
    if old_files != new_files:
        changes.append(
            FieldChange("evidence", str(_("Evidence")), "、".join(sorted(old_files)) or "—", "、".join(sorted(new_files)) or "—")
        )
    return changes


def report_attach_evidence(
    *, report: ProgressReport, user: User, uploads: Iterable, data: dict | None = None, version: int | None = None
) -> list:
    """Attach files to a draft or returned report (the assignee only), saving ``data`` first."""
    return lifecycle.review_attach_evidence(report, user=user, uploads=uploads, data=data, version=version)


def report_remove_evidence(*, report: ProgressReport, user: User, evidence, data: dict | None = None, version: int | None = None):
    return lifecycle.review_remove_evidence(report, user=user, evidence=evidence, data=data, version=version)


def report_review_evidence(*, report: ProgressReport, user: User, evidence, accepted: bool, reason: str = ""):
    """Accept or reject one file of a submitted report (a reason is required to reject)."""
    return lifecycle.review_decide_evidence(report, user=user, evidence=evidence, accepted=accepted, reason=reason)


def report_reassign(*, report: ProgressReport, user: User, assignee: User) -> ProgressReport:
    """A department head hands a report (and its open viewflow task) to another liaison."""
    return lifecycle.review_reassign(
        report,
        user=user,
        assignee=assignee,
        may_reassign=access.is_department_head(user, report.department_id),
        assignee_ok=Membership.objects.filter(
            user=assignee, department_id=report.department_id, role=Membership.Role.LIAISON, is_active=True
        ).exists(),
    )


# --- contributions -------------------------------------------------------------------------


def contribution_can_edit(user: User, contribution: Contribution) -> bool:
    kind = lifecycle.kind_of(contribution)
    return kind.can_write(user, contribution) and kind.is_editable(contribution)


def contribution_can_decide(user: User, contribution: Contribution) -> bool:
    return contribution.status == Contribution.Status.SUBMITTED and lifecycle.kind_of(contribution).can_review(user, contribution)


def contribution_save(*, contribution: Contribution, user: User, content: str) -> Contribution:
    return lifecycle.review_save(contribution, user=user, data={"content": content})


def contribution_submit(
    *, contribution: Contribution, user: User, content: str, at: datetime.datetime | None = None
) -> Contribution:
    return lifecycle.review_submit(contribution, user=user, data={"content": content}, at=at)


def contribution_accept(*, contribution: Contribution, user: User, comment: str = "") -> Contribution:
    """The lead department's liaison accepts a contribution into the report."""
    return lifecycle.review_decide(contribution, user=user, approve=True, reason=comment)


def contribution_return(*, contribution: Contribution, user: User, reason: str) -> Contribution:
    """… or returns it to the co-operating department with a reason."""
    return lifecycle.review_decide(contribution, user=user, approve=False, reason=reason)


# --- milestones ----------------------------------------------------------------------------


def check_claim_fields(completed_on, note: str) -> None:
    errors = {}
    if completed_on is None:
        errors["completed_on"] = _("Give the date the milestone was completed.")
    elif completed_on > today():
        errors["completed_on"] = _("The completion date cannot be in the future.")
    if not (note or "").strip():
        errors["note"] = _("Describe what was completed.")
    if errors:
        raise ValidationError(errors)


def milestone_claim_submit(
    *, milestone: Milestone, user: User, completed_on: datetime.date, note: str, uploads: Iterable = ()
) -> MilestoneClaim:
    """Claim a milestone complete, with its evidence: the claim goes straight to verification."""
    uploads = list(uploads)
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().select_related("task").get(pk=milestone.pk)
        department = access.claiming_department(user, milestone)
        if department is None:
            raise PermissionDenied
        if milestone.status in {Milestone.Status.CLAIMED, Milestone.Status.APPROVED}:
            raise ValidationError(_("This milestone has already been claimed complete."))
        if milestone.status == Milestone.Status.RETURNED:
            raise ValidationError(_("This milestone was returned: revise the open claim instead."))
        check_claim_fields(completed_on, note)
        claim = MilestoneClaim.objects.create(
            milestone=milestone, department=department, created_by=user, status=MilestoneClaim.Status.DRAFT
        )
        lifecycle.review_open(claim, user=user, audit=False)
        evidence_attach_all(owner=claim, uploads=uploads, user=user)
        return lifecycle.review_submit(claim, user=user, data={"completed_on": completed_on, "note": note.strip()})


def milestone_claim_resubmit(
    *, claim: MilestoneClaim, user: User, completed_on: datetime.date, note: str, uploads: Iterable = ()
) -> MilestoneClaim:
    uploads = list(uploads)
    with transaction.atomic():
        claim = lock_row(MilestoneClaim, claim.pk)
        if not lifecycle.kind_of(claim).can_write(user, claim):
            raise PermissionDenied
        if claim.status != MilestoneClaim.Status.RETURNED:
            raise ValidationError(_("This claim is not waiting for a revision."))
        check_claim_fields(completed_on, note)
        evidence_attach_all(owner=claim, uploads=uploads, user=user)
        return lifecycle.review_submit(claim, user=user, data={"completed_on": completed_on, "note": note.strip()})


def milestone_claim_approve(*, claim: MilestoneClaim, user: User, comment: str = "", accept_pending_evidence: bool = False) -> MilestoneClaim:
    return lifecycle.review_decide(claim, user=user, approve=True, reason=comment, accept_pending_evidence=accept_pending_evidence)


def milestone_claim_return(*, claim: MilestoneClaim, user: User, reason: str) -> MilestoneClaim:
    return lifecycle.review_decide(claim, user=user, approve=False, reason=reason)


def milestone_apply_claim(*, claim: MilestoneClaim) -> None:
    """Record the approved completion date on the milestone (called by the flow)."""
    Milestone.objects.filter(pk=claim.milestone_id).update(completed_on=claim.completed_on)
