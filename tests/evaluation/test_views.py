"""The evaluation pages: access per role and per URL, the self-assessment loop, evaluator scoring,
sign-off, the rubric, and generating and downloading reports. The viewflow processes move with
each step."""

from decimal import Decimal

import pytest
from django.urls import reverse
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from audit.models import AuditEntry
from evaluation import services
from evaluation.models import Criterion, Evaluation, EvaluatorScore, GeneratedReport, SelfAssessment
from tests.factories import make_administrator, make_evaluator
from workflows.evaluation.flows import EvaluationFlow, ScoringFlow, SelfAssessmentFlow


@pytest.fixture(autouse=True)
def _media(media_root):
    return media_root


@pytest.fixture
def evaluation(plan, supervisor, task_a, task_b_only):
    return services.evaluation_create(
        plan=plan, kind=Evaluation.Kind.MID_TERM, title="中期评估", lead=supervisor, user=supervisor
    )


@pytest.fixture
def criteria(evaluation):
    return list(evaluation.rubric.criteria.all())


@pytest.fixture
def assignment(evaluation, evaluator, dept_a, supervisor):
    return services.evaluator_assign(
        evaluation=evaluation, evaluator=evaluator, department=dept_a, user=supervisor
    )


@pytest.fixture
def other_evaluator(db):
    return make_evaluator("evaluator-other")


def open_tasks(model, flow_class, obj):
    from django.contrib.contenttypes.models import ContentType

    return list(
        Task.objects.filter(
            process__flow_class=flow_class,
            process__artifact_content_type=ContentType.objects.get_for_model(model),
            process__artifact_object_id=obj.pk,
            status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
        ).values_list("flow_task", flat=True)
    )


def score_post(criteria, scores, conclusion="", submit=False):
    data = {f"score_{c.pk}": s for c, s in zip(criteria, scores, strict=True)}
    data.update({f"comment_{c.pk}": "" for c in criteria})
    data["conclusion"] = conclusion
    data["submit" if submit else "save"] = "1"
    return data


# --- access per role and URL ---------------------------------------------------------------


