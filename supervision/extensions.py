"""延期申请: a liaison asks for a later due date for a progress report; a supervisor decides.

Like ``tasks.progress``, each service checks who may act (rights first: someone who may not act
learns nothing about the state), runs in one transaction, writes the audit trail and notifies.

- ``extension_request``: the report's assignee, while it is being written (draft or returned);
  a later date, at most ``MAX_EXTENSION_DAYS`` after the current one, and a reason; one pending
  request per report.
- ``extension_approve``: a supervisor moves ``report.due_on``; the period's own due date
  (``report.period.due_on`` = ``report.original_due_on``) is never touched: scoring
  (``evaluation.facts``, the final report) measures lateness against it. The task's light is
  recomputed at once.
- Neither is possible while the report's period is closed (``tasks.periods``).
- ``extension_reject``: a supervisor refuses, with a reason.

Locks, in this order everywhere: the report, then the request (``SELECT … FOR UPDATE``), so two
supervisors deciding at once, or a liaison asking twice at once, are told what happened.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.services import audit_record
from notifications.models import Notification
from notifications.services import notify
from supervision.models import ExtensionRequest
from tasks import access
from tasks.lights import task_light_refresh
from tasks.models import ProgressReport
from tasks.periods import period_require_open
from workflows.engine import complete_task, process_of
from workflows.listing import listing_refresh

MAX_EXTENSION_DAYS = 90
MAX_REASON_LENGTH = 2000
SUPERVISOR_PERMISSIONS = ("supervision.issue_supervisionnotice", "tasks.review_progressreport")


def supervisors(region=None) -> QuerySet[User]:
    """Active users who decide extensions: holders of ``supervision.issue_supervisionnotice``
    or (until that permission is given to the supervisor role) ``tasks.review_progressreport``,
    through a group or directly. Superusers are not included unless they hold one. With
    ``region``: only those overseeing it (``tasks.access.staff_overseeing``)."""
    if region is not None:
        return access.staff_overseeing(region, *SUPERVISOR_PERMISSIONS)
    holders = Q()
    for perm in SUPERVISOR_PERMISSIONS:
        holders |= Q(pk__in=User.objects.with_perm(perm, include_superusers=False).values("pk"))
    return User.objects.filter(holders, is_active=True).order_by("pk")


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _decision_params(report: ProgressReport) -> dict[str, str]:
    """What the liaisons are told of a decision: the task, the period and the due date now."""
    return {
        "task": f"{report.task.code} {report.task.title}",
        "period": report.period.code,
        "due": report.due_on.isoformat(),
    }


def _lock_report(report_id: int) -> ProgressReport:
    return ProgressReport.objects.select_for_update().select_related("task", "period").get(pk=report_id)


def _liaisons(extension: ExtensionRequest, report: ProgressReport) -> list[User]:
    """Who hears of the decision: the liaison who asked and the report's assignee now."""
    return [u for u in (extension.requested_by, report.assignee) if u is not None]


def _check_request(report: ProgressReport, requested_due_on, reason: str) -> None:
    errors: dict[str, list] = {}
    if not isinstance(requested_due_on, datetime.date):
        errors["requested_due_on"] = [_("Give the new due date.")]
    elif requested_due_on <= report.due_on:
        errors["requested_due_on"] = [
            _("The new due date must be later than the current one (%(due)s).") % {"due": _date(report.due_on)}
        ]
    elif requested_due_on > report.due_on + datetime.timedelta(days=MAX_EXTENSION_DAYS):
        latest = report.due_on + datetime.timedelta(days=MAX_EXTENSION_DAYS)
        errors["requested_due_on"] = [
            _("An extension may be at most %(days)d days: choose %(latest)s or earlier.")
            % {"days": MAX_EXTENSION_DAYS, "latest": _date(latest)}
        ]
    if not reason.strip():
        errors["reason"] = [_("Say why the report needs more time.")]
    elif len(reason.strip()) > MAX_REASON_LENGTH:
        errors["reason"] = [
            _("Ensure the reason has at most %(max)d characters (it has %(length)d).")
            % {"max": MAX_REASON_LENGTH, "length": len(reason.strip())}
        ]
    if errors:
        raise ValidationError(errors)


def _already_pending():
    return ValidationError(
        _("An extension request for this report is already awaiting a decision; wait for it before asking again.")
    )


