"""评估 — a mid-term or final evaluation, as three kinds of process.

The evaluation's own process, one per evaluation:

    opened ─▶ lead consolidates and signs off ─▶ lock ─▶ end
       │            ▲ (refused while a score is missing)
       │            │
       ├─▶ per department: SelfAssessmentFlow          (started when the evaluation opens)
       └─▶ per evaluator and department: ScoringFlow   (started when an evaluator is assigned)

Each department's self-assessment (自评):

    opened ─▶ liaison writes and submits (scores, narrative, evidence) ─▶ lead reviews ─▶ accepted? ─yes─▶ end
                         ▲                                                                 │
                         └──────────────────── no: returned with a reason ◀───────────────┘

Each evaluator's scoring of one department (专家评分):

    assigned ─▶ evaluator scores every criterion, writes a conclusion and submits ─▶ end

The child processes point at the evaluation's sign-off task (``Process.parent_task``). Every
step is driven by ``evaluation.services``, which check who may act.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from evaluation import services
from evaluation.models import SelfAssessment
from tasks.progress import first_liaison
from workflows.models import EvaluationProcess, ScoringProcess, SelfAssessmentProcess
from workflows.views import open_subject_page


class EvaluationFlow(flow.Flow):
    process_class = EvaluationProcess
    process_title = _("Evaluation")
    lock_impl = lock.select_for_update_lock

    open = (
        flow.StartHandle(this.attach_evaluation)
        .Annotation(title=_("Open the evaluation"))
        .Next(this.sign_off)
    )

    sign_off = (
        flow.View(open_subject_page)
        .Annotation(title=_("Consolidate and sign off"))
        .Assign(lambda activation: activation.process.artifact.lead)
        .Next(this.lock_results)
    )

    lock_results = flow.Function(this.lock_evaluation).Annotation(title=_("Lock the results")).Next(this.end)

    end = flow.End()

    def attach_evaluation(self, activation, evaluation):
        activation.process.artifact = evaluation
        return activation.process

    def lock_evaluation(self, activation):
        services.evaluation_apply_lock(evaluation=activation.process.artifact)


class SelfAssessmentFlow(flow.Flow):
    process_class = SelfAssessmentProcess
    process_title = _("Self-assessment")
    lock_impl = lock.select_for_update_lock

    open = (
        flow.StartHandle(this.attach_assessment)
        .Annotation(title=_("Self-assessment requested"))
        .Next(this.write)
    )

    # Assigned to the department's first liaison; any liaison of the department may act.
    write = (
        flow.View(open_subject_page)
        .Annotation(title=_("Write and submit the self-assessment"))
        .Assign(
            lambda activation: (
                activation.process.artifact.submitted_by
                or first_liaison(activation.process.artifact.department)
            )
        )
        .Next(this.review)
    )

    review = (
        flow.View(open_subject_page)
        .Annotation(title=_("Review the self-assessment"))
        .Assign(lambda activation: activation.process.artifact.evaluation.lead)
        .Next(this.is_accepted)
    )

    is_accepted = (
        flow.If(lambda activation: activation.process.artifact.status == SelfAssessment.Status.ACCEPTED)
        .Annotation(title=_("Accepted?"))
        .Then(this.end)
        .Else(this.write)
    )

    end = flow.End()

    def attach_assessment(self, activation, assessment, parent_task=None):
        activation.process.artifact = assessment
        activation.process.parent_task = parent_task
        return activation.process


class ScoringFlow(flow.Flow):
    process_class = ScoringProcess
    process_title = _("Evaluator scoring")
    lock_impl = lock.select_for_update_lock

    open = flow.StartHandle(this.attach_assignment).Annotation(title=_("Evaluator assigned")).Next(this.score)

    score = (
        flow.View(open_subject_page)
        .Annotation(title=_("Score and conclude"))
        .Assign(lambda activation: activation.process.artifact.evaluator)
        .Next(this.end)
    )

    end = flow.End()

    def attach_assignment(self, activation, assignment, parent_task=None):
        activation.process.artifact = assignment
        activation.process.parent_task = parent_task
        return activation.process
