"""The one review lifecycle (workflows.lifecycle), every branch, on its first subject (a progress
report). Each subject's own wiring has a short test beside its app's tests; the races are in
tests/progress/test_concurrency.py (PostgreSQL)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEntry
from evidence.models import Evidence
from notifications.models import Notification
from tasks import periods
from tasks.models import KeyTask, ProgressReport
from tests.progress.conftest import WORK_DONE, pdf, process_of, snapshot
from workflows import lifecycle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
DATA = {"achievements": WORK_DONE, "percent_complete": 40, "missing_contributions_reason": "配合材料另报"}


def fresh(report) -> ProgressReport:
    return ProgressReport.objects.get(pk=report.pk)


def open_task(report) -> Task:
    return Task.objects.get(process=process_of(report), status__in=[STATUS.NEW, STATUS.ASSIGNED], flow_task_type="HUMAN")


def submit(report, user, **data):
    return lifecycle.review_submit(fresh(report), user=user, data={**DATA, **data})


def test_the_kind_is_found_by_subject_and_by_key(report):
    assert lifecycle.kind_of(report) is lifecycle.kind_of("progress_report")
    with pytest.raises(LookupError):
        lifecycle.kind_of(object())


# --- writing -----------------------------------------------------------------------------------


def test_a_draft_is_saved_and_resumed_with_its_version(report, liaison_a):
    saved = lifecycle.review_save(fresh(report), user=liaison_a, data={"achievements": "草稿"}, version=report.version)
    assert (saved.achievements, saved.version, saved.status) == ("草稿", report.version + 1, "draft")
    with pytest.raises(ValidationError, match="Someone else saved this report"):
        lifecycle.review_save(fresh(report), user=liaison_a, data={"achievements": "旧窗口"}, version=report.version)
    assert fresh(report).achievements == "草稿"


@pytest.mark.parametrize("who", ["liaison_a2", "liaison_b", "supervisor", "head_a"])
def test_only_the_writer_writes_and_learns_nothing_else(request, report, who):
    user = request.getfixturevalue(who)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        lifecycle.review_save(fresh(report), user=user, data={"achievements": "x"})
    with pytest.raises(PermissionDenied):
        submit(report, user)
    assert snapshot() == before


def test_a_submission_moves_the_engine_audits_and_tells_the_reviewers(report, liaison_a, supervisor):
    assert open_task(report).flow_task.name == "write" and open_task(report).owner == liaison_a
    done = submit(report, liaison_a)
    assert (done.status, done.round, done.submitted_by, done.return_reason) == ("submitted", 1, liaison_a, "")
    task = open_task(report)
    assert (task.flow_task.name, task.owner, task.owner_permission) == ("review", None, "tasks.review_progressreport")
    entry = AuditEntry.objects.for_object(report).latest("pk")
    assert (entry.action, entry.from_state, entry.to_state, entry.actor) == ("submit", "draft", "submitted", liaison_a)
    assert Notification.objects.filter(user=supervisor, message="review.progress_report.submitted").exists()
    assert process_of(report).data["state"] == "submitted"  # what the work lists read


def test_a_second_submission_and_an_incomplete_one_are_refused(report, liaison_a):
    with pytest.raises(ValidationError) as incomplete:
        submit(report, liaison_a, achievements=" ")
    assert "achievements" in incomplete.value.message_dict
    assert fresh(report).status == "draft"
    submit(report, liaison_a)
    before = snapshot()
    with pytest.raises(ValidationError, match="already been submitted"):
        submit(report, liaison_a)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        lifecycle.review_save(fresh(report), user=liaison_a, data={"achievements": "改"})
    assert snapshot() == before


def test_a_closed_period_takes_no_submission(report, liaison_a, supervisor, period):
    periods.period_close(period=period, user=supervisor)
    before = snapshot()
    with pytest.raises(ValidationError, match="closed"):
        submit(report, liaison_a)
    assert snapshot() == before


# --- reviewing -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["liaison_a", "liaison_b", "evaluator", "head_a"])
def test_only_a_reviewer_decides(request, report, liaison_a, who):
    submit(report, liaison_a)
    before = snapshot()
    for approve in (True, False):
        with pytest.raises(PermissionDenied):
            lifecycle.review_decide(fresh(report), user=request.getfixturevalue(who), approve=approve, reason="理由")
    assert snapshot() == before


def test_a_return_needs_a_reason_and_nothing_unsubmitted_is_decided(report, liaison_a, supervisor):
    with pytest.raises(ValidationError, match="not been submitted"):
        lifecycle.review_decide(fresh(report), user=supervisor, approve=True)
    submit(report, liaison_a)
    before = snapshot()
    with pytest.raises(ValidationError) as missing:
        lifecycle.review_decide(fresh(report), user=supervisor, approve=False, reason="  ")
    assert missing.value.message_dict == {"reason": ["Say why the report is returned."]}
    assert snapshot() == before


def test_return_revise_resubmit_approve_any_number_of_rounds(report, liaison_a, head_a, supervisor, task_a):
    for round_ in (1, 2, 3):
        submit(report, liaison_a, achievements=f"第{round_}稿")
        if round_ < 3:
            returned = lifecycle.review_decide(fresh(report), user=supervisor, approve=False, reason=f"退回{round_}", round=round_)
            assert (returned.status, returned.return_reason) == ("returned", f"退回{round_}")
            task = open_task(report)
            assert (task.flow_task.name, task.owner) == ("write", liaison_a)  # back to the writer
    approved = lifecycle.review_decide(fresh(report), user=supervisor, approve=True, reason="同意", round=3)
    assert (approved.status, approved.round, approved.decided_by) == ("approved", 3, supervisor)
    assert process_of(report).status == "DONE"
    assert KeyTask.objects.get(pk=task_a.pk).progress == 40  # apply_approval ran (the flow's step)
    for user in (liaison_a, head_a):
        messages = set(Notification.objects.filter(user=user).values_list("message", flat=True))
        assert {"review.progress_report.returned", "review.progress_report.approved"} <= messages
    actions = list(AuditEntry.objects.for_object(report).values_list("action", flat=True))
    assert actions == ["open", "submit", "return", "submit", "return", "submit", "approve"]


def test_a_stale_round_and_a_second_decision_are_refused(report, liaison_a, supervisor):
    submit(report, liaison_a)
    lifecycle.review_decide(fresh(report), user=supervisor, approve=False, reason="补充", round=1)
    submit(report, liaison_a)
    before = snapshot()
    with pytest.raises(ValidationError, match="revised and submitted again"):
        lifecycle.review_decide(fresh(report), user=supervisor, approve=True, round=1)  # read round 1, now 2
    assert snapshot() == before
    lifecycle.review_decide(fresh(report), user=supervisor, approve=True, round=2)
    before = snapshot()
    with pytest.raises(ValidationError, match=r"already decided \(Approved\)"):
        lifecycle.review_decide(fresh(report), user=supervisor, approve=False, reason="再退回", round=2)
    assert snapshot() == before


# --- evidence --------------------------------------------------------------------------------


def test_uploading_saves_the_typed_fields_first(report, liaison_a):
    with pytest.raises(ValidationError, match="Choose one or more files"):
        lifecycle.review_attach_evidence(fresh(report), user=liaison_a, uploads=[], data=DATA, version=report.version)
    (file,) = lifecycle.review_attach_evidence(fresh(report), user=liaison_a, uploads=[pdf()], data=DATA, version=report.version)
    assert fresh(report).achievements == WORK_DONE and file.owner == fresh(report)


def test_approval_waits_for_every_file_or_decides_them_in_the_same_action(report, liaison_a, supervisor):
    lifecycle.review_attach_evidence(fresh(report), user=liaison_a, uploads=[pdf("甲.pdf"), pdf("乙.pdf")])
    submit(report, liaison_a)
    first, second = Evidence.objects.order_by("pk")
    lifecycle.review_decide_evidence(fresh(report), user=supervisor, evidence=first, accepted=True)
    before = snapshot()
    with pytest.raises(ValidationError, match="Decide every file before approving.*乙.pdf"):
        lifecycle.review_decide(fresh(report), user=supervisor, approve=True)
    assert snapshot() == before
    lifecycle.review_decide(fresh(report), user=supervisor, approve=True, accept_pending_evidence=True)
    second.refresh_from_db()
    assert (second.review_status, second.reviewed_by) == ("accepted", supervisor)


def test_a_rejected_file_tells_the_writer_and_files_are_judged_only_under_review(report, liaison_a, supervisor):
    (file,) = lifecycle.review_attach_evidence(fresh(report), user=liaison_a, uploads=[pdf()])
    with pytest.raises(ValidationError, match="only while the report awaits review"):
        lifecycle.review_decide_evidence(fresh(report), user=supervisor, evidence=file, accepted=True)
    submit(report, liaison_a)
    with pytest.raises(PermissionDenied):
        lifecycle.review_decide_evidence(fresh(report), user=liaison_a, evidence=file, accepted=True)
    lifecycle.review_decide_evidence(fresh(report), user=supervisor, evidence=file, accepted=False, reason="不清晰")
    note = Notification.objects.get(user=liaison_a, message="review.progress_report.evidence_rejected")
    assert note.params["file"] == file.original_name and note.params["reason"] == "不清晰"


def test_a_file_of_another_subject_cannot_be_removed_through_this_one(report, contribution, liaison_a, plan, task_a, dept_a):
    from tasks import progress

    other = progress.report_open(
        task=task_a, period=progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=3), department=dept_a
    )
    (file,) = lifecycle.review_attach_evidence(fresh(other), user=liaison_a, uploads=[pdf()])
    with pytest.raises(PermissionDenied):
        lifecycle.review_remove_evidence(fresh(report), user=liaison_a, evidence=file)
    lifecycle.review_remove_evidence(fresh(other), user=liaison_a, evidence=file)
    assert Evidence.objects.get(pk=file.pk).removed_by == liaison_a


# --- handing over --------------------------------------------------------------------------


def test_the_write_step_is_handed_over_and_the_engine_task_follows(report, liaison_a, liaison_a2, liaison_b, head_a):
    kwargs = {"user": head_a, "may_reassign": True}
    with pytest.raises(PermissionDenied):
        lifecycle.review_reassign(fresh(report), user=liaison_a, assignee=liaison_a2, may_reassign=False, assignee_ok=True)
    with pytest.raises(ValidationError):
        lifecycle.review_reassign(fresh(report), assignee=liaison_b, assignee_ok=False, **kwargs)
    lifecycle.review_reassign(fresh(report), assignee=liaison_a2, assignee_ok=True, **kwargs)
    assert open_task(report).owner == liaison_a2 and fresh(report).assignee == liaison_a2
    assert Notification.objects.filter(user=liaison_a2, message="review.progress_report.reassigned").exists()
    with pytest.raises(PermissionDenied):
        submit(report, liaison_a)  # no longer the writer
    submit(report, liaison_a2)
    with pytest.raises(ValidationError, match="being written"):
        lifecycle.review_reassign(fresh(report), assignee=liaison_a, assignee_ok=True, **kwargs)


def test_decisions_are_emailed_and_submissions_wait_for_the_digest(report, liaison_a, supervisor, mailoutbox, django_capture_on_commit_callbacks):
    from supervision.sweep import digest_send

    liaison_a.email, supervisor.email = "a@example.gov.cn", "s@example.gov.cn"
    liaison_a.save(update_fields=["email"])
    supervisor.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        submit(report, liaison_a)
    assert mailoutbox == []  # the supervisor is not e-mailed per report …
    assert digest_send() >= 1  # … the daily digest repeats what came in since yesterday
    digest = next(m for m in mailoutbox if m.to == ["s@example.gov.cn"])
    assert "自昨日以来：" in digest.body and "进展报告已报送待审核" in digest.body  # e-mails go out in Chinese
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.review_decide(fresh(report), user=supervisor, approve=False, reason="请补充")
    (mail,) = [m for m in mailoutbox if m.to == ["a@example.gov.cn"]]
    assert "进展报告被退回" in mail.subject and "请补充" in mail.body


def test_a_kind_without_its_required_hooks_cannot_be_made():
    class Incomplete(lifecycle.ReviewKind):
        key, label, noun, model = "incomplete", "Incomplete", "thing", ProgressReport

    with pytest.raises(TypeError, match="abstract"):
        Incomplete()
