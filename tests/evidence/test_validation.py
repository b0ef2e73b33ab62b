"""What may be uploaded as evidence: every accepted kind with real content, and every refusal."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.test import override_settings

from evidence.validation import ALLOWED_TYPES, check_upload
from tests.evidence import files


def _refusal(upload) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(upload)
    return caught.value


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.mark.parametrize(
    "name, content, media_type, extension",
    [
        ("2023年工作总结.pdf", files.PDF, "application/pdf", ".pdf"),
        ("会议纪要.doc", files.OLE2, "application/msword", ".doc"),
        (
            "会议纪要.docx",
            files.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        ("床位统计.xls", files.OLE2, "application/vnd.ms-excel", ".xls"),
        (
            "床位统计.xlsx",
            files.xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".xlsx",
        ),
        ("现场照片.jpg", files.image("JPEG"), "image/jpeg", ".jpg"),
        ("现场照片.JPEG", files.image("JPEG"), "image/jpeg", ".jpg"),
        ("截图.png", files.image("PNG"), "image/png", ".png"),
        ("动图.gif", files.image("GIF"), "image/gif", ".gif"),
        ("扫描件.bmp", files.image("BMP"), "image/bmp", ".bmp"),
        ("照片.webp", files.image("WEBP"), "image/webp", ".webp"),
        ("材料汇总.zip", files.plain_zip(), "application/zip", ".zip"),
        ("Word 文档也是 zip.zip", files.docx(), "application/zip", ".zip"),
    ],
)
def test_every_accepted_kind_with_real_content(name, content, media_type, extension):
    detected = check_upload(SimpleUploadedFile(name, content))
    assert detected.media_type == media_type
    assert detected.extension == extension
    assert detected.name == name


def test_the_accepted_list_is_exactly_the_agreed_one():
    assert list(ALLOWED_TYPES) == [
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".bmp",
        ".webp",
        ".zip",
    ]


def test_the_display_name_is_stripped():
    assert check_upload(SimpleUploadedFile("  工作报告.pdf  ", files.PDF)).name == "工作报告.pdf"


def test_an_empty_file_is_refused(english):
    error = _refusal(SimpleUploadedFile("空白.pdf", b""))
    assert error.code == "empty"
    assert _message(error) == "“空白.pdf” is empty."


def test_a_file_over_the_limit_is_refused_and_the_message_gives_the_limit_in_mb(english):
    with override_settings(UPLOAD_MAX_BYTES=1024 * 1024):
        check_upload(SimpleUploadedFile("刚好.pdf", files.PDF.ljust(1024 * 1024, b" ")))
        error = _refusal(SimpleUploadedFile("太大.pdf", files.PDF.ljust(1024 * 1024 + 1, b" ")))
    assert error.code == "too_large"
    assert "1 MB" in _message(error)
    assert "太大.pdf" in _message(error)


@pytest.mark.parametrize(
    "content", [files.EXE, files.ELF, files.HTML, files.OLE2], ids=["exe", "elf", "html", "ole2"]
)
def test_other_content_renamed_pdf_is_refused(english, content):
    error = _refusal(SimpleUploadedFile("工作报告.pdf", content))
    assert error.code == "content_mismatch"
    assert _message(error) == "“工作报告.pdf” is not a PDF file: its content does not match its extension."


@pytest.mark.parametrize(
    "name, content",
    [
        ("会议纪要.docx", files.plain_zip()),  # a zip, but not a Word document
        ("会议纪要.docx", files.xlsx()),  # an Excel workbook
        ("床位统计.xlsx", files.docx()),  # a Word document
        ("床位统计.xlsx", files.plain_zip()),
        ("会议纪要.docx", files.OLE2),  # an old .doc renamed
        ("会议纪要.doc", files.docx()),  # a new .docx renamed
        ("床位统计.xls", files.PDF),
        ("照片.png", files.image("JPEG")),
        ("照片.jpg", files.image("PNG")),
        ("照片.gif", files.image("BMP")),
        ("照片.bmp", files.PDF),
        ("照片.webp", files.image("PNG")),
        ("材料汇总.zip", files.PDF),
        ("材料汇总.zip", files.EXE),
    ],
)
def test_content_of_another_kind_is_refused(english, name, content):
    error = _refusal(SimpleUploadedFile(name, content))
    assert error.code == "content_mismatch"
    assert "content does not match its extension" in _message(error)


@pytest.mark.parametrize("name", ["损坏.docx", "损坏.xlsx", "损坏.zip"])
def test_a_broken_zip_is_refused_not_a_crash(name):
    content = b"PK\x03\x04" + b"\x14\x00\x00\x00\x08\x00" + b"\xde\xad\xbe\xef" * 40
    assert _refusal(SimpleUploadedFile(name, content)).code == "content_mismatch"


@pytest.mark.parametrize(
    "upload",
    [
        ContentFile(files.PDF, name="../../etc/报告.pdf"),
        ContentFile(files.PDF, name="/tmp/报告.pdf"),
        SimpleUploadedFile("..\\..\\报告.pdf", files.PDF),
        SimpleUploadedFile("C:\\Users\\张三\\报告.pdf", files.PDF),
    ],
    ids=["dotdot-slash", "absolute", "dotdot-backslash", "windows-path"],
)
def test_a_name_with_a_path_is_refused(english, upload):
    error = _refusal(upload)
    assert error.code == "name_path"
    assert "folder path" in _message(error)


@pytest.mark.parametrize(
    "name",
    [
        "报告\x00.pdf",
        "报告\n.pdf",
        "报告\r\n.pdf",
        "报告\t.pdf",
        "\x1b[31m报告.pdf",
        "报告\u202efdp.exe",
        "报告\u2028.pdf",
    ],
    ids=["nul", "newline", "crlf", "tab", "escape", "rtl-override", "line-separator"],
)
def test_a_name_with_control_characters_is_refused(english, name):
    error = _refusal(ContentFile(files.PDF, name=name))
    assert error.code == "name_control"
    assert "control characters" in _message(error)


@pytest.mark.parametrize("name", ["", "   ", "\u3000", "..."])
def test_a_file_without_a_name_is_refused(name):
    assert _refusal(ContentFile(files.PDF, name=name)).code == "name_empty"


def test_a_name_that_is_too_long_is_refused(english):
    check_upload(SimpleUploadedFile("长" * 196 + ".pdf", files.PDF))  # 200 characters: accepted
    error = _refusal(SimpleUploadedFile("长" * 197 + ".pdf", files.PDF))
    assert error.code == "name_too_long"
    assert "200" in _message(error)


@pytest.mark.parametrize(
    "name, content",
    [
        ("setup.exe", files.EXE),
        ("页面.html", files.HTML),
        ("页面.htm", files.HTML),
        ("图.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("文档.wps", files.OLE2),
        ("表格.et", files.OLE2),
        ("脚本.js", b"alert(1)"),
        ("报告.pdf.exe", files.PDF),
        ("没有扩展名", files.PDF),
        (".pdf", files.PDF),
        ("报告.pdf.", files.PDF),
    ],
)
def test_a_kind_not_on_the_list_is_refused(english, name, content):
    error = _refusal(SimpleUploadedFile(name, content))
    assert error.code == "type_not_allowed"
    assert "is not an accepted kind of file" in _message(error)
    assert ".pdf, .doc, .docx" in _message(error)


class _CountingBytes(io.BytesIO):
    def __init__(self, content: bytes):
        super().__init__(content)
        self.requested: list[int] = []

    def read(self, size=-1):
        self.requested.append(size)
        return super().read(size)


def test_only_the_beginning_of_a_file_is_read():
    """The content check reads the first kilobyte at most, not the file (a large PDF is not loaded
    into memory): the signature, then a search for HTML."""
    content = files.PDF.ljust(5 * 1024 * 1024, b" ")
    handle = _CountingBytes(content)
    upload = InMemoryUploadedFile(handle, None, "大文件.pdf", "application/pdf", len(content), None)
    check_upload(upload)
    assert handle.requested and all(0 < size <= 1024 for size in handle.requested)
    assert upload.tell() == 0, "the file is left at its start for storing"
