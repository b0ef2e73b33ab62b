"""Attaching, reviewing and removing evidence files: what is stored, what is refused, what is recorded."""

import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from evidence.models import Evidence
from evidence.services import evidence_attach, evidence_for, evidence_remove, evidence_review
from tasks.models import KeyTask
from tests.evidence import files
from tests.evidence.files import stored_files
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

STORED_NAME = re.compile(r"^evidence/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|docx|xlsx|jpg|png|zip)$")


def _attach(owner, user, name="2023年第一季度工作报告.pdf", content=files.PDF) -> Evidence:
    return evidence_attach(owner=owner, upload=SimpleUploadedFile(name, content), user=user)


def _entries(evidence: Evidence, action: str):
    return list(AuditEntry.objects.for_object(evidence).filter(action=action))


def test_attach_stores_the_file_with_its_facts(task_a, liaison_a, media_root):
    evidence = _attach(task_a, liaison_a)
    evidence.refresh_from_db()
    assert evidence.owner == task_a
    assert evidence.original_name == "2023年第一季度工作报告.pdf"
    assert evidence.media_type == "application/pdf"
    assert evidence.size == len(files.PDF)
    assert evidence.sha256 == hashlib.sha256(files.PDF).hexdigest()
    assert evidence.uploaded_by == liaison_a
    assert evidence.review_status == Evidence.ReviewStatus.PENDING
    assert evidence.removed_at is None
    assert (media_root / evidence.file.name).read_bytes() == files.PDF
    [entry] = _entries(evidence, "evidence_attach")
    assert entry.actor == liaison_a and entry.to_state == "pending"
    assert entry.comment == evidence.original_name
    assert entry.data["sha256"] == evidence.sha256


@pytest.mark.parametrize(
    "name, content, extension",
    [
        ("绝密-张三-report.pdf", files.PDF, ".pdf"),
        ("会议纪要.docx", files.docx(), ".docx"),
        ("床位统计.xlsx", files.xlsx(), ".xlsx"),
        ("现场照片.JPEG", files.image("JPEG"), ".jpg"),
        ("截图.png", files.image("PNG"), ".png"),
        ("汇总.zip", files.plain_zip(), ".zip"),
    ],
)
def test_the_stored_name_is_unguessable_and_owes_nothing_to_the_users_name(
    task_a, liaison_a, name, content, extension
):
    evidence = _attach(task_a, liaison_a, name, content)
    stored = evidence.file.name
    assert STORED_NAME.match(stored), stored
    assert stored.endswith(extension)
    stem = name.rsplit(".", 1)[0]
    for part in [stem, *re.split(r"[-_. ]", stem)]:
        assert part.lower() not in stored.lower(), part
    assert evidence.original_name == name


def test_two_uploads_of_the_same_name_get_different_stored_names(task_a, liaison_a):
    first, second = _attach(task_a, liaison_a), _attach(task_a, liaison_a)
    assert first.file.name != second.file.name
    assert first.public_id != second.public_id
    assert str(first.public_id) not in first.file.name


@pytest.mark.parametrize(
    "name, content",
    [
        ("工作报告.pdf", files.EXE),
        ("工作报告.pdf", b""),
        ("setup.exe", files.EXE),
        ("会议纪要.docx", files.plain_zip()),
        ("..\\工作报告.pdf", files.PDF),
        ("工作报告\x00.pdf", files.PDF),
    ],
)
def test_nothing_is_written_when_the_file_is_refused(task_a, liaison_a, media_root, name, content):
    before = (Evidence.objects.count(), AuditEntry.objects.count(), stored_files(media_root))
    with pytest.raises(ValidationError):
        _attach(task_a, liaison_a, name, content)
    assert (Evidence.objects.count(), AuditEntry.objects.count(), stored_files(media_root)) == before


def test_nothing_is_written_when_the_file_is_too_large(settings, task_a, liaison_a, media_root):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError):
        _attach(task_a, liaison_a, content=files.PDF.ljust(1025, b" "))
    assert Evidence.objects.count() == 0 and stored_files(media_root) == []


