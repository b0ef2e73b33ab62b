import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks import progress
from tests.factories import DepartmentFactory, KeyTaskFactory, TaskDepartmentFactory, make_liaison

pytestmark = pytest.mark.django_db


def _open_reports(plan, count):
    for _ in range(count):
        department = DepartmentFactory(region=plan.region)
        make_liaison(department)
        task = KeyTaskFactory(plan=plan)
        TaskDepartmentFactory(task=task, department=department, role="lead")
        period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=2)
        progress.report_open(task=task, period=period, department=department)


def test_the_dashboard_shows_overdue_reports_lights_and_completeness(client, supervisor, plan):
    _open_reports(plan, 2)
    client.force_login(supervisor)
    page = client.get(reverse("dashboards:plan", args=[plan.pk])).content.decode()
    assert page.count("<svg") == 2
    assert 'id="overdue-table"' in page and "2024年第2季度" in page
    assert 'id="completeness-table"' in page and "(0%)" in page


def test_the_dashboard_issues_the_same_number_of_queries_for_3_and_30_reports(client, supervisor, plan):
    client.force_login(supervisor)
    url = reverse("dashboards:plan", args=[plan.pk])
    _open_reports(plan, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _open_reports(plan, 27)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_a_liaison_sees_only_their_departments_slice(client, plan, task_a, task_b_only, dept_a, dept_b, liaison_a, liaison_b):
    for task, department in ((task_a, dept_a), (task_b_only, dept_b)):
        progress.report_open(task=task, period=progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=2), department=department)
    client.force_login(liaison_b)
    page = client.get(reverse("dashboards:plan", args=[plan.pk])).content.decode()
    overdue = page[page.index('id="overdue-table"'):]
    assert task_b_only.title in overdue and task_a.title not in overdue


def test_access(client, plan, outsider):
    url = reverse("dashboards:plan", args=[plan.pk])
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 404
