"""配合单位材料 — a co-operating department's contribution to a progress report.

period opens ─▶ co-operating liaison writes and submits ─▶ end (the lead consolidates it)
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows.models import ContributionProcess
from workflows.review import ReviewSteps
from workflows.views import open_subject_page


class ContributionFlow(ReviewSteps, flow.Flow):
    process_class = ContributionProcess
    process_title = _("Contribution")
    lock_impl = lock.select_for_update_lock

    open = flow.StartHandle(this.attach_subject).Annotation(title=_("Reporting period opens")).Next(this.write)

    write = (
        flow.View(open_subject_page)
        .Annotation(title=_("Write and submit the contribution"))
        .Assign(lambda activation: activation.process.artifact.review_writer)
        .Next(this.end)
    )

    end = flow.End()
