"""节点核验 — a liaison claims a milestone complete; a supervisor verifies it.

claim with evidence ─▶ supervisor verifies ─▶ approved? ─yes─▶ record the completion date ─▶ end
        ▲                                            │
        └──────── liaison revises ◀─ no: returned ───┘
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows.models import MilestoneClaimProcess
from workflows.review import ReviewSteps, review_nodes


class MilestoneFlow(ReviewSteps, flow.Flow):
    process_class = MilestoneClaimProcess
    process_title = _("Milestone verification")
    lock_impl = lock.select_for_update_lock

    open = flow.StartHandle(this.attach_subject).Annotation(title=_("Milestone claimed complete")).Next(this.write)
    locals().update(
        review_nodes(
            write_title=_("Revise and claim again"),
            review_title=_("Verify the milestone"),
            apply_title=_("Record the completion date"),
        )
    )
