import logging
import unicodedata
import uuid
from pathlib import PurePosixPath
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from evidence.access import get_evidence_for_download
from evidence.models import Evidence, EvidenceDownload

logger = logging.getLogger(__name__)


def _ascii_fallback(name: str) -> str:
    """A plain-ASCII filename for clients that ignore filename* (RFC 6266 §4.3)."""
    suffix = PurePosixPath(name).suffix
    stem = name[: -len(suffix)] if suffix else name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in ascii_stem).strip(" ._")
    ascii_suffix = suffix.encode("ascii", "ignore").decode("ascii")
    return f"{ascii_stem or 'evidence'}{ascii_suffix}"


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII filename and the real (e.g. Chinese) name as RFC 5987 ``filename*``."""
    return f"attachment; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_GET
def download(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    evidence: Evidence = get_evidence_for_download(request.user, public_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        logger.error("Evidence %s: the stored file %s is missing", evidence.public_id, evidence.file.name)
        raise Http404 from exc
    EvidenceDownload.objects.create(evidence=evidence, user=request.user)
    response = FileResponse(handle, content_type=evidence.media_type)
    response["Content-Disposition"] = content_disposition(evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    add_never_cache_headers(response)
    return response
