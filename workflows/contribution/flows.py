"""配合单位材料 — a co-operating department's contribution to a progress report.

period opens ─▶ co-operating liaison writes and submits ─▶ lead's liaison reviews ─▶ accepted? ─yes─▶ end
                          ▲                                                             │
                          └──────────────────── no: returned with a reason ◀────────────┘
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows.models import ContributionProcess
from workflows.review import ReviewSteps, review_nodes


class ContributionFlow(ReviewSteps, flow.Flow):
    process_class = ContributionProcess
    process_title = _("Contribution")
    lock_impl = lock.select_for_update_lock

    open = flow.StartHandle(this.attach_subject).Annotation(title=_("Reporting period opens")).Next(this.write)
    locals().update(
        review_nodes(
            write_title=_("Write and submit the contribution"),
            review_title=_("Accept the contribution into the report"),
            apply_title=_("Consolidated by the lead department"),
        )
    )
