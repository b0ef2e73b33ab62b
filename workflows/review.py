"""The one review lifecycle, as flow nodes every reviewable thing shares.

    opened ─▶ write (draft, save and resume, submit) ─▶ review ─▶ approved? ─yes─▶ apply ─▶ higher level? ─no─▶ end
                  ▲                                                   │                          │yes
                  ├──────────── no: returned with a reason ───────────┘                       accept ─▶ accepted? ─yes─▶ end
                  └──────────────────────────── no: sent back by the higher level, with a reason ──────┘

A flow spreads fresh copies of these nodes into its class body (``locals().update(review_nodes())``):
subclassing a flow would keep the edges bound to the base class (see VIEWFLOW.md). The flow's
process artifact is the *subject* (a report, a claim, a value …); its ``ReviewKind``
(``workflows.lifecycle``, registered by the subject's app) answers for it, so that this engine
layer imports no domain app:

``writer_of``          the user the write (and revise) step is assigned to, or None;
``review_owner``       the reviewer the review step is assigned to, or None to leave it in the
                       queue of everyone holding ``review_permission``;
``review_permission``  the permission ("app.codename") that lets someone take the review step;
``is_approved``        True once the reviewer approved (read when the review step finishes);
``apply_approval``     what approval does to the rest of the system (progress, completion …);
``awaits_acceptance``  True when the approval goes on to the higher level (two-level approval);
``acceptance_permission`` the permission that lets a higher-level supervisor take the accept step;
``is_accepted``        True once the higher level accepted (else it was sent back: write again).

The human steps are done on the subject's own page; services finish the tasks (``engine``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflows.lifecycle import kind_of
from workflows.views import open_subject_page


def _ask(question):
    """A node callback that asks the subject's kind: ``question(kind, subject)``."""

    def callback(activation):
        subject = activation.process.artifact
        return question(kind_of(subject), subject)

    return callback


def review_nodes(*, write_title=None, review_title=None, apply_title=None) -> dict:
    """Fresh ``write → review → approved? → apply → end`` nodes for one flow class."""
    return {
        "write": (
            flow.View(open_subject_page)
            .Annotation(title=write_title or _("Write and submit"))
            .Assign(_ask(lambda kind, subject: kind.writer_of(subject)))
            .Next(this.review)
        ),
        "review": (
            flow.View(open_subject_page)
            .Annotation(title=review_title or _("Review"))
            .Assign(_ask(lambda kind, subject: kind.review_owner(subject)))
            .Permission(_ask(lambda kind, subject: kind.review_permission(subject)))
            .Next(this.is_approved)
        ),
        "is_approved": (
            flow.If(_ask(lambda kind, subject: kind.is_approved(subject)))
            .Annotation(title=_("Approved?"))
            .Then(this.apply_approval)
            .Else(this.write)
        ),
        "apply_approval": (
            flow.Function(this.apply_subject_approval)
            .Annotation(title=apply_title or _("Apply the approval"))
            .Next(this.needs_acceptance)
        ),
        "needs_acceptance": (
            flow.If(_ask(lambda kind, subject: kind.awaits_acceptance(subject)))
            .Annotation(title=_("Accepted by the higher level?"))
            .Then(this.accept)
            .Else(this.end)
        ),
        "accept": (
            flow.View(open_subject_page)
            .Annotation(title=_("Accept or send back (higher level)"))
            .Permission(_ask(lambda kind, subject: kind.acceptance_permission(subject)))
            .Next(this.is_accepted)
        ),
        "is_accepted": (
            flow.If(_ask(lambda kind, subject: kind.is_accepted(subject)))
            .Annotation(title=_("Accepted?"))
            .Then(this.end)
            .Else(this.write)
        ),
        "end": flow.End(),
    }


class ReviewSteps:
    """The callbacks of :func:`review_nodes`, mixed into each flow class."""

    def attach_subject(self, activation, subject, parent_task=None):
        activation.process.artifact = subject
        if parent_task is not None:
            activation.process.parent_task = parent_task
        return activation.process

    def apply_subject_approval(self, activation):
        subject = activation.process.artifact
        kind_of(subject).apply_approval(subject)
