"""The demo's mid-term evaluation: finished through the services, ranked, and in the final report."""

import io
import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from audit.models import AuditEntry
from demo.evaluation import SECOND_EVALUATOR, TITLE, seed_demo_evaluation
from demo.plan import seed_demo, seed_demo_activity
from evaluation.models import Evaluation, EvaluatorAssignment, SelfAssessment
from evaluation.report import render_final_report
from evaluation.services import consolidate, department_scorecards, participating_departments


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo plan with its activity (the evaluation included), seeded and rendered once for the
    module, the way tests/evaluation/test_report.py does it (seeding takes seconds)."""
    with django_db_blocker.unblock():
        plan = seed_demo().plan
        seed_demo_activity(plan)
        evaluation = Evaluation.objects.get(plan=plan)
        with translation.override("zh-hans"):
            result = {
                "plan": plan,
                "evaluation": evaluation,
                "departments": participating_departments(plan),
                "scorecards": department_scorecards(evaluation),
                "consolidated": consolidate(evaluation),
                "final": render_final_report(plan),
                "again": seed_demo_evaluation(plan),
                "evaluations": Evaluation.objects.filter(plan=plan).count(),
                "assessments": list(
                    SelfAssessment.objects.filter(evaluation=evaluation).select_related("department")
                ),
                "assignments": list(
                    EvaluatorAssignment.objects.filter(evaluation=evaluation).select_related(
                        "evaluator", "department"
                    )
                ),
            }
            result["returned"] = [
                a
                for a in result["assessments"]
                if AuditEntry.objects.for_object(a).filter(action="return").exists()
            ]
        yield result
        # The module's data is left to the session database's teardown (seed_demo is idempotent).


def test_the_demo_evaluation_is_a_signed_off_mid_term_evaluation(demo):
    evaluation = demo["evaluation"]
    assert evaluation.title == TITLE
    assert evaluation.kind == Evaluation.Kind.MID_TERM
    assert evaluation.status == Evaluation.Status.SIGNED_OFF
    assert evaluation.signed_off_by.username == "supervisor"
    assert evaluation.conclusion
    # Idempotent: a second run adds nothing.
    assert demo["again"] == {}
    assert demo["evaluations"] == 1


def test_every_department_has_an_accepted_self_assessment_and_one_was_returned_once(demo):
    departments = {d.pk for d in demo["departments"]}
    assert len(departments) >= 10
    assessments = demo["assessments"]
    assert {a.department_id for a in assessments} == departments
    assert all(a.status == SelfAssessment.Status.ACCEPTED for a in assessments)
    assert all(a.narrative for a in assessments)
    assert len({a.narrative for a in assessments}) == len(assessments)  # varied per department
    assert len(demo["returned"]) == 1
    returned = demo["returned"][0]
    assert returned.round == 2
    entry = AuditEntry.objects.for_object(returned).get(action="return")
    assert entry.comment == "请补充佐证材料"
    actions = list(AuditEntry.objects.for_object(returned).values_list("action", flat=True))
    # Draft saves are not transitions: the trail holds the lifecycle's steps.
    assert actions[actions.index("return") :] == ["return", "submit", "accept"]


def test_two_evaluators_scored_every_department(demo):
    departments = {d.pk for d in demo["departments"]}
    assignments = demo["assignments"]
    assert len(assignments) == 2 * len(departments)
    assert {a.evaluator.username for a in assignments} == {"evaluator", SECOND_EVALUATOR[0]}
    assert all(a.is_submitted and a.conclusion for a in assignments)


def test_the_ranking_is_meaningful_and_the_evaluators_disagree_somewhere(demo):
    rows = demo["scorecards"]
    assert {r.department.pk for r in rows} == {d.pk for d in demo["departments"]}
    assert all(r.complete and 0 <= r.weighted_total <= 100 for r in rows)
    totals = [r.weighted_total for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert len(set(totals)) > 1
    assert rows[0].rank == 1
    assert any(
        result.disagreement for department in demo["consolidated"] for result in department.criteria.values()
    )


def test_the_final_report_holds_the_evaluation(demo):
    text = text_of(demo["final"])
    assert re.sub(r"\s+", "", TITLE) in text
    assert SECOND_EVALUATOR[1] in text
    top = demo["scorecards"][0].department
    assert top.name in text or top.short_name in text
