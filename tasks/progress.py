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
from evidence.services import evidence_attach_all
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
from tasks.periods import period_require_open
from workflows.engine import LockedProcess, complete_task, lock_row, process_of

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


def periods_open(*, on: datetime.date | None = None, plan: Plan | None = None) -> OpenedPeriods:
    """Open every reporting period that has begun: a report for the lead department, a
    contribution for each co-operating one. Idempotent (one report per task and period)."""
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
                opened = report_open(task=task, period=period, department=lead)
                if opened is not None:
                    result.reports += 1
                    result.contributions += opened.contributions.count()
    return result


@transaction.atomic
def report_open(*, task: KeyTask, period: ReportingPeriod, department: Department) -> ProgressReport | None:
    """Create the report of one task and period (None if it exists) and start its processes.

    Safe to run twice at once: the unique (task, period) constraint decides who opens it."""
    report_flow, contribution_flow, _milestone_flow = _flows()
    if ProgressReport.objects.filter(task=task, period=period).exists():
        return None
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(
                task=task, period=period, department=department, assignee=first_liaison(department)
            )
    except IntegrityError:
        return None
    audit_record(subject=report, action="open", to_state=report.status, comment=period.code)
    report_flow.open.run(subject=report)
    for link in task.task_departments.all():
        if link.role != TaskDepartment.Role.COOPERATING:
            continue
        contribution = Contribution.objects.create(
            report=report, department=link.department, assignee=first_liaison(link.department), due_on=period.contribution_due_on
        )
        audit_record(subject=contribution, action="open", to_state=contribution.status, comment=period.code)
        contribution_flow.open.run(subject=contribution)
    return report


# --- progress reports ----------------------------------------------------------------------


def _check_editable(report: ProgressReport, user: User, version: int | None) -> None:
    # Rights first: someone who may not act learns nothing about the report's state.
    if not access.is_report_assignee(user, report):
        raise PermissionDenied
    if not access.can_edit_report(user, report):
        raise ValidationError(_("This report has been submitted and can no longer be changed."))
    if version is not None and version != report.version:
        raise ValidationError(
            _("Someone else saved this report after you opened it. Your changes were not saved: reload the page and enter them again.")
        )


def _clean_report(report: ProgressReport) -> None:
    report.full_clean(exclude=["task", "period", "department", "assignee", "submitted_by", "decided_by"])


@transaction.atomic
def report_save(*, report: ProgressReport, user: User, data: dict, version: int) -> ProgressReport:
    """Save a draft (save and resume). ``version`` is what the user loaded: a stale save is refused."""
    report = lock_row(ProgressReport, report.pk)
    _check_editable(report, user, version)
    for field in REPORT_FIELDS:
        if field in data:
            setattr(report, field, data[field])
    _clean_report(report)
    report.version += 1
    report.save()
    return report


def report_submit(
    *, report: ProgressReport, user: User, version: int, data: dict | None = None, at: datetime.datetime | None = None
) -> ProgressReport:
    """Submit for review (saving ``data`` first). Late submissions are accepted and marked late.

    ``at`` is the moment of submission; only the demo data and tests give one."""
    period_require_open(report.period_id, at=at)  # a closed period takes nothing (tasks.periods)
    report_flow = _flows()[0]
    with LockedProcess(report, report_flow) as process:
        report = lock_row(ProgressReport, report.pk)
        if report.status == ProgressReport.Status.SUBMITTED and access.is_report_assignee(user, report):
            raise ValidationError(_("This report has already been submitted."))
        _check_editable(report, user, version)
        for field in REPORT_FIELDS:
            if data and field in data:
                setattr(report, field, data[field])
        _clean_report(report)
        if not report.achievements.strip():
            raise ValidationError({"achievements": _("Describe the work done before submitting.")})
        missing = [c.department for c in report.contributions.select_related("department") if c.status != Contribution.Status.SUBMITTED]
        if missing and not report.missing_contributions_reason.strip():
            raise ValidationError(
                {
                    "missing_contributions_reason": _(
                        "Contributions are missing from %(departments)s: wait for them or state why you submit without them."
                    )
                    % {"departments": "、".join(str(d) for d in missing)}
                }
            )
        now = at or timezone.now()
        previous = report.status
        report.round += 1
        report.version += 1
        report.status = ProgressReport.Status.SUBMITTED
        report.submitted_at, report.submitted_by = now, user
        report.is_late = timezone.localdate(now) > report.due_on
        report.return_reason = ""
        report.save()
        ReportSubmission.objects.create(
            report=report,
            round=report.round,
            content=_snapshot(report),
            submitted_by=user,
            submitted_at=now,
            is_late=report.is_late,
        )
        audit_record(
            subject=report,
            actor=user,
            action="submit",
            from_state=previous,
            to_state=report.status,
            data={"round": report.round, "late": report.is_late},
            at=now,
        )
        complete_task(process, report_flow.write, user)
    return report


