"""Evaluation services: rubric, evaluator assignment, scoring, consolidation and sign-off.

Each write service is atomic, checks who may act, refuses once the evaluation is signed off
(locked), and writes the audit trail. Views, commands and the demo seeding call these.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from accounts.models import User
from accounts.roles import EVALUATOR
from audit.services import audit_record
from evaluation import access
from evaluation.models import (
    Criterion,
    Evaluation,
    EvaluatorAssignment,
    EvaluatorScore,
    ScoringRubric,
    SelfAssessment,
    SelfScore,
)
from tasks.models import Department, Membership, Plan
from workflows import lifecycle
from workflows.engine import LockedProcess, complete_task, process_of

HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# The default rubric is written in the language of whoever opens the evaluation (by default the
# installation's, Chinese: 完成情况 40, 质量效果 30, 佐证材料 15, 经费执行 15); once written, its names
# are the rubric's own text (data), whatever language a later reader uses.
DEFAULT_RUBRIC_NAME = pgettext_lazy("default rubric", "Evaluation scoring rubric")
DEFAULT_CRITERIA = (
    # name (lazy: written in the language active when the rubric is made), weight in %
    (pgettext_lazy("default rubric", "Completion"), Decimal(40)),
    (pgettext_lazy("default rubric", "Quality and effect"), Decimal(30)),
    (pgettext_lazy("default rubric", "Evidence"), Decimal(15)),
    (pgettext_lazy("default rubric", "Funding execution"), Decimal(15)),
)


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    """40.00 → "40", 12.50 → "12.5" (no exponent)."""
    return format(value.normalize(), "f")


# --- rubric --------------------------------------------------------------------------------


@transaction.atomic
def rubric_default(plan: Plan, *, user: User | None = None, language: str | None = None) -> ScoringRubric:
    """The default rubric: completion 40, quality and effect 30, evidence 15, funding execution 15,
    named in ``language`` (default: the installation's, ``settings.LANGUAGE_CODE``)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        rubric = ScoringRubric.objects.create(plan=plan, name=str(DEFAULT_RUBRIC_NAME))
        for position, (name, weight) in enumerate(DEFAULT_CRITERIA):
            Criterion.objects.create(rubric=rubric, name=str(name), weight=weight, scale_max=100, position=position)
    audit_record(subject=rubric, actor=user, action="create", comment=rubric.name)
    return rubric


def rubric_validate(rubric: ScoringRubric) -> None:
    """Refuse a rubric without criteria, with a bad scale, or whose weights do not sum to 100 %."""
    criteria = list(rubric.criteria.all())
    if not criteria:
        raise ValidationError(_("The scoring rubric has no criteria."))
    for criterion in criteria:
        if criterion.scale_max < 1:
            raise ValidationError(
                _("The maximum score of criterion “%(name)s” must be at least 1.") % {"name": criterion.name}
            )
        if criterion.weight < 0:
            raise ValidationError(
                _("The weight of criterion “%(name)s” may not be negative.") % {"name": criterion.name}
            )
    total = sum((c.weight for c in criteria), Decimal(0))
    if total != HUNDRED:
        raise ValidationError(
            _("The weights of the criteria must sum to 100 %%; they sum to %(total)s %%.")
            % {"total": _plain(_q(total))}
        )


def rubric_in_use(rubric: ScoringRubric) -> bool:
    """A rubric is frozen once an evaluation using it has a score or has been signed off."""
    evaluations = rubric.evaluations.all()
    return (
        evaluations.filter(status=Evaluation.Status.SIGNED_OFF).exists()
        or EvaluatorScore.objects.filter(assignment__evaluation__in=evaluations).exists()
        or SelfScore.objects.filter(self_assessment__evaluation__in=evaluations).exists()
    )


@transaction.atomic
def rubric_update(*, rubric: ScoringRubric, user: User, name: str, criteria: list[dict]) -> ScoringRubric:
    """Replace the rubric's criteria (administrators). ``criteria``: dicts with ``id`` (None for a
    new one), ``name``, ``weight``, ``scale_max`` and ``delete``. All or nothing: weights that do
    not sum to 100 % leave the rubric as it was."""
    if not access.can_edit_rubric(user):
        raise PermissionDenied
    rubric = ScoringRubric.objects.select_for_update().get(pk=rubric.pk)
    if rubric_in_use(rubric):
        raise ValidationError(
            _("This rubric is already used to score an evaluation; it can no longer be changed.")
        )
    before = [(c.name, _plain(c.weight), c.scale_max) for c in rubric.criteria.all()]
    rubric.name = name.strip() or rubric.name
    rubric.save(update_fields=["name"])
    existing = {c.pk: c for c in rubric.criteria.all()}
    position = 0
    for row in criteria:
        criterion = existing.get(row.get("id")) if row.get("id") else None
        if row.get("delete"):
            if criterion is not None:
                criterion.delete()
            continue
        if not (row.get("name") or "").strip():
            continue
        if criterion is None:
            criterion = Criterion(rubric=rubric)
        criterion.name, criterion.weight = row["name"].strip(), row["weight"]
        criterion.scale_max, criterion.position = row["scale_max"], position
        criterion.save()
        position += 1
    rubric_validate(rubric)
    after = [(c.name, _plain(c.weight), c.scale_max) for c in rubric.criteria.all()]
    audit_record(
        subject=rubric, actor=user, action="change", comment=rubric.name, data={"from": before, "to": after}
    )
    return rubric


# --- access and locking --------------------------------------------------------------------


def _require_manager(user: User, evaluation: Evaluation) -> None:
    if not access.can_manage(user, evaluation):
        raise PermissionDenied


def _require_unlocked(evaluation: Evaluation) -> None:
    if evaluation.is_locked:
        raise ValidationError(_("This evaluation has been signed off and is locked; nothing can be changed."))


def _locked_evaluation(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().get(pk=evaluation.pk)


def _flows():
    # The flows import this module (their Function nodes call it): import them when used.
    from workflows.evaluation.flows import EvaluationFlow, ScoringFlow, SelfAssessmentFlow

    return EvaluationFlow, SelfAssessmentFlow, ScoringFlow


def _sign_off_task(evaluation: Evaluation) -> Task | None:
    """The evaluation process's open sign-off task: the child processes hang from it."""
    evaluation_flow = _flows()[0]
    return (
        Task.objects.filter(
            process__flow_class=evaluation_flow,
            process__artifact_content_type=ContentType.objects.get_for_model(Evaluation),
            process__artifact_object_id=evaluation.pk,
            flow_task=evaluation_flow.sign_off,
        )
        .order_by("-pk")
        .first()
    )


def _cancel(process: Process) -> None:
    """Cancel a child process left open when the evaluation is locked (a self-assessment never
    submitted, say): its open tasks and the process itself."""
    now = timezone.now()
    Task.objects.filter(process=process, finished__isnull=True).update(status=STATUS.CANCELED, finished=now)
    process.status, process.finished = PROCESS.CANCELED, now
    process.save(update_fields=["status", "finished"])


def _notify(users, message: str, params: dict, url: str = "") -> None:
    """An information notification (keys registered in ``evaluation.notification_messages``)."""
    from notifications.models import Notification
    from notifications.services import notify

    notify(users=users, kind=Notification.Kind.INFO, message=message, params=params, url=url)


def _liaisons(department: Department) -> list[User]:
    from supervision.notices import department_members

    return department_members(department.pk)


# --- evaluations and evaluators ------------------------------------------------------------


def participating_departments(plan: Plan) -> list[Department]:
    """The departments with a part in the plan's key tasks (lead or co-operating), in directory order."""
    return list(participating_departments_query(plan))


def participating_departments_query(plan: Plan) -> QuerySet[Department]:
    """``participating_departments`` as a query (a form's choices read it when rendered)."""
    return Department.objects.filter(
        pk__in=Department.objects.filter(task_links__task__plan=plan, is_active=True).values("pk")
    ).order_by("position", "pk")


@transaction.atomic
def evaluation_create(
    *,
    plan: Plan,
    kind: str,
    title: str,
    lead: User,
    user: User,
    rubric: ScoringRubric | None = None,
    spread_threshold: Decimal | None = None,
    language: str | None = None,
) -> Evaluation:
    """Open an evaluation: its process, and a self-assessment for each department with a part in
    the plan (each with its own process)."""
    if not access.can_open(user):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Give the evaluation a title.")})
    if not (
        lead.is_active
        and (lead.has_perm("evaluation.sign_off") or lead.groups.filter(name=EVALUATOR).exists())
    ):
        raise ValidationError({"lead": _("The evaluation lead must be a supervisor or an evaluator.")})
    if rubric is None:
        rubric = rubric_default(plan, user=user, language=language)  # in the opener's language
    elif rubric.plan_id != plan.pk:
        raise ValidationError(_("The scoring rubric belongs to another plan."))
    rubric_validate(rubric)
    evaluation = Evaluation(plan=plan, rubric=rubric, kind=kind, title=title.strip(), lead=lead)
    if spread_threshold is not None:
        evaluation.spread_threshold = spread_threshold
    evaluation.save()
    audit_record(
        subject=evaluation, actor=user, action="create", to_state=evaluation.status, comment=evaluation.title
    )
    _flows()[0].open.run(evaluation=evaluation)
    parent = _sign_off_task(evaluation)
    for department in participating_departments(plan):
        assessment = SelfAssessment.objects.create(evaluation=evaluation, department=department)
        lifecycle.review_open(assessment, user=user, parent_task=parent)
        _notify(
            _liaisons(department),
            "evaluation.self_assessment.requested",
            {"evaluation": evaluation.title},
            assessment.get_absolute_url(),
        )
    return evaluation


def is_department_member(user: User, department: Department) -> bool:
    return Membership.objects.filter(user=user, department=department, is_active=True).exists()


@transaction.atomic
def evaluator_assign(
    *, evaluation: Evaluation, evaluator: User, department: Department, user: User
) -> EvaluatorAssignment:
    """Assign ``evaluator`` to score ``department``. Someone who belongs to it may not score it."""
    evaluation = _locked_evaluation(evaluation)
    _require_manager(user, evaluation)
    _require_unlocked(evaluation)
    if not evaluator.is_active or not evaluator.groups.filter(name=EVALUATOR).exists():
        raise ValidationError({"evaluator": _("%(user)s is not an evaluator.") % {"user": str(evaluator)}})
    if is_department_member(evaluator, department):
        raise ValidationError(
            _("%(evaluator)s belongs to %(department)s and may not evaluate it (conflict of interest).")
            % {"evaluator": str(evaluator), "department": department.name}
        )
    assignment, created = EvaluatorAssignment.objects.get_or_create(
        evaluation=evaluation, evaluator=evaluator, department=department
    )
    if not created:
        return assignment
    audit_record(
        subject=evaluation,
        actor=user,
        action="assign_evaluator",
        comment=f"{evaluator} · {department.name}",
        data={"assignment": assignment.pk, "evaluator": evaluator.pk, "department": department.pk},
    )
    _flows()[2].open.run(assignment=assignment, parent_task=_sign_off_task(evaluation))
    _notify(
        [evaluator],
        "evaluation.scoring.assigned",
        {"department": department.name, "evaluation": evaluation.title},
        url=assignment.get_absolute_url(),
    )
    if evaluation.status == Evaluation.Status.OPEN:
        evaluation.status = Evaluation.Status.SCORING
        evaluation.save(update_fields=["status"])
        audit_record(
            subject=evaluation,
            actor=user,
            action="start_scoring",
            from_state=Evaluation.Status.OPEN,
            to_state=evaluation.status,
        )
    return assignment


@transaction.atomic
def evaluators_assign(
    *, evaluation: Evaluation, evaluator: User, departments, user: User
) -> list[EvaluatorAssignment]:
    """Assign one evaluator to several departments: all or none (one conflict of interest and
    no assignment is made)."""
    return [
        evaluator_assign(evaluation=evaluation, evaluator=evaluator, department=department, user=user)
        for department in departments
    ]


@transaction.atomic
def evaluator_unassign(*, assignment: EvaluatorAssignment, user: User) -> None:
    """Withdraw an assignment made by mistake, as long as the evaluator has not scored anything."""
    evaluation = _locked_evaluation(assignment.evaluation)
    _require_manager(user, evaluation)
    _require_unlocked(evaluation)
    assignment = EvaluatorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.scores.exists() or assignment.is_submitted:
        raise ValidationError(
            _("This evaluator has already scored; the assignment can no longer be withdrawn.")
        )
    _cancel(process_of(assignment, _flows()[2]))
    audit_record(
        subject=evaluation,
        actor=user,
        action="unassign_evaluator",
        comment=f"{assignment.evaluator} · {assignment.department.name}",
        data={"evaluator": assignment.evaluator_id, "department": assignment.department_id},
    )
    assignment.delete()


def score_value(criterion: Criterion, score) -> Decimal:
    """The score as a Decimal, or a ValidationError naming the criterion and its scale."""
    try:
        value = Decimal(str(score).strip())
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > criterion.scale_max:
        raise ValidationError(
            _("The score for “%(criterion)s” must be between 0 and %(max)s; “%(score)s” is not.")
            % {"criterion": criterion.name, "max": criterion.scale_max, "score": score}
        )
    if value != _q(value):
        raise ValidationError(_("Scores may have at most two decimal places."))
    return value


def _check_criterion(criterion: Criterion, evaluation: Evaluation) -> None:
    if criterion.rubric_id != evaluation.rubric_id:
        raise ValidationError(_("This criterion is not part of the evaluation's rubric."))


@transaction.atomic
def score_record(
    *, assignment: EvaluatorAssignment, criterion: Criterion, score, comment: str = "", user: User
) -> EvaluatorScore:
    """Record (or correct) one evaluator's score for one criterion, until they submit."""
    assignment = EvaluatorAssignment.objects.select_related("evaluation", "department").get(pk=assignment.pk)
    evaluation = _locked_evaluation(assignment.evaluation)
    if not user.is_authenticated or assignment.evaluator_id != user.pk:
        raise PermissionDenied
    _require_unlocked(evaluation)
    if assignment.is_submitted:
        raise ValidationError(_("You have submitted these scores; they can no longer be changed."))
    _check_criterion(criterion, evaluation)
    value = score_value(criterion, score)
    record, created = EvaluatorScore.objects.update_or_create(
        assignment=assignment, criterion=criterion, defaults={"score": value, "comment": comment.strip()}
    )
    audit_record(
        subject=evaluation,
        actor=user,
        action="score",
        comment=f"{assignment.department.name} · {criterion.name}: {value}",
        data={
            "assignment": assignment.pk,
            "criterion": criterion.pk,
            "score": str(value),
            "created": created,
        },
    )
    return record


@transaction.atomic
def scores_save(
    *, assignment: EvaluatorAssignment, user: User, scores: dict, conclusion: str, submit: bool = False
) -> EvaluatorAssignment:
    """The scoring page in one go: a score and comment per criterion (``scores`` maps a criterion
    to ``(score, comment)``; a blank score is left unscored) and the conclusion; with ``submit``,
    every criterion must be scored and the conclusion written, and the scores are then final.
    All or nothing: one bad score and nothing is saved."""
    for criterion, (score, comment) in scores.items():
        if str(score).strip() == "":
            if submit:
                raise ValidationError(
                    _("Score “%(criterion)s” before submitting.") % {"criterion": criterion.name}
                )
            continue
        score_record(assignment=assignment, criterion=criterion, score=score, comment=comment, user=user)
    assignment = EvaluatorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.evaluator_id != user.pk:
        raise PermissionDenied
    _require_unlocked(assignment.evaluation)
    if assignment.is_submitted:
        raise ValidationError(_("You have submitted these scores; they can no longer be changed."))
    assignment.conclusion = conclusion.strip()
    assignment.save(update_fields=["conclusion"])
    if submit:
        if not assignment.conclusion:
            raise ValidationError({"conclusion": _("Write your conclusion before submitting.")})
        missing = [
            c.name
            for c in assignment.evaluation.rubric.criteria.all()
            if c.pk not in {s.criterion_id for s in assignment.scores.all()}
        ]
        if missing:
            raise ValidationError(
                _("Score every criterion before submitting; missing: %(items)s.")
                % {"items": "、".join(missing)}
            )
        with LockedProcess(assignment, _flows()[2]) as process:
            assignment.submitted_at = timezone.now()
            assignment.save(update_fields=["submitted_at"])
            audit_record(
                subject=assignment.evaluation,
                actor=user,
                action="submit_scores",
                comment=f"{assignment.department.name}",
                data={"assignment": assignment.pk},
            )
            complete_task(process, _flows()[2].score, user)
            _notify(
                [assignment.evaluation.lead],
                "evaluation.scoring.submitted",
                {"evaluator": str(user), "department": assignment.department.name},
                url=assignment.evaluation.get_absolute_url(),
            )
    return assignment


# --- self-assessment: the shared review lifecycle (workflows.lifecycle) with its kind ---------


def _save_scores(assessment: SelfAssessment, scores: dict) -> None:
    """A score and comment per criterion (a blank score removes the criterion's score)."""
    for criterion, (score, comment) in scores.items():
        _check_criterion(criterion, assessment.evaluation)
        if str(score).strip() == "":
            SelfScore.objects.filter(self_assessment=assessment, criterion=criterion).delete()
            continue
        SelfScore.objects.update_or_create(
            self_assessment=assessment,
            criterion=criterion,
            defaults={"score": score_value(criterion, score), "comment": (comment or "").strip()},
        )


@transaction.atomic
def self_assessment_save(
    *,
    assessment: SelfAssessment,
    user: User,
    narrative: str,
    scores: dict | None = None,
    version: int | None = None,
) -> SelfAssessment:
    """A department's self-assessment: narrative and a score and comment per criterion
    (``scores`` maps a criterion to ``(score, comment)``; a blank score is left out).
    Editable while draft or returned; all or nothing. ``version`` is what the user loaded: a
    stale save is refused. The lifecycle saves the narrative (and checks who may write, and
    when); the scores are saved here, in the same transaction, under the same row lock."""
    assessment = lifecycle.review_save(
        assessment, user=user, data={"narrative": (narrative or "").strip()}, version=version
    )
    _save_scores(assessment, scores or {})
    return assessment


def self_assessment_submit(
    *,
    assessment: SelfAssessment,
    user: User,
    narrative: str | None = None,
    scores: dict | None = None,
    version: int | None = None,
) -> SelfAssessment:
    """Send the self-assessment to the evaluation lead: every criterion scored, a narrative written
    (``SelfAssessmentKind.check_submission``). With ``narrative``, what was typed is saved first,
    in the same transaction: a refused submission leaves the self-assessment as it was."""
    with LockedProcess(assessment, _flows()[1]):
        if narrative is not None:
            assessment = self_assessment_save(
                assessment=assessment, user=user, narrative=narrative, scores=scores, version=version
            )
            version = None  # the save above checked it
        return lifecycle.review_submit(assessment, user=user, version=version)


def self_assessment_accept(
    *,
    assessment: SelfAssessment,
    user: User,
    comment: str = "",
    round: int | None = None,
    accept_pending_evidence: bool = False,
) -> SelfAssessment:
    """``round`` is the submission the reviewer read: a newer one is not accepted blindly.
    Refused while a file is undecided, unless ``accept_pending_evidence`` accepts them with it."""
    return lifecycle.review_decide(
        assessment,
        user=user,
        approve=True,
        reason=comment,
        round=round,
        accept_pending_evidence=accept_pending_evidence,
    )


def self_assessment_return(
    *, assessment: SelfAssessment, user: User, comment: str, round: int | None = None
) -> SelfAssessment:
    """Send a submitted self-assessment back to its department with a reason; it loops back."""
    return lifecycle.review_decide(assessment, user=user, approve=False, reason=comment, round=round)


@transaction.atomic
def self_assessment_attach(
    *,
    assessment: SelfAssessment,
    user: User,
    uploads,
    narrative: str | None = None,
    scores: dict | None = None,
    version: int | None = None,
) -> list:
    """Attach evidence while the self-assessment is editable (a member of the department); with
    ``narrative``, what was typed is saved first (nothing typed is lost by an upload)."""
    if narrative is not None:
        assessment = self_assessment_save(
            assessment=assessment, user=user, narrative=narrative, scores=scores, version=version
        )
    return lifecycle.review_attach_evidence(assessment, user=user, uploads=uploads)


@transaction.atomic
def self_assessment_remove_evidence(
    *,
    assessment: SelfAssessment,
    user: User,
    evidence,
    narrative: str | None = None,
    scores: dict | None = None,
    version: int | None = None,
) -> SelfAssessment:
    if narrative is not None:
        assessment = self_assessment_save(
            assessment=assessment, user=user, narrative=narrative, scores=scores, version=version
        )
    return lifecycle.review_remove_evidence(assessment, user=user, evidence=evidence)


def self_assessment_review_evidence(
    *, assessment: SelfAssessment, user: User, evidence, accepted: bool, reason: str = ""
):
    """Accept or reject one file of a submitted self-assessment (a reason is required to reject)."""
    return lifecycle.review_decide_evidence(
        assessment, user=user, evidence=evidence, accepted=accepted, reason=reason
    )


# --- consolidation -------------------------------------------------------------------------


@dataclass
class CriterionResult:
    mean: Decimal | None
    spread: Decimal | None
    disagreement: bool
    scores: list[Decimal] = field(default_factory=list)


@dataclass
class DepartmentResult:
    department: Department
    criteria: dict[Criterion, CriterionResult]
    weighted_total: Decimal
    complete: bool


def scored_assignments(evaluation: Evaluation) -> list[EvaluatorAssignment]:
    """The evaluation's assignments with their evaluator, department and scores (two queries)."""
    return list(
        evaluation.assignments.select_related("evaluator", "department")
        .prefetch_related("scores")
        .order_by("department__position", "department__pk", "pk")
    )


def consolidate(evaluation: Evaluation, assignments: list[EvaluatorAssignment] | None = None) -> list[DepartmentResult]:
    """Per department scored: each criterion's mean over its evaluators and their spread
    (max − min), flagged when the spread exceeds the evaluation's threshold (in points of a
    100-point scale), and the weighted total Σ(mean / scale_max × weight) on a 0–100 scale.
    A criterion nobody has scored yet counts 0 and leaves the result incomplete.
    ``assignments``: ``scored_assignments(evaluation)`` when the caller has them already."""
    criteria = list(evaluation.rubric.criteria.all())
    if assignments is None:
        assignments = scored_assignments(evaluation)
    assignments = sorted(assignments, key=lambda a: (a.department.position, a.pk))
    by_department: dict[int, tuple[Department, list[EvaluatorAssignment]]] = {}
    for assignment in assignments:
        by_department.setdefault(assignment.department_id, (assignment.department, []))[1].append(assignment)

    results = []
    for department, dept_assignments in by_department.values():
        per_criterion: dict[Criterion, CriterionResult] = {}
        total = Decimal(0)
        complete = True
        for criterion in criteria:
            values = [
                s.score for a in dept_assignments for s in a.scores.all() if s.criterion_id == criterion.pk
            ]
            if len(values) < len(dept_assignments):
                complete = False
            if not values:
                per_criterion[criterion] = CriterionResult(mean=None, spread=None, disagreement=False)
                continue
            mean = sum(values, Decimal(0)) / len(values)
            spread = max(values) - min(values)
            normalised_spread = spread / criterion.scale_max * HUNDRED
            per_criterion[criterion] = CriterionResult(
                mean=_q(mean),
                spread=_q(spread),
                disagreement=normalised_spread > evaluation.spread_threshold,
                scores=values,
            )
            total += mean / criterion.scale_max * criterion.weight
        results.append(
            DepartmentResult(
                department=department, criteria=per_criterion, weighted_total=_q(total), complete=complete
            )
        )
    return results


def missing_scores(
    evaluation: Evaluation, assignments: list[EvaluatorAssignment] | None = None
) -> list[tuple[EvaluatorAssignment, Criterion]]:
    criteria = list(evaluation.rubric.criteria.all())
    missing = []
    if assignments is None:
        assignments = scored_assignments(evaluation)
    for assignment in sorted(assignments, key=lambda a: a.pk):
        scored = {s.criterion_id for s in assignment.scores.all()}
        missing.extend((assignment, c) for c in criteria if c.pk not in scored)
    return missing


def sign_off_blockers(
    evaluation: Evaluation,
    assignments: list[EvaluatorAssignment] | None = None,
    assessments: list[SelfAssessment] | None = None,
) -> list[str]:
    """Why the evaluation cannot be signed off yet (empty when it can). ``assignments``
    (``scored_assignments``) and ``assessments`` (its self-assessments with their departments):
    when the caller has them already."""
    blockers = []
    if assignments is None:
        assignments = scored_assignments(evaluation)
    if not assignments:
        blockers.append(_("No evaluator has been assigned; there is nothing to sign off."))
        return blockers
    missing = missing_scores(evaluation, assignments)
    if missing:
        items = "; ".join(f"{a.evaluator} · {a.department.name} · {c.name}" for a, c in missing)
        blockers.append(
            _("Scores are missing, so the evaluation cannot be signed off: %(items)s.") % {"items": items}
        )
    unsubmitted = [
        f"{a.evaluator} · {a.department.name}" for a in sorted(assignments, key=lambda a: a.pk) if a.submitted_at is None
    ]
    if unsubmitted and not missing:
        blockers.append(
            _("These evaluators have not submitted their scores: %(items)s.")
            % {"items": "; ".join(unsubmitted)}
        )
    if assessments is None:
        waiting = list(
            evaluation.self_assessments.filter(status=SelfAssessment.Status.SUBMITTED).values_list(
                "department__name", flat=True
            )
        )
    else:
        waiting = [a.department.name for a in sorted(assessments, key=lambda a: a.pk) if a.status == SelfAssessment.Status.SUBMITTED]
    if waiting:
        blockers.append(
            _("Accept or return these submitted self-assessments first: %(items)s.")
            % {"items": "、".join(waiting)}
        )
    return blockers


def sign_off(*, evaluation: Evaluation, user: User, conclusion: str = "") -> Evaluation:
    """The lead (or a supervisor) signs the consolidated result off; the evaluation is then locked."""
    evaluation_flow = _flows()[0]
    with LockedProcess(evaluation, evaluation_flow) as process:
        _lock_open_self_assessments(evaluation)
        evaluation = _locked_evaluation(evaluation)
        _require_manager(user, evaluation)
        _require_unlocked(evaluation)
        blockers = sign_off_blockers(evaluation)
        if blockers:
            raise ValidationError(blockers)
        previous = evaluation.status
        evaluation.status = Evaluation.Status.SIGNED_OFF
        evaluation.signed_off_by = user
        evaluation.signed_off_at = timezone.now()
        evaluation.conclusion = conclusion.strip()
        evaluation.save(update_fields=["status", "signed_off_by", "signed_off_at", "conclusion"])
        audit_record(
            subject=evaluation,
            actor=user,
            action="sign_off",
            from_state=previous,
            to_state=evaluation.status,
            comment=evaluation.conclusion,
            data={"totals": {r.department.name: str(r.weighted_total) for r in consolidate(evaluation)}},
        )
        complete_task(process, evaluation_flow.sign_off, user)
    return evaluation


def _lock_open_self_assessments(evaluation: Evaluation) -> None:
    """Lock the processes of the self-assessments still open before the evaluation's row: a
    submission takes its process first and the evaluation's row after (``SelfAssessmentKind.lock``),
    so a sign-off taking them the other way round would deadlock with it. A submission in progress
    finishes first (and the sign-off then waits for its decision), or waits and finds the
    evaluation locked."""
    assessment_flow = _flows()[1]
    list(
        Process.objects.select_for_update()
        .filter(
            flow_class=assessment_flow,
            artifact_content_type=ContentType.objects.get_for_model(SelfAssessment),
            artifact_object_id__in=list(evaluation.self_assessments.values_list("pk", flat=True)),
            status=PROCESS.NEW,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def evaluation_apply_lock(*, evaluation: Evaluation) -> None:
    """The flow's last step: close the child processes still open (self-assessments never
    submitted or returned and not resubmitted); they can no longer change anything."""
    evaluation_flow, assessment_flow, scoring_flow = _flows()
    for model, flow_class, ids in [
        (SelfAssessment, assessment_flow, evaluation.self_assessments.values_list("pk", flat=True)),
        (EvaluatorAssignment, scoring_flow, evaluation.assignments.values_list("pk", flat=True)),
    ]:
        for process in Process.objects.filter(
            flow_class=flow_class,
            artifact_content_type=ContentType.objects.get_for_model(model),
            artifact_object_id__in=list(ids),
            status=PROCESS.NEW,
        ):
            _cancel(process)


# --- scorecards ----------------------------------------------------------------------------


@dataclass
class ScorecardRow:
    rank: int
    department: Department
    weighted_total: Decimal
    means: list[Decimal | None]
    disagreements: list[bool]
    complete: bool


def department_scorecards(
    evaluation: Evaluation, results: list[DepartmentResult] | None = None
) -> list[ScorecardRow]:
    """Departments ranked by weighted total, highest first (equal totals share a rank);
    ``results`` is ``consolidate(evaluation)`` when the caller already has it."""
    criteria = list(evaluation.rubric.criteria.all())
    results = sorted(
        consolidate(evaluation) if results is None else results,
        key=lambda r: (-r.weighted_total, r.department.position, r.department.pk),
    )
    rows: list[ScorecardRow] = []
    for index, result in enumerate(results, start=1):
        rank = rows[-1].rank if rows and rows[-1].weighted_total == result.weighted_total else index
        rows.append(
            ScorecardRow(
                rank=rank,
                department=result.department,
                weighted_total=result.weighted_total,
                means=[result.criteria[c].mean for c in criteria],
                disagreements=[result.criteria[c].disagreement for c in criteria],
                complete=result.complete,
            )
        )
    return rows


def scorecards_xlsx(evaluation: Evaluation) -> bytes:
    """The ranking as an Excel workbook: rank, department, weighted total, one column per criterion."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from common.exports import neutralise_sheet

    criteria = list(evaluation.rubric.criteria.all())
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Scorecards"))[:31]
    sheet.append([evaluation.title])
    sheet["A1"].font = Font(bold=True, size=14)
    header = [_("Rank"), _("Department"), _("Weighted total")] + [
        _("%(name)s (weight %(weight)s %%)") % {"name": c.name, "weight": _plain(c.weight)} for c in criteria
    ]
    sheet.append([str(h) for h in header])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    highlight = PatternFill("solid", fgColor="FFF2CC")
    for row in department_scorecards(evaluation):
        sheet.append(
            [row.rank, row.department.name, float(row.weighted_total)]
            + [None if m is None else float(m) for m in row.means]
        )
        for offset, disagreement in enumerate(row.disagreements):
            if disagreement:
                sheet.cell(row=sheet.max_row, column=4 + offset).fill = highlight
    sheet.column_dimensions["B"].width = 30
    for column in range(3, 4 + len(criteria)):
        sheet.column_dimensions[sheet.cell(row=2, column=column).column_letter].width = 18
    neutralise_sheet(sheet)  # stored text that looks like a formula stays text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
