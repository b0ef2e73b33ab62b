"""The one review lifecycle: draft → submit (with evidence) → review → approve, or return with a
reason → revise → resubmit, any number of rounds.

Every reviewable thing (a progress report, a co-operating department's contribution, a milestone
claim, an indicator value, a self-assessment, the answer to a supervision notice) is a *subject*
described by a :class:`ReviewKind`: what its model is, who writes it, who reviews it, what its
states and fields are called, what it checks before submission and what approval does. The
subject's app subclasses ``ReviewKind`` once and registers it (``register_kind``); its services
and views then call the functions below, which are the only code that moves a subject through
the lifecycle. Each function:

- checks rights first (someone who may not act learns nothing about the subject's state);
- takes the flow's process lock (``SELECT … FOR UPDATE`` on PostgreSQL) and the subject's row;
- refuses stale work: a draft saved over a newer version, a decision on a round the reviewer did
  not read, a second decision;
- writes the audit trail (who, when, from, to, comment) and notifies whoever is concerned, in
  the same transaction (the e-mails go out after it commits);
- finishes the viewflow task of the step, so the engine's task list *is* the inbox and the queue.

This module belongs to the engine layer: it knows the platform apps (audit, evidence,
notifications, accounts) but no domain app. Domain apps plug in through ``ReviewKind``.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.services import audit_record
from evidence.models import Evidence
from evidence.services import evidence_attach_all, evidence_for, evidence_remove, evidence_review
from notifications.messages import register_message
from workflows.engine import LockedProcess, complete_task, lock_row, process_of
from workflows.listing import register_work
from workflows.models import Acceptance

OPEN_TASK_STATES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


class ReviewKind(ABC):
    """How one kind of subject plugs into the review lifecycle. Subclass once per subject.

    Required: ``key``, ``label``, ``model``, ``flow_class`` (a flow built with
    ``workflows.review.review_nodes``) and the access hooks ``can_write`` / ``can_review``.
    Everything else has a default that fits a subject with the usual field names.
    """

    key: ClassVar[str]
    label: ClassVar[Any]  # a lazy translated name, for titles: "Progress report"
    noun: ClassVar[Any]  # the same, inside a sentence: "report"
    model: ClassVar[type[models.Model]]

    # State codes of the subject's ``status_field``. ``draft`` is None for a subject that is
    # created already submitted (a milestone claim).
    status_field: ClassVar[str] = "status"
    draft: ClassVar[str | None] = "draft"
    submitted: ClassVar[str] = "submitted"
    returned: ClassVar[str] = "returned"
    approved: ClassVar[str] = "approved"

    # Field names on the subject; None where the subject has no such field.
    content_fields: ClassVar[tuple[str, ...]] = ()  # what a draft saves
    round_field: ClassVar[str | None] = "round"
    version_field: ClassVar[str | None] = "version"
    submitted_by_field: ClassVar[str | None] = "submitted_by"
    submitted_at_field: ClassVar[str | None] = "submitted_at"
    decided_by_field: ClassVar[str | None] = "decided_by"
    decided_at_field: ClassVar[str | None] = "decided_at"
    reason_field: ClassVar[str | None] = "return_reason"
    late_field: ClassVar[str | None] = "is_late"
    clean_exclude: ClassVar[tuple[str, ...]] = ()

    has_evidence: ClassVar[bool] = True
    # Any writer of the department may act on a task assigned to another one (it is handed over).
    writers_share_the_task: ClassVar[bool] = True
    # What the reviewer is told after deciding (lazy translated sentences).
    approved_message: ClassVar[Any] = _("Approved.")
    returned_message: ClassVar[Any] = _("Returned for revision.")
    # Audit verbs: a notice's answer is "respond" / "accept", a report's "submit" / "approve".
    submit_action: ClassVar[str] = "submit"
    approve_action: ClassVar[str] = "approve"
    return_action: ClassVar[str] = "return"
    # Events ("submitted", "returned", "approved" …) whose generic notification the kind replaces
    # with a message of its own that says more (sent from its hooks): the lifecycle sends none.
    own_messages: ClassVar[frozenset[str]] = frozenset()

    # --- required hooks ---------------------------------------------------------------------

    @property
    @abstractmethod
    def flow_class(self):
        """The subject's flow (built with ``workflows.review.review_nodes``)."""

    @abstractmethod
    def can_write(self, user, subject) -> bool:
        """May ``user`` write (save, submit, attach files to) the subject?"""

    @abstractmethod
    def can_review(self, user, subject) -> bool:
        """May ``user`` decide the subject and its files?"""

    @abstractmethod
    def get_for_user(self, user, pk: int) -> models.Model:
        """The subject, or 404 for someone who may not see it (the app's gatekeeper)."""

    # --- optional hooks ---------------------------------------------------------------------

    def lock(self, subject) -> models.Model:
        """The subject's row, locked for the rest of the transaction."""
        return lock_row(self.model, subject.pk)

    def due_on(self, subject) -> datetime.date | None:
        return getattr(subject, "due_on", None)

    def department_id(self, subject) -> int | None:
        return getattr(subject, "department_id", None)

    def title(self, subject) -> str:
        return str(subject)

    def task_id_of(self, subject) -> int | None:
        """The key task the subject is about (its light is shown in the work lists), if any."""
        return getattr(subject, "task_id", None)

    def listing(self, subject) -> dict:
        """The subject's line in the work lists (``workflows.listing``)."""
        return {
            "department_id": self.department_id(subject),
            "due_on": self.due_on(subject),
            "title": self.title(subject),
            "task_id": self.task_id_of(subject),
            "state": self.state(subject),
            "reason": getattr(subject, self.reason_field, "") if self.reason_field else "",
            "late": bool(getattr(subject, self.late_field, False)) if self.late_field else False,
            "acceptor_region_path": self.acceptor_region_path(subject) if self.awaits_acceptance(subject) else "",
        }

    def audit_subject(self, subject) -> models.Model:
        return subject

    def check_submission(self, subject, user) -> None:  # noqa: B027 - an optional hook: by default it does nothing
        """Raise ValidationError (field errors where they belong) if the subject is incomplete."""

    def check_open_for_submission(self, subject, at) -> None:  # noqa: B027 - an optional hook: by default it does nothing
        """Raise ValidationError when submissions are closed (a locked reporting period).
        ``at`` is the moment of submission (None: now)."""

    def submit_data(self, subject, user, now) -> dict:
        """Extra data recorded in the audit entry of a submission."""
        return {}

    def on_submitted(self, subject, user, now) -> None:  # noqa: B027 - an optional hook: by default it does nothing
        """After the state changed (snapshots, the milestone's status …)."""

    def on_decided(self, subject, user, approved: bool, reason: str, now) -> None:  # noqa: B027 - an optional hook: by default it does nothing
        """After a decision (close contributions, the milestone's status, a fresh answer date …)."""

    def reviewers(self, subject) -> Iterable:
        """Who is told of a submission."""
        return ()

    def closed_message(self, subject):
        """Why a subject that is no longer being written cannot be changed."""
        return format_lazy(_("This {noun} has been submitted and can no longer be changed."), noun=self.noun)

    def writers(self, subject) -> Iterable:
        """Who is told of a decision: the writer and the department's head."""
        return [self.writer_of(subject)]

    # --- what the flow's nodes ask (workflows.review) ---

    def writer_of(self, subject):
        """Who the write (and revise) step is assigned to."""
        return getattr(subject, "assignee", None)

    def review_owner(self, subject):
        """The one reviewer of the subject, or None to leave the review step in a queue."""
        return None

    def review_permission(self, subject) -> str | None:
        """The permission that lets someone take the review step from the queue."""
        return None

    def is_approved(self, subject) -> bool:
        return self.state(subject) == self.approved

    def apply_approval(self, subject) -> None:  # noqa: B027 - an optional hook: by default it does nothing
        """What approval does to the rest of the system (called by the flow after the decision)."""

    # --- two-level approval (the higher level accepts or sends back; DHIS2's "accept") ---
    # A subject whose kind says ``needs_acceptance`` has the fields of
    # ``workflows.models.AcceptedByHigherLevel``; after approval it waits for the higher level.

    def needs_acceptance(self, subject) -> bool:
        """Does the higher level accept this subject's approval (a cascaded task's report …)?"""
        return False

    def can_accept(self, user, subject) -> bool:
        """May ``user`` accept or send back the approval (a supervisor of the higher region)?"""
        return False

    def acceptance_permission(self, subject) -> str | None:
        """The permission that lets someone take the acceptance step from the queue."""
        return self.review_permission(subject)

    def acceptor_region_path(self, subject) -> str:
        """The materialised path of the region whose supervisors accept: the review queue shows
        the accept step to staff of that region and above."""
        return ""

    def acceptors(self, subject) -> Iterable:
        """Who is told that an approval awaits acceptance."""
        return ()

    def is_accepted(self, subject) -> bool:
        return getattr(subject, "acceptance", "") == Acceptance.ACCEPTED

    def awaits_acceptance(self, subject) -> bool:
        return getattr(subject, "acceptance", "") == Acceptance.PENDING

    # --- helpers ----------------------------------------------------------------------------

    def state(self, subject) -> str:
        return getattr(subject, self.status_field)

    def is_editable(self, subject) -> bool:
        return self.state(subject) in {s for s in (self.draft, self.returned) if s}

    def round_of(self, subject) -> int | None:
        return getattr(subject, self.round_field) if self.round_field else None

    def state_label(self, subject):
        """The subject's state in the reader's language (lazy: rendered where the message is shown)."""
        labels = dict(self.model._meta.get_field(self.status_field).flatchoices)
        return labels.get(self.state(subject), self.state(subject))

    def message_key(self, event: str) -> str:
        return f"review.{self.key}.{event}"


