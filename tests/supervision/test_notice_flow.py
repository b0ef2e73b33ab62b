"""A supervision notice through every branch of its flow, as users drive it over HTTP."""
# ruff: noqa: F811 - the fixtures imported from notice_fixtures are redefined as test arguments

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from evidence.services import evidence_for
from notifications.models import Notification
from supervision import notices
from supervision.models import NoticeCounter, SupervisionNotice
from tests.factories import make_supervisor
from tests.supervision.notice_fixtures import (  # noqa: F401 - fixtures
    REQUIREMENTS,
    head_a,
    issue,
    liaison_a2,
    media_root,
    notice,
    pdf,
    process_of,
    trail,
)
from workdays.calendar import add_working_days

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return response.content.decode()


def _inbox(user) -> list[tuple[str, str, bool]]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("kind", "url", "send_email"))


def test_a_notice_is_issued_acknowledged_responded_returned_responded_again_and_accepted(
    en_client, task_a, dept_a, liaison_a, head_a, liaison_b, supervisor
):
    client = en_client
    today = timezone.localdate()

    # The supervisor opens the task and issues a notice: the answerable lead is pre-selected.
    client.force_login(supervisor)
    page = _page(client.get(reverse("tasks:task_detail", args=[task_a.pk])))
    new = reverse("supervision:notice_new") + f"?task={task_a.pk}"
    assert f'href="{new}"' in page
    form = _page(client.get(new))
    assert f'<option value="{dept_a.pk}" selected>' in form
    page = _page(client.post(new, {"department": dept_a.pk, "level": "yellow", "requirements": REQUIREMENTS}, follow=True))
    notice = SupervisionNotice.objects.get()
    assert f"Supervision notice {notice.reference} has been issued" in page
    assert (notice.year, notice.number, notice.reference) == (today.year, 1, f"督办〔{today.year}〕1号")
    assert (notice.status, notice.level, notice.issued_by, notice.department) == ("issued", "yellow", supervisor, dept_a)
    assert notice.response_due_on == add_working_days(today, task_a.plan.notice_response_working_days)
    assert NoticeCounter.objects.get(year=today.year).last == 1
    detail = notice.get_absolute_url()
    assert detail == reverse("supervision:notice_detail", args=[notice.pk])
    # The department's liaison and head are told, by e-mail too; the co-operating department is not.
    assert _inbox(liaison_a) == [("notice", detail, True)]
    assert _inbox(head_a) == [("notice", detail, True)]
    assert _inbox(liaison_b) == []
    assert notice.reference in Notification.objects.get(user=liaison_a).display_title

    # The liaison acknowledges receipt (签收); the issuer hears of it.
    client.force_login(liaison_a)
    page = _page(client.get(detail))
    assert 'id="acknowledge-form"' in page and 'id="respond-form"' not in page
    page = _page(client.post(reverse("supervision:notice_acknowledge", args=[notice.pk]), follow=True))
    assert "You have acknowledged the notice." in page
    notice.refresh_from_db()
    assert (notice.status, notice.acknowledged_by) == ("acknowledged", liaison_a)
    assert [kind for kind, _url, _mail in _inbox(supervisor)] == ["notice"]

    # … responds with the measures and a file.
    assert 'id="respond-form"' in page
    respond = reverse("supervision:notice_respond", args=[notice.pk])
    page = _page(client.post(respond, {"response": "已完成系统联调。", "files": [pdf("联调报告.pdf")], "submit": ""}, follow=True))
    assert "Your response has been sent to the supervisor." in page
    notice.refresh_from_db()
    assert (notice.status, notice.response, notice.responded_by) == ("responded", "已完成系统联调。", liaison_a)
    assert [e.original_name for e in evidence_for(notice)] == ["联调报告.pdf"]
    assert 'id="respond-form"' not in page and "联调报告.pdf" in page
    assert [kind for kind, _url, _mail in _inbox(supervisor)] == ["notice", "review"]  # the lifecycle's "submitted"

    # The supervisor returns it with a reason (none given: refused).
    client.force_login(supervisor)
    page = _page(client.get(detail))
    assert 'id="decision-form"' in page
    decide = reverse("supervision:notice_decide", args=[notice.pk])
    assert 'name="round" value="1"' in page
    response = client.post(decide, {"decision": "return", "reason": "", "round": 1})
    assert response.status_code == 400 and "Say why the response is returned." in _page(response)
    page = _page(client.post(decide, {"decision": "return", "reason": "请补充接入医疗机构清单。", "round": 1}, follow=True))
    assert "The response has been returned to the department." in page
    notice.refresh_from_db()
    assert (notice.status, notice.return_reason, notice.decided_by) == ("returned", "请补充接入医疗机构清单。", supervisor)
    assert notice.response_due_on >= add_working_days(today, task_a.plan.notice_response_working_days)
    assert [kind for kind, _url, _mail in _inbox(liaison_a)] == ["notice", "notice"]
    assert _inbox(head_a)[-1] == ("notice", detail, True)

    # The liaison sees why, and responds again with another file.
    client.force_login(liaison_a)
    page = _page(client.get(detail))
    assert 'id="return-reason"' in page and "请补充接入医疗机构清单。" in page and 'id="respond-form"' in page
    page = _page(client.post(respond, {"response": "已完成系统联调，附接入医疗机构清单。", "files": [pdf("机构清单.pdf")], "submit": ""}, follow=True))
    notice.refresh_from_db()
    assert (notice.status, notice.return_reason) == ("responded", "")
    assert [e.original_name for e in evidence_for(notice)] == ["联调报告.pdf", "机构清单.pdf"]

    # The supervisor accepts one file and approves with the other still undecided: refused,
    # until the remaining file is accepted in the same action. The notice is closed.
    client.force_login(supervisor)
    first, second = evidence_for(notice)
    client.post(reverse("review:evidence_decide", args=["notice_answer", notice.pk, first.pk]), {"decision": "accept"})
    response = client.post(decide, {"decision": "approve", "reason": "同意办结", "round": 2})
    assert response.status_code == 400 and "Decide every file before approving (accept or reject): 机构清单.pdf" in _page(response)
    assert 'name="accept_files"' in _page(response)
    page = _page(client.post(decide, {"decision": "approve", "reason": "同意办结", "round": 2, "accept_files": "on"}, follow=True))
    assert "The response has been accepted and the notice closed." in page
    notice.refresh_from_db()
    assert (notice.status, notice.decided_by) == ("closed", supervisor)
    assert 'id="decision-form"' not in page and 'id="notice-status" data-status="closed"' in page

    # The viewflow process is done, through every node of the diagram, with no human task open.
    process = process_of(notice)
    assert process.status == "DONE"
    assert not Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]).exists()
    steps = [t.flow_task.name for t in Task.objects.filter(process=process).order_by("created", "pk")]
    assert steps == ["issue", "acknowledge", "write", "review", "is_approved", "write", "review", "is_approved", "apply_approval", "needs_acceptance", "end"]
    owners = {t.flow_task.name: t.owner for t in Task.objects.filter(process=process, flow_task_type="HUMAN")}
    assert owners["acknowledge"] == liaison_a and owners["write"] == liaison_a and owners["review"] == supervisor

    # The audit trail has every transition: actor, from, to, comment.
    entries = trail(notice)
    assert entries == [
        ("issue", "supervisor", "", "issued", notice.reference),
        ("acknowledge", "liaison-a", "issued", "acknowledged", ""),
        ("respond", "liaison-a", "acknowledged", "responded", ""),
        ("return", "supervisor", "responded", "returned", "请补充接入医疗机构清单。"),
        ("respond", "liaison-a", "returned", "responded", ""),
        ("accept", "supervisor", "responded", "closed", "同意办结"),
    ]
    assert trail(task_a) == []  # the task's timeline, shown to all its departments, says nothing of notices
    # The department was told of each decision; the acceptance by the flow's close step.
    titles = [n.display_title for n in Notification.objects.filter(user=liaison_a).order_by("pk")]
    assert len(titles) == 3 and "returned" in titles[1] and "accepted and the notice closed" in titles[2]
    # … and the page shows it.
    page = _page(client.get(detail))
    for text in ["issued", "acknowledged", "responded", "returned", "accepted", "请补充接入医疗机构清单。"]:
        assert text.lower() in page[page.index('id="timeline"') :].lower(), text  # "Issued" in English


