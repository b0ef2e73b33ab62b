"""Who may open and do what with supervision notices, per role and per URL, and the services'
own refusals.

The cast: liaison_a and head_a (dept A, the notice's department), liaison_b (dept B co-operates
on task_a), supervisor, evaluator, administrator, outsider (signed in, no role), anonymous.
"""
# ruff: noqa: F811 - the fixtures imported from notice_fixtures are redefined as test arguments

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from evidence.models import EvidenceDownload
from evidence.services import evidence_for
from supervision import notices
from tests.supervision.notice_fixtures import closed, head_a, issue, media_root, pdf, responded, snapshot  # noqa: F401

pytestmark = pytest.mark.django_db

ROLES = ["liaison_a", "head_a", "liaison_b", "supervisor", "evaluator", "administrator", "outsider"]


@pytest.fixture
def world(task_a, dept_a, dept_b, liaison_a, head_a, liaison_b, supervisor, evaluator, administrator, outsider):
    """An open notice of dept A with a file, a closed one with a file, and an open one of dept B."""
    open_ = issue(task_a, dept_a, supervisor)
    responded(open_, liaison_a, uploads=[pdf("进行中.pdf")])
    done = issue(task_a, dept_a, supervisor)
    responded(done, liaison_a, uploads=[pdf("已办结.pdf")])
    notices.notice_accept(notice=done, user=supervisor, accept_pending_evidence=True)
    of_b = issue(task_a, dept_b, supervisor)

    return SimpleNamespace(
        open=open_, open_file=evidence_for(open_).get(), done=done, done_file=evidence_for(done).get(), of_b=of_b
    )


# Which notices each role sees: open / closed of dept A, open of dept B.
SEES = {
    "liaison_a": (True, True, False),
    "head_a": (True, True, False),
    "liaison_b": (False, False, True),
    "supervisor": (True, True, True),
    "evaluator": (False, True, False),
    "administrator": (True, True, True),
    "outsider": (False, False, False),
}


@pytest.mark.parametrize("who", ROLES)
def test_each_role_opens_the_notices_it_may_see_and_no_other(request, client, world, who):
    client.force_login(request.getfixturevalue(who))
    for notice, visible in zip([world.open, world.done, world.of_b], SEES[who], strict=True):
        for name in ("notice_detail", "notice_pdf"):
            response = client.get(reverse(f"supervision:{name}", args=[notice.pk]))
            assert response.status_code == (200 if visible else 404), (who, notice.reference, name)
    page = client.get(reverse("supervision:notice_list")).content.decode()
    for notice, visible in zip([world.open, world.done, world.of_b], SEES[who], strict=True):
        assert (f">{notice.reference}<" in page) == visible, (who, notice.reference)