_KINDS: dict[str, ReviewKind] = {}


# The messages of every kind, per event: a title naming the kind ({kind}) and a body.
REVIEW_MESSAGES = {
    "submitted": (_("{kind} submitted for review: %(subject)s"), _("Submitted by %(actor)s.")),
    "returned": (_("{kind} returned: %(subject)s"), _("Returned by %(actor)s: %(reason)s")),
    "approved": (_("{kind} approved: %(subject)s"), _("Approved by %(actor)s.")),
    "reassigned": (_("{kind} handed to you: %(subject)s"), _("Handed over by %(actor)s.")),
    "evidence_rejected": (_("A file of {kind} was rejected: %(subject)s"), _("%(file)s was rejected by %(actor)s: %(reason)s")),
    "awaiting_acceptance": (_("{kind} approved below, awaiting your acceptance: %(subject)s"), _("Approved by %(actor)s.")),
    "accepted": (_("{kind} accepted by the higher level: %(subject)s"), _("Accepted by %(actor)s.")),
    "sent_back": (
        _("{kind} sent back by the higher level: %(subject)s"),
        _("Sent back by %(actor)s: %(reason)s. It is open for revision again and needs a new approval."),
    ),
}


def register_kind(kind: ReviewKind) -> ReviewKind:
    """Make a kind known (its messages included). Called from the subject app's ``ready()``."""
    _KINDS[kind.key] = kind
    register_work(kind.key, kind.label, kind.model, kind.listing)
    for event, (title, body) in REVIEW_MESSAGES.items():
        register_message(kind.message_key(event), title=format_lazy(title, kind=kind.label), body=body)
    return kind


