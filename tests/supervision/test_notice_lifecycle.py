"""The answer to a notice on the shared review lifecycle (``workflows.lifecycle``): drafts saved
and resumed by any liaison, submit → return with a reason (a fresh answer date) → resubmit →
approve, files judged one by one, approval refused while a file is undecided, the viewflow
process and the notifications of each step."""
# ruff: noqa: F811 - the fixtures imported from notice_fixtures are redefined as test arguments

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from viewflow.workflow.models import Task

from audit.models import AuditEntry
from evidence.models import Evidence
from evidence.services import evidence_for
from notifications.models import Notification
from supervision import notices
from tests.supervision.notice_fixtures import (  # noqa: F401
    SHANGHAI,
    head_a,
    liaison_a2,
    media_root,
    notice,
    pdf,
    process_of,
    trail,
)
from workflows.lifecycle import kind_of

pytestmark = pytest.mark.django_db


def _at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2024, 6, day, hour, tzinfo=SHANGHAI)


def _told(user, message: str) -> int:
    return Notification.objects.filter(user=user, message=message).count()


def test_draft_submit_return_resubmit_approve_through_the_services(english, notice, liaison_a, liaison_a2, head_a, supervisor):
    assert kind_of(notice).key == "notice_answer"
    notices.notice_acknowledge(notice=notice, user=liaison_a)

    # A draft is saved and resumed by a colleague, who attaches a file and submits (late: due 06-11).
    notices.notice_save(notice=notice, user=liaison_a, response="初稿", version=0)
    notice.refresh_from_db()
    assert (notice.status, notice.response, notice.version, notice.round) == ("acknowledged", "初稿", 1, 0)
    notices.notice_attach_evidence(notice=notice, user=liaison_a2, uploads=[pdf("整改报告.pdf")], response="已整改", version=1)
    notices.notice_respond(notice=notice, user=liaison_a2, response="已整改", version=2, at=_at(12))
    notice.refresh_from_db()
    assert (notice.status, notice.round, notice.responded_by) == ("responded", 1, liaison_a2)
    assert _told(supervisor, "review.notice_answer.submitted") == 1
    respond = AuditEntry.objects.for_object(notice).get(action="respond")
    assert respond.data == {"round": 1, "late": True, "files": ["整改报告.pdf"]}

    # Returned with a reason a week after the date: a fresh date, audited, told once, by e-mail.
    with pytest.raises(ValidationError, match="Say why the response is returned."):
        notices.notice_return(notice=notice, user=supervisor, reason=" ", round=1)
    notices.notice_return(notice=notice, user=supervisor, reason="请补充佐证材料", round=1, at=_at(20))
    notice.refresh_from_db()
    assert (notice.status, notice.return_reason, notice.response_due_on) == ("returned", "请补充佐证材料", datetime.date(2024, 6, 27))
    assert [entry for entry in trail(notice) if entry[0] in {"return", "extend"}] == [
        ("return", "supervisor", "responded", "returned", "请补充佐证材料"),
        ("extend", "supervisor", "2024-06-11", "2024-06-27", ""),
    ]
    assert process_of(notice).data["due_on"] == "2024-06-27"  # the inbox sorts on the new date
    for user in (liaison_a, liaison_a2, head_a):
        assert _told(user, "supervision.notice.returned") == 1
        assert _told(user, "review.notice_answer.returned") == 0  # the specific message says more (the date)
    returned = Notification.objects.get(user=liaison_a2, message="supervision.notice.returned")
    assert returned.send_email and "请补充佐证材料" in returned.display_body and "2024" in returned.display_body

    # Resubmitted with a second file; approving with it undecided is refused, then accepted with it.
    notices.notice_attach_evidence(notice=notice, user=liaison_a, uploads=[pdf("补充材料.pdf")])
    notices.notice_respond(notice=notice, user=liaison_a, response="已整改，附补充材料", at=_at(21))
    first, second = evidence_for(notice)
    notices.notice_review_evidence(notice=notice, user=supervisor, evidence=first, accepted=True)
    with pytest.raises(ValidationError, match="Decide every file before approving"):
        notices.notice_accept(notice=notice, user=supervisor, round=2)
    notices.notice_accept(notice=notice, user=supervisor, comment="同意办结", round=2, accept_pending_evidence=True, at=_at(24))
    notice.refresh_from_db()
    assert (notice.status, notice.round, notice.decided_by) == ("closed", 2, supervisor)
    assert Evidence.objects.get(pk=second.pk).review_status == "accepted"

    # The process ran to its end; the department was told by the flow's close step, once.
    process = process_of(notice)
    assert process.status == "DONE"
    steps = [t.flow_task.name for t in Task.objects.filter(process=process).order_by("created", "pk")]
    assert steps[-5:] == ["review", "is_approved", "apply_approval", "needs_acceptance", "end"]
    for user in (liaison_a, head_a):
        assert _told(user, "supervision.notice.closed") == 1
        assert _told(user, "review.notice_answer.approved") == 0
    assert _told(supervisor, "review.notice_answer.submitted") == 2


