"""Supervision notices (督办单): every state change goes through here, and so does every read.

    issue ─▶ the department acknowledges (签收) ─▶ responds with measures and evidence ─▶
    a supervisor accepts (closed) or returns it with a reason (respond again)

Each service is atomic, checks who may act (viewflow's programmatic API checks nothing), writes
the audit trail, notifies the other side and moves the viewflow process on
(``workflows/notice/flows.py``). The daily sweep raises the level of notices left unanswered
(``notice_escalate``). The gatekeeper at the end decides who sees which notice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from audit.services import audit_record
from evidence.services import evidence_attach_all
from notifications.models import Notification
from notifications.services import notify
from supervision.models import NoticeCounter, SupervisionNotice
from tasks import access
from tasks.models import Department, KeyTask, Membership, ProgressReport, TaskDepartment
from tasks.progress import first_liaison
from workdays.calendar import add_working_days
from workflows.engine import LockedProcess, complete_task

ISSUE_PERMISSION = "supervision.issue_supervisionnotice"
Level = SupervisionNotice.Level
Status = SupervisionNotice.Status

#: Notices still waiting for the department's answer: the sweep escalates these once late.
AWAITING_RESPONSE = [Status.ISSUED, Status.ACKNOWLEDGED, Status.RETURNED]
NEXT_LEVEL = {Level.BLUE: Level.YELLOW, Level.YELLOW: Level.RED, Level.RED: Level.RED}
REQUIREMENTS_MAX = 3000
RESPONSE_MAX = 5000


def _flow():
    # The flow imports this module (its Function node calls it): import it when used.
    from workflows.notice.flows import NoticeFlow

    return NoticeFlow


# --- who ---------------------------------------------------------------------------------------


def can_issue(user: User | None) -> bool:
    """Supervisors: issue notices and decide on responses."""
    return user is not None and user.is_active and user.has_perm(ISSUE_PERMISSION)


def is_liaison_of(user: User, department_id: int) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and Membership.objects.filter(
            user=user, department_id=department_id, role=Membership.Role.LIAISON, is_active=True, department__is_active=True
        ).exists()
    )


def department_members(department_id: int, roles: Iterable[str] = (Membership.Role.LIAISON, Membership.Role.HEAD)) -> list[User]:
    """The active liaisons and heads of a department (each user once)."""
    memberships = Membership.objects.filter(
        department_id=department_id, role__in=list(roles), is_active=True, user__is_active=True
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships.order_by("pk")}.values())


def supervisors() -> list[User]:
    """Everyone who may issue notices (the supervisor role), superusers left out."""
    return list(User.objects.with_perm(ISSUE_PERMISSION, is_active=True, include_superusers=False).order_by("pk"))


def _issuing_side(notice: SupervisionNotice) -> list[User]:
    """Who hears back from the department: the issuer, or every supervisor for automatic notices."""
    if notice.issued_by_id and notice.issued_by.is_active:
        return [notice.issued_by]
    return supervisors()


def _department_side(notice: SupervisionNotice) -> list[User]:
    users = department_members(notice.department_id)
    if notice.responded_by_id:
        users.append(notice.responded_by)
    return users


# --- issue ---------------------------------------------------------------------------------


def _next_number(year: int) -> int:
    """Take the next number of ``year`` with its counter row locked until the caller commits.

    The first notice of a year creates the row; two doing so at once both try to insert, the
    loser gets an IntegrityError and then waits for (and locks) the winner's row."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                counter, _created = NoticeCounter.objects.select_for_update().get_or_create(year=year)
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - three lost races in a row
        raise RuntimeError(f"Could not take a notice number for {year}")
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def notice_issue(
    *,
    task: KeyTask,
    department: Department,
    level: str,
    requirements: str,
    user: User | None,
    response_due_on: datetime.date | None = None,
    report: ProgressReport | None = None,
    at: datetime.datetime | None = None,
) -> SupervisionNotice:
    """Issue a notice to ``department`` about ``task`` and start its flow.

    ``user`` is the supervisor, or None for the system (automatic notices raised by the sweep).
    The department must have a liaison to acknowledge it. Numbered per year: 督办〔2024〕12号."""
    if user is not None and not can_issue(user):
        raise PermissionDenied
    now = at or timezone.now()
    issued_on = timezone.localdate(now)
    requirements = (requirements or "").strip()
    errors: dict[str, str] = {}
    if level not in Level.values:
        errors["level"] = _("Choose the level of the notice.")
    if not requirements:
        errors["requirements"] = _("Write what the department must do.")
    elif len(requirements) > REQUIREMENTS_MAX:
        errors["requirements"] = _("Keep the requirements within %(max)d characters.") % {"max": REQUIREMENTS_MAX}
    if response_due_on is not None and response_due_on < issued_on:
        errors["response_due_on"] = _("The response date cannot be in the past.")
    if not TaskDepartment.objects.filter(task_id=task.pk, department_id=department.pk).exists():
        errors["department"] = _("Choose a department that leads or co-operates on this task.")
    elif first_liaison(department) is None:
        errors["department"] = _("%(department)s has no liaison; add one before issuing a notice.") % {
            "department": department.name
        }
    if report is not None and report.task_id != task.pk:
        errors["report"] = _("The overdue report belongs to another task.")
    if errors:
        raise ValidationError(errors)
    if response_due_on is None:
        response_due_on = add_working_days(issued_on, task.plan.notice_response_working_days)

    flow = _flow()
    with transaction.atomic():
        notice = SupervisionNotice.objects.create(
            year=issued_on.year,
            number=_next_number(issued_on.year),
            task=task,
            department=department,
            report=report,
            level=level,
            requirements=requirements,
            response_due_on=response_due_on,
            issued_by=user,
            issued_at=now,
        )
        audit_record(
            subject=notice,
            actor=user,
            action="issue",
            to_state=notice.status,
            comment=notice.reference,
            data={"level": level, "response_due_on": response_due_on.isoformat(), "report": report.pk if report else None},
            at=now,
        )
        flow.issue.run(subject=notice)
        notify(
            users=department_members(department.pk),
            kind=Notification.Kind.NOTICE,
            message="supervision.notice.issued",
            params={
                "reference": notice.reference,
                "task": task.title,
                "requirements": requirements,
                "date": response_due_on.isoformat(),
            },
            url=notice.get_absolute_url(),
            send_email=True,
            at=now,
        )
    return notice