def kind_of(subject_or_key) -> ReviewKind:
    if isinstance(subject_or_key, str):
        return _KINDS[subject_or_key]
    for kind in _KINDS.values():
        if isinstance(subject_or_key, kind.model):
            return kind
    raise LookupError(f"{type(subject_or_key).__name__} is not a registered review subject")


def kinds() -> list[ReviewKind]:
    return list(_KINDS.values())


# --- opening ---------------------------------------------------------------------------------


def review_open(
    subject, *, user=None, parent_task=None, comment: str = "", data: dict | None = None, at: datetime.datetime | None = None, audit=True
):
    """Start the subject's process: its write step waits for the writer."""
    kind = kind_of(subject)
    process = kind.flow_class.open.run(subject=subject, parent_task=parent_task)  # listing data: workflows.listing
    if audit:
        audit_record(
            subject=kind.audit_subject(subject), actor=user, action="open", to_state=kind.state(subject),
            comment=comment, data=data, at=at,
        )
    return process


# --- writing -------------------------------------------------------------------------------


def _check_writer(kind: ReviewKind, subject, user, version: int | None, *, submitting: bool = False) -> None:
    # Rights first: someone who may not act learns nothing about the subject's state.
    if not kind.can_write(user, subject):
        raise PermissionDenied
    if submitting and kind.state(subject) == kind.submitted:
        raise ValidationError(format_lazy(_("This {noun} has already been submitted."), noun=kind.noun))
    if not kind.is_editable(subject):
        raise ValidationError(kind.closed_message(subject))
    if version is not None and kind.version_field and version != getattr(subject, kind.version_field):
        raise ValidationError(
            format_lazy(
                _(
                    "Someone else saved this {noun} after you opened it. Your changes were not saved: "
                    "reload the page and enter them again."
                ),
                noun=kind.noun,
            )
        )


