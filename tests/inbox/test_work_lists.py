"""我的待办, 审核队列 and the department queue list every kind of pending work, from the engine's
tasks, with the same number of queries whatever the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from demo.plan import seed_demo, seed_demo_activity
from evaluation import services as evaluation_services
from evaluation.models import Evaluation
from indicators.models import IndicatorValue
from notifications.models import Notification
from supervision.extensions import extension_approve, extension_request
from supervision.models import ExtensionRequest, SupervisionNotice
from tasks import progress
from tasks.models import Contribution, Membership, Milestone, ProgressReport
from tests.factories import MembershipFactory, make_user

pytestmark = pytest.mark.django_db

ALL_KINDS = {
    "progress_report",
    "contribution",
    "milestone_claim",
    "indicator_value",
    "notice_answer",
    "self_assessment",
    "evaluator_scoring",
    "evaluation_sign_off",
    "extension_request",
}


def kinds_on(page: str) -> set[str]:
    import re

    return set(re.findall(r'data-kind="(\w+)"', page))


@pytest.fixture
def world():
    """The demo plan and its activity, plus an open evaluation, a returned and a waiting claim."""
    summary = seed_demo()
    seed_demo_activity(summary.plan)
    plan = summary.plan
    supervisor = User.objects.get(username="supervisor")
    lead_liaison = User.objects.get(username="liaison-wsjkw")
    milestones = Milestone.objects.filter(task__plan=plan, status=Milestone.Status.PENDING, task__task_departments__department__memberships__user=lead_liaison, task__task_departments__role="lead")
    waiting, returned = milestones[0], milestones[1]
    for milestone in (waiting, returned):
        claim = progress.milestone_claim_submit(milestone=milestone, user=lead_liaison, completed_on=datetime.date(2024, 1, 5), note="完成")
        if milestone == returned:
            progress.milestone_claim_return(claim=claim, user=supervisor, reason="补充验收材料")
    draft = ProgressReport.objects.filter(status__in=["draft", "returned"], assignee__isnull=False).first()
    extension_request(report=draft, user=draft.assignee, requested_due_on=draft.due_on + datetime.timedelta(days=20), reason="需等待统计数据")
    evaluation = evaluation_services.evaluation_create(
        plan=plan, kind=Evaluation.Kind.FINAL, title="终期评估", lead=supervisor, user=supervisor
    )
    assessment = evaluation.self_assessments.exclude(department__memberships__user=lead_liaison).first()
    writer = Membership.objects.filter(department=assessment.department, role="liaison").first().user
    criteria = list(evaluation.rubric.criteria.all())
    evaluation_services.self_assessment_save(assessment=assessment, user=writer, narrative="自评说明", scores={c: (80, "") for c in criteria})
    evaluation_services.self_assessment_submit(assessment=assessment, user=writer)
    evaluator = User.objects.get(username="evaluator")
    evaluation_services.evaluator_assign(evaluation=evaluation, evaluator=evaluator, department=assessment.department, user=supervisor)
    return {"plan": plan, "supervisor": supervisor, "lead_liaison": lead_liaison, "evaluator": evaluator, "assessment": assessment}


def test_the_inbox_and_the_queue_list_every_kind_of_work(client, world):
    # Each kind of work exists and is open (the demo plus the world's additions).
    assert ProgressReport.objects.filter(status="draft").exists() and ProgressReport.objects.filter(status="submitted").exists()
    assert Contribution.objects.filter(status="submitted").exists()
    assert IndicatorValue.objects.filter(status__in=["draft", "returned"]).exists()
    assert IndicatorValue.objects.filter(status="submitted").exists()
    assert SupervisionNotice.objects.filter(status="issued").exists()
    seen = set()
    for user in User.objects.filter(is_active=True):
        client.force_login(user)
        page = client.get(reverse("inbox:inbox"), {"per_page": 100}).content.decode()
        seen |= kinds_on(page)
    client.force_login(world["supervisor"])
    queue = client.get(reverse("inbox:queue"), {"per_page": 100}).content.decode()
    seen |= kinds_on(queue)
    assert seen == ALL_KINDS
    # What waits for a supervisor's review: reports, claims, values, notice answers, extensions.
    assert {"progress_report", "milestone_claim", "indicator_value", "notice_answer", "extension_request"} <= kinds_on(queue)
    # The lead's inbox holds the self-assessment to review and the sign-off; the evaluator's the scoring.
    inbox = client.get(reverse("inbox:inbox")).content.decode()
    assert {"self_assessment", "evaluation_sign_off"} <= kinds_on(inbox)
    client.force_login(world["evaluator"])
    assert "evaluator_scoring" in kinds_on(client.get(reverse("inbox:inbox")).content.decode())
    # A liaison's inbox: drafts, the returned claim with its reason, values to report.
    client.force_login(world["lead_liaison"])
    inbox = client.get(reverse("inbox:inbox"), {"per_page": 100}).content.decode()
    assert {"progress_report", "milestone_claim", "indicator_value"} <= kinds_on(inbox)
    assert "补充验收材料" in inbox


def test_each_row_has_its_kind_subject_department_due_date_and_light(client, world):
    client.force_login(world["lead_liaison"])
    page = client.get(reverse("inbox:inbox"), {"kind": "progress_report"}).content.decode()
    row = page[page.index('<tr data-kind="progress_report"') :]
    row = row[: row.index("</tr>")]
    assert "进展报告" in row and 'href="/reports/' in row and "卫生健康委" in row and "data-light=" in row
    assert kinds_on(page) == {"progress_report"}


def test_the_work_lists_filter_by_kind_department_and_overdue_on_the_database(client, world):
    client.force_login(world["supervisor"])
    values = client.get(reverse("inbox:queue"), {"kind": "indicator_value"}).content.decode()
    assert kinds_on(values) == {"indicator_value"}
    department = Membership.objects.get(user=world["lead_liaison"], role="liaison").department
    page = client.get(reverse("inbox:queue"), {"department": department.pk}).content.decode()
    assert department.name in page
    other = Membership.objects.exclude(department=department).filter(role="liaison").first().department
    assert f">{other.name}<" not in page


def test_the_pages_cost_the_same_queries_for_few_and_many_rows(client, world):
    client.force_login(world["supervisor"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("inbox:queue"), {"per_page": 3})
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("inbox:queue"), {"per_page": 30})
    assert len(few.captured_queries) == len(many.captured_queries)


def test_a_department_head_sees_the_department_queue(client, world):
    department = Membership.objects.get(user=world["lead_liaison"], role="liaison").department
    head = make_user("liaison", "head-of-wsjkw")
    MembershipFactory(user=head, department=department, role=Membership.Role.HEAD)
    client.force_login(head)
    page = client.get(reverse("inbox:department"), {"per_page": 100}).content.decode()
    assert 'id="nav-department"' in page
    assert {"progress_report", "milestone_claim"} <= kinds_on(page)
    client.force_login(world["lead_liaison"])
    assert client.get(reverse("inbox:department")).status_code == 403


def test_review_notifications_render_in_the_readers_language(world):
    report = ProgressReport.objects.filter(status="submitted").first()
    supervisor = world["supervisor"]
    with translation.override("zh-hans"):
        progress.report_return(report=report, user=supervisor, reason="请补充材料")
    note = Notification.objects.filter(user=report.assignee, message="review.progress_report.returned").latest("pk")
    with translation.override("en"):
        assert note.display_title.startswith("Progress report returned:")
        assert "请补充材料" in note.display_body and "Returned by" in note.display_body
    with translation.override("zh-hans"):
        assert note.display_title.startswith("进展报告被退回：")


def test_deciding_an_extension_finishes_its_engine_task(client, world):
    extension = ExtensionRequest.objects.get(status="pending")
    client.force_login(world["supervisor"])
    assert f'href="{extension.get_absolute_url()}"' in client.get(reverse("inbox:queue"), {"kind": "extension_request"}).content.decode()
    assert client.get(extension.get_absolute_url())["Location"].startswith(extension.report.get_absolute_url())
    extension_approve(extension=extension, user=world["supervisor"], comment="同意")
    assert "extension_request" not in kinds_on(client.get(reverse("inbox:queue"), {"per_page": 100}).content.decode())


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "年第"), ("en", " Q")])
def test_a_reports_subject_names_its_period_in_the_readers_language(client, world, language, label):
    """The work lists keep a report's period as its code ("2024Q2"); the reader sees its label."""
    report = ProgressReport.objects.filter(assignee=world["lead_liaison"], status__in=["draft", "returned"], period__cadence="quarterly").select_related("period").first()
    client.force_login(world["lead_liaison"])
    with translation.override(language):
        expected = str(report.period.label)
    assert label in expected
    client.cookies["django_language"] = language
    page = client.get(reverse("inbox:inbox"), {"kind": "progress_report", "per_page": 100}).content.decode()
    rows = [row[: row.index("</tr>")] for row in page.split('<tr data-kind="progress_report"')[1:]]
    mine = next(row for row in rows if f'href="/reports/{report.pk}/"' in row)
    assert f"· {expected}" in mine
    assert f"· {report.period.code}<" not in mine and f"· {report.period.code} " not in mine
