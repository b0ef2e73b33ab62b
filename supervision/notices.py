"""Supervision notices (督办单): every state change goes through here, and so does every read.

    issue ─▶ the department acknowledges (签收) ─▶ writes its answer (measures and evidence;
    save and resume) and submits it ─▶ a supervisor accepts it (closed) or returns it with a
    reason (answer again, by a fresh date)

Issuing and acknowledging are the notice's own steps: each is atomic, checks who may act
(viewflow's programmatic API checks nothing), writes the audit trail, notifies the other side and
moves the viewflow process on (``workflows/notice/flows.py``). The answer goes through the shared
review lifecycle (``workflows.lifecycle``, the kind in ``supervision.review_kinds``): the services
below are thin wrappers around it. The daily sweep raises the level of notices left unanswered
(``notice_escalate``). The gatekeeper at the end decides who sees which notice.
"""

from __future__ import annotations

import datetime
import re
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
from notifications.models import Notification
from notifications.services import notify
from supervision.models import NoticeCounter, SupervisionNotice
from supervision.review_kinds import NOTICE_ANSWER
from tasks import access
from tasks.models import Department, KeyTask, Membership, ProgressReport, TaskDepartment
from tasks.progress import first_liaison
from workdays.calendar import add_working_days
from workflows import lifecycle
from workflows.engine import LockedProcess, complete_task
from workflows.listing import listing_refresh

ISSUE_PERMISSION = "supervision.issue_supervisionnotice"
Level = SupervisionNotice.Level
Status = SupervisionNotice.Status

#: Notices still waiting for the department's answer: the sweep escalates these once late.
AWAITING_RESPONSE = [Status.ISSUED, Status.ACKNOWLEDGED, Status.RETURNED]
NEXT_LEVEL = {Level.BLUE: Level.YELLOW, Level.YELLOW: Level.RED, Level.RED: Level.RED}
REQUIREMENTS_MAX = 3000


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


def supervisors(region=None) -> list[User]:
    """Who may issue notices (the supervisor role), superusers left out: those overseeing
    ``region`` (it and the regions above it, ``tasks.access.staff_overseeing``), or all of them."""
    if region is not None:
        return list(access.staff_overseeing(region, ISSUE_PERMISSION))
    return list(User.objects.with_perm(ISSUE_PERMISSION, is_active=True, include_superusers=False).order_by("pk"))


def issuing_side(notice: SupervisionNotice) -> list[User]:
    """Who hears back from the department: the issuer, or for automatic notices the supervisors
    overseeing the plan's region."""
    if notice.issued_by_id and notice.issued_by.is_active:
        return [notice.issued_by]
    return supervisors(notice.task.plan.region)


def department_side(notice: SupervisionNotice) -> list[User]:
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
        flow.issue.run(subject=notice)  # its listing data for the inbox: workflows.listing
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


# --- the department acknowledges (签收) -----------------------------------------------------


def _complete_as(process, node, user: User) -> None:
    """Complete the open task of ``node`` as ``user``: any liaison of the department may act, so
    a task assigned to another liaison is handed to the one who does it."""
    Task.objects.filter(process=process, flow_task=node, status=STATUS.ASSIGNED).exclude(owner=user).update(owner=user)
    complete_task(process, node, user)


def notice_acknowledge(*, notice: SupervisionNotice, user: User, at: datetime.datetime | None = None) -> SupervisionNotice:
    """签收: a liaison of the department confirms receipt; the answer can then be written (``at``:
    when, for the demo's history; now by default)."""
    flow = _flow()
    # Rights first: someone who may not act learns nothing about the notice's state.
    if not NOTICE_ANSWER.can_write(user, notice):
        raise PermissionDenied
    with LockedProcess(notice, flow) as process:
        notice = NOTICE_ANSWER.lock(notice)
        if notice.status != Status.ISSUED:
            raise ValidationError(
                _("This notice has already been acknowledged (%(status)s); nothing was changed.")
                % {"status": notice.get_status_display()}
            )
        now = at or timezone.now()
        notice.status = Status.ACKNOWLEDGED
        notice.acknowledged_by, notice.acknowledged_at = user, now
        notice.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        audit_record(subject=notice, actor=user, action="acknowledge", from_state=Status.ISSUED, to_state=notice.status, at=now)
        _complete_as(process, flow.acknowledge, user)
        notify(
            users=issuing_side(notice),
            kind=Notification.Kind.NOTICE,
            message="supervision.notice.acknowledged",
            params={"department": notice.department.name, "reference": notice.reference},
            url=notice.get_absolute_url(),
            at=now,
        )
    return notice