def _apply(kind: ReviewKind, subject, data: dict | None) -> None:
    for field in kind.content_fields:
        if data and field in data:
            setattr(subject, field, data[field])
    subject.full_clean(exclude=[f.name for f in subject._meta.fields if f.name not in kind.content_fields])


def _bump(kind: ReviewKind, subject) -> None:
    if kind.version_field:
        setattr(subject, kind.version_field, getattr(subject, kind.version_field) + 1)


def review_save(subject, *, user, data: dict | None, version: int | None = None):
    """Save a draft (save and resume). ``version`` is what the user loaded: a stale save is refused."""
    kind = kind_of(subject)
    with transaction.atomic():
        subject = kind.lock(subject)
        _check_writer(kind, subject, user, version)
        _apply(kind, subject, data)
        _bump(kind, subject)
        subject.save()
    return subject


def review_attach_evidence(subject, *, user, uploads: Iterable, data: dict | None = None, version: int | None = None) -> list:
    """Attach files to a draft or returned subject, saving the typed fields first (nothing typed is
    lost by an upload). All files or none."""
    kind = kind_of(subject)
    uploads = list(uploads)
    if not uploads:
        raise ValidationError({"files": _("Choose one or more files to upload.")})
    with transaction.atomic():
        subject = kind.lock(subject)
        _check_writer(kind, subject, user, version)
        if data is not None:
            _apply(kind, subject, data)
            _bump(kind, subject)
            subject.save()
        return evidence_attach_all(owner=subject, uploads=uploads, user=user)


def review_remove_evidence(subject, *, user, evidence: Evidence, data: dict | None = None, version: int | None = None):
    """Remove a file from a draft or returned subject (the typed fields are saved first)."""
    kind = kind_of(subject)
    with transaction.atomic():
        subject = kind.lock(subject)
        _check_writer(kind, subject, user, version)
        if evidence.owner != subject:
            raise PermissionDenied
        if data is not None:
            _apply(kind, subject, data)
            _bump(kind, subject)
            subject.save()
        evidence_remove(evidence=evidence, user=user)
    return subject


def _finish_writer_task(kind: ReviewKind, process, user, subject) -> None:
    node = kind.flow_class.write
    if kind.writers_share_the_task:
        # Any writer of the department may act: hand the task over to the one who does.
        task = Task.objects.filter(process=process, flow_task=node, status=STATUS.ASSIGNED).exclude(owner=user).first()
        if task is not None:
            node.activation_class(task).reassign(user=user)
    complete_task(process, node, user, subject=subject)