# --- the department: acknowledge, respond ----------------------------------------------------


def lock_row(pk: int) -> SupervisionNotice:
    return SupervisionNotice.objects.select_for_update().select_related("task__plan", "department").get(pk=pk)


def _complete_as(process, node, user: User) -> None:
    """Complete the open task of ``node`` as ``user``: any liaison of the department may act, so
    a task assigned to another liaison is handed to the one who does it."""
    Task.objects.filter(process=process, flow_task=node, status=STATUS.ASSIGNED).exclude(owner=user).update(owner=user)
    complete_task(process, node, user)


def _check_department_liaison(notice: SupervisionNotice, user: User) -> None:
    # Rights first: someone who may not act learns nothing about the notice's state.
    if not is_liaison_of(user, notice.department_id):
        raise PermissionDenied


def notice_acknowledge(*, notice: SupervisionNotice, user: User) -> SupervisionNotice:
    """签收: a liaison of the department confirms receipt."""
    flow = _flow()
    _check_department_liaison(notice, user)
    with LockedProcess(notice, flow) as process:
        notice = lock_row(notice.pk)
        if notice.status != Status.ISSUED:
            raise ValidationError(
                _("This notice has already been acknowledged (%(status)s); nothing was changed.")
                % {"status": notice.get_status_display()}
            )
        now = timezone.now()
        notice.status = Status.ACKNOWLEDGED
        notice.acknowledged_by, notice.acknowledged_at = user, now
        notice.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        audit_record(subject=notice, actor=user, action="acknowledge", from_state=Status.ISSUED, to_state=notice.status, at=now)
        _complete_as(process, flow.acknowledge, user)
        notify(
            users=_issuing_side(notice),
            kind=Notification.Kind.NOTICE,
            message="supervision.notice.acknowledged",
            params={"department": notice.department.name, "reference": notice.reference},
            url=notice.get_absolute_url(),
            at=now,
        )
    return notice


