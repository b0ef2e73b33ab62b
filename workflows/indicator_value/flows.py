"""指标值 — a value of a main indicator for a year (or period) and region.

liaison opens ─▶ drafts and submits ─▶ supervisor reviews ─▶ approved? ─yes─▶ check binding ─▶ end
                      ▲                                           │           indicators
                      └─────────── no: returned with a reason ────┘
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from indicators import services
from indicators.models import IndicatorValue
from workflows.models import IndicatorValueProcess
from workflows.views import open_subject_page


class IndicatorValueFlow(flow.Flow):
    process_class = IndicatorValueProcess
    process_title = _("Indicator value")
    lock_impl = lock.select_for_update_lock

    open = flow.StartHandle(this.attach_value).Annotation(title=_("A value is reported")).Next(this.draft)

    draft = (
        flow.View(open_subject_page)
        .Annotation(title=_("Enter and submit the value"))
        .Assign(lambda activation: activation.process.artifact.reported_by)
        .Next(this.review)
    )

    review = (
        flow.View(open_subject_page)
        .Annotation(title=_("Review the value"))
        .Permission("tasks.review_progressreport")
        .Next(this.is_approved)
    )

    is_approved = (
        flow.If(lambda activation: activation.process.artifact.status == IndicatorValue.Status.APPROVED)
        .Annotation(title=_("Approved?"))
        .Then(this.check_binding)
        .Else(this.draft)
    )

    check_binding = (
        flow.Function(this.warn_supervisors)
        .Annotation(title=_("Warn if a binding indicator is at risk"))
        .Next(this.end)
    )

    end = flow.End()

    def attach_value(self, activation, record):
        activation.process.artifact = record
        return activation.process

    def warn_supervisors(self, activation):
        record = activation.process.artifact
        services.warn_if_binding_at_risk(record=record, at=record.decided_at)
