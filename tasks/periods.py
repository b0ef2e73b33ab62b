"""报告期关闭与重新开放: a reporting period closes, and then takes no more submissions.

A period closes
- by itself, in the daily sweep (``periods_close_due``): once its due date has passed and every
  report of it is approved, or ``plan.period_lock_days`` days after the latest due date of its
  reports (extensions included, so an extension granted is never cut short; 0: not by date);
- by a supervisor (``period_close``), at any time.

A closed period accepts no report submission and no contribution (``period_require_open``, called
at the start of ``tasks.progress.report_submit`` and ``contribution_submit``; drafts may still be
saved) until a supervisor reopens it with a reason (``period_reopen``). After a reopening the
date rule counts from the reopening day, so the department gets ``period_lock_days`` days again.
Every close and reopen is in the audit trail (who, when, from, to, comment).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.services import audit_record
from tasks import access
from tasks.models import Plan, ProgressReport, ReportingPeriod

CLOSED, OPEN = ReportingPeriod.State.CLOSED, ReportingPeriod.State.OPEN
MAX_REASON_LENGTH = 1000


def period_is_locked(period: ReportingPeriod, on: datetime.date | datetime.datetime | None = None) -> bool:
    """Closed at ``on`` (a moment, or the end of a day; default now)."""
    if period.closed_at is None:
        return False
    if on is None:
        return True
    if isinstance(on, datetime.datetime):
        return period.closed_at <= on
    return timezone.localdate(period.closed_at) <= on


def period_require_open(
    period_id: int | None = None,
    *,
    report_id: int | None = None,
    at: datetime.datetime | None = None,
    period: ReportingPeriod | None = None,
) -> None:
    """Refuse a submission into a closed period — given by id, or as the period of the report
    ``report_id`` (``at``: the moment of submission, default now). Read fresh from the database,
    unless ``period`` is given: read in the caller's transaction already (with the locked report)."""
    if period is None:
        periods = ReportingPeriod.objects.only("closed_at", "cadence", "year", "number")
        period = periods.get(pk=period_id) if period_id is not None else periods.get(reports=report_id)
    if period_is_locked(period, at):
        raise ValidationError(
            _("The reporting period %(period)s is closed: nothing more can be submitted for it. Ask a supervisor to reopen it.")
            % {"period": period.label}
        )


def _lock(period: ReportingPeriod) -> ReportingPeriod:
    return ReportingPeriod.objects.select_for_update().get(pk=period.pk)


@transaction.atomic
def period_close(*, period: ReportingPeriod, user: User | None, at: datetime.datetime | None = None, comment: str = "") -> ReportingPeriod:
    """Close the period (``user`` None: the sweep). Closing a closed period changes nothing."""
    if user is not None and not access.can_review(user):
        raise PermissionDenied
    period = _lock(period)
    if period.closed_at is not None:
        return period
    now = at or timezone.now()
    period.closed_at, period.closed_by = now, user
    period.save(update_fields=["closed_at", "closed_by"])
    audit_record(subject=period, actor=user, action="close", from_state=OPEN, to_state=CLOSED, comment=comment.strip(), at=now)
    return period


@transaction.atomic
def period_reopen(*, period: ReportingPeriod, user: User, reason: str, at: datetime.datetime | None = None) -> ReportingPeriod:
    """A supervisor reopens a closed period, with a required reason."""
    if not access.can_review(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the period is reopened.")})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({"reason": _("Ensure the reason has at most %(max)d characters.") % {"max": MAX_REASON_LENGTH}})
    period = _lock(period)
    if period.closed_at is None:
        raise ValidationError(_("This reporting period is open already; nothing was changed."))
    now = at or timezone.now()
    closed_at = period.closed_at
    period.closed_at, period.closed_by = None, None
    period.reopened_at, period.reopened_by, period.reopen_reason = now, user, reason
    period.save(update_fields=["closed_at", "closed_by", "reopened_at", "reopened_by", "reopen_reason"])
    audit_record(
        subject=period,
        actor=user,
        action="reopen",
        from_state=CLOSED,
        to_state=OPEN,
        comment=reason,
        data={"closed_at": closed_at.isoformat()},
        at=now,
    )
    return period


def periods_with_counts(periods):
    """``periods`` annotated with what the closing rules read: ``reports_count``, ``approved_count``,
    ``unapproved`` (reports not approved) and ``latest_due_on`` (the latest due date of its reports)."""
    return periods.annotate(
        reports_count=Count("reports"),
        approved_count=Count("reports", filter=Q(reports__status=ProgressReport.Status.APPROVED)),
        unapproved=Count("reports", filter=~Q(reports__status=ProgressReport.Status.APPROVED)),
        latest_due_on=Max("reports__due_on"),
    )


def period_auto_close_on(period: ReportingPeriod, plan: Plan) -> datetime.date | None:
    """The first day the sweep closes the open ``period`` (from ``periods_with_counts``) by the
    date rule: ``period_lock_days`` after the latest due date or the reopening; None: not by date."""
    if not plan.period_lock_days:
        return None
    start = max(period.due_on, period.latest_due_on or period.due_on)
    if period.reopened_at is not None:
        start = max(start, timezone.localdate(period.reopened_at))
    return start + datetime.timedelta(days=plan.period_lock_days + 1)


def periods_due_to_close(on: datetime.date, plan: Plan | None = None) -> list[ReportingPeriod]:
    """Open periods of plans in force that the rules close on ``on`` (one query): past their due
    date with every report approved, or past their date-rule day."""
    periods = periods_with_counts(
        ReportingPeriod.objects.filter(closed_at__isnull=True, due_on__lt=on, plan__status=Plan.Status.ACTIVE)
    ).select_related("plan").order_by("due_on", "pk")
    if plan is not None:
        periods = periods.filter(plan=plan)
    due = []
    for period in periods:
        all_approved = period.reports_count and not period.unapproved
        auto = period_auto_close_on(period, period.plan)
        if all_approved or (auto is not None and auto <= on):
            due.append(period)
    return due


def periods_close_due(on: datetime.date | None = None, *, at: datetime.datetime | None = None) -> int:
    """The daily sweep's part: close the periods due to close on ``on``; how many were closed."""
    at = at or timezone.now()
    on = on or timezone.localdate(at)
    closed = 0
    for period in periods_due_to_close(on):
        with transaction.atomic():
            if period_close(period=period, user=None, at=at).closed_at == at:
                closed += 1
    return closed
