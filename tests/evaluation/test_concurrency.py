"""Races on PostgreSQL: two people acting on the same evaluation at the same moment.

Needs PostgreSQL (row locks); skipped on SQLite, which serialises writers on its own.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from evaluation import generation, services
from evaluation.models import Evaluation, GeneratedReport, SelfAssessment
from tests.concurrency import race
from tests.factories import make_supervisor

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def evaluation(plan, supervisor, liaison_a, task_a):
    return services.evaluation_create(
        plan=plan, kind="mid_term", title="中期评估", lead=supervisor, user=supervisor
    )


def test_two_report_requests_at_once_get_consecutive_versions(evaluation, supervisor, monkeypatch):
    monkeypatch.setattr(generation, "_enqueue", lambda pk: None)  # the versions are the point, not the PDFs
    other = make_supervisor("supervisor-2")
    outcomes = race(
        lambda: generation.report_request(plan=evaluation.plan, kind="final", user=supervisor).version,
        lambda: generation.report_request(plan=evaluation.plan, kind="final", user=other).version,
    )
    assert sorted(outcomes) == [1, 2], outcomes
    assert GeneratedReport.objects.count() == 2


def test_accepting_and_returning_a_self_assessment_at_once_leaves_one_decision(
    evaluation, supervisor, liaison_a, dept_a
):
    other = make_supervisor("supervisor-2")
    assessment = evaluation.self_assessments.get(department=dept_a)
    services.self_assessment_save(
        assessment=assessment,
        user=liaison_a,
        narrative="说明",
        scores={c: (80, "") for c in evaluation.rubric.criteria.all()},
    )
    services.self_assessment_submit(assessment=assessment, user=liaison_a)
    outcomes = race(
        lambda: services.self_assessment_accept(assessment=assessment, user=supervisor),
        lambda: services.self_assessment_return(assessment=assessment, user=other, comment="请补充"),
    )
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1, outcomes
    assert any(isinstance(o, ValidationError) for o in outcomes), outcomes
    assessment.refresh_from_db()
    assert assessment.status in {SelfAssessment.Status.ACCEPTED, SelfAssessment.Status.RETURNED}


def _ready(assessment, user):
    services.self_assessment_save(
        assessment=assessment,
        user=user,
        narrative="说明",
        scores={c: (80, "") for c in assessment.evaluation.rubric.criteria.all()},
    )


def test_two_liaisons_submitting_at_once_submit_once(evaluation, liaison_a, dept_a):
    from audit.models import AuditEntry
    from tests.factories import make_liaison

    other = make_liaison(dept_a, "liaison-a2")
    assessment = evaluation.self_assessments.get(department=dept_a)
    _ready(assessment, liaison_a)
    outcomes = race(
        lambda: services.self_assessment_submit(assessment=assessment, user=liaison_a),
        lambda: services.self_assessment_submit(assessment=assessment, user=other),
    )
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1, outcomes
    assert any(isinstance(o, ValidationError) for o in outcomes), outcomes
    assessment.refresh_from_db()
    assert (assessment.status, assessment.round) == (SelfAssessment.Status.SUBMITTED, 1)
    assert AuditEntry.objects.for_object(assessment).filter(action="submit").count() == 1


def test_a_stale_save_racing_a_save_is_refused(evaluation, liaison_a, dept_a):
    from tests.factories import make_liaison

    other = make_liaison(dept_a, "liaison-a2")
    assessment = evaluation.self_assessments.get(department=dept_a)
    loaded = assessment.version  # both opened the same page
    outcomes = race(
        lambda: services.self_assessment_save(assessment=assessment, user=liaison_a, narrative="甲", version=loaded),
        lambda: services.self_assessment_save(assessment=assessment, user=other, narrative="乙", version=loaded),
    )
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1, outcomes
    assessment.refresh_from_db()
    assert assessment.version == loaded + 1 and assessment.narrative in {"甲", "乙"}


def test_submitting_while_the_lead_signs_off_never_leaves_a_submission_in_a_locked_evaluation(
    evaluation, supervisor, evaluator, liaison_a, dept_a
):
    assignment = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
    )
    services.scores_save(
        assignment=assignment,
        user=evaluator,
        scores={c: (75, "") for c in evaluation.rubric.criteria.all()},
        conclusion="好",
        submit=True,
    )
    assessment = evaluation.self_assessments.get(department=dept_a)
    _ready(assessment, liaison_a)
    outcomes = race(
        lambda: services.self_assessment_submit(assessment=assessment, user=liaison_a),
        lambda: services.sign_off(evaluation=evaluation, user=supervisor),
    )
    # Either the submission came first (and the sign-off waits for its decision) or the sign-off
    # did (and the self-assessment is closed); never both, never a database error.
    assert all(o == "ok" or isinstance(o, (SelfAssessment, Evaluation, ValidationError)) for o in outcomes), outcomes
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1, outcomes
    assessment.refresh_from_db()
    evaluation.refresh_from_db()
    assert (assessment.status == SelfAssessment.Status.SUBMITTED) != evaluation.is_locked


def test_two_sign_offs_at_once_sign_once(evaluation, supervisor, evaluator, dept_a):
    other = make_supervisor("supervisor-2")
    assignment = services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
    )
    services.scores_save(
        assignment=assignment,
        user=evaluator,
        scores={c: (75, "") for c in evaluation.rubric.criteria.all()},
        conclusion="好",
        submit=True,
    )
    outcomes = race(
        lambda: services.sign_off(evaluation=evaluation, user=supervisor),
        lambda: services.sign_off(evaluation=evaluation, user=other),
    )
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1, outcomes
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SIGNED_OFF
    from audit.models import AuditEntry

    assert AuditEntry.objects.for_object(evaluation).filter(action="sign_off").count() == 1
