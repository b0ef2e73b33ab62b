"""Who may open and do what, per role and per URL, and the services' own refusals.

The cast: liaison_a (dept A leads task_a and is the assignee), liaison_b (dept B co-operates on
task_a), liaison_c (dept C has no part in it), supervisor, evaluator, administrator, outsider
(signed in, no role), anonymous.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from evidence.models import EvidenceDownload
from tasks import progress
from tests.factories import MilestoneFactory
from tests.progress.conftest import approved, pdf, snapshot, submitted

URL_NAMES = {"inbox": "inbox:inbox", "queue": "inbox:queue", "archive": "tasks:archive"}

pytestmark = pytest.mark.django_db

ROLES = ["liaison_a", "liaison_b", "liaison_c", "supervisor", "evaluator", "administrator", "outsider"]


@pytest.fixture
def world(report, contribution, liaison_a, liaison_b, liaison_c, supervisor, evaluator, administrator, outsider, milestone, task_a, dept_a, plan):
    """A draft, a submitted and an approved report of task_a, each with a file; claims in each state."""

    def opened(number):
        period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=number)
        return progress.report_open(task=task_a, period=period, department=dept_a)

    draft_file = progress.report_attach_evidence(report=report, user=liaison_a, uploads=[pdf("草稿材料.pdf")])[0]
    done = opened(1)
    done_file = progress.report_attach_evidence(report=done, user=liaison_a, uploads=[pdf("已审材料.pdf")])[0]
    approved(done, liaison_a, supervisor, achievements="一季度：完成方案编制")
    waiting = opened(3)
    waiting_file = progress.report_attach_evidence(report=waiting, user=liaison_a, uploads=[pdf("待审材料.pdf")])[0]
    submitted(waiting, liaison_a, achievements="三季度：系统上线")
    claim = progress.milestone_claim_submit(
        milestone=milestone, user=liaison_a, completed_on=datetime.date(2023, 12, 20), note="平台上线", uploads=[pdf("节点.pdf")]
    )
    returned_milestone = MilestoneFactory(task=task_a, title="完成人员培训")
    returned_claim = progress.milestone_claim_submit(
        milestone=returned_milestone, user=liaison_a, completed_on=datetime.date(2023, 11, 1), note="培训完成"
    )
    progress.milestone_claim_return(claim=returned_claim, user=supervisor, reason="缺少签到表")
    return SimpleNamespace(
        draft=report,
        draft_file=draft_file,
        contribution=contribution,
        done=done,
        done_file=done_file,
        done_contribution=done.contributions.get(),
        waiting=waiting,
        waiting_file=waiting_file,
        claim=claim,
        returned_claim=returned_claim,
        pending_milestone=MilestoneFactory(task=task_a, title="开展绩效评价"),
    )


def _get_urls(w):
    return {
        "inbox": reverse("inbox:inbox"),
        "queue": reverse("inbox:queue"),
        "archive": reverse("tasks:archive"),
        "draft_detail": reverse("tasks:report_detail", args=[w.draft.pk]),
        "waiting_detail": reverse("tasks:report_detail", args=[w.waiting.pk]),
        "done_detail": reverse("tasks:report_detail", args=[w.done.pk]),
        "draft_contribution": reverse("tasks:contribution_detail", args=[w.contribution.pk]),
        "done_contribution": reverse("tasks:contribution_detail", args=[w.done_contribution.pk]),
        "claim_new": reverse("tasks:milestone_claim_new", args=[w.pending_milestone.pk]),
        "claim_detail": reverse("tasks:milestone_claim_detail", args=[w.claim.pk]),
        "draft_file": reverse("evidence:download", args=[w.draft_file.public_id]),
        "done_file": reverse("evidence:download", args=[w.done_file.public_id]),
    }


GET_EXPECTED = {
    #                    liaison_a liaison_b liaison_c supervisor evaluator administrator outsider
    "inbox":              (200, 200, 200, 200, 200, 200, 200),
    "queue":              (403, 403, 403, 200, 403, 403, 403),
    "archive":            (200, 200, 200, 200, 200, 200, 200),
    "draft_detail":       (200, 404, 404, 200, 404, 200, 404),
    "waiting_detail":     (200, 404, 404, 200, 404, 200, 404),
    "done_detail":        (200, 200, 404, 200, 200, 200, 404),
    "draft_contribution": (200, 200, 404, 200, 404, 200, 404),
    "done_contribution":  (200, 200, 404, 200, 200, 200, 404),
    "claim_new":          (200, 403, 404, 403, 403, 403, 404),
    "claim_detail":       (200, 404, 404, 200, 404, 200, 404),
    "draft_file":         (200, 404, 404, 200, 404, 200, 404),
    "done_file":          (200, 200, 404, 200, 200, 200, 404),
}  # fmt: skip


@pytest.mark.parametrize("who", ROLES)
def test_each_role_opens_what_it_may_see(request, client, world, who):
    client.force_login(request.getfixturevalue(who))
    column = ROLES.index(who)
    got = {name: client.get(url).status_code for name, url in _get_urls(world).items()}
    assert got == {name: expected[column] for name, expected in GET_EXPECTED.items()}


def test_anonymous_users_are_sent_to_the_login_page_for_every_page_and_action(client, world):
    urls = list(_get_urls(world).values()) + list(_post_urls(world).values())
    before = snapshot()
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url
    assert snapshot() == before


def _titles(client, name):
    return client.get(reverse(URL_NAMES[name])).content.decode()


def test_the_lists_hold_only_what_each_role_may_see(client, world, liaison_a, liaison_b, liaison_c, supervisor, evaluator):
    done_link = reverse("tasks:report_detail", args=[world.done.pk])
    draft_link = reverse("tasks:report_detail", args=[world.draft.pk])
    waiting_link = reverse("tasks:report_detail", args=[world.waiting.pk])
    contribution_link = reverse("tasks:contribution_detail", args=[world.contribution.pk])
    returned_link = reverse("tasks:milestone_claim_detail", args=[world.returned_claim.pk])
    claim_link = reverse("tasks:milestone_claim_detail", args=[world.claim.pk])

    client.force_login(liaison_a)
    inbox = _titles(client, "inbox")
    assert draft_link in inbox and returned_link in inbox
    assert waiting_link not in inbox and done_link not in inbox and contribution_link not in inbox
    assert done_link in _titles(client, "archive")

    client.force_login(liaison_b)
    inbox = _titles(client, "inbox")
    assert contribution_link in inbox and draft_link not in inbox and returned_link not in inbox
    archive = _titles(client, "archive")
    assert done_link in archive  # the approved report of a task B co-operates on

    client.force_login(liaison_c)
    for name in ("inbox", "archive"):
        page = _titles(client, name)
        assert world.draft.task.title not in page and done_link not in page

    client.force_login(evaluator)
    archive = _titles(client, "archive")
    assert done_link in archive and draft_link not in archive and waiting_link not in archive

    client.force_login(supervisor)
    queue = _titles(client, "queue")
    assert waiting_link in queue and claim_link in queue
    assert draft_link not in queue and done_link not in queue and returned_link not in queue
    assert done_link in _titles(client, "archive")


def test_only_the_supervisor_gets_the_decision_form_and_only_the_assignee_the_report_form(client, world, liaison_a, liaison_a2, supervisor, administrator):
    waiting = reverse("tasks:report_detail", args=[world.waiting.pk])
    draft = reverse("tasks:report_detail", args=[world.draft.pk])
    client.force_login(supervisor)
    assert 'id="decision-form"' in client.get(waiting).content.decode()
    assert 'id="report-form"' not in client.get(draft).content.decode()
    for user in (liaison_a, liaison_a2, administrator):
        client.force_login(user)
        assert 'id="decision-form"' not in client.get(waiting).content.decode()
    client.force_login(liaison_a)
    assert 'id="report-form"' in client.get(draft).content.decode()
    client.force_login(liaison_a2)  # same department, not the assignee
    assert 'id="report-form"' not in client.get(draft).content.decode()


# --- POSTs by those who may not: refused, nothing changed ------------------------------------------


def _post_urls(w):
    return {
        "edit_save": reverse("tasks:report_edit", args=[w.draft.pk]),
        "edit_submit": reverse("tasks:report_edit", args=[w.draft.pk]),
        "edit_done": reverse("tasks:report_edit", args=[w.done.pk]),
        "decide": reverse("tasks:report_decide", args=[w.waiting.pk]),
        "decide_done": reverse("tasks:report_decide", args=[w.done.pk]),
        "reassign": reverse("tasks:report_reassign", args=[w.draft.pk]),
        "upload": reverse("tasks:report_evidence_upload", args=[w.draft.pk]),
        "remove": reverse("tasks:report_evidence_remove", args=[w.draft.pk, w.draft_file.pk]),
        "review": reverse("review:evidence_decide", args=["progress_report", w.waiting.pk, w.waiting_file.pk]),
        "contribution_save": reverse("tasks:contribution_edit", args=[w.contribution.pk]),
        "contribution_submit": reverse("tasks:contribution_edit", args=[w.contribution.pk]),
        "claim_new": reverse("tasks:milestone_claim_new", args=[w.pending_milestone.pk]),
        "claim_decide": reverse("tasks:milestone_claim_decide", args=[w.claim.pk]),
        "claim_revise": reverse("tasks:milestone_claim_revise", args=[w.returned_claim.pk]),
    }


def _post_data(w, liaison_a2):
    report_data = {
        "version": w.draft.version,
        "percent_complete": 90,
        "assessment": "on_track",
        "achievements": "越权填报",
        "missing_contributions_reason": "越权",
    }
    return {
        "edit_save": {**report_data, "save": ""},
        "edit_submit": {**report_data, "submit": ""},
        "edit_done": {**report_data, "version": w.done.version, "save": ""},
        "decide": {"decision": "approve", "reason": "越权审核"},
        "decide_done": {"decision": "return", "reason": "越权退回"},
        "reassign": {"assignee": liaison_a2.pk},
        "upload": {"files": [pdf("越权上传.pdf")]},
        "remove": {},
        "review": {"decision": "reject", "reason": "越权"},
        "contribution_save": {"content": "越权填写", "save": ""},
        "contribution_submit": {"content": "越权填写", "submit": ""},
        "claim_new": {"completed_on": "2023-10-01", "note": "越权申报", "files": [pdf("越权.pdf")]},
        "claim_decide": {"decision": "approve", "reason": ""},
        "claim_revise": {"completed_on": "2023-11-02", "note": "越权修改"},
    }


POST_REFUSED = {
    # action: {role: status} for every role that may not do it (the others are not listed)
    "edit_save":           {"liaison_a2": 403, "head_a": 403, "liaison_b": 404, "liaison_c": 404, "supervisor": 403, "evaluator": 404, "administrator": 403, "outsider": 404},
    "edit_submit":         {"liaison_a2": 403, "head_a": 403, "liaison_b": 404, "liaison_c": 404, "supervisor": 403, "evaluator": 404, "administrator": 403, "outsider": 404},
    "edit_done":           {"liaison_a2": 403, "head_a": 403, "liaison_b": 403, "liaison_c": 404, "supervisor": 403, "evaluator": 403, "administrator": 403, "outsider": 404},
    "decide":              {"liaison_a": 403, "head_a": 403, "liaison_b": 404, "liaison_c": 404, "evaluator": 404, "administrator": 403, "outsider": 404},
    "decide_done":         {"liaison_a": 403, "liaison_b": 403, "liaison_c": 404, "evaluator": 403, "administrator": 403, "outsider": 404},
    "reassign":            {"liaison_a": 403, "liaison_a2": 403, "liaison_b": 404, "liaison_c": 404, "supervisor": 403, "evaluator": 404, "administrator": 403, "outsider": 404},
    "upload":              {"liaison_a2": 403, "head_a": 403, "liaison_b": 404, "liaison_c": 404, "supervisor": 403, "evaluator": 404, "administrator": 403, "outsider": 404},
    "remove":              {"liaison_a2": 403, "head_a": 403, "liaison_b": 404, "liaison_c": 404, "supervisor": 403, "evaluator": 404, "administrator": 403, "outsider": 404},
    "review":              {"liaison_a": 403, "liaison_b": 404, "liaison_c": 404, "evaluator": 404, "administrator": 403, "outsider": 404},
    "contribution_save":   {"liaison_a": 403, "liaison_c": 404, "supervisor": 403, "evaluator": 404, "administrator": 403, "outsider": 404},
    "contribution_submit": {"liaison_a": 403, "liaison_c": 404, "supervisor": 403, "evaluator": 404, "administrator": 403, "outsider": 404},
    "claim_new":           {"liaison_b": 403, "liaison_c": 404, "supervisor": 403, "evaluator": 403, "administrator": 403, "outsider": 404},
    "claim_decide":        {"liaison_a": 403, "liaison_b": 404, "liaison_c": 404, "evaluator": 404, "administrator": 403, "outsider": 404},
    "claim_revise":        {"liaison_a2": 403, "liaison_b": 404, "liaison_c": 404, "supervisor": 403, "evaluator": 404, "administrator": 403, "outsider": 404},
}  # fmt: skip


@pytest.mark.parametrize(
    "action, who, status",
    [(action, who, status) for action, refused in POST_REFUSED.items() for who, status in refused.items()],
)
def test_an_action_by_someone_who_may_not_is_refused_and_changes_nothing(request, client, world, liaison_a2, head_a, action, who, status):
    client.force_login(request.getfixturevalue(who))
    before = snapshot()
    response = client.post(_post_urls(world)[action], _post_data(world, liaison_a2)[action])
    assert response.status_code == status
    assert snapshot() == before


def test_the_file_of_a_report_is_downloaded_only_by_those_who_see_the_report(client, world, liaison_b, evaluator):
    client.force_login(liaison_b)
    assert client.get(reverse("evidence:download", args=[world.waiting_file.public_id])).status_code == 404
    response = client.get(reverse("evidence:download", args=[world.done_file.public_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(evaluator)
    assert client.get(reverse("evidence:download", args=[world.waiting_file.public_id])).status_code == 404
    assert list(EvidenceDownload.objects.values_list("user__username", flat=True)) == ["liaison-b"]


# --- the services refuse on their own: viewflow's API checks nothing, ours does ------------------


def _refused(call):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        call()
    assert snapshot() == before


@pytest.mark.parametrize("who", ["liaison_a2", "head_a", "liaison_b", "liaison_c", "supervisor", "evaluator", "administrator", "outsider"])
def test_only_the_assignee_may_save_submit_or_change_the_files_of_a_report(request, world, who):
    user = request.getfixturevalue(who)
    draft = world.draft
    data = {"achievements": "越权", "missing_contributions_reason": "越权"}
    _refused(lambda: progress.report_save(report=draft, user=user, data=data, version=draft.version))
    _refused(lambda: progress.report_submit(report=draft, user=user, data=data, version=draft.version))
    _refused(lambda: progress.report_attach_evidence(report=draft, user=user, uploads=[pdf()]))
    _refused(lambda: progress.report_remove_evidence(report=draft, user=user, evidence=world.draft_file))


@pytest.mark.parametrize("who", ["liaison_b", "liaison_c", "supervisor", "outsider"])
def test_no_one_but_the_assignee_learns_the_state_of_a_report_from_the_services(request, world, who):
    """Refused for want of rights, not for the report's state: a submitted or approved report too."""
    user = request.getfixturevalue(who)
    for report in (world.waiting, world.done):
        _refused(lambda report=report: progress.report_save(report=report, user=user, data={}, version=report.version))
        _refused(lambda report=report: progress.report_submit(report=report, user=user, data={}, version=report.version))