def notice_respond(*, notice: SupervisionNotice, user: User, response: str, uploads: Iterable = ()) -> SupervisionNotice:
    """The department's answer: the measures taken, with evidence files (all attached or none)."""
    flow = _flow()
    uploads = list(uploads)
    _check_department_liaison(notice, user)
    with LockedProcess(notice, flow) as process:
        notice = lock_row(notice.pk)
        if notice.status == Status.ISSUED:
            raise ValidationError(_("Acknowledge receipt of the notice before responding."))
        if notice.status == Status.RESPONDED:
            raise ValidationError(_("The response has already been submitted and awaits review; nothing was changed."))
        if notice.status == Status.CLOSED:
            raise ValidationError(_("This notice is closed; nothing was changed."))
        response = (response or "").strip()
        if not response:
            raise ValidationError({"response": _("Describe the measures taken before submitting.")})
        if len(response) > RESPONSE_MAX:
            raise ValidationError({"response": _("Keep the response within %(max)d characters.") % {"max": RESPONSE_MAX}})
        attached = evidence_attach_all(owner=notice, uploads=uploads, user=user)
        now = timezone.now()
        previous = notice.status
        notice.status = Status.RESPONDED
        notice.response = response
        notice.responded_by, notice.responded_at = user, now
        notice.return_reason = ""
        notice.save(update_fields=["status", "response", "responded_by", "responded_at", "return_reason"])
        audit_record(
            subject=notice,
            actor=user,
            action="respond",
            from_state=previous,
            to_state=notice.status,
            data={"files": [e.original_name for e in attached], "late": timezone.localdate(now) > notice.response_due_on},
            at=now,
        )
        _complete_as(process, flow.write, user)
        notify(
            users=_issuing_side(notice),
            kind=Notification.Kind.NOTICE,
            message="supervision.notice.responded",
            params={"department": notice.department.name, "reference": notice.reference, "response": response},
            url=notice.get_absolute_url(),
            send_email=True,
            at=now,
        )
    return notice


# --- the supervisor: accept, return ---------------------------------------------------------


