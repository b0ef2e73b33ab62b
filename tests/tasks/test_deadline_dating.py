"""A deadline the table gave in words (试点验收前) is dated later by a supervisor of the plan's region:
the words stay, the flag goes, the audit trail keeps both dates."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from tests.factories import KeyTaskFactory, RegionFactory, make_supervisor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def undated(plan):
    return KeyTaskFactory(plan=plan, deadline_text="试点验收前", deadline_undated=True, due_date=datetime.date(2025, 12, 31))


def test_a_supervisor_dates_the_deadline(client, undated, supervisor):
    client.force_login(supervisor)
    assert 'id="date-deadline-form"' in client.get(undated.get_absolute_url()).content.decode()
    response = client.post(reverse("tasks:task_date_deadline", args=[undated.pk]), {"due_date": "2024-06-30"})
    assert response.status_code == 302
    undated.refresh_from_db()
    assert (undated.due_date, undated.deadline_undated, undated.deadline_text) == (datetime.date(2024, 6, 30), False, "试点验收前")
    entry = AuditEntry.objects.get(action="date_deadline")
    assert (entry.from_state, entry.to_state, entry.actor) == ("2025-12-31", "2024-06-30", supervisor)


@pytest.mark.parametrize("value", ["", "2019-01-01", "2031-01-01", "不是日期"])
def test_a_missing_or_impossible_date_changes_nothing(client, undated, supervisor, value):
    client.force_login(supervisor)
    client.post(reverse("tasks:task_date_deadline", args=[undated.pk]), {"due_date": value})
    undated.refresh_from_db()
    assert undated.deadline_undated and undated.due_date == datetime.date(2025, 12, 31)
    assert not AuditEntry.objects.filter(action="date_deadline").exists()


def test_liaisons_and_other_prefectures_cannot_date_it(client, undated, liaison_a):
    client.force_login(liaison_a)
    assert client.post(reverse("tasks:task_date_deadline", args=[undated.pk]), {"due_date": "2024-06-30"}).status_code in {403, 404}
    other = make_supervisor("other-prefecture", region=RegionFactory(name="乙市"))
    client.force_login(other)
    assert client.post(reverse("tasks:task_date_deadline", args=[undated.pk]), {"due_date": "2024-06-30"}).status_code == 404
    undated.refresh_from_db()
    assert undated.deadline_undated
