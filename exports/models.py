"""A list export too large to send at once (issue 14): prepared by a Celery job, kept for its requester."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from common.jobs import FileJob


class ExportJob(FileJob):
    """A list page's export (its scope, filters and sort as the query string gave them), written by
    a background job as the user who asked and downloadable by that user only, until it expires."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    name = models.CharField(_("name"), max_length=200)
    export_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    path = models.CharField(_("page"), max_length=500)
    query = models.TextField(_("query string"), blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_at"], name="export_requested_at")]

    def __str__(self) -> str:
        return self.download_name

    def get_absolute_url(self) -> str:
        return reverse("exports:detail", args=[self.pk])

    @property
    def download_name(self) -> str:
        return f"{self.name}.{self.export_format}"

    @property
    def storage_name(self) -> str:
        return f"export-{self.pk}.{self.export_format}"

    @property
    def expires_at(self):
        return self.requested_at + timedelta(hours=settings.EXPORT_KEEP_HOURS)

    @property
    def page_url(self) -> str:
        """The list the export was asked from, with its filters and sort."""
        from django.http import QueryDict

        params = QueryDict(self.query, mutable=True)
        params.pop("_export", None)
        return f"{self.path}?{urlencode(params, doseq=True)}" if params else self.path
