"""指标值 — a value of a main indicator for a year (or period) and region.

liaison opens ─▶ drafts and submits ─▶ supervisor reviews ─▶ approved? ─yes─▶ warn on binding ─▶ end
                      ▲                                           │           indicators at risk
                      └─────────── no: returned with a reason ────┘
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows.models import IndicatorValueProcess
from workflows.review import ReviewSteps, review_nodes


class IndicatorValueFlow(ReviewSteps, flow.Flow):
    process_class = IndicatorValueProcess
    process_title = _("Indicator value")
    lock_impl = lock.select_for_update_lock

    open = flow.StartHandle(this.attach_subject).Annotation(title=_("A value is reported")).Next(this.write)
    locals().update(
        review_nodes(
            write_title=_("Enter and submit the value"),
            review_title=_("Review the value"),
            apply_title=_("Warn if a binding indicator is at risk"),
        )
    )