def test_pages_per_role(
    client,
    evaluation,
    assignment,
    supervisor,
    evaluator,
    other_evaluator,
    liaison_a,
    liaison_b,
    outsider,
    dept_a,
):
    assessment_a = evaluation.self_assessments.get(department=dept_a)
    urls = {
        "list": reverse("evaluation:evaluation_list"),
        "detail": evaluation.get_absolute_url(),
        "new": reverse("evaluation:evaluation_new", args=[evaluation.plan_id]),
        "xlsx": reverse("evaluation:evaluation_scorecards", args=[evaluation.pk]),
        "self_assessment": assessment_a.get_absolute_url(),
        "scoring": assignment.get_absolute_url(),
        "reports": reverse("evaluation:report_list"),
        "rubric": reverse("evaluation:rubric_edit", args=[evaluation.rubric_id]),
    }
    expected = {
        supervisor: {
            "list": 200,
            "detail": 200,
            "new": 200,
            "xlsx": 200,
            "self_assessment": 200,
            "scoring": 200,
            "reports": 200,
            "rubric": 403,
        },
        evaluator: {
            "list": 200,
            "detail": 200,
            "new": 403,
            "xlsx": 200,
            "self_assessment": 200,
            "scoring": 200,
            "reports": 200,
            "rubric": 403,
        },
        other_evaluator: {
            "list": 200,
            "detail": 404,
            "new": 403,
            "xlsx": 404,
            "self_assessment": 404,
            "scoring": 404,
            "reports": 200,
            "rubric": 403,
        },
        liaison_a: {
            "list": 200,
            "detail": 404,
            "new": 403,
            "xlsx": 404,
            "self_assessment": 200,
            "scoring": 404,
            "reports": 403,
            "rubric": 403,
        },
        liaison_b: {
            "list": 200,
            "detail": 404,
            "new": 403,
            "xlsx": 404,
            "self_assessment": 404,
            "scoring": 404,
            "reports": 403,
            "rubric": 403,
        },
        outsider: {
            "list": 200,
            "detail": 404,
            "new": 403,
            "xlsx": 404,
            "self_assessment": 404,
            "scoring": 404,
            "reports": 403,
            "rubric": 403,
        },
    }
    for user, codes in expected.items():
        client.force_login(user)
        got = {name: client.get(url).status_code for name, url in urls.items()}
        assert got == codes, user.username
    client.force_login(make_administrator("admin-x"))
    assert client.get(urls["rubric"]).status_code == 200
    client.logout()
    for url in urls.values():
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_posts_refused_to_the_wrong_roles(
    client,
    evaluation,
    assignment,
    criteria,
    evaluator,
    other_evaluator,
    liaison_a,
    liaison_b,
    supervisor,
    dept_a,
    dept_b,
):
    assessment_a = evaluation.self_assessments.get(department=dept_a)
    assign = reverse("evaluation:evaluation_assign", args=[evaluation.pk])
    sign = reverse("evaluation:evaluation_sign_off", args=[evaluation.pk])
    decide = reverse("evaluation:self_assessment_decide", args=[assessment_a.pk])
    edit = reverse("evaluation:self_assessment_edit", args=[assessment_a.pk])
    upload = reverse("evaluation:self_assessment_evidence", args=[assessment_a.pk])
    withdraw = reverse("evaluation:assignment_withdraw", args=[assignment.pk])
    client.force_login(evaluator)  # assigned, sees the evaluation, but does not run it
    assert client.post(assign, {"evaluator": evaluator.pk, "departments": [dept_b.pk]}).status_code == 403
    assert client.post(sign, {"conclusion": "x"}).status_code == 403
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    assert client.post(withdraw).status_code == 403
    assert client.post(edit, {"narrative": "x"}).status_code == 403
    assert client.post(upload, {"narrative": "x"}).status_code == 403
    assert client.post(assessment_a.get_absolute_url(), {"narrative": "x"}).status_code == 405  # the page is read only
    client.force_login(liaison_b)
    assert client.post(assign, {"evaluator": evaluator.pk, "departments": [dept_b.pk]}).status_code == 404
    assert client.post(edit, {"narrative": "x"}).status_code == 404
    client.force_login(supervisor)  # may look at the scoring page, not score
    assert client.post(reverse("evaluation:scoring_save", args=[assignment.pk]), score_post(criteria, [1, 1, 1, 1])).status_code == 403
    client.force_login(other_evaluator)
    assert client.post(reverse("evaluation:scoring_save", args=[assignment.pk]), score_post(criteria, [1, 1, 1, 1])).status_code == 404
    assert not EvaluatorScore.objects.exists()
    assert evaluation.assignments.count() == 1
    assessment_a.refresh_from_db()
    assert assessment_a.narrative == "" and assessment_a.status == SelfAssessment.Status.DRAFT


# --- the processes -------------------------------------------------------------------------


def test_opening_starts_the_processes(evaluation, dept_a, dept_b):
    assert open_tasks(Evaluation, EvaluationFlow, evaluation) == [EvaluationFlow.sign_off]
    for department in (dept_a, dept_b):
        assessment = evaluation.self_assessments.get(department=department)
        assert open_tasks(SelfAssessment, SelfAssessmentFlow, assessment) == [SelfAssessmentFlow.write]
    parent = Task.objects.get(flow_task=EvaluationFlow.sign_off)
    assert Process.objects.filter(flow_class=SelfAssessmentFlow, parent_task=parent).count() == 2