def review_submit(subject, *, user, data: dict | None = None, version: int | None = None, at: datetime.datetime | None = None):
    """Submit for review (saving ``data`` first). Late submissions are accepted and marked late;
    a closed reporting period refuses them."""
    kind = kind_of(subject)
    with LockedProcess(subject, kind.flow_class) as process:
        subject = kind.lock(subject)
        _check_writer(kind, subject, user, version, submitting=True)
        _apply(kind, subject, data)
        kind.check_open_for_submission(subject, at)
        kind.check_submission(subject, user)
        now = at or timezone.now()
        previous = kind.state(subject)
        setattr(subject, kind.status_field, kind.submitted)
        if kind.round_field:
            setattr(subject, kind.round_field, getattr(subject, kind.round_field) + 1)
        if kind.submitted_at_field:
            setattr(subject, kind.submitted_at_field, now)
        if kind.submitted_by_field:
            setattr(subject, kind.submitted_by_field, user)
        due_on = kind.due_on(subject)
        if kind.late_field and due_on is not None:
            setattr(subject, kind.late_field, timezone.localdate(now) > due_on)
        if kind.reason_field:
            setattr(subject, kind.reason_field, "")
        _bump(kind, subject)
        subject.save()
        data_logged = {"round": kind.round_of(subject)} if kind.round_field else {}
        if kind.late_field:
            data_logged["late"] = getattr(subject, kind.late_field)
        data_logged.update(kind.submit_data(subject, user, now))
        audit_record(
            subject=kind.audit_subject(subject),
            actor=user,
            action=kind.submit_action,
            from_state=previous,
            to_state=kind.state(subject),
            data=data_logged,
            at=now,
        )
        kind.on_submitted(subject, user, now)
        _finish_writer_task(kind, process, user, subject)
        _notify(kind, subject, "submitted", kind.reviewers(subject), actor=user, at=now, send_email=False)
    return subject


# --- reviewing -----------------------------------------------------------------------------


def undecided_evidence(subject) -> list[Evidence]:
    return list(evidence_for(subject).live().filter(review_status=Evidence.ReviewStatus.PENDING))


def review_decide(
    subject,
    *,
    user,
    approve: bool,
    reason: str = "",
    round: int | None = None,
    at: datetime.datetime | None = None,
    accept_pending_evidence: bool = False,
):
    """Approve, or return with a required reason. ``round`` is the submission the reviewer read:
    a newer one is never decided blind. Approval is refused while a file is undecided, unless
    ``accept_pending_evidence`` accepts each of them in the same action (audited per file)."""
    kind = kind_of(subject)
    if not kind.can_review(user, subject):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": format_lazy(_("Say why the {noun} is returned."), noun=kind.noun)})
    with LockedProcess(subject, kind.flow_class) as process:
        subject = kind.lock(subject)
        state = kind.state(subject)
        if state in {kind.approved, kind.returned}:
            raise ValidationError(
                format_lazy(
                    _("This {noun} was already decided ({status}) by someone else; nothing was changed."),
                    noun=kind.noun,
                    status=kind.state_label(subject),
                )
            )
        if state != kind.submitted:
            raise ValidationError(
                format_lazy(_("This {noun} has not been submitted; there is nothing to decide."), noun=kind.noun)
            )
        if round is not None and kind.round_field and round != kind.round_of(subject):
            raise ValidationError(
                format_lazy(
                    _(
                        "The {noun} was revised and submitted again after you opened it; nothing was changed. "
                        "Review the new version."
                    ),
                    noun=kind.noun,
                )
            )
        if approve and kind.has_evidence:
            pending = undecided_evidence(subject)
            if pending and not accept_pending_evidence:
                raise ValidationError(
                    _("Decide every file before approving (accept or reject): %(files)s")
                    % {"files": "、".join(e.original_name for e in pending)}
                )
            for evidence in pending:
                evidence_review(evidence=evidence, accepted=True, reason="", user=user)
        now = at or timezone.now()
        setattr(subject, kind.status_field, kind.approved if approve else kind.returned)
        if kind.decided_at_field:
            setattr(subject, kind.decided_at_field, now)
        if kind.decided_by_field:
            setattr(subject, kind.decided_by_field, user)
        if kind.reason_field:
            setattr(subject, kind.reason_field, "" if approve else reason)
        to_higher_level = approve and kind.needs_acceptance(subject)
        if to_higher_level:
            subject.acceptance = Acceptance.PENDING
        _bump(kind, subject)
        subject.save()
        audit_record(
            subject=kind.audit_subject(subject),
            actor=user,
            action=kind.approve_action if approve else kind.return_action,
            from_state=kind.submitted,
            to_state=kind.state(subject),
            comment=reason,
            at=now,
        )
        kind.on_decided(subject, user, approve, reason, now)
        complete_task(process, kind.flow_class.review, user)
        _notify(
            kind, subject, "approved" if approve else "returned", kind.writers(subject),
            actor=user, at=now, reason=reason, send_email=True,
        )
        if to_higher_level:
            _notify(kind, subject, "awaiting_acceptance", kind.acceptors(subject), actor=user, at=now)
    return subject