def test_any_liaison_of_the_department_may_act_and_the_viewflow_task_follows_them(notice, liaison_a, liaison_a2, supervisor):
    process = process_of(notice)
    acknowledge = Task.objects.get(process=process, flow_task=notice_flow().acknowledge)
    assert (acknowledge.status, acknowledge.owner) == (STATUS.ASSIGNED, liaison_a)  # the first liaison

    notices.notice_acknowledge(notice=notice, user=liaison_a2)
    acknowledge.refresh_from_db()
    assert (acknowledge.status, acknowledge.owner) == (STATUS.DONE, liaison_a2)
    respond = Task.objects.get(process=process, flow_task=notice_flow().write)
    assert respond.owner == liaison_a2  # who acknowledged answers

    notices.notice_respond(notice=notice, user=liaison_a, response="已整改")
    respond.refresh_from_db()
    assert (respond.status, respond.owner) == (STATUS.DONE, liaison_a)
    review = Task.objects.get(process=process, flow_task=notice_flow().review)
    assert (review.status, review.owner_permission) == (STATUS.NEW, "supervision.issue_supervisionnotice")

    notices.notice_return(notice=notice, user=supervisor, reason="不完整")
    again = Task.objects.filter(process=process, flow_task=notice_flow().write).latest("pk")
    assert (again.status, again.owner) == (STATUS.ASSIGNED, liaison_a)  # back to who responded


