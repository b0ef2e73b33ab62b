"""Bad input: each refused with a clear message, and nothing changed (compared before and after)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEntry
from evidence.models import Evidence
from tasks import progress
from tasks.models import Contribution, MilestoneClaim, ReportSubmission
from tests.progress.conftest import EXE, PDF, fill, pdf, snapshot, submitted

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return response.content.decode()


@pytest.fixture
def as_liaison(en_client, liaison_a, report):
    en_client.force_login(liaison_a)
    return en_client


def _edit(report):
    return reverse("tasks:report_edit", args=[report.pk])


@pytest.mark.parametrize("button", ["save", "submit"])
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("percent_complete", "101", "Ensure this value is less than or equal to 100."),
        ("percent_complete", "-1", "Ensure this value is greater than or equal to 0."),
        ("percent_complete", "abc", "Enter a whole number."),
        ("percent_complete", "", "This field is required."),
        ("assessment", "excellent", "Select a valid choice."),
        ("achievements", "进" * 5001, "Ensure this value has at most 5000 characters (it has 5001)."),
        ("problems", "问" * 3001, "Ensure this value has at most 3000 characters (it has 3001)."),
        ("next_steps", "下" * 3001, "Ensure this value has at most 3000 characters (it has 3001)."),
        ("missing_contributions_reason", "缺" * 1001, "Ensure this value has at most 1000 characters (it has 1001)."),
    ],
    ids=["percent-101", "percent-minus-1", "percent-abc", "percent-empty", "assessment", "achievements-long", "problems-long", "next-steps-long", "reason-long"],
)
def test_an_invalid_field_is_refused_with_its_message(as_liaison, report, field, value, message, button):
    before = snapshot()
    response = as_liaison.post(_edit(report), {**fill(report, missing_contributions_reason="另报"), field: value, button: ""})
    assert response.status_code == 400
    assert message in _page(response)
    assert snapshot() == before


@pytest.mark.parametrize("button", ["save", "submit"])
def test_a_form_without_the_version_it_was_loaded_at_changes_nothing(as_liaison, report, button):
    before = snapshot()
    data = fill(report, missing_contributions_reason="另报")
    del data["version"]
    assert as_liaison.post(_edit(report), {**data, button: ""}).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("achievements", ["", "   \n  "])
def test_submitting_without_the_work_done_is_refused(as_liaison, report, achievements):
    before = snapshot()
    data = {**fill(report, achievements=achievements, percent_complete=50, missing_contributions_reason="另报"), "submit": ""}
    response = as_liaison.post(_edit(report), data)
    assert response.status_code == 400
    assert "Describe the work done before submitting." in _page(response)
    assert snapshot() == before  # not even the percentage was saved


def test_an_empty_draft_may_be_saved(as_liaison, report):
    response = as_liaison.post(_edit(report), {**fill(report, achievements=""), "save": ""}, follow=True)
    assert "The draft has been saved." in _page(response)


def test_a_double_submit_is_refused_and_leaves_one_submission(as_liaison, report):
    data = {**fill(report, missing_contributions_reason="另报"), "submit": ""}
    assert as_liaison.post(_edit(report), data).status_code == 302
    before = snapshot()
    response = as_liaison.post(_edit(report), data)  # the same form again: a double click, a second tab
    assert response.status_code == 400
    assert "This report has already been submitted." in _page(response)
    assert snapshot() == before
    assert ReportSubmission.objects.filter(report=report).count() == 1
    assert AuditEntry.objects.for_object(report).filter(action="submit").count() == 1


def test_a_stale_tab_cannot_overwrite_a_newer_save(as_liaison, report):
    first_tab = fill(report, achievements="第一个窗口的内容", percent_complete=30)
    second_tab = fill(report, achievements="第二个窗口的内容", percent_complete=70)  # opened at the same version
    assert as_liaison.post(_edit(report), {**first_tab, "save": ""}).status_code == 302
    before = snapshot()
    for button in ("save", "submit"):
        response = as_liaison.post(_edit(report), {**second_tab, "missing_contributions_reason": "另报", button: ""})
        assert response.status_code == 400
        assert "Someone else saved this report after you opened it." in _page(response)
        assert snapshot() == before
    report.refresh_from_db()
    assert (report.achievements, report.percent_complete, report.status) == ("第一个窗口的内容", 30, "draft")


def test_a_stale_tab_is_refused_by_the_service_too(english, report, liaison_a):
    progress.report_save(report=report, user=liaison_a, data={"achievements": "新"}, version=0)
    with pytest.raises(ValidationError, match="Someone else saved this report"):
        progress.report_save(report=report, user=liaison_a, data={"achievements": "旧"}, version=0)
    report.refresh_from_db()
    assert report.achievements == "新"


# --- decisions -----------------------------------------------------------------------------------


@pytest.fixture
def waiting(report, liaison_a):
    return submitted(report, liaison_a)


@pytest.fixture
def as_supervisor(en_client, supervisor):
    en_client.force_login(supervisor)
    return en_client


@pytest.mark.parametrize("reason", ["", "   "])
def test_returning_without_a_reason_is_refused(as_supervisor, waiting, reason):
    before = snapshot()
    response = as_supervisor.post(reverse("tasks:report_decide", args=[waiting.pk]), {"decision": "return", "reason": reason})
    assert response.status_code == 400
    assert "Say why the report is returned." in _page(response)
    assert snapshot() == before


def test_an_overlong_reason_is_refused(as_supervisor, waiting):
    before = snapshot()
    response = as_supervisor.post(reverse("tasks:report_decide", args=[waiting.pk]), {"decision": "return", "reason": "因" * 2001})
    assert response.status_code == 400
    assert "Ensure this value has at most 2000 characters" in _page(response)
    assert snapshot() == before


@pytest.mark.parametrize("second", ["approve", "return"])
def test_deciding_twice_says_already_decided(as_supervisor, waiting, second):
    url = reverse("tasks:report_decide", args=[waiting.pk])
    assert as_supervisor.post(url, {"decision": "approve"}).status_code == 302
    before = snapshot()
    response = as_supervisor.post(url, {"decision": second, "reason": "再次处理"})
    assert response.status_code == 400
    assert "This report was already decided (Approved) by someone else; nothing was changed." in _page(response)
    assert snapshot() == before


def test_a_returned_report_cannot_be_decided_again_until_resubmitted(english, waiting, supervisor):
    progress.report_return(report=waiting, user=supervisor, reason="补充材料")
    before = snapshot()
    with pytest.raises(ValidationError, match="already decided"):
        progress.report_approve(report=waiting, user=supervisor)
    assert snapshot() == before


def test_a_submitted_report_cannot_be_edited_or_its_files_changed(as_liaison, waiting, liaison_a):
    before = snapshot()
    response = as_liaison.post(_edit(waiting), {**fill(waiting, achievements="改"), "save": ""})
    assert response.status_code == 400
    assert "This report has been submitted and can no longer be changed." in _page(response)
    page = _page(as_liaison.post(reverse("tasks:report_evidence_upload", args=[waiting.pk]), {"files": [pdf()]}, follow=True))
    assert "can no longer be changed" in page
    assert snapshot() == before


# --- evidence files ---------------------------------------------------------------------------------


def _upload(client, report, *files):
    return _page(client.post(reverse("tasks:report_evidence_upload", args=[report.pk]), {"files": list(files)}, follow=True))


@override_settings(UPLOAD_MAX_BYTES=64)
def test_a_file_over_the_limit_is_refused(as_liaison, report):
    before = snapshot()
    page = _upload(as_liaison, report, pdf("大文件.pdf", PDF + b"%" * 100))
    assert "“大文件.pdf” is too large: files may be at most" in page
    assert snapshot() == before


def test_an_executable_renamed_pdf_is_refused(as_liaison, report):
    before = snapshot()
    page = _upload(as_liaison, report, pdf("工作总结.pdf", EXE))
    assert "“工作总结.pdf” is not a PDF file: its content does not match its extension." in page
    assert snapshot() == before


def test_no_file_chosen_is_refused(as_liaison, report):
    before = snapshot()
    page = _page(as_liaison.post(reverse("tasks:report_evidence_upload", args=[report.pk]), {}, follow=True))
    assert "Choose one or more files to upload." in page
    assert snapshot() == before


def test_one_bad_file_among_several_attaches_none_and_stores_none(as_liaison, report):
    before = snapshot()
    page = _upload(as_liaison, report, pdf("会议纪要.pdf"), pdf("病毒.pdf", EXE))
    assert "“病毒.pdf” is not a PDF file" in page
    assert snapshot() == before  # the good file's bytes are not left behind either


@pytest.mark.parametrize(
    "name, message",
    [
        ("../../etc/报告.pdf", "must not contain a folder path"),
        ("C:\\Users\\张三\\报告.pdf", "must not contain a folder path"),
        ("报告\x00.pdf", "contains control characters"),
        ("报告\n.pdf", "contains control characters"),
        ("报告\u202efdp.exe", "contains control characters"),
    ],
    ids=["dotdot-slash", "windows-path", "nul", "newline", "rtl-override"],
)
def test_a_file_name_with_a_path_or_control_characters_is_refused(english, report, liaison_a, milestone, name, message):
    before = snapshot()
    with pytest.raises(ValidationError, match=message):
        progress.report_attach_evidence(report=report, user=liaison_a, uploads=[ContentFile(PDF, name=name)])
    with pytest.raises(ValidationError, match=message):
        progress.milestone_claim_submit(
            milestone=milestone, user=liaison_a, completed_on=datetime.date(2023, 12, 1), note="上线", uploads=[ContentFile(PDF, name=name)]
        )
    assert snapshot() == before


def test_over_http_a_path_in_a_file_name_never_reaches_the_record(as_liaison, report):
    """Django's upload parser drops folders and control characters before our check sees the name."""
    boundary = "BoUnDaRy"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="files"; filename="..\\\\..\\\\windows\\\\报告\u202e.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + PDF + f"\r\n--{boundary}--\r\n".encode()
    as_liaison.generic(
        "POST", reverse("tasks:report_evidence_upload", args=[report.pk]), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    names = list(Evidence.objects.values_list("original_name", flat=True))
    assert all("/" not in n and "\\" not in n and "\u202e" not in n for n in names)


# --- contributions and milestone claims -------------------------------------------------------------


def test_contribution_bad_input_is_refused(en_client, contribution, liaison_b):
    en_client.force_login(liaison_b)
    url = reverse("tasks:contribution_edit", args=[contribution.pk])
    before = snapshot()
    response = en_client.post(url, {"content": "", "submit": ""})
    assert response.status_code == 400 and "This field is required." in _page(response)
    response = en_client.post(url, {"content": "配" * 5001, "save": ""})
    assert response.status_code == 400 and "Ensure this value has at most 5000 characters" in _page(response)
    assert snapshot() == before


def test_a_contribution_submitted_twice_says_already_submitted(en_client, contribution, liaison_b):
    en_client.force_login(liaison_b)
    url = reverse("tasks:contribution_edit", args=[contribution.pk])
    assert en_client.post(url, {"content": "公安局：完成排查", "submit": ""}).status_code == 302
    before = snapshot()
    for button, message in (
        ("submit", "This contribution has already been submitted."),
        ("save", "This contribution has been submitted and can no longer be changed."),
    ):
        response = en_client.post(url, {"content": "第二个窗口", button: ""})
        assert response.status_code == 400
        assert message in _page(response)
    assert snapshot() == before
    assert Contribution.objects.get().content == "公安局：完成排查"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"completed_on": "", "note": "上线"}, "This field is required."),
        ({"completed_on": "2023-13-45", "note": "上线"}, "Enter a valid date."),
        ({"completed_on": "2999-01-01", "note": "上线"}, "The completion date cannot be in the future."),
        ({"completed_on": "2023-12-01", "note": ""}, "This field is required."),
        ({"completed_on": "2023-12-01", "note": "节" * 3001}, "Ensure this value has at most 3000 characters"),
        ({"completed_on": "2023-12-01", "note": "上线", "files": [pdf("验收.pdf", EXE)]}, "is not a PDF file"),
        ({"completed_on": "2023-12-01", "note": "上线", "files": [pdf("通知.pdf"), pdf("验收.pdf", EXE)]}, "is not a PDF file"),
    ],
    ids=["no-date", "bad-date", "future", "no-note", "long-note", "exe", "one-bad-of-two"],
)
def test_a_bad_milestone_claim_is_refused(en_client, milestone, liaison_a, data, message):
    en_client.force_login(liaison_a)
    before = snapshot()
    response = en_client.post(reverse("tasks:milestone_claim_new", args=[milestone.pk]), data)
    assert response.status_code == 400
    assert message in _page(response)
    assert snapshot() == before