def review_accept(subject, *, user, accept: bool, reason: str = "", at: datetime.datetime | None = None):
    """The higher level accepts a lower level's approval (locking it for good), or sends it back
    with a required reason: the subject is returned to its writers, everyone who had a part in it
    is told, and it goes through the lower level's approval again."""
    kind = kind_of(subject)
    if not kind.can_accept(user, subject):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": format_lazy(_("Say why the {noun} is sent back."), noun=kind.noun)})
    with LockedProcess(subject, kind.flow_class) as process:
        subject = kind.lock(subject)
        if kind.is_accepted(subject):
            raise ValidationError(
                format_lazy(_("This {noun} was already accepted by someone else; nothing was changed."), noun=kind.noun)
            )
        if not (kind.state(subject) == kind.approved and kind.awaits_acceptance(subject)):
            raise ValidationError(
                format_lazy(
                    _("This {noun} has not been approved by the lower level yet; there is nothing to accept or send back."),
                    noun=kind.noun,
                )
            )
        now = at or timezone.now()
        lower_reviewer = getattr(subject, kind.decided_by_field) if kind.decided_by_field else None
        if accept:
            subject.acceptance = Acceptance.ACCEPTED
            subject.accepted_at, subject.accepted_by = now, user
            action, from_state, to_state = "accept_higher", Acceptance.PENDING, Acceptance.ACCEPTED
        else:
            subject.acceptance = Acceptance.NOT_NEEDED
            setattr(subject, kind.status_field, kind.returned)
            if kind.reason_field:
                setattr(subject, kind.reason_field, reason)
            action, from_state, to_state = "send_back", kind.approved, kind.returned
        _bump(kind, subject)
        subject.save()
        audit_record(
            subject=kind.audit_subject(subject),
            actor=user,
            action=action,
            from_state=from_state,
            to_state=to_state,
            comment=reason,
            at=now,
        )
        complete_task(process, kind.flow_class.accept, user)
        told = [*kind.writers(subject), lower_reviewer]
        _notify(kind, subject, "accepted" if accept else "sent_back", told, actor=user, at=now, reason=reason, send_email=not accept)
    return subject


