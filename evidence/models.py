"""Evidence (佐证材料): files attached to progress reports, milestone claims, notice responses, indicator values.

A file belongs to one owner object of any type (generic relation). It is stored under an
unguessable name, never served directly (only through ``evidence:download``, which asks the owner's
app whether the user may see it) and never deleted: removal only hides it.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence.validation import NAME_MAX_LENGTH, STORED_EXTENSIONS


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    """``evidence/<YYYY>/<MM>/<uuid4 hex><.ext>``: only the extension of ``filename`` is kept.

    The services pass a name made from the detected type's extension, never the user's name.
    """
    extension = PurePosixPath(filename).suffix.lower()
    if extension not in STORED_EXTENSIONS:
        extension = ""
    now = timezone.localtime()
    return f"evidence/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{extension}"


class EvidenceQuerySet(models.QuerySet):
    def live(self) -> "EvidenceQuerySet":
        return self.filter(removed_at__isnull=True)

    def for_owner(self, owner: models.Model) -> "EvidenceQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(owner), object_id=owner.pk)


class Evidence(models.Model):
    """One uploaded file attached to an owner object, with its review by a supervisor."""

    class ReviewStatus(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("owner type"))
    object_id = models.PositiveBigIntegerField(_("owner id"))
    owner = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=NAME_MAX_LENGTH)
    media_type = models.CharField(_("media type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, db_index=True)
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    review_reason = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    removed_at = models.DateTimeField(
        _("removed"), null=True, blank=True, help_text=_("Removed files are hidden, never deleted.")
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="evidence_owner_idx")]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("evidence:download", args=[self.public_id])

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class EvidenceDownloadQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise TypeError("The download record is append-only")

    def delete(self):
        raise TypeError("The download record is append-only")


class EvidenceDownload(models.Model):
    """Who downloaded which file when. Append-only."""

    evidence = models.ForeignKey(
        Evidence, on_delete=models.PROTECT, related_name="downloads", verbose_name=_("evidence file")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = EvidenceDownloadQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence download")
        verbose_name_plural = _("evidence downloads")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.evidence}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The download record is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The download record is append-only")