# --- the answer: the shared review lifecycle (workflows.lifecycle) with the notice's kind -------
#
# The rights, the states, the rounds, the audit trail, the viewflow tasks and the notifications
# are the lifecycle's; what is the notice's own is in ``supervision.review_kinds``.


def _answer(response: str | None) -> dict:
    return {"response": (response or "").strip()}


def notice_save(*, notice: SupervisionNotice, user: User, response: str, version: int | None = None) -> SupervisionNotice:
    """Save the answer as a draft (save and resume): any liaison of the department may go on."""
    return lifecycle.review_save(notice, user=user, data=_answer(response), version=version)


def notice_respond(
    *,
    notice: SupervisionNotice,
    user: User,
    response: str,
    uploads: Iterable = (),
    version: int | None = None,
    at: datetime.datetime | None = None,
) -> SupervisionNotice:
    """Submit the department's answer: the measures taken. Files given here are attached in the
    same action — all of them and the answer, or nothing (their bytes too)."""
    uploads, data = list(uploads), _answer(response)
    with LockedProcess(notice, _flow()):  # the process first, then the row, as every step takes them
        attached = lifecycle.review_attach_evidence(notice, user=user, uploads=uploads, data=data, version=version) if uploads else []
        try:
            return lifecycle.review_submit(notice, user=user, data=data, version=None if attached else version, at=at)
        except BaseException:
            for evidence in attached:
                evidence.file.storage.delete(evidence.file.name)
            raise


def notice_attach_evidence(
    *, notice: SupervisionNotice, user: User, uploads: Iterable, response: str | None = None, version: int | None = None
) -> list:
    """Attach files to the answer being written; the typed answer (if given) is saved first."""
    data = None if response is None else _answer(response)
    return lifecycle.review_attach_evidence(notice, user=user, uploads=uploads, data=data, version=version)


def notice_remove_evidence(
    *, notice: SupervisionNotice, user: User, evidence, response: str | None = None, version: int | None = None
) -> SupervisionNotice:
    data = None if response is None else _answer(response)
    return lifecycle.review_remove_evidence(notice, user=user, evidence=evidence, data=data, version=version)


def notice_review_evidence(*, notice: SupervisionNotice, user: User, evidence, accepted: bool, reason: str = ""):
    """A supervisor accepts or rejects one file of a submitted answer (a reason to reject)."""
    return lifecycle.review_decide_evidence(notice, user=user, evidence=evidence, accepted=accepted, reason=reason)


def notice_accept(
    *,
    notice: SupervisionNotice,
    user: User,
    comment: str = "",
    round: int | None = None,
    accept_pending_evidence: bool = False,
    at: datetime.datetime | None = None,
) -> SupervisionNotice:
    """Accept the answer: the notice is closed (the flow's close step tells the department).
    Refused while a file is undecided, unless ``accept_pending_evidence`` accepts them too."""
    return lifecycle.review_decide(
        notice, user=user, approve=True, reason=comment, round=round, at=at, accept_pending_evidence=accept_pending_evidence
    )


def notice_return(
    *, notice: SupervisionNotice, user: User, reason: str, round: int | None = None, at: datetime.datetime | None = None
) -> SupervisionNotice:
    """Return the answer with a required reason: the department answers again, by a fresh date."""
    return lifecycle.review_decide(notice, user=user, approve=False, reason=reason, round=round, at=at)


