"""How a department's self-assessment (自评) plugs into the review lifecycle
(``workflows.lifecycle``): written by the department's liaisons, reviewed by the evaluation's lead."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from evaluation import access
from evaluation.models import SelfAssessment
from workflows.lifecycle import ReviewKind


class SelfAssessmentKind(ReviewKind):
    key = "self_assessment"
    label = _("Self-assessment")
    noun = pgettext_lazy("review subject", "self-assessment")
    model = SelfAssessment
    approved = "accepted"
    content_fields = ("narrative",)
    version_field = None
    late_field = None
    approve_action = "accept"

    @property
    def flow_class(self):
        from workflows.evaluation.flows import SelfAssessmentFlow

        return SelfAssessmentFlow

    def get_for_user(self, user, pk):
        return access.get_self_assessment_for_user(user, pk)

    def can_write(self, user, assessment) -> bool:
        return access.is_department_member(user, assessment.department_id)

    def can_review(self, user, assessment) -> bool:
        return assessment.evaluation.lead_id == user.pk

    def writer_of(self, assessment):
        from tasks.progress import first_liaison

        return assessment.submitted_by or first_liaison(assessment.department)

    def review_owner(self, assessment):
        return assessment.evaluation.lead

    def due_on(self, assessment):
        return getattr(assessment.evaluation, "self_assessment_due_on", None)

    def title(self, assessment) -> str:
        return f"{assessment.evaluation} · {assessment.department}"


SELF_ASSESSMENT = SelfAssessmentKind()
