"""The task's timeline says what changed in the reader's words: a period as "2024 Q3" (not 2024Q3),
and a progress update that leaves the status as it was shows the status once (no "In progress →
In progress")."""

import re

import pytest

from tasks import progress
from tests.progress.conftest import ON_TIME, WORK_DONE

pytestmark = pytest.mark.django_db


def approve(report, liaison, supervisor, percent):
    report = progress.report_submit(
        report=report, user=liaison, version=report.version,
        data={"achievements": WORK_DONE, "percent_complete": percent, "missing_contributions_reason": "另报"}, at=ON_TIME,
    )
    return progress.report_approve(report=report, user=supervisor, accept_pending_evidence=True)


def test_progress_entries_read_as_words(en_client, report, task_a, liaison_a, supervisor):
    approve(report, liaison_a, supervisor, 40)
    q3 = progress.reporting_period(plan=task_a.plan, cadence="quarterly", year=2024, number=3)
    approve(progress.report_open(task=task_a, period=q3, department=report.department), liaison_a, supervisor, 60)

    en_client.force_login(supervisor)
    html = en_client.get(task_a.get_absolute_url()).content.decode()
    timeline = html[html.index('id="timeline"'):]
    timeline = timeline[: timeline.index("</ul>")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", timeline))
    assert "2024 Q2 40%" in text and "2024 Q3 60%" in text
    assert "2024Q3" not in text
    assert "In progress → In progress" not in text and "Not started → In progress" in text
