"""进展报告 — the progress report of one key task for one reporting period.

period opens ─▶ liaison drafts and submits ─▶ supervisor reviews ─▶ approved? ─yes─▶ record ─▶ end
                      ▲                                                  │
                      └──────────────── no: returned with a reason ──────┘
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from tasks import progress
from tasks.models import ProgressReport
from workflows.models import ProgressReportProcess
from workflows.views import open_subject_page


class ProgressReportFlow(flow.Flow):
    process_class = ProgressReportProcess
    process_title = _("Progress report")
    lock_impl = lock.select_for_update_lock

    open = flow.StartHandle(this.attach_report).Annotation(title=_("Reporting period opens")).Next(this.draft)

    draft = (
        flow.View(open_subject_page)
        .Annotation(title=_("Draft and submit the report"))
        .Assign(lambda activation: activation.process.artifact.assignee)
        .Next(this.review)
    )

    review = (
        flow.View(open_subject_page)
        .Annotation(title=_("Review the report"))
        .Permission("tasks.review_progressreport")
        .Next(this.is_approved)
    )

    is_approved = (
        flow.If(lambda activation: activation.process.artifact.status == ProgressReport.Status.APPROVED)
        .Annotation(title=_("Approved?"))
        .Then(this.record_progress)
        .Else(this.draft)
    )

    record_progress = (
        flow.Function(this.apply_to_task).Annotation(title=_("Update the task's progress")).Next(this.end)
    )

    end = flow.End()

    def attach_report(self, activation, report):
        activation.process.artifact = report
        return activation.process

    def apply_to_task(self, activation):
        progress.task_apply_report(report=activation.process.artifact)
