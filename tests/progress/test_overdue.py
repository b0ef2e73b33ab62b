"""逾期 before submission: a draft or returned report whose due date in force (after extensions)
has passed is overdue in every list and on its page; ``is_late`` stays "submitted late"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks import progress
from tasks.models import ProgressReport
from tests.progress.conftest import submitted

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def due(report, days: int) -> ProgressReport:
    """The report's due date moved to ``days`` from today (an extension does just that)."""
    from workflows.listing import listing_refresh

    report.due_on = TODAY() + datetime.timedelta(days=days)
    report.save(update_fields=["due_on"])
    listing_refresh(report)  # as the extension service does: the work lists show the new date
    return report


def linked_row(html: str, report) -> str:
    import re

    rows = [row for row in re.findall(r"<tr.*?</tr>", html, re.S) if f'href="{report.get_absolute_url()}"' in row]
    assert len(rows) == 1
    return rows[0]


@pytest.mark.parametrize(
    "days, status, overdue",
    [(-1, "draft", True), (0, "draft", False), (5, "draft", False), (-1, "returned", True), (-1, "submitted", False), (-1, "approved", False)],
)
def test_the_rule_in_python_and_in_the_database(report, days, status, overdue):
    due(report, days)
    ProgressReport.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    assert report.is_overdue is overdue
    assert ProgressReport.objects.with_overdue().get(pk=report.pk).is_overdue is overdue
    assert ProgressReport.objects.overdue().filter(pk=report.pk).exists() is overdue


def test_an_overdue_draft_shows_overdue_before_it_is_submitted(client, liaison_a, supervisor, task_a, report):
    due(report, -1)
    assert (report.status, report.is_late) == ("draft", False)
    client.force_login(liaison_a)
    inbox = client.get(reverse("inbox:inbox")).content.decode()
    assert 'data-overdue="true">逾期' in linked_row(inbox, report) or "已逾期" in linked_row(inbox, report)
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'id="overdue-badge"' in page and 'id="late-badge"' not in page
    client.force_login(supervisor)
    task_page = client.get(task_a.get_absolute_url()).content.decode()
    assert 'data-overdue="true"' in linked_row(task_page, report)


def test_an_extension_in_force_is_not_overdue(client, liaison_a, report):
    due(report, 3)
    client.force_login(liaison_a)
    assert 'data-overdue="true"' not in linked_row(client.get(reverse("inbox:inbox")).content.decode(), report)
    assert 'id="overdue-badge"' not in client.get(report.get_absolute_url()).content.decode()


def test_once_submitted_it_is_late_not_overdue(client, liaison_a, supervisor, report):
    submitted(report, liaison_a, at=timezone.now())  # long after 2024 Q2 was due
    report.refresh_from_db()
    assert report.is_late and not report.is_overdue
    client.force_login(supervisor)
    row = linked_row(client.get(reverse("inbox:queue")).content.decode(), report)
    assert "逾期" in row and 'data-overdue="true"' not in row


def test_the_overdue_filter_works_on_the_database(client, liaison_a, plan, task_a, report):
    q3 = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=3)
    later = due(progress.report_open(task=task_a, period=q3, department=report.department), 10)
    due(report, -2)
    client.force_login(liaison_a)
    overdue = client.get(reverse("inbox:inbox"), {"overdue": "true"}).content.decode()
    assert report.get_absolute_url() in overdue and later.get_absolute_url() not in overdue
    not_overdue = client.get(reverse("inbox:inbox"), {"overdue": "false"}).content.decode()
    assert report.get_absolute_url() not in not_overdue and later.get_absolute_url() in not_overdue