@pytest.mark.parametrize("who", ["liaison_a", "head_a", "liaison_b", "evaluator", "administrator", "outsider"])
def test_only_a_supervisor_may_decide_a_report_or_a_claim_or_judge_a_file(request, world, who):
    user = request.getfixturevalue(who)
    _refused(lambda: progress.report_approve(report=world.waiting, user=user))
    _refused(lambda: progress.report_return(report=world.waiting, user=user, reason="越权"))
    _refused(lambda: progress.report_review_evidence(report=world.waiting, user=user, evidence=world.waiting_file, accepted=True))
    _refused(lambda: progress.milestone_claim_approve(claim=world.claim, user=user))
    _refused(lambda: progress.milestone_claim_return(claim=world.claim, user=user, reason="越权"))


@pytest.mark.parametrize("who", ["liaison_a", "liaison_a2", "head_b", "supervisor", "administrator"])
def test_only_a_head_of_the_department_may_reassign(request, world, liaison_a2, who):
    user = request.getfixturevalue(who)
    target = liaison_a2 if who != "liaison_a2" else request.getfixturevalue("liaison_a")
    _refused(lambda: progress.report_reassign(report=world.draft, user=user, assignee=target))


@pytest.mark.parametrize("who", ["liaison_a", "liaison_c", "supervisor", "evaluator", "outsider"])
def test_only_the_cooperating_department_may_write_its_contribution(request, world, who):
    user = request.getfixturevalue(who)
    _refused(lambda: progress.contribution_save(contribution=world.contribution, user=user, content="越权"))
    _refused(lambda: progress.contribution_submit(contribution=world.contribution, user=user, content="越权"))


