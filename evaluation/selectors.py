"""Reads for the inbox: the evaluation work waiting for a user (a fixed number of queries)."""

from dataclasses import dataclass

from accounts.models import User
from evaluation.models import Evaluation, EvaluatorAssignment, SelfAssessment
from tasks.access import user_department_ids


@dataclass
class EvaluationWork:
    to_write: list[SelfAssessment]  # my departments' self-assessments, draft or returned
    to_score: list[EvaluatorAssignment]  # my assignments not yet submitted
    to_review: list[SelfAssessment]  # submitted self-assessments of evaluations I lead

    def __bool__(self) -> bool:
        return bool(self.to_write or self.to_score or self.to_review)


def evaluation_work(*, user: User, limit: int = 50) -> EvaluationWork:
    open_evaluations = {"evaluation__status__in": [Evaluation.Status.OPEN, Evaluation.Status.SCORING]}
    assessments = SelfAssessment.objects.select_related("evaluation", "department").filter(**open_evaluations)
    return EvaluationWork(
        to_write=list(
            assessments.filter(
                department_id__in=user_department_ids(user),
                status__in=[SelfAssessment.Status.DRAFT, SelfAssessment.Status.RETURNED],
            ).order_by("evaluation__pk", "department__position")[:limit]
        ),
        to_score=list(
            EvaluatorAssignment.objects.filter(evaluator=user, submitted_at__isnull=True, **open_evaluations)
            .select_related("evaluation", "department")
            .order_by("evaluation__pk", "department__position")[:limit]
        ),
        to_review=list(
            assessments.filter(evaluation__lead=user, status=SelfAssessment.Status.SUBMITTED).order_by(
                "submitted_at"
            )[:limit]
        ),
    )
