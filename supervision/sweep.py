"""The deadline sweep (催办) and the daily digest: deadlines that enforce themselves.

Run daily by Celery beat and by ``manage.py sweep_deadlines [--now …]``. Every alert is claimed
by inserting a ``DeadlineAlert`` row under a unique constraint, in the same transaction as the
notifications it causes: running the sweep twice, or in two workers at once, sends nothing twice.
Each query is bounded by a due-date range over an index (``report_open_due``,
``notice_open_due``), so the sweep touches only the rows that are due.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from notifications.models import Notification
from notifications.services import email_language, notify
from supervision.lights import lights_refresh
from supervision.models import DeadlineAlert, SupervisionNotice
from tasks.models import Contribution, Membership, Plan, ProgressReport
from tasks.periods import periods_close_due

logger = logging.getLogger(__name__)
OPEN_REPORT = [ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED]
OPEN_NOTICE = [SupervisionNotice.Status.ISSUED, SupervisionNotice.Status.ACKNOWLEDGED, SupervisionNotice.Status.RETURNED]


@dataclass
class SweepResult:
    reminders: int = 0
    overdue: int = 0
    contribution_reminders: int = 0
    notice_reminders: int = 0
    escalated: int = 0
    auto_notices: int = 0
    auto_notices_refused: int = 0
    lights_changed: int = 0
    periods_closed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def claim_alert(subject: models.Model, kind: str, due_on: datetime.date, at: datetime.datetime) -> bool:
    """Record that this alert is made; False if it already was (by this or another sweep)."""
    try:
        with transaction.atomic():
            DeadlineAlert.objects.create(
                content_type=ContentType.objects.get_for_model(subject),
                object_id=subject.pk,
                kind=kind,
                due_on=due_on,
                created_at=at,
            )
    except IntegrityError:
        return False
    return True


def _already(model, ids, kinds=None) -> set[tuple[int, str, datetime.date]]:
    alerts = DeadlineAlert.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=list(ids))
    if kinds is not None:
        alerts = alerts.filter(kind__in=kinds)
    return set(alerts.values_list("object_id", "kind", "due_on"))


def _reminder_kind(days_left: int, reminder_days: list[int]) -> str | None:
    """The nearest reminder due: 7 days before, then 1 day before (a missed day is caught up once)."""
    applicable = sorted(n for n in reminder_days if days_left <= n)
    return f"remind-{applicable[0]}" if applicable else None


def _liaisons(department_ids) -> dict[int, list[User]]:
    result: dict[int, list[User]] = defaultdict(list)
    for m in Membership.objects.filter(department_id__in=set(department_ids), role=Membership.Role.LIAISON, is_active=True).select_related("user"):
        result[m.department_id].append(m.user)
    return result


def _recipients(assignee: User | None, department_id: int, liaisons: dict[int, list[User]]) -> list[User]:
    """The assignee; with nobody assigned (opened before the department had a liaison), its liaisons."""
    return [assignee] if assignee is not None else liaisons.get(department_id, [])


def _heads(department_ids) -> dict[int, list[User]]:
    result: dict[int, list[User]] = defaultdict(list)
    for m in Membership.objects.filter(department_id__in=set(department_ids), role=Membership.Role.HEAD, is_active=True).select_related("user"):
        result[m.department_id].append(m.user)
    return result


def sweep_deadlines(*, now: datetime.datetime | None = None) -> SweepResult:
    """Reminders before due dates, overdue notices after them, automatic supervision notices,
    escalation of unanswered notices, closing the reporting periods due to close (tasks.periods),
    and the lights. Idempotent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = SweepResult()
    with translation.override(settings.LANGUAGE_CODE):
        for plan in Plan.objects.filter(status=Plan.Status.ACTIVE):
            _sweep_reports(plan, today, now, result)
            _sweep_contributions(plan, today, now, result)
            _raise_auto_notices(plan, today, now, result)
        _sweep_notices(today, now, result)
    result.periods_closed = periods_close_due(today, at=now)
    result.lights_changed = lights_refresh(on=today)["changed"]
    return result


