"""The admin shows evidence files and downloads, and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import EvidenceDownload
from evidence.services import evidence_attach
from tests.evidence import files

pytestmark = pytest.mark.django_db


def test_the_admin_shows_evidence_read_only(admin_client, task_a, liaison_a):
    evidence = evidence_attach(owner=task_a, upload=SimpleUploadedFile("工作报告.pdf", files.PDF), user=liaison_a)
    EvidenceDownload.objects.create(evidence=evidence, user=liaison_a)
    changelist = admin_client.get(reverse("admin:evidence_evidence_changelist"))
    assert changelist.status_code == 200 and "工作报告.pdf" in changelist.content.decode()
    page = admin_client.get(reverse("admin:evidence_evidence_change", args=[evidence.pk]))
    assert page.status_code == 200
    assert evidence.file.name in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.get(reverse("admin:evidence_evidence_add")).status_code == 403
    assert admin_client.get(reverse("admin:evidence_evidence_delete", args=[evidence.pk])).status_code == 403
    assert admin_client.get(reverse("admin:evidence_evidencedownload_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:evidence_evidencedownload_add")).status_code == 403


def test_download_records_are_append_only(task_a, liaison_a):
    evidence = evidence_attach(owner=task_a, upload=SimpleUploadedFile("工作报告.pdf", files.PDF), user=liaison_a)
    record = EvidenceDownload.objects.create(evidence=evidence, user=liaison_a)
    with pytest.raises(TypeError):
        record.save()
    with pytest.raises(TypeError):
        record.delete()
    with pytest.raises(TypeError):
        EvidenceDownload.objects.all().delete()
