from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        # Who may download a self-assessment's evidence: whoever may see the self-assessment.
        from evaluation import access
        from evaluation.models import SelfAssessment
        from evidence.access import register_owner

        register_owner(
            SelfAssessment,
            lambda user, assessment: access.visible_self_assessments(user).filter(pk=assessment.pk).exists(),
        )

        from audit.labels import register_states
        from evaluation.models import Evaluation, GeneratedReport

        register_states(Evaluation.Status, SelfAssessment.Status, GeneratedReport.Status)

        from evaluation.review_kinds import SELF_ASSESSMENT
        from workflows.lifecycle import register_kind

        register_kind(SELF_ASSESSMENT)

        from evaluation import notification_messages

        notification_messages.register()

        # The evaluation's own steps in the work lists: the lead's sign-off, each evaluator's scoring.
        from evaluation.models import Evaluation, EvaluatorAssignment
        from workflows.listing import register_work

        register_work(
            "evaluation_sign_off",
            _("Evaluation sign-off"),
            Evaluation,
            lambda evaluation: {"title": evaluation.title, "state": evaluation.status},
        )
        register_work(
            "evaluator_scoring",
            _("Evaluator scoring"),
            EvaluatorAssignment,
            lambda assignment: {
                "title": f"{assignment.evaluation.title} · {assignment.department}",
                "department_id": assignment.department_id,
                "state": "submitted" if assignment.submitted_at else "",
            },
        )