def _snapshot(report: ProgressReport) -> dict:
    from evidence.services import evidence_for

    content = {field: getattr(report, field) for field in REPORT_FIELDS}
    content["evidence"] = [{"id": e.pk, "name": e.original_name, "sha256": e.sha256} for e in evidence_for(report)]
    content["contributions"] = [
        {"department": str(c.department), "content": c.content, "status": c.status}
        for c in report.contributions.select_related("department")
    ]
    return content


def _decide(
    report: ProgressReport,
    user: User,
    *,
    approve: bool,
    reason: str,
    at: datetime.datetime | None = None,
    round: int | None = None,
) -> ProgressReport:
    report_flow, contribution_flow, _milestone_flow = _flows()
    if not access.can_review(user):
        raise PermissionDenied
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Say why the report is returned.")})
    with LockedProcess(report, report_flow) as process:
        report = lock_row(ProgressReport, report.pk)
        if report.status in {ProgressReport.Status.APPROVED, ProgressReport.Status.RETURNED}:
            raise ValidationError(
                _("This report was already decided (%(status)s) by someone else; nothing was changed.")
                % {"status": report.get_status_display()}
            )
        if report.status != ProgressReport.Status.SUBMITTED:
            raise ValidationError(_("This report has not been submitted; there is nothing to decide."))
        if round is not None and round != report.round:
            raise ValidationError(
                _("The report was revised and submitted again after you opened it; nothing was changed. Review the new version.")
            )
        now = at or timezone.now()
        report.status = ProgressReport.Status.APPROVED if approve else ProgressReport.Status.RETURNED
        report.decided_at, report.decided_by = now, user
        report.return_reason = "" if approve else reason.strip()
        report.version += 1
        report.save()
        ReportSubmission.objects.filter(report=report, round=report.round).update(
            decision=report.status, decided_by=user, decided_at=now, reason=reason.strip()
        )
        audit_record(
            subject=report,
            actor=user,
            action="approve" if approve else "return",
            from_state=ProgressReport.Status.SUBMITTED,
            to_state=report.status,
            comment=reason.strip(),
            at=now,
        )
        complete_task(process, report_flow.review, user)
        if approve:
            _close_contributions(report, contribution_flow, user, now)
    return report


def _close_contributions(report: ProgressReport, contribution_flow, user: User, now: datetime.datetime) -> None:
    """Contributions still owed when the report is approved are closed, and so are their processes."""
    for contribution in report.contributions.filter(status=Contribution.Status.PENDING):
        process = process_of(contribution, contribution_flow)
        for task in Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED]):
            contribution_flow.write.activation_class(task).cancel()
        process.status, process.finished = PROCESS.CANCELED, now
        process.save(update_fields=["status", "finished"])
        audit_record(subject=contribution, actor=user, action="close", from_state=contribution.status, to_state="closed", at=now)


def report_approve(
    *, report: ProgressReport, user: User, comment: str = "", at: datetime.datetime | None = None, round: int | None = None
) -> ProgressReport:
    """Approve: the report becomes immutable and updates its task's progress and status.

    ``round`` is the submission the supervisor read: a newer one is not approved blindly."""
    return _decide(report, user, approve=True, reason=comment, at=at, round=round)


def report_return(
    *, report: ProgressReport, user: User, reason: str, at: datetime.datetime | None = None, round: int | None = None
) -> ProgressReport:
    """Return to the same liaison with a required reason; they revise and resubmit."""
    return _decide(report, user, approve=False, reason=reason, at=at, round=round)


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
        comment=f"{report.period.code}: {report.percent_complete}%",
        data={"report": report.pk},
    )
    return task


@dataclass
class FieldChange:
    field: str
    label: str
    before: str
    after: str


def report_changes(report: ProgressReport) -> list[FieldChange]:
    """What the latest submission changed since the version that was returned before it."""
    submissions = list(report.submissions.order_by("-round")[:2])
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


def report_attach_evidence(*, report: ProgressReport, user: User, uploads: Iterable) -> list:
    """Attach files to a draft or returned report (the assignee only)."""
    with transaction.atomic():
        report = lock_row(ProgressReport, report.pk)
        _check_editable(report, user, None)
        return evidence_attach_all(owner=report, uploads=uploads, user=user)


