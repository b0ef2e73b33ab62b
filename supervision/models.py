"""Supervision: the working-day calendar, deadline alerts, notifications, supervision notices
(督办单) and extension requests (延期申请)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DeadlineAlert(models.Model):
    """That one alert (a reminder N days before, an overdue notice, an escalation) was made for
    one subject. The unique constraint is what makes the sweep idempotent, even when two workers
    sweep at once: whoever inserts the row sends; the other finds it there and does not."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=30, help_text=_("e.g. remind-7, remind-1, overdue, escalate-yellow"))
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "kind", "due_on"], name="deadline_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.content_type_id}:{self.object_id} {self.due_on}"


class SupervisionNotice(models.Model):
    """督办单: a supervisor's notice to a department about a lagging key task."""

    class Level(models.TextChoices):
        # A context of their own: a notice is 黄色/红色, while a task's light is 黄灯/红灯.
        BLUE = "blue", pgettext_lazy("notice level", "Blue")
        YELLOW = "yellow", pgettext_lazy("notice level", "Yellow")
        RED = "red", pgettext_lazy("notice level", "Red")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESPONDED = "responded", _("Responded")
        RETURNED = "returned", _("Response returned")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    task = models.ForeignKey(
        "tasks.KeyTask", on_delete=models.PROTECT, related_name="notices", verbose_name=_("key task")
    )
    department = models.ForeignKey(
        "tasks.Department", on_delete=models.PROTECT, related_name="notices", verbose_name=_("department")
    )
    report = models.ForeignKey(
        "tasks.ProgressReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("overdue report"),
        help_text=_("Set when the notice was raised automatically for an overdue report."),
    )
    level = models.CharField(_("level"), max_length=6, choices=Level.choices, default=Level.BLUE)
    requirements = models.TextField(_("requirements"), max_length=3000)
    response_due_on = models.DateField(_("respond by"), db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ISSUED, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    response = models.TextField(
        _("measures taken"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)]
    )
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    # The review lifecycle's counters: ``round`` is the answer's submission (a decision names the
    # round the supervisor read); ``version`` the draft's save (a stale save is refused).
    round = models.PositiveSmallIntegerField(_("round"), default=0, help_text=_("How many times it was submitted"))
    version = models.PositiveIntegerField(_("version"), default=0, help_text=_("Guards against overwriting"))
    escalations = models.PositiveSmallIntegerField(_("escalations"), default=0)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-year", "-number"]
        permissions = [("issue_supervisionnotice", _("Can issue supervision notices and decide on extensions"))]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="notice_number_unique")]
        indexes = [models.Index(fields=["status", "response_due_on"], name="notice_open_due")]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("supervision:notice_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """The official number, e.g. 督办〔2024〕12号."""
        return f"督办〔{self.year}〕{self.number}号"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class NoticeCounter(models.Model):
    """The last notice number of a year; locked while a number is taken, so numbers never repeat."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ExtensionRequest(models.Model):
    """延期申请: a liaison asks for a later due date for a report; a supervisor decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    report = models.ForeignKey(
        "tasks.ProgressReport", on_delete=models.PROTECT, related_name="extension_requests", verbose_name=_("report")
    )
    current_due_on = models.DateField(_("due on"))
    requested_due_on = models.DateField(_("new due date"))
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["report"], condition=models.Q(status="pending"), name="extension_one_pending")
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.requested_due_on}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:extension_detail", args=[self.pk])