def _sweep_reports(plan: Plan, today: datetime.date, now: datetime.datetime, result: SweepResult) -> None:
    reminder_days = [int(n) for n in (plan.reminder_days or []) if int(n) >= 0]
    window = today + datetime.timedelta(days=max(reminder_days, default=0))
    due = list(
        ProgressReport.objects.filter(task__plan=plan, status__in=OPEN_REPORT, due_on__lte=window)
        .select_related("task", "period", "assignee")
        .order_by("due_on", "pk")
    )
    if not due:
        return
    done = _already(ProgressReport, [r.pk for r in due])
    heads = _heads(r.department_id for r in due if r.due_on < today)
    liaisons = _liaisons(r.department_id for r in due if r.assignee_id is None)
    for report in due:
        days_left = (report.due_on - today).days
        if days_left >= 0:
            kind = _reminder_kind(days_left, reminder_days)
            if kind is None or (report.pk, kind, report.due_on) in done:
                continue
            with transaction.atomic():
                if claim_alert(report, kind, report.due_on, now):
                    notify(
                        users=_recipients(report.assignee, report.department_id, liaisons),
                        kind=Notification.Kind.REMINDER,
                        message="supervision.report.due_soon",
                        params={
                            "days": days_left,
                            "task": report.task.title,
                            "period": report.period.code,
                            "date": report.due_on.isoformat(),
                        },
                        url=report.get_absolute_url(),
                        at=now,
                    )
                    result.reminders += 1
        elif (report.pk, "overdue", report.due_on) not in done:
            with transaction.atomic():
                if claim_alert(report, "overdue", report.due_on, now):
                    notify(
                        users=[*_recipients(report.assignee, report.department_id, liaisons), *heads.get(report.department_id, [])],
                        kind=Notification.Kind.OVERDUE,
                        message="supervision.report.overdue",
                        params={"task": report.task.title, "period": report.period.code, "date": report.due_on.isoformat()},
                        url=report.get_absolute_url(),
                        at=now,
                    )
                    result.overdue += 1


def _sweep_contributions(plan: Plan, today: datetime.date, now: datetime.datetime, result: SweepResult) -> None:
    reminder_days = [int(n) for n in (plan.reminder_days or []) if int(n) >= 0]
    window = today + datetime.timedelta(days=max(reminder_days, default=0))
    due = list(
        Contribution.objects.filter(
            report__task__plan=plan,
            status=Contribution.Status.PENDING,
            report__status__in=[*OPEN_REPORT, ProgressReport.Status.SUBMITTED],
            due_on__gte=today,
            due_on__lte=window,
        ).select_related("report__task", "report__period", "assignee")
    )
    done = _already(Contribution, [c.pk for c in due])
    liaisons = _liaisons(c.department_id for c in due if c.assignee_id is None)
    for contribution in due:
        kind = _reminder_kind((contribution.due_on - today).days, reminder_days)
        if kind is None or (contribution.pk, kind, contribution.due_on) in done:
            continue
        with transaction.atomic():
            if claim_alert(contribution, kind, contribution.due_on, now):
                notify(
                    users=_recipients(contribution.assignee, contribution.department_id, liaisons),
                    kind=Notification.Kind.REMINDER,
                    message="supervision.contribution.due_soon",
                    params={"date": contribution.due_on.isoformat(), "task": contribution.report.task.title},
                    url=contribution.get_absolute_url(),
                    at=now,
                )
                result.contribution_reminders += 1


