"""Evaluation services: rubric, evaluator assignment, scoring, consolidation and sign-off.

Each write service is atomic, checks who may act, refuses once the evaluation is signed off
(locked), and writes the audit trail. Views, commands and the demo seeding call these.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
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

HUNDRED = Decimal(100)
CENT = Decimal("0.01")

DEFAULT_CRITERIA = (
    # name (Chinese, the rubric's own text), weight in %
    ("完成情况", Decimal(40)),
    ("质量效果", Decimal(30)),
    ("佐证材料", Decimal(15)),
    ("经费执行", Decimal(15)),
)


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    """40.00 → "40", 12.50 → "12.5" (no exponent)."""
    return format(value.normalize(), "f")


# --- rubric --------------------------------------------------------------------------------


@transaction.atomic
def rubric_default(plan: Plan, *, user: User | None = None) -> ScoringRubric:
    """The default rubric: completion 40, quality and effect 30, evidence 15, funding execution 15."""
    rubric = ScoringRubric.objects.create(plan=plan, name="评估评分标准")
    for position, (name, weight) in enumerate(DEFAULT_CRITERIA):
        Criterion.objects.create(rubric=rubric, name=name, weight=weight, scale_max=100, position=position)
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


# --- access --------------------------------------------------------------------------------


def can_manage(user: User, evaluation: Evaluation) -> bool:
    """The evaluation lead, or whoever may sign off any evaluation (supervisors)."""
    return user.is_authenticated and (evaluation.lead_id == user.pk or user.has_perm("evaluation.sign_off"))


def _require_manager(user: User, evaluation: Evaluation) -> None:
    if not can_manage(user, evaluation):
        raise PermissionDenied


def _require_unlocked(evaluation: Evaluation) -> None:
    if evaluation.is_locked:
        raise ValidationError(_("This evaluation has been signed off and is locked; nothing can be changed."))


def _locked_evaluation(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().get(pk=evaluation.pk)


# --- evaluations and evaluators ------------------------------------------------------------


@transaction.atomic
def evaluation_create(
    *, plan: Plan, kind: str, title: str, lead: User, user: User, rubric: ScoringRubric | None = None
) -> Evaluation:
    if not (user.has_perm("evaluation.sign_off") or user.has_perm("evaluation.add_evaluation")):
        raise PermissionDenied
    if rubric is None:
        rubric = rubric_default(plan, user=user)
    elif rubric.plan_id != plan.pk:
        raise ValidationError(_("The scoring rubric belongs to another plan."))
    rubric_validate(rubric)
    evaluation = Evaluation.objects.create(plan=plan, rubric=rubric, kind=kind, title=title, lead=lead)
    audit_record(subject=evaluation, actor=user, action="create", to_state=evaluation.status, comment=title)
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
    if is_department_member(evaluator, department):
        raise ValidationError(
            _("%(evaluator)s belongs to %(department)s and may not evaluate it (conflict of interest).")
            % {"evaluator": str(evaluator), "department": department.name}
        )
    assignment, created = EvaluatorAssignment.objects.get_or_create(
        evaluation=evaluation, evaluator=evaluator, department=department
    )
    if created:
        audit_record(
            subject=evaluation,
            actor=user,
            action="assign_evaluator",
            comment=f"{evaluator.username} · {department.name}",
            data={"assignment": assignment.pk, "evaluator": evaluator.pk, "department": department.pk},
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
def score_record(
    *, assignment: EvaluatorAssignment, criterion: Criterion, score, comment: str = "", user: User
) -> EvaluatorScore:
    """Record (or correct) one evaluator's score for one criterion."""
    assignment = EvaluatorAssignment.objects.select_related("evaluation").get(pk=assignment.pk)
    evaluation = _locked_evaluation(assignment.evaluation)
    if not user.is_authenticated or assignment.evaluator_id != user.pk:
        raise PermissionDenied
    _require_unlocked(evaluation)
    if criterion.rubric_id != evaluation.rubric_id:
        raise ValidationError(_("This criterion is not part of the evaluation's rubric."))
    try:
        value = Decimal(str(score))
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > criterion.scale_max:
        raise ValidationError(
            _("The score for “%(criterion)s” must be between 0 and %(max)s; “%(score)s” is not.")
            % {"criterion": criterion.name, "max": criterion.scale_max, "score": score}
        )
    if value != _q(value):
        raise ValidationError(_("Scores may have at most two decimal places."))
    record, created = EvaluatorScore.objects.update_or_create(
        assignment=assignment, criterion=criterion, defaults={"score": value, "comment": comment}
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


# --- self-assessment -----------------------------------------------------------------------


def _require_member(user: User, department: Department) -> None:
    if not user.is_authenticated or not is_department_member(user, department):
        raise PermissionDenied


@transaction.atomic
def self_assessment_save(
    *, evaluation: Evaluation, department: Department, user: User, narrative: str, scores: dict | None = None
) -> SelfAssessment:
    """A department's self-assessment: narrative and a score and comment per criterion
    (``scores`` maps a criterion to ``(score, comment)``). Editable while draft or returned."""
    evaluation = _locked_evaluation(evaluation)
    _require_member(user, department)
    _require_unlocked(evaluation)
    assessment, _created = SelfAssessment.objects.select_for_update().get_or_create(
        evaluation=evaluation, department=department
    )
    if assessment.status == SelfAssessment.Status.SUBMITTED:
        raise ValidationError(_("This self-assessment has been submitted and can no longer be changed."))
    assessment.narrative = narrative
    assessment.save(update_fields=["narrative"])
    for criterion, (score, comment) in (scores or {}).items():
        if criterion.rubric_id != evaluation.rubric_id:
            raise ValidationError(_("This criterion is not part of the evaluation's rubric."))
        value = Decimal(str(score))
        if value < 0 or value > criterion.scale_max:
            raise ValidationError(
                _("The score for “%(criterion)s” must be between 0 and %(max)s; “%(score)s” is not.")
                % {"criterion": criterion.name, "max": criterion.scale_max, "score": score}
            )
        SelfScore.objects.update_or_create(
            self_assessment=assessment, criterion=criterion, defaults={"score": value, "comment": comment}
        )
    audit_record(subject=assessment, actor=user, action="save", to_state=assessment.status)
    return assessment


@transaction.atomic
def self_assessment_submit(*, assessment: SelfAssessment, user: User) -> SelfAssessment:
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    _locked_evaluation(assessment.evaluation)
    _require_member(user, assessment.department)
    _require_unlocked(assessment.evaluation)
    if assessment.status == SelfAssessment.Status.SUBMITTED:
        raise ValidationError(_("This self-assessment has already been submitted."))
    previous = assessment.status
    assessment.status = SelfAssessment.Status.SUBMITTED
    assessment.save(update_fields=["status"])
    audit_record(
        subject=assessment, actor=user, action="submit", from_state=previous, to_state=assessment.status
    )
    return assessment


@transaction.atomic
def self_assessment_return(*, assessment: SelfAssessment, user: User, comment: str) -> SelfAssessment:
    """Send a submitted self-assessment back to its department with a reason."""
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    evaluation = _locked_evaluation(assessment.evaluation)
    _require_manager(user, evaluation)
    _require_unlocked(evaluation)
    if assessment.status != SelfAssessment.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted self-assessment can be returned."))
    if not comment.strip():
        raise ValidationError(_("Say why the self-assessment is returned."))
    assessment.status = SelfAssessment.Status.RETURNED
    assessment.save(update_fields=["status"])
    audit_record(
        subject=assessment,
        actor=user,
        action="return",
        from_state=SelfAssessment.Status.SUBMITTED,
        to_state=assessment.status,
        comment=comment,
    )
    return assessment


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


def consolidate(evaluation: Evaluation) -> list[DepartmentResult]:
    """Per department scored: each criterion's mean over its evaluators and their spread
    (max − min), flagged when the spread exceeds the evaluation's threshold (in points of a
    100-point scale), and the weighted total Σ(mean / scale_max × weight) on a 0–100 scale.
    A criterion nobody has scored yet counts 0 and leaves the result incomplete."""
    criteria = list(evaluation.rubric.criteria.all())
    assignments = list(
        evaluation.assignments.select_related("department")
        .prefetch_related("scores")
        .order_by("department__position", "pk")
    )
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


def missing_scores(evaluation: Evaluation) -> list[tuple[EvaluatorAssignment, Criterion]]:
    criteria = list(evaluation.rubric.criteria.all())
    missing = []
    for assignment in (
        evaluation.assignments.select_related("evaluator", "department")
        .prefetch_related("scores")
        .order_by("pk")
    ):
        scored = {s.criterion_id for s in assignment.scores.all()}
        missing.extend((assignment, c) for c in criteria if c.pk not in scored)
    return missing


@transaction.atomic
def sign_off(*, evaluation: Evaluation, user: User) -> Evaluation:
    """The lead (or a supervisor) signs the consolidated result off; the evaluation is then locked."""
    evaluation = _locked_evaluation(evaluation)
    _require_manager(user, evaluation)
    _require_unlocked(evaluation)
    if not evaluation.assignments.exists():
        raise ValidationError(_("No evaluator has been assigned; there is nothing to sign off."))
    missing = missing_scores(evaluation)
    if missing:
        items = "; ".join(f"{str(a.evaluator)} · {a.department.name} · {c.name}" for a, c in missing)
        raise ValidationError(
            _("Scores are missing, so the evaluation cannot be signed off: %(items)s.") % {"items": items}
        )
    previous = evaluation.status
    evaluation.status = Evaluation.Status.SIGNED_OFF
    evaluation.signed_off_by = user
    evaluation.signed_off_at = timezone.now()
    evaluation.save(update_fields=["status", "signed_off_by", "signed_off_at"])
    audit_record(
        subject=evaluation,
        actor=user,
        action="sign_off",
        from_state=previous,
        to_state=evaluation.status,
        data={"totals": {r.department.name: str(r.weighted_total) for r in consolidate(evaluation)}},
    )
    return evaluation


# --- scorecards ----------------------------------------------------------------------------


@dataclass
class ScorecardRow:
    rank: int
    department: Department
    weighted_total: Decimal
    means: list[Decimal | None]
    disagreements: list[bool]
    complete: bool


def department_scorecards(evaluation: Evaluation) -> list[ScorecardRow]:
    """Departments ranked by weighted total, highest first (equal totals share a rank)."""
    criteria = list(evaluation.rubric.criteria.all())
    results = sorted(
        consolidate(evaluation), key=lambda r: (-r.weighted_total, r.department.position, r.department.pk)
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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