def _decide(notice: SupervisionNotice, user: User, *, accept: bool, reason: str) -> SupervisionNotice:
    flow = _flow()
    if not can_issue(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Say why the response is returned.")})
    with LockedProcess(notice, flow) as process:
        notice = lock_row(notice.pk)
        if notice.status in {Status.CLOSED, Status.RETURNED}:
            raise ValidationError(
                _("This response was already decided (%(status)s) by someone else; nothing was changed.")
                % {"status": notice.get_status_display()}
            )
        if notice.status != Status.RESPONDED:
            raise ValidationError(_("The department has not responded yet; there is nothing to decide."))
        now = timezone.now()
        notice.decided_by, notice.decided_at = user, now
        fields = ["status", "decided_by", "decided_at", "return_reason"]
        if accept:
            notice.status, notice.return_reason = Status.CLOSED, ""
        else:
            notice.status, notice.return_reason = Status.RETURNED, reason
            # A fresh time to answer, so that a response returned late is not escalated at once.
            renewed = add_working_days(timezone.localdate(now), notice.task.plan.notice_response_working_days)
            if renewed > notice.response_due_on:
                notice.response_due_on = renewed
                fields.append("response_due_on")
        notice.save(update_fields=fields)
        audit_record(
            subject=notice,
            actor=user,
            action="accept" if accept else "return",
            from_state=Status.RESPONDED,
            to_state=notice.status,
            comment=reason,
            data={} if accept else {"response_due_on": notice.response_due_on.isoformat()},
            at=now,
        )
        complete_task(process, flow.review, user)  # accepted: the flow's close step tells the department
        if not accept:
            notify(
                users=_department_side(notice),
                kind=Notification.Kind.NOTICE,
                message="supervision.notice.returned",
                params={"reference": notice.reference, "reason": reason, "date": notice.response_due_on.isoformat()},
                url=notice.get_absolute_url(),
                send_email=True,
                at=now,
            )
    return notice


def notice_accept(*, notice: SupervisionNotice, user: User, comment: str = "") -> SupervisionNotice:
    """Accept the response: the notice is closed."""
    return _decide(notice, user, accept=True, reason=comment)


def notice_return(*, notice: SupervisionNotice, user: User, reason: str) -> SupervisionNotice:
    """Return the response with a required reason: the department responds again."""
    return _decide(notice, user, accept=False, reason=reason)


def notice_apply_close(*, notice: SupervisionNotice) -> None:
    """Tell the department its notice is closed (the flow's close step, after an acceptance)."""
    notify(
        users=_department_side(notice),
        kind=Notification.Kind.NOTICE,
        message="supervision.notice.closed",
        params={"reference": notice.reference, "task": notice.task.title},
        url=notice.get_absolute_url(),
        send_email=True,
        at=notice.decided_at,
    )


# --- escalation (the daily sweep) -----------------------------------------------------------


def notice_escalate(*, notice: SupervisionNotice, on: datetime.date) -> bool:
    """One level up for a notice still unanswered after its response date (the sweep, daily).

    blue → yellow → red (red stays red but still counts), with a new response date
    ``plan.notice_response_working_days`` working days after ``on``. The claim is a conditional
    UPDATE on the state the caller read: a second call, or a second sweep at the same moment,
    finds nothing to update and returns False."""
    old_level, old_due = notice.level, notice.response_due_on
    if notice.status not in AWAITING_RESPONSE or old_due >= on:
        return False
    plan = notice.task.plan
    new_level = NEXT_LEVEL[Level(old_level)]
    new_due = add_working_days(on, plan.notice_response_working_days)
    with transaction.atomic():
        claimed = SupervisionNotice.objects.filter(
            pk=notice.pk, level=old_level, response_due_on=old_due, status__in=AWAITING_RESPONSE, response_due_on__lt=on
        ).update(level=new_level, response_due_on=new_due, escalations=F("escalations") + 1)
        if not claimed:
            return False
        notice.refresh_from_db()
        audit_record(
            subject=notice,
            action="escalate",
            from_state=old_level,
            to_state=new_level,
            comment=_("Not answered by %(date)s") % {"date": date_format(old_due)},
            data={"response_due_on": new_due.isoformat(), "previous_due_on": old_due.isoformat(), "escalations": notice.escalations},
        )
        notify(
            users=[*department_members(notice.department_id), *supervisors()],
            kind=Notification.Kind.ESCALATION,
            message="supervision.notice.escalated",
            params={
                "reference": notice.reference,
                "level": notice.level,
                "department": notice.department.name,
                "task": f"{notice.task.code} {notice.task.title}",
                "old": old_due.isoformat(),
                "new": new_due.isoformat(),
            },
            url=notice.get_absolute_url(),
            send_email=True,
        )
    return True


# --- the gatekeeper ---------------------------------------------------------------------------
#
# - supervisors (the issue permission) and administrators see every notice;
# - a liaison or department head sees their departments' notices;
# - evaluators read closed notices only;
# - anyone else sees none (404).


def _reads_all_notices(user: User) -> bool:
    return user.is_active and (can_issue(user) or user.has_perm("tasks.import_plan"))


def visible_notices(user: User) -> QuerySet[SupervisionNotice]:
    notices = SupervisionNotice.objects.all()
    if not user.is_authenticated or not user.is_active:
        return notices.none()
    if _reads_all_notices(user):
        return notices
    mine = access.user_department_ids(user)
    readable = Q(department_id__in=mine) if mine else Q(pk__in=[])
    if access.sees_all_tasks(user):  # evaluators
        readable |= Q(status=Status.CLOSED)
    return notices.filter(readable, task__plan__in=access.visible_plans(user))


def get_notice_for_user(user: User, pk: int) -> SupervisionNotice:
    """The notice, or 404 — nobody learns that a notice they may not see exists."""
    try:
        return visible_notices(user).select_related(
            "task__plan__region", "department", "report__period", "issued_by", "acknowledged_by", "responded_by", "decided_by"
        ).get(pk=pk)
    except SupervisionNotice.DoesNotExist as exc:
        raise Http404 from exc


def can_acknowledge(user: User, notice: SupervisionNotice) -> bool:
    return notice.status == Status.ISSUED and is_liaison_of(user, notice.department_id)


def can_respond(user: User, notice: SupervisionNotice) -> bool:
    return notice.status in {Status.ACKNOWLEDGED, Status.RETURNED} and is_liaison_of(user, notice.department_id)


def can_decide(user: User, notice: SupervisionNotice) -> bool:
    return notice.status == Status.RESPONDED and can_issue(user)


def is_overdue(notice: SupervisionNotice, on: datetime.date | None = None) -> bool:
    return notice.status in AWAITING_RESPONSE and notice.response_due_on < (on or timezone.localdate())


def notice_rows(*, user: User, on: datetime.date | None = None) -> QuerySet[SupervisionNotice]:
    """The notices ``user`` may see, as the list shows them (one query, ``overdue`` annotated)."""
    on = on or timezone.localdate()
    return (
        visible_notices(user)
        .select_related("task", "department")
        .annotate(
            overdue=Case(
                When(status__in=AWAITING_RESPONSE, response_due_on__lt=on, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
