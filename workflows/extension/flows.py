"""延期申请 — a liaison asks for a later due date for a report; a supervisor grants or refuses it.

requested ─▶ supervisor decides (grant: the report's due date moves; refuse: with a reason) ─▶ end
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows.models import ExtensionRequestProcess
from workflows.review import ReviewSteps
from workflows.views import open_subject_page


class ExtensionFlow(ReviewSteps, flow.Flow):
    process_class = ExtensionRequestProcess
    process_title = _("Extension request")
    lock_impl = lock.select_for_update_lock

    open = flow.StartHandle(this.attach_subject).Annotation(title=_("An extension is requested")).Next(this.decide)

    decide = (
        flow.View(open_subject_page)
        .Annotation(title=_("Grant or refuse the extension"))
        .Permission("tasks.review_progressreport")
        .Next(this.end)
    )

    end = flow.End()