@pytest.mark.parametrize("who", ["liaison_b", "liaison_c", "supervisor", "outsider"])
def test_only_the_lead_department_may_claim_a_milestone(request, world, who):
    user = request.getfixturevalue(who)
    _refused(
        lambda: progress.milestone_claim_submit(
            milestone=world.pending_milestone, user=user, completed_on=datetime.date(2023, 10, 1), note="越权"
        )
    )


@pytest.mark.parametrize("who", ["liaison_a2", "liaison_b", "supervisor", "outsider"])
def test_only_the_claimant_may_revise_a_returned_claim(request, world, who):
    user = request.getfixturevalue(who)
    _refused(
        lambda: progress.milestone_claim_resubmit(
            claim=world.returned_claim, user=user, completed_on=datetime.date(2023, 11, 2), note="越权"
        )
    )


@pytest.mark.parametrize("who", ["liaison_a", "liaison_c", "supervisor", "outsider"])
def test_no_one_outside_the_department_learns_the_state_of_a_contribution_from_the_services(request, world, liaison_b, who):
    progress.contribution_submit(contribution=world.contribution, user=liaison_b, content="公安局：完成排查")
    user = request.getfixturevalue(who)
    _refused(lambda: progress.contribution_save(contribution=world.contribution, user=user, content="越权"))
    _refused(lambda: progress.contribution_submit(contribution=world.contribution, user=user, content="越权"))


@pytest.mark.parametrize("who", ["liaison_a2", "liaison_b", "supervisor", "outsider"])
def test_no_one_but_the_claimant_learns_the_state_of_a_claim_from_the_services(request, world, who):
    user = request.getfixturevalue(who)
    _refused(
        lambda: progress.milestone_claim_resubmit(claim=world.claim, user=user, completed_on=datetime.date(2023, 12, 1), note="越权")
    )