def report_remove_evidence(*, report: ProgressReport, user: User, evidence) -> None:
    from evidence.services import evidence_remove

    with transaction.atomic():
        report = lock_row(ProgressReport, report.pk)
        _check_editable(report, user, None)
        if evidence.owner != report:
            raise PermissionDenied
        evidence_remove(evidence=evidence, user=user)


def report_review_evidence(*, report: ProgressReport, user: User, evidence, accepted: bool, reason: str = ""):
    """Accept or reject one file of a submitted report (a reason is required to reject)."""
    from evidence.services import evidence_review

    if not access.can_review(user):
        raise PermissionDenied
    with transaction.atomic():
        report = lock_row(ProgressReport, report.pk)
        if report.status != ProgressReport.Status.SUBMITTED or evidence.owner != report:
            raise ValidationError(_("Files can be judged only while the report awaits review."))
        return evidence_review(evidence=evidence, accepted=accepted, reason=reason, user=user)


@transaction.atomic
def report_reassign(*, report: ProgressReport, user: User, assignee: User) -> ProgressReport:
    """A department head hands a report (and its open viewflow task) to another liaison."""
    report_flow = _flows()[0]
    report = lock_row(ProgressReport, report.pk)
    if not access.is_department_head(user, report.department_id):
        raise PermissionDenied
    if not report.is_editable:
        raise ValidationError(_("Only a report that is being written can be handed to someone else."))
    if not Membership.objects.filter(
        user=assignee, department_id=report.department_id, role=Membership.Role.LIAISON, is_active=True
    ).exists():
        raise ValidationError({"assignee": _("Choose a liaison of the same department.")})
    previous = report.assignee
    report.assignee = assignee
    report.version += 1
    report.save(update_fields=["assignee", "version", "updated_at"])
    Task.objects.filter(
        process=process_of(report, report_flow), flow_task=report_flow.write, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).update(owner=assignee, status=STATUS.ASSIGNED)
    audit_record(
        subject=report,
        actor=user,
        action="reassign",
        from_state=previous.username if previous else "",
        to_state=assignee.username,
    )
    return report


# --- contributions -------------------------------------------------------------------------


def _check_contribution_editable(contribution: Contribution, user: User) -> None:
    # Rights first: someone outside the department learns nothing about the contribution's state.
    if contribution.department_id not in access.user_department_ids(user):
        raise PermissionDenied
    if contribution.status == Contribution.Status.SUBMITTED:
        raise ValidationError(_("This contribution has already been submitted."))
    if not access.can_edit_contribution(user, contribution):
        raise ValidationError(_("The report has already been approved; the contribution is closed."))


@transaction.atomic
def contribution_save(*, contribution: Contribution, user: User, content: str) -> Contribution:
    contribution = lock_row(Contribution, contribution.pk)
    _check_contribution_editable(contribution, user)
    contribution.content = content
    contribution.full_clean(exclude=["report", "department", "assignee", "submitted_by"])
    contribution.save(update_fields=["content"])
    return contribution


def contribution_submit(
    *, contribution: Contribution, user: User, content: str, at: datetime.datetime | None = None
) -> Contribution:
    period_require_open(report_id=contribution.report_id, at=at)  # a closed period takes nothing
    contribution_flow = _flows()[1]
    with LockedProcess(contribution, contribution_flow) as process:
        contribution = lock_row(Contribution, contribution.pk)
        _check_contribution_editable(contribution, user)
        if not content.strip():
            raise ValidationError({"content": _("Write what your department did before submitting.")})
        contribution.content = content
        contribution.full_clean(exclude=["report", "department", "assignee", "submitted_by"])
        now = at or timezone.now()
        contribution.status = Contribution.Status.SUBMITTED
        contribution.submitted_at, contribution.submitted_by = now, user
        contribution.is_late = timezone.localdate(now) > contribution.due_on
        contribution.save()
        audit_record(
            subject=contribution, actor=user, action="submit", from_state=Contribution.Status.PENDING, to_state=contribution.status, at=now
        )
        complete_task(process, contribution_flow.write, user)
    return contribution


# --- milestones ----------------------------------------------------------------------------