def _raise_auto_notices(plan: Plan, today: datetime.date, now: datetime.datetime, result: SweepResult) -> None:
    """Supervision notices for reports overdue by ``plan.auto_notice_after_days`` (when set)."""
    if plan.auto_notice_after_days is None:
        return
    from supervision.notices import notice_issue

    limit = today - datetime.timedelta(days=plan.auto_notice_after_days)
    overdue = list(
        ProgressReport.objects.filter(task__plan=plan, status__in=OPEN_REPORT, due_on__lte=limit).select_related("task", "period", "department")
    )
    done = _already(ProgressReport, [r.pk for r in overdue], kinds=["auto-notice"])
    for report in overdue:
        if (report.pk, "auto-notice", report.due_on) in done:
            continue
        try:
            with transaction.atomic():
                if claim_alert(report, "auto-notice", report.due_on, now):
                    notice_issue(
                        task=report.task,
                        department=report.department,
                        level=SupervisionNotice.Level.BLUE,
                        requirements=_(
                            "The progress report for %(period)s was due on %(date)s and has not been submitted. Submit it and explain the delay."
                        )
                        % {"period": report.period, "date": report.due_on.isoformat()},
                        user=None,
                        report=report,
                        at=now,
                    )
                    result.auto_notices += 1
        except ValidationError as exc:  # e.g. a department with no liaison: tried again tomorrow
            logger.warning("No automatic notice for report %s: %s", report.pk, "; ".join(exc.messages))
            result.auto_notices_refused += 1


def _sweep_notices(today: datetime.date, now: datetime.datetime, result: SweepResult) -> None:
    from supervision.notices import notice_escalate

    # A reminder the day before an answer is due …
    due_tomorrow = list(
        SupervisionNotice.objects.filter(status__in=OPEN_NOTICE, response_due_on__gte=today, response_due_on__lte=today + datetime.timedelta(days=1))
        .select_related("department")
    )
    done = _already(SupervisionNotice, [n.pk for n in due_tomorrow], kinds=["remind-1"])
    liaisons: dict[int, list[User]] = defaultdict(list)
    for m in Membership.objects.filter(
        department_id__in={n.department_id for n in due_tomorrow}, role=Membership.Role.LIAISON, is_active=True
    ).select_related("user"):
        liaisons[m.department_id].append(m.user)
    for notice in due_tomorrow:
        if (notice.pk, "remind-1", notice.response_due_on) in done:
            continue
        with transaction.atomic():
            if claim_alert(notice, "remind-1", notice.response_due_on, now):
                notify(
                    users=liaisons.get(notice.department_id, []),
                    kind=Notification.Kind.REMINDER,
                    message="supervision.notice.due_soon",
                    params={"reference": notice.reference, "date": notice.response_due_on.isoformat()},
                    url=notice.get_absolute_url(),
                    at=now,
                )
                result.notice_reminders += 1
    # … and one level up once it is late (the claim is the notice's own conditional update).
    for notice in SupervisionNotice.objects.filter(status__in=OPEN_NOTICE, response_due_on__lt=today).order_by("pk"):
        if notice_escalate(notice=notice, on=today):
            result.escalated += 1


# --- daily digest --------------------------------------------------------------------------


#: What a digest item is, by its kind (a code): the label is shown in the reader's language.
DIGEST_KINDS = {
    "report": gettext_lazy("Progress report"),
    "contribution": gettext_lazy("Contribution"),
    "notice": gettext_lazy("Supervision notice"),
}


@dataclass
class DigestItem:
    """One line of the digest, as codes and names: rendered in the reader's language when the
    e-mail is written (the kind's label, the period's label), never stored as a sentence."""

    kind: str  # a key of DIGEST_KINDS
    title: str  # names only: "code title", "reference title"
    due_on: datetime.date
    url: str
    overdue: bool
    period: str = ""  # a reporting period's code (2024Q2), shown as its label

    @property
    def label(self) -> str:
        return str(DIGEST_KINDS.get(self.kind, self.kind))

    @property
    def text(self) -> str:
        if not self.period:
            return self.title
        from supervision.notification_messages import period_label

        return f"{self.title} · {period_label(self.period)}"


