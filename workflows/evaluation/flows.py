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

from workflows.models import EvaluationProcess, ScoringProcess, SelfAssessmentProcess
from workflows.review import ReviewSteps, review_nodes
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
        activation.process.artifact.lock_results()


class SelfAssessmentFlow(ReviewSteps, flow.Flow):
    process_class = SelfAssessmentProcess
    process_title = _("Self-assessment")
    lock_impl = lock.select_for_update_lock

    open = flow.StartHandle(this.attach_subject).Annotation(title=_("Self-assessment requested")).Next(this.write)
    # Written by the department's liaisons, reviewed by the evaluation's lead.
    locals().update(
        review_nodes(
            write_title=_("Write and submit the self-assessment"),
            review_title=_("Review the self-assessment"),
            apply_title=_("Accept the self-assessment"),
        )
    )


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