def notice_apply_return(*, notice: SupervisionNotice, user: User, reason: str, now: datetime.datetime) -> None:
    """After a return (the kind's ``on_decided``): a fresh time to answer, so that an answer
    returned late is not escalated at once (audited as ``extend``), and the department is told
    why and by when (one message instead of the lifecycle's generic one)."""
    renewed = add_working_days(timezone.localdate(now), notice.task.plan.notice_response_working_days)
    if renewed > notice.response_due_on:
        previous = notice.response_due_on
        notice.response_due_on = renewed
        notice.save(update_fields=["response_due_on"])
        audit_record(
            subject=notice,
            actor=user,
            action="extend",
            from_state=previous.isoformat(),
            to_state=renewed.isoformat(),
            data={"response_due_on": renewed.isoformat(), "previous_due_on": previous.isoformat()},
            at=now,
        )
        listing_refresh(notice)
    notify(
        users=department_side(notice),
        kind=Notification.Kind.NOTICE,
        message="supervision.notice.returned",
        params={"reference": notice.reference, "reason": reason, "date": notice.response_due_on.isoformat()},
        url=notice.get_absolute_url(),
        send_email=True,
        at=now,
    )


def notice_apply_close(*, notice: SupervisionNotice) -> None:
    """Tell the department its notice is closed (the flow's close step, after an acceptance)."""
    notify(
        users=department_side(notice),
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
        listing_refresh(notice)
        audit_record(
            subject=notice,
            action="escalate",
            from_state=old_level,
            to_state=new_level,
            comment=_("Not answered by %(date)s") % {"date": date_format(old_due)},
            data={"response_due_on": new_due.isoformat(), "previous_due_on": old_due.isoformat(), "escalations": notice.escalations},
        )
        notify(
            users=[*department_members(notice.department_id), *supervisors(notice.task.plan.region)],
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
# - supervisors (the issue permission) and administrators see every notice of their regions;
# - a liaison or department head sees their departments' notices;
# - evaluators read closed notices only;
# - anyone else sees none (404).


def visible_notices(user: User) -> QuerySet[SupervisionNotice]:
    """The notices of the plans ``user`` sees (``tasks.access.visible_plans``: region-scoped staff)."""
    notices = SupervisionNotice.objects.filter(task__plan__in=access.visible_plans(user))
    if not user.is_authenticated or not user.is_active:
        return notices.none()
    if can_issue(user) or user.has_perm("tasks.import_plan"):  # supervisors and administrators: all of their regions'
        return notices
    mine = access.user_department_ids(user)
    readable = Q(department_id__in=mine) if mine else Q(pk__in=[])
    if access.sees_all_tasks(user):  # evaluators
        readable |= Q(status=Status.CLOSED)
    return notices.filter(readable)


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
    """The answer is being written (acknowledged or returned) and ``user`` may write it."""
    return NOTICE_ANSWER.is_editable(notice) and NOTICE_ANSWER.can_write(user, notice)


def can_decide(user: User, notice: SupervisionNotice) -> bool:
    return notice.status == Status.RESPONDED and NOTICE_ANSWER.can_review(user, notice)


def is_overdue(notice: SupervisionNotice, on: datetime.date | None = None) -> bool:
    return notice.status in AWAITING_RESPONSE and notice.response_due_on < (on or timezone.localdate())


# 督办〔2024〕12号 · 〔2024〕12 · 2024-12 · 2024年12号 · (2024)12
NOTICE_REFERENCE = re.compile(r"(?:督办)?[〔\[(（]?(\d{4})[〕\])）]?[-/年第]?(\d{1,7})号?")
NOTICE_NUMBER = re.compile(r"第?(\d{1,7})号?")
NOTICE_WORD = re.compile(r"督办单?")


def notice_search_q(q: str) -> Q:
    """The notices a search for ``q`` finds (the notice list's and the header's search): by their
    reference (督办〔2024〕12号, 〔2024〕12, 2024-12: that notice only), by their number (12), or by
    part of the title of their key task. The tasks as a subquery, not a join: the database finds
    the few matching tasks (a trigram index on PostgreSQL) and their notices through ``task_id``."""
    compact = "".join(q.split())
    if NOTICE_WORD.fullmatch(compact):  # every reference reads 督办〔…〕…号
        return Q(pk__isnull=False)
    reference = NOTICE_REFERENCE.fullmatch(compact)
    if reference and not compact.isdigit():
        return Q(year=int(reference.group(1)), number=int(reference.group(2)))
    matches = Q(task__in=KeyTask.objects.filter(title__icontains=q).values("pk"))
    number = NOTICE_NUMBER.fullmatch(compact)
    if number:
        matches |= Q(number=int(number.group(1)))
    return matches


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
