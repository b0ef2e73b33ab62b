"""What may be uploaded as evidence (佐证材料), checked by name, size and content.

The extension a user gives is only a claim: the first bytes of the file (and, for Office Open XML,
the zip directory) must show that the content is of that kind. An executable renamed ``.pdf`` is
refused. Nothing here reads a whole file into memory.

Also refused (each with its own message, before anything is stored):
- names with a folder path, control characters, more than 200 characters, or a Windows device
  name (CON, PRN, AUX, NUL, COM1–COM9, LPT1–LPT9, with any extension): refused, not renamed;
- zip bombs: an Office file or zip that would unpack to more than UNCOMPRESSED_MAX_MB, or with an
  entry compressed more than UNCOMPRESSED_MAX_RATIO times (common.archives);
- macros: Office files holding a VBA project (vbaProject.bin in .docx/.xlsx, a _VBA_PROJECT stream
  in .doc/.xls); .docm/.xlsm are not accepted kinds at all;
- HTML in disguise: a PDF or image whose first kilobyte holds an HTML tag (<html, <script,
  <!doctype …) — a polyglot a browser could sniff as a page. Downloads are served as attachments
  with nosniff and a sandboxing CSP as well (evidence.views.download).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.archives import ArchiveTooLarge, inspect_zip, zip_entries

NAME_MAX_LENGTH = 200  # Evidence.original_name
HEAD_BYTES = 16  # enough for every signature below
SNIFF_BYTES = 1024  # how much of a PDF or image is searched for HTML
MEGABYTE = 1024 * 1024
# What a browser would take for a page (HTML sniffing looks at the first bytes only).
HTML_MARKERS = (b"<html", b"<script", b"<!doctype", b"<body", b"<head", b"<iframe", b"<svg", b"<object", b"<embed", b"<meta")
# The stream every VBA project has, as OLE2 directory entries spell names (UTF-16LE).
VBA_STREAM = "_VBA_PROJECT".encode("utf-16-le")
# Windows device names: a file called "CON.pdf" cannot be saved on Windows (and used to hang it).
RESERVED_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))})

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls (Compound File Binary)
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class DetectedType:
    """What a file was found to be. ``extension`` (with its dot) is the one it is stored under."""

    media_type: str
    extension: str
    name: str  # the sanitised display name (stripped, NFC), at most NAME_MAX_LENGTH characters


@dataclass(frozen=True)
class FileKind:
    label: str | Promise  # for messages: “x.pdf” is not a PDF file
    media_type: str
    extension: str  # canonical extension the file is stored under
    matches: Callable[[File, bytes], bool]  # (file, its first HEAD_BYTES bytes) -> content is of this kind


# --- content checks --------------------------------------------------------------------------


def _zip_names(upload: File) -> list[str] | None:
    """The entry names of a zip archive (read from its central directory only), or None if it is not one."""
    entries = zip_entries(getattr(upload, "file", None) or upload)
    return None if entries is None else [entry.filename for entry in entries]


def _is_pdf(upload: File, head: bytes) -> bool:
    return head.startswith(b"%PDF-")


def _is_ole2(upload: File, head: bytes) -> bool:
    return head.startswith(OLE2_SIGNATURE)


def _is_zip(upload: File, head: bytes) -> bool:
    return head.startswith(ZIP_SIGNATURE) and _zip_names(upload) is not None


def _is_office_open_xml(part: str) -> Callable[[File, bytes], bool]:
    def check(upload: File, head: bytes) -> bool:
        if not head.startswith(ZIP_SIGNATURE):
            return False
        names = _zip_names(upload)
        return names is not None and "[Content_Types].xml" in names and any(n.startswith(part) for n in names)

    return check


def _is_png(upload: File, head: bytes) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(upload: File, head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_gif(upload: File, head: bytes) -> bool:
    return head.startswith((b"GIF87a", b"GIF89a"))


def _is_bmp(upload: File, head: bytes) -> bool:
    return head.startswith(b"BM")


def _is_webp(upload: File, head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


_PDF = FileKind(_("PDF"), "application/pdf", ".pdf", _is_pdf)
_DOC = FileKind(_("Word"), "application/msword", ".doc", _is_ole2)
_DOCX = FileKind(
    _("Word"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    _is_office_open_xml("word/"),
)
_XLS = FileKind(_("Excel"), "application/vnd.ms-excel", ".xls", _is_ole2)
_XLSX = FileKind(
    _("Excel"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
    _is_office_open_xml("xl/"),
)
_JPEG = FileKind(_("JPEG image"), "image/jpeg", ".jpg", _is_jpeg)
_PNG = FileKind(_("PNG image"), "image/png", ".png", _is_png)
_GIF = FileKind(_("GIF image"), "image/gif", ".gif", _is_gif)
_BMP = FileKind(_("BMP image"), "image/bmp", ".bmp", _is_bmp)
_WEBP = FileKind(_("WebP image"), "image/webp", ".webp", _is_webp)
_ZIP = FileKind(_("ZIP"), "application/zip", ".zip", _is_zip)

# The one list of what may be uploaded, by the extension the user gives (lower case, with the dot).
# WPS formats (.wps, .et) are not accepted: ask for PDF or Office files instead.
ALLOWED_TYPES: dict[str, FileKind] = {
    ".pdf": _PDF,
    ".doc": _DOC,
    ".docx": _DOCX,
    ".xls": _XLS,
    ".xlsx": _XLSX,
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".png": _PNG,
    ".gif": _GIF,
    ".bmp": _BMP,
    ".webp": _WEBP,
    ".zip": _ZIP,
}

# Kinds a browser might sniff as HTML: they must not start with a page.
_SNIFFABLE = (_PDF, _JPEG, _PNG, _GIF, _BMP, _WEBP)


def _looks_like_html(upload: File) -> bool:
    upload.seek(0)
    start = (upload.read(SNIFF_BYTES) or b"").lower()
    upload.seek(0)
    return any(marker in start for marker in HTML_MARKERS)


# For <input type="file" accept="…">.
ACCEPT_ATTRIBUTE = ",".join(ALLOWED_TYPES)
STORED_EXTENSIONS = frozenset(kind.extension for kind in ALLOWED_TYPES.values())


# --- the check ---------------------------------------------------------------------------------


def _is_forbidden_character(char: str) -> bool:
    # Cc: control characters (NUL, newline, tab …); Cf: format characters such as U+202E, the
    # right-to-left override that makes "fdp.exe" display as "exe.pdf"; Cs: lone surrogates;
    # Zl/Zp: line and paragraph separators.
    return unicodedata.category(char) in {"Cc", "Cf", "Cs", "Zl", "Zp"}


def clean_name(raw_name: str | None) -> str:
    """The display name of an upload, or ValidationError: no paths, no control characters, not empty."""
    raw_name = raw_name or ""
    if "/" in raw_name or "\\" in raw_name:
        raise ValidationError(
            _("The file name “%(name)s” must not contain a folder path (/ or \\)."),
            code="name_path",
            params={"name": raw_name},
        )
    if any(_is_forbidden_character(char) for char in raw_name):
        raise ValidationError(
            _("The file name “%(name)s” contains control characters."),
            code="name_control",
            params={"name": "".join("?" if _is_forbidden_character(c) else c for c in raw_name)},
        )
    name = unicodedata.normalize("NFC", raw_name).strip()
    if not name or name.strip(".") == "":
        raise ValidationError(_("The file has no name."), code="name_empty")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("The file name is too long: at most %(max)d characters are allowed."),
            code="name_too_long",
            params={"max": NAME_MAX_LENGTH},
        )
    if name.split(".")[0].strip().upper() in RESERVED_NAMES:
        raise ValidationError(
            _("“%(name)s” is a name Windows reserves for a device: rename the file and upload it again."),
            code="name_reserved",
            params={"name": name},
        )
    return name


def _check_archive(uploaded_file: File, name: str) -> list[str] | None:
    """The entry names if the file is a zip (Office files are), after the zip-bomb limits."""
    handle = getattr(uploaded_file, "file", None) or uploaded_file
    try:
        listing = inspect_zip(
            handle, max_total=settings.UNCOMPRESSED_MAX_BYTES, max_ratio=settings.UNCOMPRESSED_MAX_RATIO
        )
    except ArchiveTooLarge as exc:
        raise ValidationError(
            _(
                "“%(name)s” unpacks to too much data (more than %(limit)s MB, or compressed suspiciously well) "
                "and is not accepted."
            ),
            code="zip_bomb",
            params={"name": name, "limit": _megabytes(settings.UNCOMPRESSED_MAX_BYTES)},
        ) from exc
    return listing.names if listing else None


def _has_vba_stream(uploaded_file: File) -> bool:
    """An OLE2 file (.doc, .xls) with a VBA project, searched in chunks."""
    uploaded_file.seek(0)
    tail = b""
    try:
        for chunk in uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else iter(lambda: uploaded_file.read(65536), b""):
            if VBA_STREAM in tail + chunk:
                return True
            tail = chunk[-len(VBA_STREAM) :]
        return False
    finally:
        uploaded_file.seek(0)


def _macro_refusal(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” contains macros, which are not accepted: save it without macros (.docx, .xlsx or PDF)."),
        code="macros",
        params={"name": name},
    )


def _extension(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f".{suffix.lower()}" if dot and stem else ""


def _megabytes(size: int) -> str:
    value = size / MEGABYTE
    return str(int(value)) if value.is_integer() else f"{value:.2f}"


def _head(upload: File) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head or b""


def check_upload(uploaded_file: File) -> DetectedType:
    """Check an uploaded evidence file; return what it is, or raise ValidationError saying why not."""
    name = clean_name(uploaded_file.name)
    kind = ALLOWED_TYPES.get(_extension(name))
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not an accepted kind of file. Accepted: %(allowed)s."),
            code="type_not_allowed",
            params={"name": name, "allowed": ", ".join(ALLOWED_TYPES)},
        )
    size = uploaded_file.size or 0
    if size <= 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is too large: files may be at most %(limit)s MB."),
            code="too_large",
            params={"name": name, "limit": _megabytes(settings.UPLOAD_MAX_BYTES)},
        )
    head = _head(uploaded_file)
    entries = _check_archive(uploaded_file, name) if head.startswith(ZIP_SIGNATURE) else None
    if not kind.matches(uploaded_file, head):
        raise ValidationError(
            _("“%(name)s” is not a %(kind)s file: its content does not match its extension."),
            code="content_mismatch",
            params={"name": name, "kind": kind.label},
        )
    if kind in (_DOCX, _XLSX) and any(
        entry.lower().endswith(("vbaproject.bin", "vbadata.xml")) for entry in entries or ()
    ):
        raise _macro_refusal(name)
    if kind in (_DOC, _XLS) and _has_vba_stream(uploaded_file):
        raise _macro_refusal(name)
    if kind in _SNIFFABLE and _looks_like_html(uploaded_file):
        raise ValidationError(
            _("“%(name)s” contains web page code (HTML) and is not accepted."),
            code="html_content",
            params={"name": name},
        )
    return DetectedType(media_type=kind.media_type, extension=kind.extension, name=name)