def test_the_stored_file_is_cleaned_up_when_the_database_write_fails(
    monkeypatch, task_a, liaison_a, media_root
):
    def fail(**kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr("evidence.services.audit_record", fail)
    with pytest.raises(RuntimeError):
        _attach(task_a, liaison_a)
    assert Evidence.objects.count() == 0
    assert stored_files(media_root) == []


def test_accept(task_a, liaison_a, supervisor):
    evidence = _attach(task_a, liaison_a)
    evidence_review(evidence=evidence, accepted=True, reason="", user=supervisor)
    evidence.refresh_from_db()
    assert evidence.review_status == Evidence.ReviewStatus.ACCEPTED
    assert evidence.reviewed_by == supervisor and evidence.reviewed_at is not None
    [entry] = _entries(evidence, "evidence_review")
    assert (entry.from_state, entry.to_state, entry.actor) == ("pending", "accepted", supervisor)


def test_reject_needs_a_reason(english, task_a, liaison_a, supervisor):
    evidence = _attach(task_a, liaison_a, name="照片.png", content=files.image("PNG"))
    with pytest.raises(ValidationError) as caught:
        evidence_review(evidence=evidence, accepted=False, reason="   ", user=supervisor)
    assert caught.value.messages == ["Give the reason for rejecting “照片.png”."]
    evidence.refresh_from_db()
    assert evidence.review_status == Evidence.ReviewStatus.PENDING and evidence.reviewed_by is None
    assert _entries(evidence, "evidence_review") == []


def test_reject_with_a_reason_and_review_again(task_a, liaison_a, supervisor):
    evidence = _attach(task_a, liaison_a)
    evidence_review(evidence=evidence, accepted=False, reason=" 缺少盖章页 ", user=supervisor)
    evidence.refresh_from_db()
    assert evidence.review_status == Evidence.ReviewStatus.REJECTED
    assert evidence.review_reason == "缺少盖章页"
    evidence_review(evidence=evidence, accepted=True, reason="已补充", user=supervisor)
    states = [(e.from_state, e.to_state, e.comment) for e in _entries(evidence, "evidence_review")]
    assert states == [("pending", "rejected", "缺少盖章页"), ("rejected", "accepted", "已补充")]


def test_remove_hides_the_file_but_keeps_it(task_a, liaison_a, media_root):
    evidence = _attach(task_a, liaison_a)
    evidence_remove(evidence=evidence, user=liaison_a)
    evidence.refresh_from_db()
    assert evidence.removed_at is not None and evidence.removed_by == liaison_a
    assert (media_root / evidence.file.name).read_bytes() == files.PDF, "files are never deleted"
    assert list(evidence_for(task_a)) == []
    [entry] = _entries(evidence, "evidence_remove")
    assert (entry.from_state, entry.to_state, entry.actor) == ("pending", "removed", liaison_a)
    evidence_remove(evidence=evidence, user=liaison_a)
    assert len(_entries(evidence, "evidence_remove")) == 1, "removing twice records nothing more"


def test_a_removed_file_cannot_be_reviewed(task_a, liaison_a, supervisor):
    evidence = _attach(task_a, liaison_a)
    evidence_remove(evidence=evidence, user=liaison_a)
    with pytest.raises(ValidationError):
        evidence_review(evidence=evidence, accepted=True, reason="", user=supervisor)


def test_evidence_for_lists_the_live_files_of_one_owner(task_a, task_b_only, liaison_a, liaison_b):
    first = _attach(task_a, liaison_a, name="一.pdf")
    removed = _attach(task_a, liaison_a, name="二.pdf")
    third = _attach(task_a, liaison_b, name="三.pdf")
    _attach(task_b_only, liaison_b, name="别的任务.pdf")
    _attach(MilestoneFactory(task=task_a), liaison_a, name="节点.pdf")
    evidence_remove(evidence=removed, user=liaison_a)
    with CaptureQueriesContext(connection) as queries:
        rows = list(evidence_for(task_a))
        uploaders = [row.uploaded_by for row in rows]
    assert rows == [first, third]
    assert uploaders == [liaison_a, liaison_b]
    assert len(queries) == 1, "one query, with the uploaders (the content type is cached)"


def test_an_unsaved_owner_is_a_programming_error(liaison_a, plan):
    with pytest.raises(ValueError):
        _attach(KeyTask(plan=plan, code="9", title="未保存"), liaison_a)