def test_a_milestone_claimed_twice_says_already_claimed(en_client, milestone, liaison_a):
    en_client.force_login(liaison_a)
    url = reverse("tasks:milestone_claim_new", args=[milestone.pk])
    data = {"completed_on": "2023-12-01", "note": "上线"}
    assert en_client.post(url, data).status_code == 302
    before = snapshot()
    response = en_client.post(url, data)
    assert response.status_code == 400
    assert "This milestone has already been claimed complete." in _page(response)
    assert snapshot() == before
    assert MilestoneClaim.objects.count() == 1


def test_a_claim_decided_twice_or_returned_without_a_reason_is_refused(en_client, milestone, liaison_a, supervisor):
    claim = progress.milestone_claim_submit(milestone=milestone, user=liaison_a, completed_on=datetime.date(2023, 12, 1), note="上线")
    en_client.force_login(supervisor)
    url = reverse("tasks:milestone_claim_decide", args=[claim.pk])
    before = snapshot()
    response = en_client.post(url, {"decision": "return", "reason": " "})
    assert response.status_code == 400 and "Say why the claim is returned." in _page(response)
    assert snapshot() == before
    assert en_client.post(url, {"decision": "approve"}).status_code == 302
    before = snapshot()
    response = en_client.post(url, {"decision": "return", "reason": "再退回"})
    assert response.status_code == 400
    assert "This claim was already decided (Approved) by someone else; nothing was changed." in _page(response)
    assert snapshot() == before


def test_a_claim_revised_twice_says_it_is_not_waiting_for_a_revision(en_client, milestone, liaison_a, supervisor):
    claim = progress.milestone_claim_submit(milestone=milestone, user=liaison_a, completed_on=datetime.date(2023, 12, 1), note="上线")
    progress.milestone_claim_return(claim=claim, user=supervisor, reason="补充")
    en_client.force_login(liaison_a)
    url = reverse("tasks:milestone_claim_revise", args=[claim.pk])
    data = {"completed_on": "2023-12-05", "note": "补充后"}
    assert en_client.post(url, data).status_code == 302
    before = snapshot()
    response = en_client.post(url, {**data, "note": "第二个窗口"})
    assert response.status_code == 400
    assert "This claim is not waiting for a revision." in _page(response)
    assert snapshot() == before
