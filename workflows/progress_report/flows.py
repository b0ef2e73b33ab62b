"""进展报告 — the progress report of one key task for one reporting period.

period opens ─▶ liaison drafts and submits ─▶ supervisor reviews ─▶ approved? ─yes─▶ update the task ─▶ end
                      ▲                                                  │
                      └──────────────── no: returned with a reason ──────┘
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows.models import ProgressReportProcess
from workflows.review import ReviewSteps, review_nodes


class ProgressReportFlow(ReviewSteps, flow.Flow):
    process_class = ProgressReportProcess
    process_title = _("Progress report")
    lock_impl = lock.select_for_update_lock

    open = flow.StartHandle(this.attach_subject).Annotation(title=_("Reporting period opens")).Next(this.write)
    locals().update(
        review_nodes(
            write_title=_("Draft and submit the report"),
            review_title=_("Review the report"),
            apply_title=_("Update the task's progress"),
        )
    )
