"""Bad input and wrong states, over HTTP: each is refused with a message that says why, and
nothing is written."""
# ruff: noqa: F811 - the fixtures imported from notice_fixtures are redefined as test arguments

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from supervision import notices
from supervision.models import SupervisionNotice
from tests.supervision.notice_fixtures import (  # noqa: F401 - fixtures
    REQUIREMENTS,
    head_a,
    issue,
    liaison_a2,
    media_root,
    notice,
    pdf,
    responded,
    snapshot,
)

pytestmark = pytest.mark.django_db
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode."


def _page(response) -> str:
    return response.content.decode()


def _url(name, notice) -> str:
    return reverse(f"supervision:{name}", args=[notice.pk])


@pytest.mark.parametrize(
    "data, message",
    [
        ({"requirements": ""}, "This field is required."),
        ({"requirements": "   "}, "This field is required."),
        ({"response_due_on": "2020-01-01"}, "The response date cannot be in the past."),
        ({"response_due_on": "明天"}, "Enter a valid date."),
        ({"level": "purple"}, "Select a valid choice."),
        ({"department": "999999"}, "Select a valid choice."),
    ],
)
def test_the_issue_form_refuses_bad_input(en_client, task_a, dept_a, liaison_a, supervisor, media_root, data, message):
    en_client.force_login(supervisor)
    before = snapshot(media_root)
    post = {"department": dept_a.pk, "level": "blue", "requirements": REQUIREMENTS, **data}
    response = en_client.post(reverse("supervision:notice_new") + f"?task={task_a.pk}", post)
    assert response.status_code == 400
    assert message in _page(response)
    assert snapshot(media_root) == before


def test_the_issue_form_refuses_a_department_that_has_no_part_in_the_task(en_client, task_b_only, dept_a, liaison_a, supervisor):
    en_client.force_login(supervisor)
    response = en_client.post(
        reverse("supervision:notice_new") + f"?task={task_b_only.pk}", {"department": dept_a.pk, "level": "blue", "requirements": "x"}
    )
    assert response.status_code == 400 and "Select a valid choice." in _page(response)
    assert not SupervisionNotice.objects.exists()


def test_a_response_date_of_today_is_accepted(en_client, task_a, dept_a, liaison_a, supervisor):
    en_client.force_login(supervisor)
    today = timezone.localdate()
    response = en_client.post(
        reverse("supervision:notice_new") + f"?task={task_a.pk}",
        {"department": dept_a.pk, "level": "red", "requirements": REQUIREMENTS, "response_due_on": today.isoformat()},
    )
    assert response.status_code == 302
    assert SupervisionNotice.objects.get().response_due_on == today


def test_acknowledging_twice_says_so_and_changes_nothing(en_client, notice, liaison_a, liaison_a2):
    en_client.force_login(liaison_a)
    en_client.post(_url("notice_acknowledge", notice))
    before = snapshot()
    page = _page(en_client.post(_url("notice_acknowledge", notice), follow=True))
    assert "This notice has already been acknowledged (Acknowledged); nothing was changed." in page
    en_client.force_login(liaison_a2)  # a colleague clicking at the same time
    page = _page(en_client.post(_url("notice_acknowledge", notice), follow=True))
    assert "already been acknowledged" in page
    assert snapshot() == before


def test_responding_before_acknowledging_is_refused(english, notice, liaison_a):
    before = snapshot()
    with pytest.raises(ValidationError, match="Acknowledge receipt of the notice before responding."):
        notices.notice_respond(notice=notice, user=liaison_a, response="已整改")
    assert snapshot() == before


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_a_response_without_text_is_refused(en_client, notice, liaison_a, media_root, text):
    notices.notice_acknowledge(notice=notice, user=liaison_a)
    en_client.force_login(liaison_a)
    before = snapshot(media_root)
    response = en_client.post(_url("notice_respond", notice), {"response": text, "files": [pdf()], "submit": ""})
    assert response.status_code == 400
    assert "Describe the measures taken before submitting." in _page(response)
    assert snapshot(media_root) == before
    with pytest.raises(ValidationError) as refused:
        notices.notice_respond(notice=notice, user=liaison_a, response=text)
    assert list(refused.value.message_dict) == ["response"]


def test_a_response_with_a_refused_file_stores_nothing(en_client, notice, liaison_a, media_root):
    notices.notice_acknowledge(notice=notice, user=liaison_a)
    en_client.force_login(liaison_a)
    before = snapshot(media_root)
    response = en_client.post(
        _url("notice_respond", notice), {"response": "已整改", "files": [pdf("好文件.pdf"), pdf("程序.pdf", EXE)], "submit": ""}
    )
    assert response.status_code == 400
    assert snapshot(media_root) == before
    notice.refresh_from_db()
    assert notice.status == "acknowledged"


