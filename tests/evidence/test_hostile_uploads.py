"""Hostile uploads, sent the way a browser sends them: to a progress report's evidence upload.

Every probe must be refused with a clear message, and leave nothing behind: no file in MEDIA_ROOT,
no Evidence row, no audit entry, the report unchanged. Names with a folder path are made safe by
Django before any view sees them (only the base name is kept); every other bad name is refused.
Files that got in before these checks are served so that a browser never renders them.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from evidence.models import Evidence
from tasks import progress
from tests.evidence import files

pytestmark = pytest.mark.django_db

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
PDF_HTML_POLYGLOT = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n<html><body><script>alert(document.cookie)</script></body></html>\n" + files.PDF[9:]
PDF_DOCTYPE_POLYGLOT = b"%PDF-1.7\n<!DOCTYPE html><p>hi</p>\n" + files.PDF[9:]
JPEG_WITH_SCRIPT = files.image("JPEG")[:2] + b"\xff\xfe\x00\x20<script>alert(1)</script>" + files.image("JPEG")[2:]


def zip_of(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_with(extra: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(files.docx())) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    return zip_of({**entries, **extra})


def xlsx_with(extra: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(files.xlsx())) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    return zip_of({**entries, **extra})


ZEROS = b"\x00" * (4 * 1024 * 1024)  # 4 MB that deflate to about 4 kB: a ratio of ~1000
OLE2_WITH_MACROS = files.OLE2 + "_VBA_PROJECT_CUR".encode("utf-16-le") + b"\x00" * 64 + "_VBA_PROJECT".encode("utf-16-le")

# (probe id, file name, content, the refusal's code-specific words in English)
PROBES = [
    ("exe-as-pdf", "工作报告.pdf", files.EXE, "is not a PDF file"),
    ("elf-as-docx", "会议纪要.docx", files.ELF, "is not a Word file"),
    ("html-as-jpg", "现场照片.jpg", files.HTML, "is not a JPEG image file"),
    ("zip-as-docx", "会议纪要.docx", files.plain_zip(), "is not a Word file"),
    ("pdf-html-polyglot", "工作报告.pdf", PDF_HTML_POLYGLOT, "contains web page code (HTML)"),
    ("pdf-doctype-polyglot", "工作报告.pdf", PDF_DOCTYPE_POLYGLOT, "contains web page code (HTML)"),
    ("jpeg-with-script", "现场照片.jpg", JPEG_WITH_SCRIPT, "contains web page code (HTML)"),
    ("svg-as-png", "截图.png", SVG, "is not a PNG image file"),
    ("svg-as-jpg", "截图.jpg", SVG, "is not a JPEG image file"),
    ("svg", "截图.svg", SVG, "is not an accepted kind of file"),
    ("html-as-gif", "动图.gif", files.HTML, "is not a GIF image file"),
    ("html", "页面.html", files.HTML, "is not an accepted kind of file"),
    ("name-300-characters", "报" * 296 + ".pdf", files.PDF, "The file name is too long"),
    ("name-CON", "CON.pdf", files.PDF, "is a name Windows reserves"),
    ("name-nul-txt", "NUL.txt", files.PDF, "is a name Windows reserves"),
    ("name-com1", "com1.docx", files.docx(), "is a name Windows reserves"),
    ("name-lpt9-double-ext", "LPT9.tar.pdf", files.PDF, "is a name Windows reserves"),
    ("name-aux-space", "AUX .pdf", files.PDF, "is a name Windows reserves"),
    ("docx-zip-bomb", "会议纪要.docx", docx_with({"word/media/image1.bin": ZEROS}), "unpacks to too much data"),
    ("xlsx-zip-bomb", "床位统计.xlsx", xlsx_with({"xl/media/image1.bin": ZEROS}), "unpacks to too much data"),
    ("zip-bomb", "材料汇总.zip", zip_of({"a.txt": ZEROS}), "unpacks to too much data"),
    ("docm", "会议纪要.docm", docx_with({"word/vbaProject.bin": files.OLE2}), "is not an accepted kind of file"),
    ("xlsm", "床位统计.xlsm", xlsx_with({"xl/vbaProject.bin": files.OLE2}), "is not an accepted kind of file"),
    ("docx-with-vba", "会议纪要.docx", docx_with({"word/vbaProject.bin": files.OLE2}), "contains macros"),
    ("xlsx-with-vba", "床位统计.xlsx", xlsx_with({"xl/vbaProject.bin": files.OLE2}), "contains macros"),
    ("doc-with-vba", "会议纪要.doc", OLE2_WITH_MACROS, "contains macros"),
    ("xls-with-vba", "床位统计.xls", OLE2_WITH_MACROS, "contains macros"),
]


@pytest.fixture
def report(task_a, dept_a, liaison_a, liaison_b):
    period = progress.reporting_period(plan=task_a.plan, cadence="quarterly", year=2024, number=2)
    return progress.report_open(task=task_a, period=period, department=dept_a)


def _upload(client, report, name: str, content: bytes):
    return client.post(
        reverse("tasks:report_evidence_upload", args=[report.pk]), {"files": SimpleUploadedFile(name, content)}
    )


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _state(report, media_root):
    report.refresh_from_db()
    return (
        files.stored_files(media_root),
        Evidence.objects.count(),
        AuditEntry.objects.count(),
        report.version,
        report.status,
        report.updated_at if hasattr(report, "updated_at") else None,
    )


@pytest.mark.parametrize("probe, name, content, words", PROBES, ids=[p[0] for p in PROBES])
def test_a_hostile_upload_is_refused_and_leaves_nothing(en_client, liaison_a, report, media_root, probe, name, content, words):
    en_client.force_login(liaison_a)
    before = _state(report, media_root)
    response = _upload(en_client, report, name, content)
    assert response.status_code == 400  # the report page again, with the reason (nothing typed is lost)
    message = response.content.decode()
    assert words in message, f"{probe}: {_messages(response)!r}"
    assert _state(report, media_root) == before
    assert files.stored_files(media_root) == []
    assert not Evidence.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_and_leaves_nothing(en_client, liaison_a, report, media_root, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    en_client.force_login(liaison_a)
    before = _state(report, media_root)
    response = _upload(en_client, report, "大文件.pdf", files.PDF.ljust(1024 * 1024 + 1, b" "))
    assert "is too large: files may be at most 1 MB" in _messages(response)
    assert _state(report, media_root) == before


def test_a_request_over_the_body_limit_is_answered_413_before_any_view(en_client, liaison_a, report, media_root, settings):
    settings.REQUEST_MAX_BYTES = 64 * 1024
    en_client.force_login(liaison_a)
    before = _state(report, media_root)
    response = _upload(en_client, report, "大文件.pdf", files.PDF.ljust(128 * 1024, b" "))
    assert response.status_code == 413
    assert "The request is too large" in response.content.decode()
    assert _state(report, media_root) == before


def test_a_zip_bomb_over_the_total_limit_is_refused_even_with_a_plain_ratio(en_client, liaison_a, report, media_root, settings):
    settings.UNCOMPRESSED_MAX_BYTES = 1024 * 1024
    en_client.force_login(liaison_a)
    content = zip_of({f"{n}.bin": bytes(range(256)) * 2048 for n in range(3)}, zipfile.ZIP_STORED)  # 1.5 MB stored
    response = _upload(en_client, report, "材料汇总.zip", content)
    assert "unpacks to too much data (more than 1 MB" in _messages(response)
    assert files.stored_files(media_root) == [] and not Evidence.objects.exists()


@pytest.mark.parametrize(
    "sent_name, shown_name",
    [("../../etc/报告.pdf", "报告.pdf"), ("..\\..\\报告.pdf", "报告.pdf"), ("/tmp/报告.pdf", "报告.pdf")],
)
def test_a_name_with_a_folder_path_keeps_its_base_name_only(client, liaison_a, report, media_root, sent_name, shown_name):
    """Django's upload parser keeps the base name of what a browser sends (the service refuses a
    path outright, see test_validation); either way the stored name is random, inside MEDIA_ROOT."""
    client.force_login(liaison_a)
    _upload(client, report, sent_name, files.PDF)
    evidence = Evidence.objects.get()
    assert evidence.original_name == shown_name
    (stored,) = files.stored_files(media_root)
    assert stored.resolve().is_relative_to(media_root.resolve())
    assert stored.name.endswith(".pdf") and "报告" not in stored.name and ".." not in evidence.file.name


@pytest.mark.parametrize(
    "sent_name", ["报告\x00.exe.pdf", "报告\x07.pdf", "report\u202efdp.exe.pdf", "报告\r\n.pdf"], ids=["nul", "bell", "rtl-override", "crlf"]
)
def test_control_characters_in_the_name_never_reach_storage(client, liaison_a, report, media_root, sent_name):
    """Django's upload parser drops characters that are not printable; the service refuses any
    that get through (see test_validation). The stored name is random either way."""
    client.force_login(liaison_a)
    _upload(client, report, sent_name, files.PDF)
    for evidence in Evidence.objects.all():
        assert evidence.original_name.isprintable(), repr(evidence.original_name)
        assert evidence.file.name.endswith(".pdf") and "报告" not in evidence.file.name


def test_files_are_served_as_sandboxed_attachments_even_if_they_hold_html(client, liaison_a, report, media_root):
    """A polyglot stored before the HTML check (or one the check misses) still cannot run: the
    download is an attachment, not sniffed, and sandboxed."""
    evidence = Evidence(
        content_type=ContentType.objects.get_for_model(report),
        object_id=report.pk,
        original_name="旧文件.pdf",
        media_type="application/pdf",
        size=len(PDF_HTML_POLYGLOT),
        sha256="0" * 64,
        uploaded_by=liaison_a,
    )
    evidence.file.save("evidence.pdf", ContentFile(PDF_HTML_POLYGLOT), save=False)
    evidence.save()
    client.force_login(liaison_a)
    response = client.get(evidence.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
