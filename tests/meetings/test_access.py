"""Who may see and change a joint meeting, per role (see meetings/access.py)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from meetings import services
from meetings.models import Meeting
from tests.factories import make_liaison

pytestmark = pytest.mark.django_db

LATER = datetime.date(2030, 1, 31)


@pytest.fixture
def decision(meeting, supervisor, dept_a):
    return services.decision_add(meeting=meeting, text="建立信息共享机制", departments=[dept_a], deadline=LATER, actor=supervisor)


def urls(meeting, decision) -> dict[str, str]:
    return {
        "detail": f"/meetings/{meeting.pk}/",
        "pdf": f"/meetings/{meeting.pk}/summary.pdf",
        "edit": f"/meetings/{meeting.pk}/edit/",
        "import": f"/meetings/{meeting.pk}/import/",
        "decision edit": f"/meetings/decisions/{decision.pk}/edit/",
        "task": f"/meetings/decisions/{decision.pk}/task/",
        "notice": f"/meetings/decisions/{decision.pk}/notice/",
    }


def statuses(user, meeting, decision) -> dict[str, int]:
    client = Client()
    if user is not None:
        client.force_login(user)
    return {name: client.get(url).status_code for name, url in urls(meeting, decision).items()}


VIEW_ONLY = {"detail": 200, "pdf": 200, "edit": 403, "import": 403, "decision edit": 403, "task": 403, "notice": 403}
HIDDEN = dict.fromkeys(VIEW_ONLY, 404)


def test_supervisors_of_the_region_and_above_manage(meeting, decision, supervisor, city_supervisor):
    for user in (supervisor, city_supervisor):
        assert statuses(user, meeting, decision) == dict.fromkeys(VIEW_ONLY, 200)


def test_an_administrator_manages_and_makes_tasks_but_does_not_issue_notices(meeting, decision, administrator):
    assert statuses(administrator, meeting, decision) == {**dict.fromkeys(VIEW_ONLY, 200), "notice": 403}


def test_an_evaluator_only_reads(meeting, decision, evaluator):
    assert statuses(evaluator, meeting, decision) == VIEW_ONLY


def test_liaisons_of_member_departments_read_present_or_absent(meeting, decision, liaison_a, liaison_b):
    assert statuses(liaison_a, meeting, decision) == VIEW_ONLY  # present
    assert statuses(liaison_b, meeting, decision) == VIEW_ONLY  # absent: still a member


def test_a_liaison_of_another_department_gets_404(meeting, decision, dept_c):
    assert statuses(make_liaison(dept_c, "liaison-c"), meeting, decision) == HIDDEN


def test_staff_of_another_region_get_404(meeting, decision, supervisor_b, administrator_b):
    for user in (supervisor_b, administrator_b):
        assert statuses(user, meeting, decision) == HIDDEN
        client = Client()
        client.force_login(user)
        assert meeting.title not in client.get("/meetings/").content.decode()


def test_anonymous_is_sent_to_log_in(meeting, decision):
    assert set(statuses(None, meeting, decision).values()) == {302}


def test_staff_of_another_region_cannot_record_a_meeting_there(plan, supervisor_b, dept_a):
    client = Client()
    client.force_login(supervisor_b)
    response = client.post(
        f"/meetings/new/?plan={plan.pk}",
        {"kind": "plenary", "title": "越权会议", "held_on": "2024-05-01", "convenor": "某某", "present": [dept_a.pk]},
    )
    # The plan is not theirs to see: the form falls back to their own region, where dept A is no choice.
    assert response.status_code == 400
    assert not Meeting.objects.filter(title="越权会议").exists()


def test_the_list_shows_a_liaison_only_their_departments_meetings(meeting, plan, supervisor, liaison_a, dept_c):
    services.meeting_create(
        region=plan.region, plan=plan, kind=Meeting.Kind.SPECIAL, title="民政专题会议", held_on=datetime.date(2024, 4, 1),
        convenor="某某", present=[dept_c], actor=supervisor,
    )
    client = Client()
    client.force_login(liaison_a)
    html = client.get("/meetings/").content.decode()
    assert meeting.title in html and "民政专题会议" not in html