def milestone_claim_submit(
    *, milestone: Milestone, user: User, completed_on: datetime.date, note: str, uploads: Iterable = ()
) -> MilestoneClaim:
    """Claim a milestone complete, with its evidence: starts the verification flow."""
    milestone_flow = _flows()[2]
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
        _check_claim_fields(completed_on, note, uploads, milestone)
        claim = MilestoneClaim.objects.create(
            milestone=milestone,
            department=department,
            created_by=user,
            completed_on=completed_on,
            note=note.strip(),
            round=1,
            submitted_at=timezone.now(),
            is_late=completed_on > milestone.due_date,
        )
        evidence_attach_all(owner=claim, uploads=uploads, user=user)
        previous = milestone.status
        milestone.status = Milestone.Status.CLAIMED
        milestone.save(update_fields=["status"])
        audit_record(subject=milestone, actor=user, action="claim", from_state=previous, to_state=milestone.status, comment=note.strip())
        process = milestone_flow.open.run(subject=claim)
        complete_task(process, milestone_flow.write, user)
    return claim


def _check_claim_fields(completed_on, note: str, uploads: list, milestone: Milestone) -> None:
    errors = {}
    if completed_on is None:
        errors["completed_on"] = _("Give the date the milestone was completed.")
    elif completed_on > today():
        errors["completed_on"] = _("The completion date cannot be in the future.")
    if not note.strip():
        errors["note"] = _("Describe what was completed.")
    if errors:
        raise ValidationError(errors)


def milestone_claim_resubmit(
    *, claim: MilestoneClaim, user: User, completed_on: datetime.date, note: str, uploads: Iterable = ()
) -> MilestoneClaim:
    milestone_flow = _flows()[2]
    uploads = list(uploads)
    with LockedProcess(claim, milestone_flow) as process:
        claim = lock_row(MilestoneClaim, claim.pk)
        if claim.created_by_id != user.pk or access.claiming_department(user, claim.milestone) is None:
            raise PermissionDenied
        if claim.status != MilestoneClaim.Status.RETURNED:
            raise ValidationError(_("This claim is not waiting for a revision."))
        _check_claim_fields(completed_on, note, uploads, claim.milestone)
        claim.completed_on, claim.note = completed_on, note.strip()
        claim.status, claim.round = MilestoneClaim.Status.SUBMITTED, claim.round + 1
        claim.submitted_at, claim.is_late = timezone.now(), completed_on > claim.milestone.due_date
        claim.version += 1
        claim.save()
        evidence_attach_all(owner=claim, uploads=uploads, user=user)
        Milestone.objects.filter(pk=claim.milestone_id).update(status=Milestone.Status.CLAIMED)
        audit_record(subject=claim.milestone, actor=user, action="claim", from_state=Milestone.Status.RETURNED, to_state=Milestone.Status.CLAIMED, comment=claim.note)
        complete_task(process, milestone_flow.write, user)
    return claim


def _decide_claim(claim: MilestoneClaim, user: User, *, approve: bool, reason: str) -> MilestoneClaim:
    milestone_flow = _flows()[2]
    if not access.can_review(user):
        raise PermissionDenied
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Say why the claim is returned.")})
    with LockedProcess(claim, milestone_flow) as process:
        claim = lock_row(MilestoneClaim, claim.pk)
        if claim.status != MilestoneClaim.Status.SUBMITTED:
            raise ValidationError(
                _("This claim was already decided (%(status)s) by someone else; nothing was changed.")
                % {"status": claim.get_status_display()}
            )
        claim.status = MilestoneClaim.Status.APPROVED if approve else MilestoneClaim.Status.RETURNED
        claim.decided_at, claim.decided_by = timezone.now(), user
        claim.return_reason = "" if approve else reason.strip()
        claim.version += 1
        claim.save()
        milestone_status = Milestone.Status.APPROVED if approve else Milestone.Status.RETURNED
        Milestone.objects.filter(pk=claim.milestone_id).update(status=milestone_status)
        audit_record(
            subject=claim.milestone,
            actor=user,
            action="approve" if approve else "return",
            from_state=Milestone.Status.CLAIMED,
            to_state=milestone_status,
            comment=reason.strip(),
        )
        complete_task(process, milestone_flow.review, user)
    return claim


def milestone_claim_approve(*, claim: MilestoneClaim, user: User, comment: str = "") -> MilestoneClaim:
    return _decide_claim(claim, user, approve=True, reason=comment)


def milestone_claim_return(*, claim: MilestoneClaim, user: User, reason: str) -> MilestoneClaim:
    return _decide_claim(claim, user, approve=False, reason=reason)


def milestone_apply_claim(*, claim: MilestoneClaim) -> None:
    """Record the approved completion date on the milestone (called by the flow)."""
    Milestone.objects.filter(pk=claim.milestone_id).update(completed_on=claim.completed_on)
