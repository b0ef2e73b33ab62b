"""督办单 — a supervision notice to a department about a lagging key task.

    issued ─▶ liaison acknowledges (签收) ─▶ liaison responds with measures ─▶ supervisor reviews
                                                  ▲                                   │
                                                  └──── no: returned with a reason ◀──┤ accepted?
                                                                                      │ yes
                                                   end ◀─ close (tell the department) ◀┘

The daily sweep raises the level (blue → yellow → red) of a notice left unanswered past its
response date; that changes the notice, not the flow.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from supervision import notices
from supervision.models import SupervisionNotice
from tasks.progress import first_liaison
from workflows.models import NoticeProcess
from workflows.views import open_subject_page


class NoticeFlow(flow.Flow):
    process_class = NoticeProcess
    process_title = _("Supervision notice")
    lock_impl = lock.select_for_update_lock

    issue = (
        flow.StartHandle(this.attach_notice).Annotation(title=_("Issue the notice")).Next(this.acknowledge)
    )

    # Assigned to the department's first liaison; any liaison of the department may act (the
    # services check it and hand the task to whoever does).
    acknowledge = (
        flow.View(open_subject_page)
        .Annotation(title=_("Acknowledge receipt"))
        .Assign(lambda activation: first_liaison(activation.process.artifact.department))
        .Next(this.respond)
    )

    respond = (
        flow.View(open_subject_page)
        .Annotation(title=_("Respond with measures"))
        .Assign(
            lambda activation: (
                activation.process.artifact.responded_by
                or activation.process.artifact.acknowledged_by
                or first_liaison(activation.process.artifact.department)
            )
        )
        .Next(this.review)
    )

    review = (
        flow.View(open_subject_page)
        .Annotation(title=_("Review the response"))
        .Permission("supervision.issue_supervisionnotice")
        .Next(this.is_accepted)
    )

    is_accepted = (
        flow.If(lambda activation: activation.process.artifact.status == SupervisionNotice.Status.CLOSED)
        .Annotation(title=_("Accepted?"))
        .Then(this.close)
        .Else(this.respond)
    )

    close = (
        flow.Function(this.close_notice).Annotation(title=_("Close and tell the department")).Next(this.end)
    )

    end = flow.End()

    def attach_notice(self, activation, notice):
        activation.process.artifact = notice
        return activation.process

    def close_notice(self, activation):
        notices.notice_apply_close(notice=activation.process.artifact)
