"""督办单 — a supervision notice to a department about a lagging key task.

    issued ─▶ liaison acknowledges (签收) ─▶ liaison responds with measures ─▶ supervisor reviews
                                                  ▲                                   │
                                                  └──── no: returned with a reason ◀──┤ accepted?
                                                                                      │ yes
                                                   end ◀─ close (tell the department) ◀┘

The answer goes through the shared review lifecycle (``workflows.review``). The daily sweep
raises the level (blue → yellow → red) of a notice left unanswered past its response date; that
changes the notice, not the flow.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows.lifecycle import kind_of
from workflows.models import NoticeProcess
from workflows.review import ReviewSteps, review_nodes
from workflows.views import open_subject_page


class NoticeFlow(ReviewSteps, flow.Flow):
    process_class = NoticeProcess
    process_title = _("Supervision notice")
    lock_impl = lock.select_for_update_lock

    issue = flow.StartHandle(this.attach_subject).Annotation(title=_("Issue the notice")).Next(this.acknowledge)

    # Assigned to the department's first liaison; any liaison of the department may act (the
    # services check it and hand the task to whoever does).
    acknowledge = (
        flow.View(open_subject_page)
        .Annotation(title=_("Acknowledge receipt"))
        .Assign(lambda activation: kind_of(activation.process.artifact).acknowledge_assignee(activation.process.artifact))
        .Next(this.write)
    )

    locals().update(
        review_nodes(
            write_title=_("Respond with measures"),
            review_title=_("Review the response"),
            apply_title=_("Close and tell the department"),
        )
    )
