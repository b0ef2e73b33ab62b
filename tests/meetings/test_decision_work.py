"""Meeting → decision → key task or supervision notice → the decision's state on the meeting page;
the next meeting's agenda reviews the open decisions; bad input changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from meetings import services
from meetings.models import Decision, Meeting
from supervision.models import SupervisionNotice
from tasks.models import KeyTask, Light, TaskDepartment
from tests.meetings.conftest import HELD_ON
from tests.supervision.notice_fixtures import closed

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=60)


def add(meeting, actor, departments, deadline=LATER, text="建立严重精神障碍患者信息共享机制") -> Decision:
    return services.decision_add(meeting=meeting, text=text, departments=departments, deadline=deadline, actor=actor)


def to_task(decision, actor, leads, cooperating=(), code="H1", due=LATER) -> KeyTask:
    return services.decision_to_task(
        decision=decision, actor=actor, code=code, title="信息共享机制", leads=list(leads), cooperating=list(cooperating),
        due_date=due, cadence=KeyTask.Cadence.MONTHLY,
    )


def page_state(client, meeting, decision) -> str:
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    marker = f'id="decision-{decision.pk}" data-state="'
    assert marker in html
    return html.split(marker, 1)[1].split('"', 1)[0]


def test_decision_becomes_a_key_task_and_its_state_follows_the_task(client, meeting, supervisor, dept_a, dept_b):
    decision = add(meeting, supervisor, [dept_a, dept_b])
    assert decision.number == 1
    client.force_login(supervisor)
    assert page_state(client, meeting, decision) == "open"

    task = to_task(decision, supervisor, [dept_a], [dept_b])

    task.refresh_from_db()
    assert (task.plan_id, task.code, task.due_date, task.cadence) == (meeting.plan_id, "H1", LATER, "monthly")
    assert task.start_date == HELD_ON
    assert [(link.department_id, link.role) for link in TaskDepartment.objects.filter(task=task).order_by("role")] == [
        (dept_b.pk, "cooperating"), (dept_a.pk, "lead")
    ]
    decision.refresh_from_db()
    assert decision.task_id == task.pk
    assert page_state(client, meeting, decision) == "in_progress"
    assert AuditEntry.objects.filter(action="create", object_id=str(task.pk), content_type__model="keytask").exists()
    assert AuditEntry.objects.filter(action="status", object_id=str(decision.pk), content_type__model="decision").exists()

    KeyTask.objects.filter(pk=task.pk).update(light=Light.RED)
    assert page_state(client, meeting, decision) == "overdue"
    KeyTask.objects.filter(pk=task.pk).update(status=KeyTask.Status.COMPLETED)
    assert page_state(client, meeting, decision) == "done"


def test_decision_becomes_a_notice_and_is_done_when_the_notice_is_closed(client, meeting, supervisor, task_a, dept_a, liaison_a):
    decision = add(meeting, supervisor, [dept_a])
    notice = services.decision_to_notice(
        decision=decision, actor=supervisor, task=task_a, department=dept_a, level=SupervisionNotice.Level.YELLOW,
        requirements="按会议要求推进",
    )
    assert (notice.task_id, notice.department_id, notice.level) == (task_a.pk, dept_a.pk, "yellow")
    decision.refresh_from_db()
    assert decision.notice_id == notice.pk
    client.force_login(supervisor)
    assert page_state(client, meeting, decision) == "in_progress"
    closed(notice, liaison_a, supervisor)
    assert page_state(client, meeting, decision) == "done"


def test_an_open_decision_past_its_deadline_is_overdue(meeting, supervisor, dept_a):
    decision = add(meeting, supervisor, [dept_a], deadline=datetime.date(2024, 6, 30))
    assert decision.state_on(datetime.date(2024, 6, 30)) == Decision.State.OPEN
    assert decision.state_on(datetime.date(2024, 7, 1)) == Decision.State.OVERDUE


def test_the_next_meeting_reviews_the_open_decisions_of_earlier_ones(client, meeting, supervisor, dept_a, dept_b, plan):
    done = add(meeting, supervisor, [dept_a], text="已办结事项")
    task = to_task(done, supervisor, [dept_a])
    KeyTask.objects.filter(pk=task.pk).update(status=KeyTask.Status.COMPLETED)
    waiting = add(meeting, supervisor, [dept_b], text="尚未落实事项")
    working = add(meeting, supervisor, [dept_a], text="正在推进事项")
    to_task(working, supervisor, [dept_a], code="H2")
    later = services.meeting_create(
        region=plan.region, plan=plan, kind=Meeting.Kind.LIAISON, title="2024年第二次联席会议", held_on=datetime.date(2024, 9, 1),
        convenor="李某某", present=[dept_a, dept_b], actor=supervisor,
    )
    add(later, supervisor, [dept_a], text="本次会议事项")
    client.force_login(supervisor)
    response = client.get(later.get_absolute_url())
    agenda = response.content.decode().split('id="agenda"', 1)[1].split('id="decisions"', 1)[0]
    assert "尚未落实事项" in agenda and "正在推进事项" in agenda
    assert "已办结事项" not in agenda and "本次会议事项" not in agenda
    # The earlier meeting reviews nothing of the later one.
    first = client.get(meeting.get_absolute_url()).content.decode().split('id="agenda"', 1)[1].split('id="decisions"', 1)[0]
    assert "本次会议事项" not in first
    assert {waiting.pk, working.pk} == {
        d.pk for d in __import__("meetings.selectors", fromlist=["x"]).open_decisions_before(meeting=later, user=supervisor)
    }


# --- bad input: a clear message, nothing changed ----------------------------------------------------


def _rows():
    return (
        list(Decision.objects.values_list("pk", "task_id", "notice_id")),
        KeyTask.objects.count(),
        SupervisionNotice.objects.count(),
        AuditEntry.objects.count(),
        Meeting.objects.count(),
    )


def test_a_decision_without_a_responsible_department_is_refused(en_client, meeting, supervisor):
    before = _rows()
    en_client.force_login(supervisor)
    response = en_client.post(f"/meetings/{meeting.pk}/decisions/new/", {"text": "无责任单位的事项", "deadline": LATER.isoformat()})
    assert response.status_code == 400
    assert "Name at least one responsible department." in response.content.decode()
    assert _rows() == before


def test_a_deadline_before_the_meeting_is_refused(en_client, meeting, supervisor, dept_a):
    before = _rows()
    en_client.force_login(supervisor)
    response = en_client.post(
        f"/meetings/{meeting.pk}/decisions/new/", {"text": "倒填时限的事项", "departments": [dept_a.pk], "deadline": "2024-03-14"}
    )
    assert response.status_code == 400
    assert "The deadline 2024-03-14 is before the meeting (2024-03-15)." in response.content.decode()
    assert _rows() == before


def test_turning_a_decision_into_work_twice_is_refused(en_client, meeting, supervisor, dept_a, task_a, english):
    decision = add(meeting, supervisor, [dept_a])
    to_task(decision, supervisor, [dept_a])
    before = _rows()
    with pytest.raises(ValidationError, match="already been turned into work"):
        to_task(decision, supervisor, [dept_a], code="H9")
    with pytest.raises(ValidationError, match="already been turned into work"):
        services.decision_to_notice(
            decision=decision, actor=supervisor, task=task_a, department=dept_a, level="blue", requirements="再次督办"
        )
    en_client.force_login(supervisor)
    response = en_client.post(
        f"/meetings/decisions/{decision.pk}/notice/",
        {"task": task_a.pk, "department": dept_a.pk, "level": "blue", "requirements": "再次督办"},
        follow=True,
    )
    assert "Decision 1 has already been turned into work; nothing was changed." in response.content.decode()
    assert _rows() == before


def test_a_liaison_cannot_create_a_meeting(en_client, liaison_a, plan, dept_a):
    before = _rows()
    en_client.force_login(liaison_a)
    response = en_client.post(
        f"/meetings/new/?plan={plan.pk}",
        {"kind": "plenary", "title": "联络员自建会议", "held_on": "2024-05-01", "convenor": "某某", "present": [dept_a.pk]},
    )
    assert response.status_code == 403
    assert "Only supervisors and administrators of the region may create" in response.content.decode()
    assert _rows() == before


def test_a_task_number_already_in_the_plan_is_refused_and_the_decision_stays_open(meeting, supervisor, dept_a, task_a, english):
    decision = add(meeting, supervisor, [dept_a])
    before = _rows()
    with pytest.raises(ValidationError) as caught:
        to_task(decision, supervisor, [dept_a], code=task_a.code)
    assert "already exists in the plan" in str(caught.value)
    assert _rows() == before


def test_the_meeting_is_recorded_through_the_form(client, plan, supervisor, dept_a, dept_b):
    client.force_login(supervisor)
    response = client.post(
        f"/meetings/new/?plan={plan.pk}",
        {"plan": plan.pk, "kind": "special", "title": "专题会议", "held_on": "2024-05-01", "convenor": "副市长",
         "present": [dept_a.pk], "absent": [dept_b.pk], "minutes": "会议纪要正文"},
    )
    meeting = Meeting.objects.get(title="专题会议")
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    assert sorted(meeting.attendances.values_list("department_id", "present")) == sorted([(dept_a.pk, True), (dept_b.pk, False)])
    assert AuditEntry.objects.filter(action="create", object_id=str(meeting.pk), content_type__model="meeting").exists()


def test_the_summary_pdf_lists_the_decisions(client, meeting, supervisor, dept_a):
    from io import BytesIO

    from pypdf import PdfReader

    add(meeting, supervisor, [dept_a], text="建立患者信息共享机制")
    client.force_login(supervisor)
    response = client.get(f"/meetings/{meeting.pk}/summary.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "建立患者信息共享机制" in text and "示范市卫生健康委员会" in text


def test_an_open_decision_is_corrected_and_a_tracked_one_is_not(en_client, meeting, supervisor, dept_a, dept_b):
    decision = add(meeting, supervisor, [dept_a], text="原事项")
    en_client.force_login(supervisor)
    response = en_client.post(
        f"/meetings/decisions/{decision.pk}/edit/", {"text": "更正后的事项", "departments": [dept_b.pk], "deadline": LATER.isoformat()}
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.text == "更正后的事项" and [d.pk for d in decision.responsible] == [dept_b.pk]
    assert AuditEntry.objects.filter(action="change", object_id=str(decision.pk), content_type__model="decision").exists()

    to_task(decision, supervisor, [dept_b])
    before = _rows()
    response = en_client.post(
        f"/meetings/decisions/{decision.pk}/edit/", {"text": "再改", "departments": [dept_a.pk], "deadline": LATER.isoformat()}, follow=True
    )
    assert "already been turned into work" in response.content.decode()
    decision.refresh_from_db()
    assert decision.text == "更正后的事项" and _rows() == before


def test_a_meeting_cannot_be_moved_after_a_decision_deadline(meeting, supervisor, dept_a, english):
    add(meeting, supervisor, [dept_a], deadline=datetime.date(2024, 4, 30))
    with pytest.raises(ValidationError, match="due 2024-04-30"):
        services.meeting_update(
            meeting=meeting, kind=meeting.kind, title=meeting.title, held_on=datetime.date(2024, 5, 1), convenor=meeting.convenor,
            minutes="", present=[dept_a], absent=[], actor=supervisor,
        )
    meeting.refresh_from_db()
    assert meeting.held_on == HELD_ON
