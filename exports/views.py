"""List exports: ``export_list`` (what every list page calls for ``?_export=csv|xlsx``) and the
pages of an export prepared in the background (progress, download)."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from audit.services import audit_record
from common.jobs import STATUS_CSS, job_status
from common.views import XLSX_TYPE, export_table
from exports import access, services
from exports.models import ExportJob


def export_list(request: HttpRequest, table, export_format: str, name: str, *, prepare=None) -> HttpResponse:
    """Every row of a list page's table (in the page's sort) as CSV or Excel: streamed at once up to
    ``settings.EXPORT_BACKGROUND_ROWS`` rows, prepared by a background job beyond (the user is sent
    to its progress page). ``prepare`` is called on each chunk of records before they are read.

    Call it before paginating: the export needs no page, and counts no more rows than the limit."""
    RequestConfig(request, paginate=False).configure(table)  # the sort the page shows
    job = getattr(request, "export_job", None)
    if job is not None:  # the job replaying this page: write its file
        services.export_write(job, table, prepare=prepare)
        request.export_written = True
        return HttpResponse(status=204)
    if services.needs_background(table):
        job = services.export_request(
            user=request.user,
            path=request.path,
            query=request.META.get("QUERY_STRING", ""),
            export_format=export_format,
            name=name,
        )
        return redirect(job)
    return export_table(table, export_format, name, prepare=prepare)


def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """"The export is being prepared": its progress bar, then the download link."""
    job = access.get_export_for_user(request.user, pk)
    return render(request, "exports/export_detail.html", {"job": job, "status_css": STATUS_CSS[job.status]})


@require_GET
def export_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the progress bar polls."""
    return JsonResponse(job_status(access.get_export_for_user(request.user, pk)))


@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = access.get_export_for_user(request.user, pk)
    if job.status != ExportJob.Status.DONE or not job.file or job.expires_at <= timezone.now():
        raise Http404
    audit_record(subject=job, actor=request.user, action="download", comment=job.download_name)
    content_type = XLSX_TYPE if job.export_format == ExportJob.Format.XLSX else "text/csv; charset=utf-8"
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.download_name, content_type=content_type)