def test_files_are_judged_one_by_one_on_the_page_and_a_rejection_is_told(en_client, notice, liaison_a, head_a, supervisor):
    notices.notice_acknowledge(notice=notice, user=liaison_a)
    notices.notice_respond(notice=notice, user=liaison_a, response="已整改", uploads=[pdf("照片.pdf")])
    [file] = evidence_for(notice)
    en_client.force_login(supervisor)
    page = en_client.get(notice.get_absolute_url()).content.decode()
    decide_file = reverse("review:evidence_decide", args=["notice_answer", notice.pk, file.pk])
    assert f'action="{decide_file}"' in page and 'name="accept_files"' in page

    en_client.force_login(liaison_a)  # the department does not judge its own files
    assert en_client.post(decide_file, {"decision": "accept"}).status_code == 403

    en_client.force_login(supervisor)
    en_client.post(decide_file, {"decision": "reject", "reason": "照片不清晰"})
    file.refresh_from_db()
    assert (file.review_status, file.review_reason) == ("rejected", "照片不清晰")
    assert _told(liaison_a, "review.notice_answer.evidence_rejected") == 1
    assert _told(head_a, "review.notice_answer.evidence_rejected") == 1
    page = en_client.get(notice.get_absolute_url()).content.decode()
    assert 'name="accept_files"' not in page  # no file left undecided


def test_an_upload_saves_the_typed_answer_and_a_colleague_resumes_the_draft(en_client, notice, liaison_a, liaison_a2, supervisor):
    notices.notice_acknowledge(notice=notice, user=liaison_a)
    en_client.force_login(liaison_a)
    page = en_client.get(notice.get_absolute_url()).content.decode()
    assert 'id="respond-form"' in page and "data-warn-unsaved" in page and 'form="respond-form"' in page
    upload = reverse("supervision:notice_evidence_upload", args=[notice.pk])
    response = en_client.post(upload, {"response": "还没写完的答复", "version": 0, "files": [pdf("清单.pdf")]})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.response, notice.version) == ("acknowledged", "还没写完的答复", 1)
    assert [e.original_name for e in evidence_for(notice)] == ["清单.pdf"]

    # A supervisor does not see the unsent draft; the colleague resumes it and removes the file.
    en_client.force_login(supervisor)
    assert "还没写完的答复" not in en_client.get(notice.get_absolute_url()).content.decode()
    en_client.force_login(liaison_a2)
    page = en_client.get(notice.get_absolute_url()).content.decode()
    assert "还没写完的答复" in page and 'name="version" value="1"' in page
    [file] = evidence_for(notice)
    remove = reverse("supervision:notice_evidence_remove", args=[notice.pk, file.pk])
    assert en_client.post(remove, {"response": "改过的答复", "version": 1}).status_code == 302
    notice.refresh_from_db()
    assert (notice.response, notice.version, list(evidence_for(notice))) == ("改过的答复", 2, [])
