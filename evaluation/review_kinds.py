"""How a department's self-assessment (自评) plugs into the review lifecycle
(``workflows.lifecycle``): written by the department's liaisons, reviewed by the evaluation's lead
(or a supervisor, who may run any evaluation). A signed-off evaluation closes them all.

The per-criterion scores (``SelfScore``) are rows of their own: ``evaluation.services`` saves them
with the narrative in the same transaction; :meth:`SelfAssessmentKind.check_submission` checks
them at submission."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from evaluation import access
from evaluation.models import Evaluation, SelfAssessment
from workflows.engine import lock_row
from workflows.lifecycle import ReviewKind

LOCKED_MESSAGE = _("This evaluation has been signed off and is locked; nothing can be changed.")


class SelfAssessmentKind(ReviewKind):
    key = "self_assessment"
    label = _("Self-assessment")
    noun = pgettext_lazy("review subject", "self-assessment")
    model = SelfAssessment
    approved_message = _("The self-assessment has been accepted.")
    returned_message = _("The self-assessment has been returned to the department.")
    approved = "accepted"
    content_fields = ("narrative",)
    late_field = None
    approve_action = "accept"

    @property
    def flow_class(self):
        from workflows.evaluation.flows import SelfAssessmentFlow

        return SelfAssessmentFlow

    def get_for_user(self, user, pk):
        return access.get_self_assessment_for_user(user, pk)

    def lock(self, assessment):
        """The self-assessment's row, then its evaluation's: a sign-off waits for a submission
        in progress (and the other way round), so nothing is submitted into a locked evaluation."""
        assessment = lock_row(SelfAssessment, assessment.pk)
        assessment.evaluation = lock_row(Evaluation, assessment.evaluation_id)
        return assessment

    def can_write(self, user, assessment) -> bool:
        return access.is_department_member(user, assessment.department_id)

    def can_review(self, user, assessment) -> bool:
        return access.can_manage(user, assessment.evaluation)

    def is_editable(self, assessment) -> bool:
        return super().is_editable(assessment) and not assessment.evaluation.is_locked

    def closed_message(self, assessment):
        if assessment.evaluation.is_locked:
            return LOCKED_MESSAGE
        return super().closed_message(assessment)

    def check_submission(self, assessment, user) -> None:
        """A narrative, and a score for every criterion of the evaluation's rubric."""
        errors = {}
        if not assessment.narrative.strip():
            errors["narrative"] = _("Write the narrative of your self-assessment before submitting.")
        scored = set(assessment.scores.values_list("criterion_id", flat=True))
        missing = [c.name for c in assessment.evaluation.rubric.criteria.all() if c.pk not in scored]
        if missing:
            errors[NON_FIELD_ERRORS] = _("Score every criterion before submitting; missing: %(items)s.") % {
                "items": "、".join(missing)
            }
        if errors:
            raise ValidationError(errors)

    def on_decided(self, assessment, user, approved, reason, now) -> None:
        # Never reached in practice (a sign-off waits until no self-assessment awaits a decision);
        # refused all the same, so that a signed-off evaluation never changes.
        if assessment.evaluation.is_locked:
            raise ValidationError(LOCKED_MESSAGE)

    def writer_of(self, assessment):
        from tasks.progress import first_liaison

        return assessment.submitted_by or first_liaison(assessment.department)

    def review_owner(self, assessment):
        return assessment.evaluation.lead

    def reviewers(self, assessment):
        return [assessment.evaluation.lead]

    def writers(self, assessment):
        """The department's liaisons and head, whoever of them submitted."""
        from supervision.notices import department_members

        return department_members(assessment.department_id)

    def due_on(self, assessment):
        return getattr(assessment.evaluation, "self_assessment_due_on", None)

    def title(self, assessment) -> str:
        return f"{assessment.evaluation} · {assessment.department}"


SELF_ASSESSMENT = SelfAssessmentKind()
