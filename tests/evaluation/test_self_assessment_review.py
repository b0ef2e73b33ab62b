"""Self-assessments on the one review lifecycle (workflows.lifecycle): submit → return with a
reason → resubmit → accept, through the pages and the services; the viewflow process ends, the
right people are told, and acceptance waits for the files' decision."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from viewflow.workflow.status import PROCESS

from evaluation import services
from evaluation.models import Evaluation, SelfAssessment
from evidence.models import Evidence
from evidence.services import evidence_for
from notifications.models import Notification
from tests.factories import MembershipFactory, make_user
from workflows.engine import process_of
from workflows.evaluation.flows import SelfAssessmentFlow

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(media_root):
    return media_root


@pytest.fixture
def evaluation(plan, supervisor, task_a):
    return services.evaluation_create(
        plan=plan, kind=Evaluation.Kind.MID_TERM, title="中期评估", lead=supervisor, user=supervisor
    )


@pytest.fixture
def head_a(dept_a):
    from tasks.models import Membership

    head = make_user("liaison", "head-a")
    MembershipFactory(user=head, department=dept_a, role=Membership.Role.HEAD)
    return head


def _typed(assessment, narrative):
    data = {"version": assessment.version, "narrative": narrative}
    data.update({f"score_{c.pk}": "80" for c in assessment.evaluation.rubric.criteria.all()})
    return data


def _told(user, event):
    return Notification.objects.filter(user=user, message=f"review.self_assessment.{event}").count()


def test_submit_return_resubmit_accept(client, evaluation, supervisor, liaison_a, head_a, liaison_b, dept_a):
    assessment = evaluation.self_assessments.get(department=dept_a)
    edit = reverse("evaluation:self_assessment_edit", args=[assessment.pk])
    upload = reverse("evaluation:self_assessment_evidence", args=[assessment.pk])
    decide = reverse("evaluation:self_assessment_decide", args=[assessment.pk])

    # The liaison types, uploads a file with what was typed, and submits: the lead is told.
    client.force_login(liaison_a)
    pdf = SimpleUploadedFile("自评佐证.pdf", PDF, content_type="application/pdf")
    assert client.post(upload, {**_typed(assessment, "初稿"), "files": [pdf]}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.narrative == "初稿" and assessment.scores.count() == 4
    assert client.post(edit, {**_typed(assessment, "按期完成"), "submit": "1"}).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.round, assessment.submitted_by) == ("submitted", 1, liaison_a)
    assert _told(supervisor, "submitted") == 1 and _told(liaison_a, "submitted") == 0

    # The lead returns it with a reason: the department's liaisons and head are told, the writer
    # step waits again.
    client.force_login(supervisor)
    assert client.post(decide, {"decision": "return", "reason": "", "round": 1}).status_code == 400
    assert client.post(decide, {"decision": "return", "reason": "请补充佐证", "round": 1}).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.return_reason) == ("returned", "请补充佐证")
    assert _told(liaison_a, "returned") == 1 and _told(head_a, "returned") == 1
    assert _told(liaison_b, "returned") == 0
    assert Notification.objects.get(user=liaison_a, message="review.self_assessment.returned").params["reason"] == "请补充佐证"

    # Resubmitted through the service.
    services.self_assessment_submit(
        assessment=assessment, user=liaison_a, narrative="已补充佐证", version=assessment.version
    )
    assessment.refresh_from_db()
    assert (assessment.status, assessment.round, assessment.return_reason) == ("submitted", 2, "")
    assert _told(supervisor, "submitted") == 2

    # Acceptance waits for the file's decision, unless the lead accepts it with the decision.
    response = client.post(decide, {"decision": "approve", "reason": "", "round": 2})
    assert response.status_code == 400 and "自评佐证.pdf" in response.content.decode()
    assert b'name="accept_files"' in response.content
    with pytest.raises(ValidationError, match="自评佐证.pdf"):
        services.self_assessment_accept(assessment=assessment, user=supervisor, round=2)
    services.self_assessment_accept(assessment=assessment, user=supervisor, round=2, accept_pending_evidence=True)
    assessment.refresh_from_db()
    assert assessment.status == SelfAssessment.Status.ACCEPTED and assessment.decided_by == supervisor
    assert [e.review_status for e in evidence_for(assessment)] == [Evidence.ReviewStatus.ACCEPTED]
    assert process_of(assessment, SelfAssessmentFlow).status == PROCESS.DONE
    assert _told(liaison_a, "approved") == 1 and _told(head_a, "approved") == 1
    # The lifecycle's messages replace the evaluation's own.
    assert not Notification.objects.filter(message__in=["evaluation.self_assessment.submitted", "evaluation.self_assessment.returned"]).exists()

    # Decided: a second decision changes nothing.
    with pytest.raises(ValidationError, match="已"):
        services.self_assessment_return(assessment=assessment, user=supervisor, comment="再改", round=2)


def test_a_signed_off_evaluation_closes_the_open_self_assessments(evaluation, supervisor, evaluator, liaison_a, dept_a):
    assessment = evaluation.self_assessments.get(department=dept_a)
    assignment = services.evaluator_assign(evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor)
    criteria = list(evaluation.rubric.criteria.all())
    services.scores_save(assignment=assignment, user=evaluator, scores={c: (80, "") for c in criteria}, conclusion="好", submit=True)
    services.sign_off(evaluation=evaluation, user=supervisor)
    assert process_of(assessment, SelfAssessmentFlow).status == PROCESS.CANCELED
    with pytest.raises(ValidationError, match="签发"):
        services.self_assessment_save(assessment=assessment, user=liaison_a, narrative="迟到的说明")