def review_decide_evidence(subject, *, user, evidence: Evidence, accepted: bool, reason: str = "") -> Evidence:
    """Accept or reject one file of a submitted subject (a reason is required to reject)."""
    kind = kind_of(subject)
    if not kind.can_review(user, subject):
        raise PermissionDenied
    with transaction.atomic():
        subject = kind.lock(subject)
        if kind.state(subject) != kind.submitted or evidence.owner != subject:
            raise ValidationError(format_lazy(_("Files can be judged only while the {noun} awaits review."), noun=kind.noun))
        evidence = evidence_review(evidence=evidence, accepted=accepted, reason=reason, user=user)
        if not accepted:
            _notify(
                kind, subject, "evidence_rejected", kind.writers(subject),
                actor=user, reason=evidence.review_reason, extra={"file": evidence.original_name}, send_email=True,
            )
    return evidence


def review_reassign(subject, *, user, assignee, may_reassign: bool, assignee_ok: bool, assignee_field: str = "assignee"):
    """Hand the write step (and the subject) to another writer of the same department.

    The subject's app decides who may hand over (``may_reassign``: a department head) and whom to
    (``assignee_ok``: a liaison of the same department); the engine's task follows."""
    kind = kind_of(subject)
    if not may_reassign:
        raise PermissionDenied
    with LockedProcess(subject, kind.flow_class) as process:
        subject = kind.lock(subject)
        if not kind.is_editable(subject):
            raise ValidationError(
                format_lazy(_("Only a {noun} that is being written can be handed to someone else."), noun=kind.noun)
            )
        if not assignee_ok:
            raise ValidationError({"assignee": _("Choose a liaison of the same department.")})
        previous = getattr(subject, assignee_field)
        setattr(subject, assignee_field, assignee)
        _bump(kind, subject)
        subject.save()
        node = kind.flow_class.write
        for task in Task.objects.filter(process=process, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]):
            activation = node.activation_class(task)
            if task.status == STATUS.NEW:
                activation.assign(assignee)
            else:
                activation.reassign(user=assignee)
        audit_record(
            subject=kind.audit_subject(subject),
            actor=user,
            action="reassign",
            from_state=previous.username if previous else "",
            to_state=assignee.username,
        )
        _notify(kind, subject, "reassigned", [assignee], actor=user, send_email=True)
    return subject


def review_accept_many(subjects, *, user, accept: bool, reason: str = "", at: datetime.datetime | None = None) -> int:
    """Accept (or send back) many approvals at once, with one reason: all or none. A subject that
    cannot be decided (decided meanwhile, not approved below, not the user's) stops them all, and
    the message names it."""
    subjects = list(subjects)
    if not subjects:
        raise ValidationError(_("Choose at least one item."))
    with transaction.atomic():
        for subject in subjects:
            try:
                review_accept(subject, user=user, accept=accept, reason=reason, at=at)
            except ValidationError as exc:
                raise ValidationError(
                    _("%(subject)s: %(problem)s Nothing was changed.")
                    % {"subject": kind_of(subject).title(subject), "problem": " ".join(exc.messages)}
                ) from exc
    return len(subjects)


# --- notifications -------------------------------------------------------------------------
#
# Decisions (returned, approved), a rejected file and a hand-over are e-mailed to whom they
# concern; a submission is an in-app notification to the reviewers, repeated in their daily
# digest (a supervisor would otherwise get an e-mail per report).


def _notify(kind: ReviewKind, subject, event: str, users, *, actor, at=None, reason: str = "", send_email=False, extra=None):
    from notifications.models import Notification
    from notifications.services import notify

    if event in kind.own_messages:
        return
    recipients = [u for u in users if u is not None and u != actor]
    if not recipients:
        return
    params = {"subject": kind.title(subject), "actor": _name(actor), "reason": reason}
    params.update(extra or {})
    notify(
        users=recipients,
        kind=Notification.Kind.REVIEW,
        message=kind.message_key(event),
        params=params,
        url=subject.get_absolute_url(),
        send_email=send_email,
        at=at,
    )


def _name(user) -> str:
    return (getattr(user, "display_name", "") or getattr(user, "username", "")) if user else ""


def open_tasks(subject) -> models.QuerySet:
    kind = kind_of(subject)
    return Task.objects.filter(process=process_of(subject, kind.flow_class), status__in=OPEN_TASK_STATES)