def test_anonymous_users_are_sent_to_the_login_page_for_every_page_and_action(client, world, task_a):
    pk = world.open.pk
    gets = [
        reverse("supervision:notice_list"),
        reverse("supervision:notice_detail", args=[pk]),
        reverse("supervision:notice_pdf", args=[pk]),
        reverse("supervision:notice_new") + f"?task={task_a.pk}",
    ]
    posts = [
        *(reverse(f"supervision:notice_{action}", args=[pk]) for action in ("acknowledge", "respond", "evidence_upload", "decide")),
        reverse("supervision:notice_evidence_remove", args=[pk, world.open_file.pk]),
        reverse("review:evidence_decide", args=["notice_answer", pk, world.open_file.pk]),
    ]
    before = snapshot()
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    for url in posts:
        response = client.post(url, {"response": "x", "submit": "", "decision": "approve"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    assert snapshot() == before


@pytest.mark.parametrize("who, status", [("supervisor", 200), ("liaison_a", 403), ("head_a", 403), ("evaluator", 403), ("administrator", 403), ("outsider", 403)])
def test_only_supervisors_open_the_issue_form(request, client, world, task_a, who, status):
    client.force_login(request.getfixturevalue(who))
    url = reverse("supervision:notice_new") + f"?task={task_a.pk}"
    assert client.get(url).status_code == status
    before = snapshot()
    assert client.post(url, {"department": world.open.department_id, "level": "blue", "requirements": "请整改"}).status_code in {status, 302}
    if status != 200:
        assert snapshot() == before


def test_the_issue_form_needs_a_task_the_supervisor_can_see(client, supervisor, world):
    client.force_login(supervisor)
    assert client.get(reverse("supervision:notice_new") + "?task=999999").status_code == 404
    response = client.get(reverse("supervision:notice_new"))
    assert response.status_code == 302 and response["Location"] == reverse("supervision:notice_list")


def test_the_task_page_offers_the_issue_button_to_supervisors_only(client, world, task_a, supervisor, liaison_a, evaluator, administrator):
    url = reverse("tasks:task_detail", args=[task_a.pk])
    for user, shown in [(supervisor, True), (liaison_a, False), (evaluator, False), (administrator, False)]:
        client.force_login(user)
        assert ('id="issue-notice"' in client.get(url).content.decode()) == shown, user


# --- actions by someone who may not: refused, nothing changed ---------------------------------

ACTIONS = {
    "acknowledge": ("notice_acknowledge", {}),
    "respond": ("notice_respond", {"response": "越权答复", "submit": ""}),
    "save": ("notice_respond", {"response": "越权草稿", "save": ""}),
    "upload": ("notice_evidence_upload", {"response": "越权草稿"}),
    "accept": ("notice_decide", {"decision": "approve", "reason": ""}),
    "return": ("notice_decide", {"decision": "return", "reason": "越权退回"}),
}


@pytest.mark.parametrize(
    "action, who, status",
    [
        ("acknowledge", "head_a", 403),
        ("acknowledge", "supervisor", 403),
        ("acknowledge", "liaison_b", 404),
        ("acknowledge", "evaluator", 404),
        ("respond", "head_a", 403),
        ("respond", "supervisor", 403),
        ("respond", "administrator", 403),
        ("respond", "liaison_b", 404),
        ("save", "head_a", 403),
        ("save", "supervisor", 403),
        ("upload", "head_a", 403),
        ("upload", "administrator", 403),
        ("upload", "liaison_b", 404),
        ("accept", "liaison_a", 403),
        ("accept", "head_a", 403),
        ("accept", "administrator", 403),
        ("accept", "outsider", 404),
        ("return", "liaison_a", 403),
        ("return", "evaluator", 404),
    ],
)
def test_an_action_by_someone_who_may_not_is_refused_and_changes_nothing(request, client, task_a, dept_a, liaison_a, head_a, supervisor, action, who, status):
    notice = issue(task_a, dept_a, supervisor)
    if action in {"accept", "return"}:
        responded(notice, liaison_a)
    elif action != "acknowledge":
        notices.notice_acknowledge(notice=notice, user=liaison_a)
    client.force_login(request.getfixturevalue(who))
    name, data = ACTIONS[action]
    if action == "upload":
        data = {**data, "files": [pdf()]}
    before = snapshot()
    response = client.post(reverse(f"supervision:{name}", args=[notice.pk]), data)
    assert response.status_code == status
    assert snapshot() == before


@pytest.mark.parametrize("who", ["head_a", "liaison_b", "supervisor", "evaluator", "administrator", "outsider"])
def test_only_a_liaison_of_the_department_may_acknowledge_or_respond_through_the_services(request, task_a, dept_a, liaison_a, head_a, supervisor, who):
    notice = issue(task_a, dept_a, supervisor)
    user = request.getfixturevalue(who)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        notices.notice_acknowledge(notice=notice, user=user)
    assert snapshot() == before
    notices.notice_acknowledge(notice=notice, user=liaison_a)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        notices.notice_respond(notice=notice, user=user, response="越权答复", uploads=[pdf()])
    assert snapshot() == before


@pytest.mark.parametrize("who", ["liaison_a", "head_a", "liaison_b", "evaluator", "administrator", "outsider"])
def test_only_a_supervisor_may_accept_or_return_through_the_services(request, task_a, dept_a, liaison_a, head_a, supervisor, who):
    notice = issue(task_a, dept_a, supervisor)
    responded(notice, liaison_a)
    user = request.getfixturevalue(who)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        notices.notice_accept(notice=notice, user=user)
    with pytest.raises(PermissionDenied):
        notices.notice_return(notice=notice, user=user, reason="越权退回")
    assert snapshot() == before


def test_a_liaison_who_left_the_department_may_no_longer_act(task_a, dept_a, liaison_a, supervisor, head_a):
    from tests.factories import make_liaison

    make_liaison(dept_a, "liaison-new")
    notice = issue(task_a, dept_a, supervisor)
    liaison_a.memberships.update(is_active=False)
    with pytest.raises(PermissionDenied):
        notices.notice_acknowledge(notice=notice, user=liaison_a)


def test_the_files_of_a_notice_are_downloaded_only_by_those_who_see_it(client, world, liaison_a, liaison_b, evaluator, supervisor):
    for user, file, ok in [
        (liaison_a, world.open_file, True),
        (supervisor, world.open_file, True),
        (liaison_b, world.open_file, False),
        (evaluator, world.open_file, False),
        (evaluator, world.done_file, True),
        (liaison_b, world.done_file, False),
    ]:
        client.force_login(user)
        response = client.get(reverse("evidence:download", args=[file.public_id]))
        assert response.status_code == (200 if ok else 404), (user, file.original_name)
    assert EvidenceDownload.objects.count() == 3


def test_a_closed_notice_is_listed_for_evaluators_with_its_pdf(client, world, evaluator):
    client.force_login(evaluator)
    page = client.get(reverse("supervision:notice_detail", args=[world.done.pk])).content.decode()
    assert 'id="notice-pdf"' in page and not any(f'id="{f}"' in page for f in ("acknowledge-form", "respond-form", "decision-form"))
    assert client.get(reverse("supervision:notice_list") + "?status=issued").content.decode().count("督办〔") == 0
