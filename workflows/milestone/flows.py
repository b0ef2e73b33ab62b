"""节点核验 — a liaison claims a milestone complete; a supervisor verifies it.

claim with evidence ─▶ supervisor verifies ─▶ approved? ─yes─▶ record completion ─▶ end
             ▲                                      │
             └─ liaison revises ◀─ no: returned ────┘
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from tasks import progress
from tasks.models import MilestoneClaim
from workflows.models import MilestoneClaimProcess
from workflows.views import open_subject_page


class MilestoneFlow(flow.Flow):
    process_class = MilestoneClaimProcess
    process_title = _("Milestone verification")
    lock_impl = lock.select_for_update_lock

    claim = (
        flow.StartHandle(this.attach_claim)
        .Annotation(title=_("Milestone claimed complete"))
        .Next(this.verify)
    )

    verify = (
        flow.View(open_subject_page)
        .Annotation(title=_("Verify the milestone"))
        .Permission("tasks.review_progressreport")
        .Next(this.is_approved)
    )

    is_approved = (
        flow.If(lambda activation: activation.process.artifact.status == MilestoneClaim.Status.APPROVED)
        .Annotation(title=_("Approved?"))
        .Then(this.record_completion)
        .Else(this.revise)
    )

    revise = (
        flow.View(open_subject_page)
        .Annotation(title=_("Revise and claim again"))
        .Assign(lambda activation: activation.process.artifact.created_by)
        .Next(this.verify)
    )

    record_completion = (
        flow.Function(this.apply_to_milestone)
        .Annotation(title=_("Record the completion date"))
        .Next(this.end)
    )

    end = flow.End()

    def attach_claim(self, activation, claim):
        activation.process.artifact = claim
        return activation.process

    def apply_to_milestone(self, activation):
        progress.milestone_apply_claim(claim=activation.process.artifact)