def test_responding_twice_says_so_and_changes_nothing(en_client, notice, liaison_a):
    responded(notice, liaison_a)
    en_client.force_login(liaison_a)
    before = snapshot()
    for button in ["submit", "save"]:
        response = en_client.post(_url("notice_respond", notice), {"response": "再次提交", button: ""})
        assert response.status_code == 400
        message = {"submit": "This response has already been submitted.", "save": "This response has been submitted and can no longer be changed."}
        assert message[button] in _page(response)
    assert snapshot() == before


def test_returning_without_a_reason_is_refused(en_client, notice, liaison_a, supervisor):
    responded(notice, liaison_a)
    en_client.force_login(supervisor)
    before = snapshot()
    for reason in ["", "   "]:
        response = en_client.post(_url("notice_decide", notice), {"decision": "return", "reason": reason})
        assert response.status_code == 400
        assert "Say why the response is returned." in _page(response)
    assert snapshot() == before


def test_a_decision_must_be_accept_or_return(en_client, notice, liaison_a, supervisor):
    responded(notice, liaison_a)
    en_client.force_login(supervisor)
    before = snapshot()
    response = en_client.post(_url("notice_decide", notice), {"decision": "maybe", "reason": "x"})
    assert response.status_code == 400 and "Choose whether to approve or to return." in _page(response)
    assert snapshot() == before


@pytest.mark.parametrize("first, second", [("approve", "approve"), ("approve", "return"), ("return", "approve"), ("return", "return")])
def test_a_response_already_decided_by_someone_else_is_not_decided_again(en_client, notice, liaison_a, supervisor, first, second):
    from tests.factories import make_supervisor

    responded(notice, liaison_a)
    en_client.force_login(supervisor)
    en_client.post(_url("notice_decide", notice), {"decision": first, "reason": "第一位督导员"})
    en_client.force_login(make_supervisor("supervisor-2"))
    before = snapshot()
    response = en_client.post(_url("notice_decide", notice), {"decision": second, "reason": "第二位督导员"})
    assert response.status_code == 400
    status = {"approve": "Closed", "return": "Response returned"}[first]
    assert f"This response was already decided ({status}) by someone else; nothing was changed." in _page(response)
    assert snapshot() == before


def test_there_is_nothing_to_decide_before_the_department_responds(english, notice, liaison_a, supervisor):
    before = snapshot()
    with pytest.raises(ValidationError, match="This response has not been submitted; there is nothing to decide."):
        notices.notice_accept(notice=notice, user=supervisor)
    assert snapshot() == before


def test_a_closed_notice_takes_no_more_responses(english, notice, liaison_a, supervisor):
    responded(notice, liaison_a)
    notices.notice_accept(notice=notice, user=supervisor)
    before = snapshot()
    with pytest.raises(ValidationError, match="This notice is closed; nothing was changed."):
        notices.notice_respond(notice=notice, user=liaison_a, response="补充")
    with pytest.raises(ValidationError, match="already been acknowledged"):
        notices.notice_acknowledge(notice=notice, user=liaison_a)
    assert snapshot() == before


def test_a_decision_on_a_round_the_supervisor_did_not_read_is_refused(en_client, notice, liaison_a, supervisor):
    """The page carries the round it showed: an answer returned and sent again meanwhile is not
    decided blind."""
    responded(notice, liaison_a)
    en_client.force_login(supervisor)
    page = _page(en_client.get(notice.get_absolute_url()))
    assert 'name="round" value="1"' in page
    notices.notice_return(notice=notice, user=supervisor, reason="不完整", round=1)
    notices.notice_respond(notice=notice, user=liaison_a, response="已补充")
    before = snapshot()
    response = en_client.post(_url("notice_decide", notice), {"decision": "approve", "round": "1"})
    assert response.status_code == 400
    assert "The response was revised and submitted again after you opened it; nothing was changed." in _page(response)
    assert snapshot() == before


def test_a_draft_saved_over_a_colleagues_later_save_is_refused(en_client, notice, liaison_a, liaison_a2):
    notices.notice_acknowledge(notice=notice, user=liaison_a)
    notice.refresh_from_db()
    loaded = notice.version
    notices.notice_save(notice=notice, user=liaison_a2, response="同事先保存的草稿", version=loaded)
    en_client.force_login(liaison_a)
    before = snapshot()
    response = en_client.post(_url("notice_respond", notice), {"response": "我的草稿", "version": loaded, "save": ""})
    assert response.status_code == 400
    assert "Someone else saved this response after you opened it." in _page(response)
    assert "我的草稿" in _page(response)  # what was typed is shown again
    assert snapshot() == before


def test_an_answer_longer_than_allowed_is_not_saved(english, notice, liaison_a):
    notices.notice_acknowledge(notice=notice, user=liaison_a)
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        notices.notice_save(notice=notice, user=liaison_a, response="整" * 5001)
    assert list(refused.value.message_dict) == ["response"]
    assert snapshot() == before