@transaction.atomic
def extension_request(
    *, report: ProgressReport, user: User, requested_due_on: datetime.date, reason: str
) -> ExtensionRequest:
    """The report's assignee asks for ``requested_due_on``; the supervisors are notified."""
    report = _lock_report(report.pk)
    # Rights first: someone who may not act learns nothing about the report's state.
    if not access.is_report_assignee(user, report):
        raise PermissionDenied
    if not access.can_edit_report(user, report):
        raise ValidationError(
            _("This report has been submitted; an extension can be requested only while it is being written.")
        )
    period_require_open(report.period_id)
    if ExtensionRequest.objects.filter(report=report, status=ExtensionRequest.Status.PENDING).exists():
        raise _already_pending()
    _check_request(report, requested_due_on, reason)
    try:
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                report=report,
                current_due_on=report.due_on,
                requested_due_on=requested_due_on,
                reason=reason.strip(),
                requested_by=user,
            )
    except IntegrityError as exc:  # the constraint extension_one_pending, should the lock not hold
        raise _already_pending() from exc
    _flow().open.run(subject=extension)  # the request waits in the supervisors' queue (the engine's task)
    audit_record(
        subject=extension,
        actor=user,
        action="request",
        to_state=extension.status,
        comment=extension.reason,
        data={"report": report.pk, "from": report.due_on.isoformat(), "to": requested_due_on.isoformat()},
    )
    notify(
        users=supervisors(report.task.plan.region),
        kind=Notification.Kind.EXTENSION,
        message="supervision.extension.requested",
        params={
            "task": f"{report.task.code} {report.task.title}",
            "period": report.period.code,
            "user": str(user),
            "department": str(report.department),
            "from": report.due_on.isoformat(),
            "to": requested_due_on.isoformat(),
            "reason": extension.reason,
        },
        url=report.get_absolute_url(),
        send_email=True,
    )
    return extension


def _flow():
    from workflows.extension.flows import ExtensionFlow

    return ExtensionFlow


def _finish_decision(extension: ExtensionRequest, user: User) -> None:
    """The engine's decide step is done (requests made before the flow existed have none)."""
    from viewflow.workflow.models import Process

    try:
        process = process_of(extension, _flow())
    except Process.DoesNotExist:
        return
    complete_task(process, _flow().decide, user)


def _lock_pending(extension: ExtensionRequest) -> tuple[ExtensionRequest, ProgressReport]:
    """Lock the report, then the request; refuse if the request was decided meanwhile."""
    report_id = ExtensionRequest.objects.values_list("report_id", flat=True).get(pk=extension.pk)
    report = _lock_report(report_id)
    extension = ExtensionRequest.objects.select_for_update().select_related("requested_by").get(pk=extension.pk)
    if extension.status != ExtensionRequest.Status.PENDING:
        raise ValidationError(
            _("This extension request was already decided (%(status)s); nothing was changed.")
            % {"status": extension.get_status_display()}
        )
    return extension, report


@transaction.atomic
def extension_approve(*, extension: ExtensionRequest, user: User, comment: str = "") -> ExtensionRequest:
    """Grant the new due date: ``report.due_on`` moves, ``report.period.due_on`` stays."""
    if not access.can_review(user):
        raise PermissionDenied
    extension, report = _lock_pending(extension)
    if not report.is_editable:
        raise ValidationError(
            _("The report has already been submitted (%(status)s): its due date can no longer change. Refuse the request instead.")
            % {"status": report.get_status_display()}
        )
    period_require_open(report.period_id)  # reopen the period first: it takes nothing while closed
    now = timezone.now()
    previous_due_on = report.due_on
    report.due_on = extension.requested_due_on
    report.save(update_fields=["due_on", "updated_at"])
    task_light_refresh(report.task)  # a report no longer overdue may turn the task's light
    listing_refresh(report)  # the work lists show the new due date
    extension.status = ExtensionRequest.Status.APPROVED
    extension.decided_by, extension.decided_at = user, now
    extension.decision_reason = comment.strip()
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _finish_decision(extension, user)
    audit_record(
        subject=report,
        actor=user,
        action="extend",
        from_state=previous_due_on.isoformat(),
        to_state=report.due_on.isoformat(),
        comment=extension.reason,
        data={"extension": extension.pk, "comment": comment.strip()},
        at=now,
    )
    audit_record(
        subject=extension,
        actor=user,
        action="approve",
        from_state=ExtensionRequest.Status.PENDING,
        to_state=extension.status,
        comment=comment.strip(),
        at=now,
    )
    notify(
        users=_liaisons(extension, report),
        kind=Notification.Kind.EXTENSION,
        message="supervision.extension.granted",
        params={**_decision_params(report), "comment": comment.strip()},
        url=report.get_absolute_url(),
        send_email=True,
    )
    return extension


@transaction.atomic
def extension_reject(*, extension: ExtensionRequest, user: User, reason: str) -> ExtensionRequest:
    """Refuse, with a required reason; the due date stays."""
    if not access.can_review(user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the extension is refused.")})
    extension, report = _lock_pending(extension)
    now = timezone.now()
    extension.status = ExtensionRequest.Status.REJECTED
    extension.decided_by, extension.decided_at = user, now
    extension.decision_reason = reason.strip()
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _finish_decision(extension, user)
    audit_record(
        subject=extension,
        actor=user,
        action="reject",
        from_state=ExtensionRequest.Status.PENDING,
        to_state=extension.status,
        comment=extension.decision_reason,
        at=now,
    )
    notify(
        users=_liaisons(extension, report),
        kind=Notification.Kind.EXTENSION,
        message="supervision.extension.refused",
        params={**_decision_params(report), "reason": extension.decision_reason},
        url=report.get_absolute_url(),
        send_email=True,
    )
    return extension


def pending_extensions() -> QuerySet[ExtensionRequest]:
    """Requests awaiting a decision, oldest first, with what a list shows of them."""
    return (
        ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING)
        .select_related("report__task", "report__period", "report__department", "requested_by")
        .order_by("requested_at", "pk")
    )
