"""Large list exports as background jobs.

A list page asked for more than ``settings.EXPORT_BACKGROUND_ROWS`` rows does not build the file in
the request: :func:`export_request` records the page (path and query string) and queues
:func:`export_generate`, which replays that page *as the user who asked* — the page's own view
builds its scope, filters and sort, exactly as on screen, so a job never sees more than its
requester — and :func:`export_write` writes every row to a file in constant memory. The file is
kept ``settings.EXPORT_KEEP_HOURS`` hours (:func:`exports_delete_expired`, from Celery beat).
"""

from __future__ import annotations

import io
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.http import Http404, HttpRequest
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from common.exports import CHUNK_ROWS, count_rows, csv_chunks, table_rows, write_xlsx
from common.jobs import job_fail, job_progress, job_start, job_store
from exports.models import ExportJob

log = logging.getLogger(__name__)


class ExportNotProduced(Exception):
    """The replayed page answered with something else than its export (a redirect, an error page)."""


def needs_background(table) -> bool:
    """More rows than a request should write: the export goes to a job."""
    limit = settings.EXPORT_BACKGROUND_ROWS
    return count_rows(table, at_most=limit) > limit


@transaction.atomic
def export_request(*, user: User, path: str, query: str, export_format: str, name: str) -> ExportJob:
    """Queue the export of the list at ``path?query`` for ``user``."""
    if export_format not in ExportJob.Format.values:
        raise ValueError(f"unknown export format {export_format!r}")
    job = ExportJob.objects.create(
        requested_by=user,
        name=name[:200],
        export_format=export_format,
        path=path,
        query=query,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    audit_record(subject=job, actor=user, action="request_export", to_state=job.status, comment=job.page_url)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(pk: int) -> None:
    from exports.tasks import generate_export

    generate_export.delay(pk)


def page_request(*, user: User, path: str, query: str, language: str) -> HttpRequest:
    """A list page's GET request as ``user`` sends it (without the middleware): what a job replays."""
    site = urlsplit(settings.SITE_URL)  # the address people open: a host the page may be asked on
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": site.hostname or "localhost",
        "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
        "wsgi.url_scheme": site.scheme or "http",
        "wsgi.input": io.BytesIO(b""),
    }
    request = WSGIRequest(environ)
    request.user = user
    request.LANGUAGE_CODE = language
    return request


def export_generate(pk: int) -> ExportJob:
    """The job: replay the page as its requester; the page's export writes the file. Idempotent: a
    job already finished is left as it is. A page that no longer lets the user see the list fails
    the job (scope is checked again, never widened)."""
    job = job_start(ExportJob, pk)
    if job is None:
        return ExportJob.objects.get(pk=pk)
    language = job.language or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            if not job.requested_by.is_active:
                raise PermissionDenied
            match = resolve(job.path)
            request = page_request(user=job.requested_by, path=job.path, query=job.query, language=language)
            request.export_job = job  # the page writes its rows to the job instead of answering
            match.func(request, *match.args, **match.kwargs)
            if not getattr(request, "export_written", False):
                raise ExportNotProduced
    except (PermissionDenied, Http404, Resolver404, ExportNotProduced):
        with translation.override(language):
            reason = _("The list can no longer be exported for you.")
        return _failed(pk, reason)
    except Exception as error:  # the reason goes on the row, for the person who asked
        log.exception("Export %s failed", pk)
        return _failed(pk, str(error))
    return ExportJob.objects.get(pk=pk)


def _failed(pk: int, reason: str) -> ExportJob:
    job = job_fail(ExportJob, pk, reason)
    audit_record(subject=job, action="fail", from_state=ExportJob.Status.RUNNING, to_state=job.status, comment=reason)
    return job


def _with_progress(rows: Iterable[list], *, total: int, progress: Callable[[int, str], None]) -> Iterator[list]:
    for number, row in enumerate(rows):  # row 0 is the header
        if number and number % CHUNK_ROWS == 0:
            progress(number * 100 // max(total, 1), _("%(done)s of %(total)s rows") % {"done": number, "total": total})
        yield row


def export_write(job: ExportJob, table, *, prepare: Callable[[list], Any] | None = None) -> ExportJob:
    """Write ``table`` (every row, in the page's order) into the job's file, in constant memory,
    then mark the job done. Called by the page itself while the job replays it."""
    total = count_rows(table)
    ExportJob.objects.filter(pk=job.pk).update(rows=total)
    rows = _with_progress(table_rows(table, prepare=prepare), total=total, progress=job_progress(ExportJob, job.pk))
    with tempfile.TemporaryFile(suffix=f".{job.export_format}") as handle:
        if job.export_format == ExportJob.Format.CSV:
            for chunk in csv_chunks(rows):
                handle.write(chunk)
        else:
            write_xlsx(rows, handle, title=job.name)
        handle.seek(0)
        with transaction.atomic():
            job = job_store(ExportJob, job.pk, field="file", name=job.storage_name, content=handle)
            audit_record(subject=job, action="export_ready", from_state=ExportJob.Status.RUNNING, to_state=job.status)
    return job


def exports_delete_expired(*, now=None) -> int:
    """Delete the exports older than ``EXPORT_KEEP_HOURS`` and their files; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.EXPORT_KEEP_HOURS)
    deleted = 0
    for job in ExportJob.objects.filter(requested_at__lt=cutoff).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return deleted
