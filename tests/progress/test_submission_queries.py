"""The submission path under load (issue 14, point 5; bench/load.py): the report page and the
submission read the report's task, plan, region and period with the report instead of one query
each, and the submission locks the report's row only, so liaisons of one plan never wait for
each other."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.status import STATUS

from notifications.models import Notification
from tasks.models import KeyTask, Plan, ProgressReport, Region, ReportingPeriod
from tests.progress.conftest import fill, process_of
from workflows.lifecycle import kind_of
from workflows.progress_report.flows import ProgressReportFlow

# Statements, without transaction control; before: the page 19, the submission 35; then 13 and 27.
REPORT_PAGE_MAX_QUERIES = 9
SUBMISSION_MAX_QUERIES = 20


def _statements(queries) -> int:
    """The queries, without transaction control (savepoints differ between databases)."""
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")
    return sum(1 for q in queries.captured_queries if not q["sql"].startswith(control))


def _loads_of(queries, table: str) -> int:
    """Queries that load rows of ``table`` on their own (not as a join or a subquery)."""
    return sum(1 for q in queries.captured_queries if q["sql"].startswith(f'SELECT "{table}"."id"'))


@pytest.mark.django_db
def test_the_report_page_reads_the_task_plan_period_and_people_with_the_report(client, report, liaison_a, task_a):
    client.force_login(liaison_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("tasks:report_detail", args=[report.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert task_a.plan.title in page and report.period.label in page and report.department.name in page
    assert str(liaison_a) in page
    assert _statements(queries) <= REPORT_PAGE_MAX_QUERIES
    related = ("tasks_keytask", "tasks_plan", "tasks_reportingperiod", "tasks_department")
    assert {table: _loads_of(queries, table) for table in related} == dict.fromkeys(related, 0)
    assert _loads_of(queries, "tasks_progressreport") == 1


@pytest.mark.django_db
def test_a_refused_submission_shows_the_report_as_stored_without_reading_it_piece_by_piece(client, report, liaison_a, task_a):
    client.force_login(liaison_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("tasks:report_edit", args=[report.pk]), {**fill(report, achievements=""), "submit": ""})

    assert response.status_code == 400
    assert 'id="report-status"' in response.content.decode() and task_a.plan.title in response.content.decode()
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    assert _loads_of(queries, "tasks_keytask") == 0 and _loads_of(queries, "tasks_plan") == 0


@pytest.mark.django_db
def test_a_submission_moves_the_process_on_and_tells_the_reviewer_in_a_bounded_number_of_queries(
    client, report, liaison_a, supervisor, task_a
):
    client.force_login(liaison_a)
    data = {**fill(report, missing_contributions_reason="配合单位材料另行报送"), "submit": ""}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("tasks:report_edit", args=[report.pk]), data)

    assert response.status_code == 302
    assert _statements(queries) <= SUBMISSION_MAX_QUERIES
    assert _loads_of(queries, "tasks_keytask") == 0 and _loads_of(queries, "tasks_plan") == 0
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED and report.submitted_by == liaison_a
    # What the work lists show comes from the report just saved.
    process = process_of(report)
    assert process.data["state"] == "submitted"
    assert process.data["title"] == f"{task_a.code} {task_a.title} · {report.period.code}"
    tasks = {(t.flow_task, t.status) for t in process.task_set.all()}
    assert (ProgressReportFlow.write, STATUS.DONE) in tasks and (ProgressReportFlow.review, STATUS.NEW) in tasks
    notice = Notification.objects.get(user=supervisor)
    assert notice.params["subject"] == f"{task_a.code} {task_a.title} · {report.period.code}"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_a_submission_locks_the_report_but_not_its_task_plan_region_or_period(report, task_a):
    """Liaisons submitting reports of one plan at once do not queue behind each other."""
    outcomes = {}

    def other_connection():
        try:
            for model, pk in (
                (KeyTask, task_a.pk), (Plan, task_a.plan_id), (Region, task_a.plan.region_id), (ReportingPeriod, report.period_id),
                (ProgressReport, report.pk),
            ):
                try:
                    with transaction.atomic():
                        model.objects.select_for_update(nowait=True).get(pk=pk)
                    outcomes[model.__name__] = "free"
                except DatabaseError:
                    outcomes[model.__name__] = "locked"
        finally:
            connection.close()

    with transaction.atomic():
        locked = kind_of(report).lock(report)
        assert locked.task.plan.region.pk == task_a.plan.region_id and locked.period.pk == report.period_id
        thread = threading.Thread(target=other_connection)
        thread.start()
        thread.join(timeout=30)

    assert outcomes == {"KeyTask": "free", "Plan": "free", "Region": "free", "ReportingPeriod": "free", "ProgressReport": "locked"}
