"""Downloading evidence: only through the gatekeeper, which asks the owner's app, and every download recorded."""

import uuid
from urllib.parse import quote

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse

from evidence.access import (
    can_view_owner_files,
    get_evidence_for_download,
    register_owner,
    unregister_owner,
)
from evidence.models import Evidence, EvidenceDownload
from evidence.services import evidence_attach, evidence_for, evidence_remove, evidence_review
from tasks.models import KeyTask
from tests.evidence import files
from tests.factories import MilestoneFactory, UserFactory

pytestmark = pytest.mark.django_db


def only_the_allowed_user(user, task) -> bool:
    return user.username == "allowed"


@pytest.fixture
def key_task_files():
    """Key tasks' files may be seen by the user called "allowed" only — for this test."""
    previous = unregister_owner(KeyTask)
    register_owner(KeyTask, only_the_allowed_user)
    yield
    unregister_owner(KeyTask)
    if previous is not None:
        register_owner(KeyTask, previous)


@pytest.fixture
def allowed(db):
    return UserFactory(username="allowed", display_name="许可")


@pytest.fixture
def evidence(task_a, liaison_a) -> Evidence:
    return evidence_attach(
        owner=task_a, upload=SimpleUploadedFile("第一季度 工作报告.pdf", files.PDF), user=liaison_a
    )


def _url(evidence: Evidence) -> str:
    return reverse("evidence:download", args=[evidence.public_id])


def test_the_url_uses_the_public_id_not_the_primary_key(evidence):
    assert _url(evidence) == f"/evidence/download/{evidence.public_id}/"
    assert evidence.get_absolute_url() == _url(evidence)


def test_an_allowed_user_gets_the_file_and_the_download_is_recorded(
    client, key_task_files, allowed, evidence
):
    client.force_login(allowed)
    response = client.get(_url(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(files.PDF))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('第一季度 工作报告.pdf', safe='')}" in disposition
    assert 'filename="' in disposition and disposition.isascii()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    [download] = EvidenceDownload.objects.all()
    assert (download.evidence, download.user) == (evidence, allowed)
    client.get(_url(evidence))
    assert EvidenceDownload.objects.count() == 2, "every download is recorded"


def test_an_ascii_name_is_given_as_is(client, key_task_files, allowed, task_a, liaison_a):
    evidence = evidence_attach(
        owner=task_a, upload=SimpleUploadedFile("report-2023.xlsx", files.xlsx()), user=liaison_a
    )
    client.force_login(allowed)
    response = client.get(_url(evidence))
    assert (
        response["Content-Disposition"]
        == "attachment; filename=\"report-2023.xlsx\"; filename*=UTF-8''report-2023.xlsx"
    )
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize("who", ["liaison_a", "liaison_b", "supervisor", "administrator", "outsider"])
def test_a_user_the_checker_refuses_gets_404_and_nothing_is_recorded(
    request, client, key_task_files, evidence, who
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(evidence)).status_code == 404
    assert EvidenceDownload.objects.count() == 0


def test_a_removed_file_is_404(client, key_task_files, allowed, evidence, liaison_a):
    evidence_remove(evidence=evidence, user=liaison_a)
    client.force_login(allowed)
    assert client.get(_url(evidence)).status_code == 404
    assert EvidenceDownload.objects.count() == 0


def test_an_unregistered_owner_type_is_404(client, key_task_files, allowed, task_a, liaison_a):
    """Milestone files have no checker registered here: nobody gets them (fail closed)."""
    evidence = evidence_attach(
        owner=MilestoneFactory(task=task_a), upload=SimpleUploadedFile("节点.pdf", files.PDF), user=liaison_a
    )
    client.force_login(allowed)
    assert client.get(_url(evidence)).status_code == 404
    assert EvidenceDownload.objects.count() == 0


def test_without_any_registration_every_file_is_404(client, allowed, evidence):
    previous = unregister_owner(KeyTask)
    try:
        client.force_login(allowed)
        assert client.get(_url(evidence)).status_code == 404
    finally:
        if previous is not None:
            register_owner(KeyTask, previous)


def test_an_unknown_id_is_404(client, key_task_files, allowed, evidence):
    client.force_login(allowed)
    assert client.get(reverse("evidence:download", args=[uuid.uuid4()])).status_code == 404
    assert client.get(f"/evidence/download/{evidence.pk}/").status_code == 404, "primary keys do not work"


def test_a_file_missing_from_storage_is_404(client, key_task_files, allowed, evidence, media_root):
    (media_root / evidence.file.name).unlink()
    client.force_login(allowed)
    assert client.get(_url(evidence)).status_code == 404
    assert EvidenceDownload.objects.count() == 0


def test_anonymous_users_are_sent_to_the_login_page(client, key_task_files, evidence):
    response = client.get(_url(evidence))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_only_get(client, key_task_files, allowed, evidence):
    client.force_login(allowed)
    assert client.post(_url(evidence)).status_code == 405
    assert EvidenceDownload.objects.count() == 0


def test_a_checker_that_raises_404_or_permission_denied_refuses(allowed, evidence):
    for exception in (Http404, PermissionDenied):

        def checker(user, task, exception=exception):
            raise exception

        previous = unregister_owner(KeyTask)
        register_owner(KeyTask, checker)
        try:
            assert can_view_owner_files(allowed, evidence.owner) is False
            with pytest.raises(Http404):
                get_evidence_for_download(allowed, evidence.public_id)
        finally:
            unregister_owner(KeyTask)
            if previous is not None:
                register_owner(KeyTask, previous)


def test_an_inactive_user_is_refused(allowed, key_task_files, evidence):
    allowed.is_active = False
    assert can_view_owner_files(allowed, evidence.owner) is False


def test_registering_another_checker_for_the_same_type_is_an_error(key_task_files):
    register_owner(KeyTask, only_the_allowed_user)  # the same checker again: fine
    with pytest.raises(ImproperlyConfigured):
        register_owner(KeyTask, lambda user, task: True)


def test_the_gatekeeper_takes_a_string_id_too(allowed, key_task_files, evidence):
    assert get_evidence_for_download(allowed, str(evidence.public_id)) == evidence
    with pytest.raises(Http404):
        get_evidence_for_download(allowed, "not-a-uuid")


def test_the_list_include_shows_name_link_size_uploader_status_and_reason(
    english, task_a, liaison_a, supervisor
):
    accepted = evidence_attach(
        owner=task_a, upload=SimpleUploadedFile("验收报告.pdf", files.PDF), user=liaison_a
    )
    rejected = evidence_attach(
        owner=task_a, upload=SimpleUploadedFile("现场照片.png", files.image("PNG")), user=liaison_a
    )
    evidence_review(evidence=accepted, accepted=True, reason="", user=supervisor)
    evidence_review(evidence=rejected, accepted=False, reason="照片不清晰", user=supervisor)
    html = render_to_string("evidence/evidence_list.html", {"items": evidence_for(task_a)})
    assert f'href="{_url(accepted)}"' in html and "验收报告.pdf" in html
    assert f'href="{_url(rejected)}"' in html and "现场照片.png" in html
    assert f"{len(files.PDF)}\xa0bytes" in html
    assert str(liaison_a) in html
    assert "Accepted" in html and "Rejected" in html
    assert "照片不清晰" in html
    assert "text-bg-success" in html and "text-bg-danger" in html


def test_the_list_include_without_files(english):
    assert "No files attached." in render_to_string("evidence/evidence_list.html", {"items": []})