def test_self_assessment_loop_through_the_pages(client, evaluation, criteria, liaison_a, supervisor, dept_a):
    assessment = evaluation.self_assessments.get(department=dept_a)
    url = reverse("evaluation:self_assessment_edit", args=[assessment.pk])
    client.force_login(liaison_a)
    page = client.get(assessment.get_absolute_url())
    assert b'id="self-assessment-form"' in page.content and b'id="department-facts"' in page.content
    assert b"data-warn-unsaved" in page.content

    # A score outside the scale: refused on its field, nothing saved.
    data = {
        "narrative": "已完成年度任务",
        **{f"score_{c.pk}": 80 for c in criteria},
        f"score_{criteria[0].pk}": "120",
    }
    response = client.post(url, {**data, "submit": "1"})
    assert response.status_code == 400
    assert "120" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.narrative == "" and not assessment.scores.exists()

    data[f"score_{criteria[0].pk}"] = "85.5"
    response = client.post(url, {**data, "submit": "1"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == SelfAssessment.Status.SUBMITTED and assessment.round == 1
    assert assessment.scores.get(criterion=criteria[0]).score == Decimal("85.5")
    assert open_tasks(SelfAssessment, SelfAssessmentFlow, assessment) == [SelfAssessmentFlow.review]

    # Submitted: the liaison can no longer change it.
    client.post(url, {**data, "narrative": "改过的", "save": "1"})
    assessment.refresh_from_db()
    assert assessment.narrative == "已完成年度任务"

    client.force_login(supervisor)
    decide = reverse("evaluation:self_assessment_decide", args=[assessment.pk])
    assert client.post(decide, {"decision": "return", "reason": "", "round": 1}).status_code == 400
    assessment.refresh_from_db()
    assert assessment.status == SelfAssessment.Status.SUBMITTED  # a reason is required
    client.post(decide, {"decision": "return", "reason": "请补充佐证材料", "round": 1})
    assessment.refresh_from_db()
    assert assessment.status == SelfAssessment.Status.RETURNED
    assert open_tasks(SelfAssessment, SelfAssessmentFlow, assessment) == [SelfAssessmentFlow.write]

    client.force_login(liaison_a)
    assert "请补充佐证材料" in client.get(assessment.get_absolute_url()).content.decode()
    client.post(url, {**data, "narrative": "已补充佐证", "submit": "1"})
    client.force_login(supervisor)
    # A decision on the round the lead read: the first one is gone.
    assert client.post(decide, {"decision": "approve", "reason": "同意", "round": 1}).status_code == 400
    client.post(decide, {"decision": "approve", "reason": "同意", "round": 2})
    assessment.refresh_from_db()
    assert assessment.status == SelfAssessment.Status.ACCEPTED and assessment.round == 2
    assert open_tasks(SelfAssessment, SelfAssessmentFlow, assessment) == []
    actions = list(AuditEntry.objects.for_object(assessment).values_list("action", flat=True))
    assert actions.count("submit") == 2 and "return" in actions and "accept" in actions


def test_self_assessment_evidence(client, evaluation, liaison_a, liaison_b, dept_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assessment = evaluation.self_assessments.get(department=dept_a)
    url = reverse("evaluation:self_assessment_evidence", args=[assessment.pk])
    client.force_login(liaison_a)
    pdf = SimpleUploadedFile(
        "自评佐证.pdf",
        b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        content_type="application/pdf",
    )
    client.post(url, {"files": [pdf]})
    from evidence.services import evidence_for

    assert [e.original_name for e in evidence_for(assessment)] == ["自评佐证.pdf"]
    client.force_login(liaison_b)
    assert client.post(url, {"files": [pdf]}).status_code == 404

    # Uploading from the page posts the form: what was typed is saved as the draft with the file.
    client.force_login(liaison_a)
    criterion = evaluation.rubric.criteria.first()
    pdf.seek(0)
    typed = {"version": assessment.version, "narrative": "已写的说明", f"score_{criterion.pk}": "77", "files": [pdf]}
    assert client.post(url, typed).status_code == 302
    assessment.refresh_from_db()
    assert assessment.narrative == "已写的说明" and assessment.scores.get().score == Decimal(77)
    assert len(evidence_for(assessment)) == 2
    # A form loaded before that upload is stale: its save is refused, nothing is lost.
    edit = reverse("evaluation:self_assessment_edit", args=[assessment.pk])
    response = client.post(edit, {"version": assessment.version - 1, "narrative": "旧页面", "save": "1"})
    assert response.status_code == 400 and "他人已保存过该自评" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.narrative == "已写的说明"


def test_scoring_through_the_page(client, evaluation, assignment, criteria, evaluator):
    url = reverse("evaluation:scoring_save", args=[assignment.pk])
    client.force_login(evaluator)
    page = client.get(assignment.get_absolute_url())
    assert b'id="scoring-form"' in page.content and b'id="task-facts"' in page.content

    response = client.post(url, score_post(criteria, [90, 80, "abc", 70], "较好"))
    assert response.status_code == 400
    assert not EvaluatorScore.objects.exists()

    response = client.post(url, score_post(criteria, [90, 80, 75, ""], "", submit=True))
    assert response.status_code == 400  # a criterion unscored and no conclusion
    assignment.refresh_from_db()
    assert not assignment.is_submitted and not EvaluatorScore.objects.exists()

    assert client.post(url, score_post(criteria, [90, 80, 75, ""], "草稿")).status_code == 302
    assert EvaluatorScore.objects.count() == 3
    assert (
        client.post(url, score_post(criteria, [90, 80, 75, 60], "总体较好", submit=True)).status_code == 302
    )
    assignment.refresh_from_db()
    assert assignment.is_submitted and assignment.conclusion == "总体较好"
    assert open_tasks(type(assignment), ScoringFlow, assignment) == []
    # Submitted scores are final.
    client.post(url, score_post(criteria, [10, 10, 10, 10], "改"))
    assert EvaluatorScore.objects.get(criterion=criteria[0]).score == 90


def test_sign_off_through_the_page(client, evaluation, assignment, criteria, evaluator, supervisor):
    sign = reverse("evaluation:evaluation_sign_off", args=[evaluation.pk])
    client.force_login(supervisor)
    response = client.post(sign, {"conclusion": "总体良好"})
    assert response.status_code == 400
    assert "经费执行" in response.content.decode()  # the missing scores are named
    services.scores_save(
        assignment=assignment,
        user=evaluator,
        scores={c: (80, "") for c in criteria},
        conclusion="好",
        submit=True,
    )
    assert client.post(sign, {"conclusion": "总体良好"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.is_locked and evaluation.conclusion == "总体良好"
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert 'id="signed-off"' in page and 'id="sign-off-form"' not in page
    # The history speaks Chinese: no raw action or state codes.
    assert "分派评估专家" in page and "签发" in page
    assert "assign_evaluator" not in page and "signed_off</" not in page and "→ scoring" not in page
    # The process has ended; the self-assessments never submitted were cancelled with it.
    assert Process.objects.get(flow_class=EvaluationFlow).status == PROCESS.DONE
    assert set(Process.objects.filter(flow_class=SelfAssessmentFlow).values_list("status", flat=True)) == {
        PROCESS.CANCELED
    }


def test_assign_page_refuses_a_conflict_of_interest(client, evaluation, supervisor, dept_a, dept_b):
    from tasks.models import Membership
    from tests.factories import MembershipFactory

    expert = make_evaluator("expert-in-a")
    MembershipFactory(user=expert, department=dept_a, role=Membership.Role.HEAD)
    client.force_login(supervisor)
    response = client.post(
        reverse("evaluation:evaluation_assign", args=[evaluation.pk]),
        {"evaluator": expert.pk, "departments": [dept_a.pk]},
    )
    assert response.status_code == 400
    assert not evaluation.assignments.exists()
    # Several departments at once are all or nothing: the conflict on dept_a stops dept_b too.
    response = client.post(
        reverse("evaluation:evaluation_assign", args=[evaluation.pk]),
        {"evaluator": expert.pk, "departments": [dept_a.pk, dept_b.pk]},
    )
    assert response.status_code == 400
    assert not evaluation.assignments.exists()
    client.post(
        reverse("evaluation:evaluation_assign", args=[evaluation.pk]),
        {"evaluator": expert.pk, "departments": [dept_b.pk]},
    )
    assert list(evaluation.assignments.values_list("department", flat=True)) == [dept_b.pk]


def test_withdraw_an_assignment_before_scoring(
    client, evaluation, assignment, criteria, evaluator, supervisor
):
    client.force_login(supervisor)
    client.post(reverse("evaluation:assignment_withdraw", args=[assignment.pk]))
    assert not evaluation.assignments.exists()
    assert Process.objects.get(flow_class=ScoringFlow).status == PROCESS.CANCELED


def test_scorecards_download(client, evaluation, assignment, criteria, evaluator, supervisor):
    services.scores_save(
        assignment=assignment,
        user=evaluator,
        scores={c: (70, "") for c in criteria},
        conclusion="",
        submit=False,
    )
    client.force_login(supervisor)
    response = client.get(reverse("evaluation:evaluation_scorecards", args=[evaluation.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


# --- rubric --------------------------------------------------------------------------------


def rubric_post(rows, name="评估评分标准"):
    """rows: (id, name, weight, maximum score, remove)."""
    data = {"name": name, "criteria-TOTAL_FORMS": str(len(rows)), "criteria-INITIAL_FORMS": "0"}
    for index, (pk, criterion_name, weight, scale, remove) in enumerate(rows):
        data.update(
            {
                f"criteria-{index}-id": pk or "",
                f"criteria-{index}-name": criterion_name,
                f"criteria-{index}-weight": weight,
                f"criteria-{index}-scale_max": scale,
            }
        )
        if remove:
            data[f"criteria-{index}-delete"] = "on"
    return data


def test_rubric_edit(client, evaluation, criteria, assignment, evaluator):
    client.force_login(make_administrator("admin-r"))
    url = reverse("evaluation:rubric_edit", args=[evaluation.rubric_id])
    rows = [(c.pk, c.name, c.weight, c.scale_max, False) for c in criteria]
    bad = rows[:3] + [(rows[3][0], rows[3][1], 20, 100, False)]  # 40 + 30 + 15 + 20 = 105
    response = client.post(url, rubric_post(bad))
    assert response.status_code == 400
    assert "105" in response.content.decode()
    before = [(c.name, c.weight) for c in criteria]
    assert [(c.name, c.weight) for c in Criterion.objects.filter(rubric=evaluation.rubric)] == before

    good = rows[:2] + [(rows[2][0], rows[2][1], 15, 100, True), (rows[3][0], rows[3][1], 15, 100, True)]
    good.append((None, "社会评价", 30, 10, False))
    assert client.post(url, rubric_post(good)).status_code == 302
    names = list(
        Criterion.objects.filter(rubric=evaluation.rubric).values_list("name", "weight", "scale_max")
    )
    assert names == [
        ("完成情况", Decimal(40), 100),
        ("质量效果", Decimal(30), 100),
        ("社会评价", Decimal(30), 10),
    ]

    # Once an evaluator has scored, the rubric is frozen.
    services.score_record(
        assignment=assignment, criterion=Criterion.objects.get(name="完成情况"), score=50, user=evaluator
    )
    response = client.post(url, rubric_post([(None, "只有一项", 100, 100, False)]))
    assert response.status_code == 400
    assert Criterion.objects.filter(rubric=evaluation.rubric).count() == 3


# --- generated reports ---------------------------------------------------------------------


def test_supervisor_generates_and_downloads_versions(
    client, evaluation, supervisor, evaluator, liaison_a, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    url = reverse("evaluation:report_list")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"plan": evaluation.plan_id, "kind": "final", "period_code": ""})
    report = GeneratedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert (report.status, report.progress, report.version) == (GeneratedReport.Status.DONE, 100, 1)
    status = client.get(reverse("evaluation:report_status", args=[report.pk])).json()
    assert status["finished"] and status["status"] == "done" and status["progress"] == 100
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"plan": evaluation.plan_id, "kind": "final"})
    assert list(GeneratedReport.objects.order_by("version").values_list("version", flat=True)) == [1, 2]

    client.force_login(evaluator)
    download = client.get(reverse("evaluation:report_download", args=[report.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:5] == b"%PDF-"
    assert "attachment" in download["Content-Disposition"]
    assert AuditEntry.objects.filter(action="download", actor=evaluator).exists()
    assert client.post(url, {"plan": evaluation.plan_id, "kind": "final"}).status_code == 403
    client.force_login(liaison_a)
    assert client.get(reverse("evaluation:report_download", args=[report.pk])).status_code == 404
    assert client.get(reverse("evaluation:report_status", args=[report.pk])).status_code == 404


def test_bulletin_needs_a_valid_period(client, evaluation, supervisor, django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    url = reverse("evaluation:report_list")
    for period in ["", "2024Q5", "1999Q1"]:
        response = client.post(url, {"plan": evaluation.plan_id, "kind": "bulletin", "period_code": period})
        assert response.status_code == 400, period
    assert not GeneratedReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"plan": evaluation.plan_id, "kind": "bulletin", "period_code": "2024q2"})
    report = GeneratedReport.objects.get()
    assert report.period_code == "2024Q2" and report.status == GeneratedReport.Status.DONE


def test_a_failed_generation_says_why(
    evaluation, supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    from evaluation import generation

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(generation, "render_final_report", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = generation.report_request(plan=evaluation.plan, kind="final", user=supervisor)
    report.refresh_from_db()
    assert report.status == GeneratedReport.Status.FAILED and "磁盘已满" in report.error
    assert not report.file


# --- inbox and notifications ---------------------------------------------------------------


def test_inbox_and_notifications_lead_to_the_work(
    client, liaison_a, evaluator, supervisor, dept_a, evaluation, criteria, assignment
):
    from notifications.models import Notification

    assessment = evaluation.self_assessments.get(department=dept_a)
    assert Notification.objects.filter(user=liaison_a, url=assessment.get_absolute_url()).exists()
    assert Notification.objects.filter(user=evaluator, url=assignment.get_absolute_url()).exists()

    client.force_login(liaison_a)
    inbox = client.get(reverse("inbox:inbox")).content.decode()
    assert 'data-kind="self_assessment"' in inbox and assessment.get_absolute_url() in inbox
    client.force_login(evaluator)
    assert assignment.get_absolute_url() in client.get(reverse("inbox:inbox")).content.decode()

    services.self_assessment_save(
        assessment=assessment, user=liaison_a, narrative="说明", scores={c: (80, "") for c in criteria}
    )
    services.self_assessment_submit(assessment=assessment, user=liaison_a)
    assert Notification.objects.filter(user=supervisor, url=assessment.get_absolute_url()).exists()
    client.force_login(supervisor)  # the lead
    assert assessment.get_absolute_url() in client.get(reverse("inbox:inbox")).content.decode()
    services.self_assessment_return(assessment=assessment, user=supervisor, comment="请补充")
    assert Notification.objects.filter(user=liaison_a, params__reason="请补充").exists()

    services.scores_save(
        assignment=assignment,
        user=evaluator,
        scores={c: (70, "") for c in criteria},
        conclusion="好",
        submit=True,
    )
    client.force_login(evaluator)
    assert assignment.get_absolute_url() not in client.get(reverse("inbox:inbox")).content.decode()


def test_opening_an_evaluation_through_the_page(client, plan, task_a, supervisor, evaluator, liaison_a):
    url = reverse("evaluation:evaluation_new", args=[plan.pk])
    client.force_login(supervisor)
    data = {"kind": "final", "title": " ", "lead": evaluator.pk, "spread_threshold": "10"}
    assert client.post(url, data).status_code == 400
    assert (
        client.post(url, {**data, "title": "终期评估", "lead": liaison_a.pk}).status_code == 400
    )  # not a possible lead
    assert not Evaluation.objects.exists()
    response = client.post(url, {**data, "title": "终期评估"})
    evaluation = Evaluation.objects.get()
    assert response["Location"] == evaluation.get_absolute_url()
    assert (evaluation.kind, evaluation.lead, evaluation.spread_threshold) == (
        "final",
        evaluator,
        Decimal(10),
    )
    assert evaluation.self_assessments.count() == 2  # task_a: lead dept_a, co-operating dept_b