def digest_items(*, on: datetime.date, horizon_days: int = 7) -> dict[int, list[DigestItem]]:
    """Per user id, the due-soon and overdue items they must act on (a few queries in all)."""
    until = on + datetime.timedelta(days=horizon_days)
    items: dict[int, list[DigestItem]] = defaultdict(list)
    reports = list(
        ProgressReport.objects.filter(status__in=OPEN_REPORT, due_on__lte=until, task__plan__status=Plan.Status.ACTIVE)
        .select_related("task", "period")
        .order_by("due_on")
    )
    contributions = list(
        Contribution.objects.filter(
            status=Contribution.Status.PENDING, due_on__lte=until, report__status__in=[*OPEN_REPORT, ProgressReport.Status.SUBMITTED]
        )
        .select_related("report__task", "report__period")
        .order_by("due_on")
    )
    notices = list(SupervisionNotice.objects.filter(status__in=OPEN_NOTICE, response_due_on__lte=until).select_related("task"))
    members: dict[int, list[int]] = defaultdict(list)
    unassigned = {r.department_id for r in reports if r.assignee_id is None} | {c.department_id for c in contributions if c.assignee_id is None}
    for department_id, user_id in Membership.objects.filter(
        department_id__in=unassigned | {n.department_id for n in notices}, role=Membership.Role.LIAISON, is_active=True
    ).values_list("department_id", "user_id"):
        members[department_id].append(user_id)

    def who(assignee_id: int | None, department_id: int) -> list[int]:
        return [assignee_id] if assignee_id is not None else members.get(department_id, [])

    for report in reports:
        for user_id in who(report.assignee_id, report.department_id):
            items[user_id].append(
                DigestItem(
                    "report",
                    f"{report.task.code} {report.task.title}",
                    report.due_on,
                    report.get_absolute_url(),
                    report.due_on < on,
                    period=report.period.code,
                )
            )
    for contribution in contributions:
        for user_id in who(contribution.assignee_id, contribution.department_id):
            items[user_id].append(
                DigestItem(
                    "contribution",
                    f"{contribution.report.task.code} {contribution.report.task.title}",
                    contribution.due_on,
                    contribution.get_absolute_url(),
                    contribution.due_on < on,
                    period=contribution.report.period.code,
                )
            )
    for notice in notices:
        for user_id in members.get(notice.department_id, []):
            items[user_id].append(
                DigestItem("notice", f"{notice.reference} {notice.task.title}", notice.response_due_on, notice.get_absolute_url(), notice.response_due_on < on)
            )
    return items


def digest_send(*, on: datetime.date | None = None) -> int:
    """One e-mail per user listing all their due-soon and overdue items; none for an empty list.
    Once per user and day, however often it runs. Returns how many e-mails were sent.

    Written in each user's e-mail language (``notifications.services.email_language``: the
    site's language until users have a preference of their own)."""
    on = on or timezone.localdate()
    now = timezone.now()
    sent = 0
    per_user = digest_items(on=on)
    news = digest_news(since=now - datetime.timedelta(days=1))
    users = User.objects.in_bulk(list(set(per_user) | set(news)))
    for user_id in set(per_user) | set(news):
        user, items, recent = users.get(user_id), per_user.get(user_id, []), news.get(user_id, [])
        if user is None or not user.is_active or not user.email or not (items or recent):
            continue
        with transaction.atomic():
            if not claim_alert(user, "digest", on, now):
                continue
            items.sort(key=lambda item: (not item.overdue, item.due_on))
            with translation.override(email_language(user)):
                subject, body = digest_render(user=user, items=items, on=on, news=recent)
            send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
            sent += 1
    return sent


def digest_news(*, since: datetime.datetime) -> dict[int, list]:
    """Per user id, the notifications of the last day that were not e-mailed on their own (a
    report submitted for review, a decision …) and are still unread: the digest repeats them."""
    from notifications.models import Notification

    news: dict[int, list] = defaultdict(list)
    for note in Notification.objects.filter(created_at__gte=since, send_email=False, read_at__isnull=True).order_by("created_at"):
        news[note.user_id].append(note)
    return news


def digest_render(*, user: User, items: list[DigestItem], on: datetime.date, news=()) -> tuple[str, str]:
    """(subject, text) of ``user``'s digest in the active language (news rendered in it too)."""
    context = {
        "user": user,
        "items": items,
        "news": list(news),
        "on": on,
        "site_url": settings.SITE_URL.rstrip("/"),
        "site_title": settings.SITE_TITLE,
    }
    subject = _("【%(site)s】%(count)d item(s) due soon or overdue") % {"site": settings.SITE_TITLE, "count": len(items)}
    return subject, render_to_string("supervision/digest_email.txt", context)
