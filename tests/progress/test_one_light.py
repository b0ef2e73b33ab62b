"""One task, one light (红黄绿灯): the review queue, the inbox, the archive, the task list, the task
page, the plan page and the dashboard all show the task's stored light (tasks.lights)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks import progress
from tasks.lights import lights_refresh
from tasks.models import KeyTask, Light
from tests.progress.conftest import submitted

pytestmark = pytest.mark.django_db


def row_light(html: str, href: str) -> str:
    """The data-light of the table row that links to ``href``."""
    rows = [row for row in re.findall(r"<tr.*?</tr>", html, re.S) if f'href="{href}"' in row]
    assert len(rows) == 1, f"one row links to {href}"
    return re.search(r'data-light="(\w+)"', rows[0]).group(1)


@pytest.fixture
def two_reports(plan, task_a, report, liaison_a):
    """task_a (due 2025-12-31, so red today) with its 2024 Q2 report submitted (in the review
    queue) and its 2024 Q3 report a draft (in the liaison's inbox)."""
    submitted(report, liaison_a)
    q3 = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=3)
    draft = progress.report_open(task=task_a, period=q3, department=report.department)
    lights_refresh(on=timezone.localdate(), plan=plan)
    task_a.refresh_from_db()
    assert task_a.light == Light.RED
    return report, draft


def test_the_queue_and_the_task_list_show_the_same_light(client, supervisor, plan, task_a, two_reports):
    report, _draft = two_reports
    client.force_login(supervisor)
    queue = client.get(reverse("inbox:queue")).content.decode()
    tasks = client.get(reverse("tasks:task_list", args=[plan.pk])).content.decode()
    assert row_light(queue, report.get_absolute_url()) == row_light(tasks, task_a.get_absolute_url()) == "red"

    page = client.get(task_a.get_absolute_url()).content.decode()
    assert re.search(r'<h1 class="h3"><span [^>]*data-light="(\w+)"', page).group(1) == "red"
    assert 'id="count-red">1<' in client.get(reverse("dashboards:plan", args=[plan.pk])).content.decode()


def test_the_inbox_shows_the_tasks_light_too(client, liaison_a, task_a, two_reports):
    _report, draft = two_reports
    client.force_login(liaison_a)
    inbox = client.get(reverse("inbox:inbox")).content.decode()
    assert row_light(inbox, draft.get_absolute_url()) == "red"


def test_the_light_filter_of_the_work_lists_is_the_tasks_light(client, supervisor, task_a, two_reports):
    report, _draft = two_reports
    client.force_login(supervisor)
    href = f'href="{report.get_absolute_url()}"'
    assert href in client.get(reverse("inbox:queue"), {"light": "red"}).content.decode()
    assert href not in client.get(reverse("inbox:queue"), {"light": "green"}).content.decode()


def test_approving_a_report_that_completes_the_task_turns_it_green_at_once(plan, task_a, report, liaison_a, supervisor):
    lights_refresh(on=timezone.localdate(), plan=plan)
    assert KeyTask.objects.get(pk=task_a.pk).light == Light.RED
    submitted(report, liaison_a, percent_complete=100)
    progress.report_approve(report=report, user=supervisor)
    assert KeyTask.objects.get(pk=task_a.pk).light == Light.GREEN


def test_an_extension_granted_recomputes_the_light_at_once(plan, task_a, report, liaison_a, supervisor):
    from supervision.extensions import extension_approve, extension_request

    task_a.due_date = datetime.date(2030, 12, 31)
    task_a.save()
    lights_refresh(on=timezone.localdate(), plan=plan)
    assert KeyTask.objects.get(pk=task_a.pk).light == Light.RED  # the 2024 Q2 report is overdue
    today = timezone.localdate()
    report.due_on = today - datetime.timedelta(days=1)
    report.save(update_fields=["due_on"])
    extension = extension_request(report=report, user=liaison_a, requested_due_on=today + datetime.timedelta(days=60), reason="数据未齐")
    extension_approve(extension=extension, user=supervisor)
    assert KeyTask.objects.get(pk=task_a.pk).light != Light.RED
