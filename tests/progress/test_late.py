"""Late submissions are accepted and marked late (逾期) where people look."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import AuditEntry
from tasks import progress
from tests.progress.conftest import fill, submitted

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _badge(client, report) -> bool:
    return 'id="late-badge"' in client.get(reverse("tasks:report_detail", args=[report.pk])).content.decode()


def test_a_late_submission_is_accepted_and_marked_late(client, english, report, liaison_a, supervisor, period):
    assert period.due_on == datetime.date(2024, 7, 10)
    submitted(report, liaison_a, at=datetime.datetime(2024, 7, 11, 9, 0, tzinfo=SHANGHAI))
    report.refresh_from_db()
    assert (report.status, report.is_late) == ("submitted", True)
    assert report.submissions.get().is_late is True
    assert AuditEntry.objects.for_object(report).get(action="submit").data["late"] is True

    client.force_login(supervisor)
    page = client.get(reverse("tasks:report_detail", args=[report.pk])).content.decode()
    assert '<span class="badge fs-6 text-bg-danger" id="late-badge">逾期</span>' in page
    queue = client.get(reverse("inbox:queue"), {"is_late": "true"}).content.decode()
    assert reverse("tasks:report_detail", args=[report.pk]) in queue and "逾期" in queue
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<span class="badge fs-6 text-bg-danger" id="late-badge">Late</span>' in client.get(
        reverse("tasks:report_detail", args=[report.pk])
    ).content.decode()


@pytest.mark.parametrize(
    "at, late",
    [
        (datetime.datetime(2024, 7, 10, 23, 59, tzinfo=SHANGHAI), False),  # the last minute of the due day
        (datetime.datetime(2024, 7, 10, 16, 30, tzinfo=datetime.UTC), True),  # 00:30 on the 11th in Shanghai
        (datetime.datetime(2024, 7, 1, 9, 0, tzinfo=SHANGHAI), False),
    ],
    ids=["due-day", "after-midnight-shanghai", "early"],
)
def test_lateness_follows_the_local_due_date(client, report, liaison_a, supervisor, at, late):
    submitted(report, liaison_a, at=at)
    report.refresh_from_db()
    assert report.is_late is late
    client.force_login(supervisor)
    assert _badge(client, report) is late


def test_a_report_submitted_late_over_the_web_shows_late(client, report, liaison_a):
    """Today is long after 2024 Q2 was due."""
    client.force_login(liaison_a)
    client.post(reverse("tasks:report_edit", args=[report.pk]), {**fill(report, missing_contributions_reason="另报"), "submit": ""})
    report.refresh_from_db()
    assert (report.status, report.is_late) == ("submitted", True)
    assert _badge(client, report)


def test_each_submission_records_its_own_lateness(client, report, liaison_a, supervisor):
    submitted(report, liaison_a, at=datetime.datetime(2024, 7, 5, 9, 0, tzinfo=SHANGHAI))
    progress.report_return(report=report, user=supervisor, reason="补充", at=datetime.datetime(2024, 7, 8, 9, 0, tzinfo=SHANGHAI))
    report.refresh_from_db()
    assert not report.is_late
    submitted(report, liaison_a, at=datetime.datetime(2024, 7, 12, 9, 0, tzinfo=SHANGHAI))
    report.refresh_from_db()
    assert report.is_late
    assert list(report.submissions.values_list("is_late", flat=True)) == [False, True]
    client.force_login(supervisor)
    page = client.get(reverse("tasks:report_detail", args=[report.pk])).content.decode()
    assert page.count('<span class="text-danger">逾期</span>') == 1  # the submissions list marks the second only


def test_a_late_contribution_is_accepted_and_marked_late(client, contribution, liaison_b):
    assert contribution.due_on == datetime.date(2024, 7, 5)
    progress.contribution_submit(
        contribution=contribution, user=liaison_b, content="公安局材料", at=datetime.datetime(2024, 7, 6, 9, 0, tzinfo=SHANGHAI)
    )
    contribution.refresh_from_db()
    assert (contribution.status, contribution.is_late) == ("submitted", True)
    client.force_login(liaison_b)
    page = client.get(reverse("tasks:contribution_detail", args=[contribution.pk])).content.decode()
    assert '<span class="badge text-bg-danger">逾期</span>' in page
