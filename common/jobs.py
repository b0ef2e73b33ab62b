"""Background jobs that produce a file for the person who asked (a generated report, a large export):
one shape for all of them — a row with a status, a progress bar the page polls, the file when ready.

- :class:`FileJob` is the abstract model (``evaluation.GeneratedReport`` and ``exports.ExportJob``);
- :func:`job_start`, :func:`job_progress`, :func:`job_fail` and :func:`job_store` are the steps of a
  Celery job, each idempotent and written for a job that runs in another process than the page;
- :func:`job_status` is what the progress bar polls (``templates/includes/job_progress.html`` and
  ``static/js/job-progress.js`` draw it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TypeVar

from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

J = TypeVar("J", bound="FileJob")


class FileJob(models.Model):
    """A job that ends in a file: queued → running → done (the file) or failed (the reason)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


def job_start(model: type[J], pk: int) -> J | None:
    """Claim the job for this run: RUNNING at 1 %, or None when it already finished (a redelivered
    Celery message must not do the work twice)."""
    with transaction.atomic():
        job = model.objects.select_for_update().get(pk=pk)
        if job.is_finished:
            return None
        job.status, job.progress, job.stage = FileJob.Status.RUNNING, 1, ""
        job.save(update_fields=["status", "progress", "stage"])
    return job


def job_progress(model: type[FileJob], pk: int) -> Callable[[int, str], None]:
    """A ``progress(percent, stage)`` callback that writes the job's row (what the page polls)."""

    def update(percent: int, stage: str) -> None:
        model.objects.filter(pk=pk).update(progress=max(0, min(99, int(percent))), stage=str(stage)[:100])

    return update


def job_fail(model: type[J], pk: int, error: str) -> J:
    """Mark the job failed with the reason the person who asked will read."""
    model.objects.filter(pk=pk).update(status=FileJob.Status.FAILED, error=error[:2000], finished_at=timezone.now())
    return model.objects.get(pk=pk)


def job_store(model: type[J], pk: int, *, field: str, name: str, content: IO[bytes]) -> J:
    """Save the finished file into the job's FileField and mark it done (call inside a transaction
    with whatever else the job records, e.g. the audit entry)."""
    job = model.objects.select_for_update().get(pk=pk)
    file = getattr(job, field)
    file.save(name, content if isinstance(content, File) else File(content), save=False)
    job.size = file.size
    job.status, job.progress, job.stage = FileJob.Status.DONE, 100, ""
    job.finished_at = timezone.now()
    job.save()
    return job


def job_status(job: FileJob) -> dict:
    """The JSON the progress bar polls."""
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "stage": job.stage,
        "finished": job.is_finished,
        "error": job.error if job.status == FileJob.Status.FAILED else "",
        "finished_at": date_format(localtime(job.finished_at), "SHORT_DATETIME_FORMAT") if job.finished_at else "",
    }


STATUS_CSS = {
    FileJob.Status.QUEUED: "secondary",
    FileJob.Status.RUNNING: "info",
    FileJob.Status.DONE: "success",
    FileJob.Status.FAILED: "danger",
}
