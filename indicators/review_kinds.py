"""How indicator values plug into the review lifecycle (``workflows.lifecycle``): a liaison of the
responsible department writes the value, a supervisor approves it or returns it with a reason;
approval may warn that a binding indicator is at risk."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from indicators import access
from indicators.models import IndicatorValue
from tasks import access as task_access
from tasks.review_kinds import AcceptedByHigherPlan, department_heads, reviewers
from workflows.lifecycle import ReviewKind


class IndicatorValueKind(AcceptedByHigherPlan, ReviewKind):
    key = "indicator_value"
    label = _("Indicator value")
    noun = pgettext_lazy("review subject", "value")
    model = IndicatorValue
    approved_message = _("The value has been approved.")
    returned_message = _("The value has been returned to the department.")
    content_fields = ("value", "numerator", "denominator", "text", "source")
    submitted_by_field = "reported_by"

    @property
    def flow_class(self):
        from workflows.indicator_value.flows import IndicatorValueFlow

        return IndicatorValueFlow

    def get_for_user(self, user, pk):
        return access.get_value_for_user(user, pk)

    def accepting_plan(self, record):
        return task_access.accepting_plan(record.indicator.plan, cascaded=record.indicator.parent_id is not None)

    def can_write(self, user, record) -> bool:
        return access.can_report(user, record.indicator)

    def can_review(self, user, record) -> bool:
        return task_access.can_review_in(user, record.indicator.plan)

    def writer_of(self, record):
        return record.reported_by

    def review_permission(self, record) -> str:
        return "tasks.review_progressreport"

    def apply_approval(self, record) -> None:
        from indicators.services import warn_if_binding_at_risk

        warn_if_binding_at_risk(record=record, at=record.decided_at)

    def department_id(self, record):
        return record.indicator.department_id

    def title(self, record) -> str:
        return f"{record.indicator.code} {record.indicator.name} · {record.period_code}"

    def check_submission(self, record, user) -> None:
        """A value (or, for a qualitative indicator, words) and its source."""
        errors = {}
        if record.indicator.is_numeric and record.value is None:
            errors["value"] = _("Enter the value before submitting.")
        if not record.indicator.is_numeric and not record.text:
            errors["text"] = _("Describe the result before submitting.")
        if not record.source:
            errors["source"] = _("Say where the figure comes from before submitting.")
        if errors:
            raise ValidationError(errors)

    def submit_data(self, record, user, now) -> dict:
        return {"value": str(record.value) if record.value is not None else record.text}

    def reviewers(self, record):
        return reviewers(record.indicator.plan.region)

    def writers(self, record):
        return [record.reported_by, *department_heads(record.indicator.department_id)]


INDICATOR_VALUE = IndicatorValueKind()