def test_an_automatic_notice_has_no_issuer_and_the_department_answers_every_supervisor(
    task_a, dept_a, liaison_a, head_a, supervisor
):
    other = make_supervisor("supervisor-2")
    notice = issue(task_a, dept_a, None, at=timezone.now())
    assert notice.issued_by is None and notice.number == 1
    assert trail(notice)[0][:2] == ("issue", None)
    assert Notification.objects.filter(user__in=[liaison_a, head_a], kind="notice", send_email=True).count() == 2
    notices.notice_acknowledge(notice=notice, user=liaison_a)
    assert set(Notification.objects.filter(kind="notice", user__in=[supervisor, other]).values_list("user__username", flat=True)) == {
        "supervisor",
        "supervisor-2",
    }


def test_the_notice_page_offers_each_user_only_their_own_action(client, notice, liaison_a, head_a, liaison_a2, supervisor, administrator):
    detail = notice.get_absolute_url()
    forms = ["acknowledge-form", "respond-form", "decision-form"]

    def shown(user):
        client.force_login(user)
        page = _page(client.get(detail))
        return [form for form in forms if f'id="{form}"' in page]

    assert shown(liaison_a) == ["acknowledge-form"]
    assert shown(liaison_a2) == ["acknowledge-form"]
    assert shown(head_a) == []  # heads follow; liaisons act
    assert shown(supervisor) == []
    notices.notice_acknowledge(notice=notice, user=liaison_a)
    assert shown(liaison_a2) == ["respond-form"]
    notices.notice_respond(notice=notice, user=liaison_a, response="已整改")
    assert shown(liaison_a) == []
    assert shown(supervisor) == ["decision-form"]
    assert shown(administrator) == []  # reads everything, decides nothing


def notice_flow():
    from workflows.notice.flows import NoticeFlow

    return NoticeFlow


def test_the_response_date_counts_working_days_from_the_issue_date(task_a, dept_a, liaison_a, supervisor):
    notice = issue(task_a, dept_a, supervisor)  # Monday 2024-06-03, 5 working days, 端午节 on 06-10
    assert notice.response_due_on == datetime.date(2024, 6, 11)
