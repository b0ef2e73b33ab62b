"""Evaluation scoring: rubric weights, consolidation and spread, conflict of interest, lock, ranking."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from audit.models import AuditEntry
from evaluation import services
from evaluation.models import Criterion, Evaluation, EvaluatorScore, ScoringRubric, SelfAssessment
from tasks.models import Membership
from tests.factories import MembershipFactory, make_evaluator


@pytest.fixture
def evaluation(plan, supervisor, task_a, task_b_only):
    return services.evaluation_create(
        plan=plan, kind=Evaluation.Kind.MID_TERM, title="中期评估", lead=supervisor, user=supervisor
    )


@pytest.fixture
def criteria(evaluation):
    return list(evaluation.rubric.criteria.all())


@pytest.fixture
def evaluator2(db):
    return make_evaluator("evaluator-2")


def score_all(assignment, criteria, scores, user):
    for criterion, score in zip(criteria, scores, strict=True):
        services.score_record(assignment=assignment, criterion=criterion, score=score, comment="", user=user)


def submit_scores(assignment, criteria, scores, user, conclusion="总体较好"):
    services.scores_save(
        assignment=assignment,
        user=user,
        scores={c: (score, "") for c, score in zip(criteria, scores, strict=True)},
        conclusion=conclusion,
        submit=True,
    )


def test_default_rubric_weights(evaluation, criteria):
    assert [(c.name, c.weight, c.scale_max) for c in criteria] == [
        ("完成情况", Decimal(40), 100),
        ("质量效果", Decimal(30), 100),
        ("佐证材料", Decimal(15), 100),
        ("经费执行", Decimal(15), 100),
    ]
    services.rubric_validate(evaluation.rubric)


def test_weights_not_summing_to_100_refused(plan, supervisor):
    rubric = ScoringRubric.objects.create(plan=plan, name="自定义")
    Criterion.objects.create(rubric=rubric, name="完成情况", weight=Decimal(60))
    Criterion.objects.create(rubric=rubric, name="质量效果", weight=Decimal(30))
    with pytest.raises(ValidationError, match="100"):
        services.rubric_validate(rubric)
    with pytest.raises(ValidationError, match="90"):
        services.evaluation_create(
            plan=plan, kind="final", title="终期评估", lead=supervisor, user=supervisor, rubric=rubric
        )
    assert not Evaluation.objects.filter(title="终期评估").exists()


def test_means_spread_and_weighted_total(evaluation, criteria, supervisor, evaluator, evaluator2, dept_a):
    first = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
    )
    second = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator2, department=dept_a, user=supervisor
    )
    score_all(first, criteria, [80, 90, 60, "70.5"], evaluator)
    score_all(second, criteria, [90, 70, 75, "70.5"], evaluator2)

    [result] = services.consolidate(evaluation)
    completion, quality, evidence, funding = (result.criteria[c] for c in criteria)
    assert (
        completion.mean == Decimal("85.00")
        and completion.spread == Decimal(10)
        and not completion.disagreement
    )
    assert quality.mean == Decimal("80.00") and quality.spread == Decimal(20) and quality.disagreement
    assert evidence.spread == Decimal(15) and not evidence.disagreement  # exactly the threshold: not above it
    assert funding.mean == Decimal("70.50")
    # 85×0.40 + 80×0.30 + 67.5×0.15 + 70.5×0.15 = 34 + 24 + 10.125 + 10.575
    assert result.weighted_total == Decimal("78.70")
    assert result.complete


def test_weighted_total_with_other_scales(plan, supervisor, evaluator, dept_a):
    rubric = ScoringRubric.objects.create(plan=plan, name="十分制")
    c1 = Criterion.objects.create(
        rubric=rubric, name="完成情况", weight=Decimal(70), scale_max=10, position=0
    )
    c2 = Criterion.objects.create(rubric=rubric, name="佐证材料", weight=Decimal(30), scale_max=5, position=1)
    evaluation = services.evaluation_create(
        plan=plan, kind="final", title="终期评估", lead=supervisor, user=supervisor, rubric=rubric
    )
    assignment = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
    )
    score_all(assignment, [c1, c2], ["8.5", 3], evaluator)
    [result] = services.consolidate(evaluation)
    assert result.weighted_total == Decimal("77.50")  # 8.5/10×70 + 3/5×30 = 59.5 + 18


def test_spread_threshold_is_per_evaluation(evaluation, criteria, supervisor, evaluator, evaluator2, dept_a):
    evaluation.spread_threshold = Decimal(5)
    evaluation.save()
    first = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
    )
    second = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator2, department=dept_a, user=supervisor
    )
    services.score_record(assignment=first, criterion=criteria[0], score=80, comment="", user=evaluator)
    services.score_record(assignment=second, criterion=criteria[0], score=86, comment="", user=evaluator2)
    [result] = services.consolidate(evaluation)
    assert result.criteria[criteria[0]].disagreement
    assert not result.complete


def test_conflict_of_interest_refused(evaluation, supervisor, evaluator, dept_a, dept_b):
    # An expert who is also on the staff of dept_a (a member of it) may not score it.
    MembershipFactory(user=evaluator, department=dept_a, role=Membership.Role.HEAD)
    with pytest.raises(ValidationError, match="conflict of interest|利益冲突"):
        services.evaluator_assign(
            evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
        )
    assert not evaluation.assignments.exists()
    # Another department is fine.
    services.evaluator_assign(evaluation=evaluation, evaluator=evaluator, department=dept_b, user=supervisor)


def test_only_evaluators_are_assigned(evaluation, supervisor, liaison_a, dept_b):
    with pytest.raises(ValidationError, match="not an evaluator|不是评估专家"):
        services.evaluator_assign(
            evaluation=evaluation, evaluator=liaison_a, department=dept_b, user=supervisor
        )
    assert not evaluation.assignments.exists()


def test_only_lead_or_supervisor_assigns(evaluation, evaluator, outsider, dept_a):
    with pytest.raises(PermissionDenied):
        services.evaluator_assign(
            evaluation=evaluation, evaluator=evaluator, department=dept_a, user=outsider
        )


def test_score_out_of_scale_refused(evaluation, criteria, supervisor, evaluator, dept_a):
    assignment = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
    )
    for bad in (101, -1, "abc"):
        with pytest.raises(ValidationError, match="100"):
            services.score_record(
                assignment=assignment, criterion=criteria[0], score=bad, comment="", user=evaluator
            )
    assert not EvaluatorScore.objects.exists()
    services.score_record(assignment=assignment, criterion=criteria[0], score=100, comment="", user=evaluator)
    assert EvaluatorScore.objects.get().score == Decimal(100)


def test_non_assigned_evaluator_cannot_score(evaluation, criteria, supervisor, evaluator, evaluator2, dept_a):
    assignment = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
    )
    for intruder in (evaluator2, supervisor):
        with pytest.raises(PermissionDenied):
            services.score_record(
                assignment=assignment, criterion=criteria[0], score=50, comment="", user=intruder
            )
    assert not EvaluatorScore.objects.exists()


def test_sign_off_with_missing_scores_refused(evaluation, criteria, supervisor, evaluator, dept_a):
    assignment = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
    )
    score_all(assignment, criteria[:2], [80, 80], evaluator)
    with pytest.raises(ValidationError) as excinfo:
        services.sign_off(evaluation=evaluation, user=supervisor)
    message = " ".join(excinfo.value.messages)
    assert "佐证材料" in message and "经费执行" in message and dept_a.name in message
    assert "完成情况" not in message
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SCORING


def test_lock_after_sign_off(evaluation, criteria, supervisor, evaluator, evaluator2, dept_a, dept_b):
    assignment = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
    )
    submit_scores(assignment, criteria, [80, 80, 80, 80], evaluator)
    with pytest.raises(PermissionDenied):
        services.sign_off(evaluation=evaluation, user=evaluator)  # neither lead nor supervisor
    services.sign_off(evaluation=evaluation, user=supervisor)
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SIGNED_OFF
    assert evaluation.signed_off_by == supervisor and evaluation.signed_off_at

    with pytest.raises(ValidationError, match="locked|锁定"):
        services.score_record(
            assignment=assignment, criterion=criteria[0], score=10, comment="", user=evaluator
        )
    with pytest.raises(ValidationError, match="locked|锁定"):
        services.evaluator_assign(
            evaluation=evaluation, evaluator=evaluator2, department=dept_b, user=supervisor
        )
    with pytest.raises(ValidationError, match="locked|锁定"):
        services.sign_off(evaluation=evaluation, user=supervisor)
    assert EvaluatorScore.objects.get(criterion=criteria[0]).score == Decimal(80)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"create", "assign_evaluator", "score", "sign_off"} <= actions


def test_lead_signs_off_without_permission(plan, supervisor, evaluator, dept_a):
    lead = make_evaluator("lead")
    evaluation = services.evaluation_create(
        plan=plan, kind="final", title="终期评估", lead=lead, user=supervisor
    )
    assignment = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=lead
    )
    submit_scores(assignment, evaluation.rubric.criteria.all(), [60, 60, 60, 60], evaluator)
    services.sign_off(evaluation=evaluation, user=lead)
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SIGNED_OFF


def test_supervisor_role_has_sign_off_permission(supervisor, evaluator):
    assert supervisor.has_perm("evaluation.sign_off")
    assert not evaluator.has_perm("evaluation.sign_off")


def test_ranking_and_xlsx(evaluation, criteria, supervisor, evaluator, evaluator2, dept_a, dept_b):
    a = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
    )
    b = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator2, department=dept_b, user=supervisor
    )
    score_all(a, criteria, [70, 70, 70, 70], evaluator)
    score_all(b, criteria, [90, 90, 90, 90], evaluator2)

    rows = services.department_scorecards(evaluation)
    assert [(r.rank, r.department, r.weighted_total) for r in rows] == [
        (1, dept_b, Decimal("90.00")),
        (2, dept_a, Decimal("70.00")),
    ]
    assert rows[0].means == [Decimal("90.00")] * 4

    workbook = load_workbook(io.BytesIO(services.scorecards_xlsx(evaluation)))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "中期评估"
    assert "完成情况" in values[1][3]
    assert values[2][:4] == (1, dept_b.name, 90, 90)
    assert values[3][:3] == (2, dept_a.name, 70)


def test_equal_totals_share_a_rank(evaluation, criteria, supervisor, evaluator, evaluator2, dept_a, dept_b):
    a = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
    )
    b = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator2, department=dept_b, user=supervisor
    )
    score_all(a, criteria, [80, 80, 80, 80], evaluator)
    score_all(b, criteria, [80, 80, 80, 80], evaluator2)
    assert [r.rank for r in services.department_scorecards(evaluation)] == [1, 1]


def test_self_assessment_submit_and_return(evaluation, criteria, supervisor, liaison_a, liaison_b, dept_a):
    assessment = evaluation.self_assessments.get(department=dept_a)
    with pytest.raises(PermissionDenied):
        services.self_assessment_save(assessment=assessment, user=liaison_b, narrative="x")
    services.self_assessment_save(
        assessment=assessment, user=liaison_a, narrative="按期完成", scores={criteria[0]: (90, "已完成")}
    )
    with pytest.raises(ValidationError, match="经费执行"):  # not every criterion scored
        services.self_assessment_submit(assessment=assessment, user=liaison_a)
    services.self_assessment_save(
        assessment=assessment,
        user=liaison_a,
        narrative="按期完成",
        scores={c: (90, "") for c in criteria},
    )
    services.self_assessment_submit(assessment=assessment, user=liaison_a)
    with pytest.raises(ValidationError):
        services.self_assessment_save(assessment=assessment, user=liaison_a, narrative="改")
    with pytest.raises(ValidationError):  # a reason is required
        services.self_assessment_return(assessment=assessment, user=supervisor, comment=" ")
    services.self_assessment_return(assessment=assessment, user=supervisor, comment="请补充佐证")
    assessment = services.self_assessment_save(assessment=assessment, user=liaison_a, narrative="已补充")
    assert assessment.status == SelfAssessment.Status.RETURNED
    assert assessment.scores.get(criterion=criteria[0]).score == Decimal(90)
