"""Progress: reporting periods, progress reports with their submitted versions, co-operating
departments' contributions, and milestone completion claims.

States change only through ``tasks.progress`` (the services), which also advance the viewflow
processes in ``workflows/`` and write the audit trail.
"""

import datetime
import re

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tasks.models.plan import Department, KeyTask, Milestone, Plan
from workflows.models import AcceptedByHigherLevel

# A period code between " · " separators of a work-list title (ReportingPeriod.labels_in).
_CODE_IN_TITLE = re.compile(r"(?<= · )(\d{4}(?:[QH]\d|M\d{2})?)(?= · |$)")


class ReportingPeriod(models.Model):
    """报告期: a month, quarter, half-year or year of a plan, with the date its reports are due."""

    class State(models.TextChoices):
        """Not stored: the states the audit trail names when a period closes or reopens."""

        OPEN = "open", pgettext_lazy("reporting period", "Open")
        CLOSED = "closed", pgettext_lazy("reporting period", "Closed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods", verbose_name=_("plan"))
    cadence = models.CharField(_("cadence"), max_length=12, choices=KeyTask.Cadence.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("Month, quarter or half within the year"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    due_on = models.DateField(_("report due on"), db_index=True)
    contribution_due_on = models.DateField(_("contributions due on"))
    # 关闭 / 重新开放: see ``tasks.periods``. Closed: no report or contribution of it is submitted.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reopened by")
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True, max_length=1000)

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["plan", "starts_on", "cadence"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "cadence", "year", "number"], name="reporting_period_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_closed(self) -> bool:
        """Closed now (``tasks.periods.period_is_locked`` answers for another moment)."""
        return self.closed_at is not None

    @property
    def code(self) -> str:
        """A short code: 2024Q2, 2024H1, 2024M07, 2024."""
        return {
            KeyTask.Cadence.QUARTERLY: f"{self.year}Q{self.number}",
            KeyTask.Cadence.HALF_YEARLY: f"{self.year}H{self.number}",
            KeyTask.Cadence.MONTHLY: f"{self.year}M{self.number:02d}",
        }.get(self.cadence, str(self.year))

    @classmethod
    def label_of_code(cls, code: str) -> str:
        """The label of a period code (2024Q2 → "2024 Q2" / "2024年第2季度"), for records that keep the code."""
        import re

        match = re.fullmatch(r"(\d{4})(?:([QHM])(\d{1,2}))?", code or "")
        if match is None:
            return code
        year, kind, number = int(match.group(1)), match.group(2), int(match.group(3) or 0)
        cadence = {"Q": KeyTask.Cadence.QUARTERLY, "H": KeyTask.Cadence.HALF_YEARLY, "M": KeyTask.Cadence.MONTHLY}.get(
            kind, KeyTask.Cadence.YEARLY
        )
        return cls(cadence=cadence, year=year, number=number).label

    @classmethod
    def labels_in(cls, text: str) -> str:
        """``text`` with each period code standing between " · " separators (how the work lists
        title a report: "A01 建立… · 2024Q2") written as the reader's label ("2024年第2季度")."""
        return _CODE_IN_TITLE.sub(lambda match: cls.label_of_code(match.group(1)), text or "")

    @property
    def label(self) -> str:
        if self.cadence == KeyTask.Cadence.QUARTERLY:
            return _("%(year)d Q%(number)d") % {"year": self.year, "number": self.number}
        if self.cadence == KeyTask.Cadence.HALF_YEARLY:
            return (_("%(year)d first half") if self.number == 1 else _("%(year)d second half")) % {"year": self.year}
        if self.cadence == KeyTask.Cadence.MONTHLY:
            return _("%(year)d-%(number)02d") % {"year": self.year, "number": self.number}
        return _("%(year)d (year)") % {"year": self.year}


OPEN_REPORT_STATES = ("draft", "returned")


def overdue_condition(on: datetime.date) -> Q:
    """逾期未报: being written (draft or returned) and its current due date (after any extension)
    before ``on``. The one rule: ``ProgressReport.is_overdue``, the tables and the filters use it."""
    return Q(status__in=OPEN_REPORT_STATES, due_on__lt=on)


# 逾期报送 for scoring: submitted after the period's own (original) due date, whatever extension
# was granted. ``is_late`` stays "submitted after the due date in force then".
LATE_AGAINST_ORIGINAL = Q(submitted_at__isnull=False, submitted_at__date__gt=models.F("period__due_on"))


class ProgressReportQuerySet(models.QuerySet):
    def overdue(self, on: datetime.date | None = None):
        return self.filter(overdue_condition(on or timezone.localdate()))

    def with_overdue(self, on: datetime.date | None = None):
        """Annotated with ``overdue`` (read by ``ProgressReport.is_overdue``), computed by the database."""
        return self.annotate(
            overdue=models.ExpressionWrapper(overdue_condition(on or timezone.localdate()), output_field=models.BooleanField())
        )


class ProgressReport(AcceptedByHigherLevel):
    """进展报告: the lead department's report on one key task for one reporting period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    class Assessment(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        BEHIND = "behind", _("Behind schedule")
        COMPLETED = "completed", _("Completed")

    task = models.ForeignKey(KeyTask, on_delete=models.PROTECT, related_name="reports", verbose_name=_("key task"))
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="reports", verbose_name=_("reporting period")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="reports", verbose_name=_("department")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("liaison"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    due_on = models.DateField(
        _("due on"), help_text=_("The period's due date, or a later one granted by an extension request.")
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MaxValueValidator(100)]
    )
    assessment = models.CharField(
        _("self-assessment"), max_length=10, choices=Assessment.choices, default=Assessment.ON_TRACK
    )
    achievements = models.TextField(_("work done"), blank=True, max_length=5000)
    problems = models.TextField(_("problems"), blank=True, max_length=3000)
    next_steps = models.TextField(_("next steps"), blank=True, max_length=3000)
    missing_contributions_reason = models.TextField(
        _("why contributions are missing"), blank=True, max_length=1000
    )
    round = models.PositiveSmallIntegerField(_("round"), default=0, help_text=_("How many times it was submitted"))
    version = models.PositiveIntegerField(_("version"), default=0, help_text=_("Guards against overwriting"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_late = models.BooleanField(_("late"), default=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period__starts_on", "task__position"]
        permissions = [("review_progressreport", _("Can review progress reports and milestones"))]
        constraints = [
            models.UniqueConstraint(fields=["task", "period"], name="progress_report_unique"),
            models.CheckConstraint(condition=Q(percent_complete__lte=100), name="progress_report_percent"),
        ]
        indexes = [
            models.Index(fields=["status", "department"]),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["status", "due_on"], name="report_open_due"),
            # The archive (已办结): approved reports, newest decision first, read in index order
            # (and backwards for its last pages), for staff and, by department, for liaisons.
            models.Index(fields=["-decided_at", "id"], condition=Q(status="approved"), name="report_archive"),
            models.Index(fields=["department", "-decided_at", "id"], condition=Q(status="approved"), name="report_archive_department"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.task.title} · {self.period}"

    def save(self, *args, **kwargs):
        if self.due_on is None and self.period_id:
            self.due_on = self.period.due_on
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("tasks:report_detail", args=[self.pk])

    def validate_constraints(self, exclude=None):
        # "percent complete ≤ 100" (progress_report_percent) is also the field's own validator,
        # which full_clean runs first: it is not asked of the database again (a query and two
        # savepoints on every save and submission). The table keeps the constraint.
        super().validate_constraints(exclude={*(exclude or ()), "percent_complete"})

    @property
    def original_due_on(self) -> datetime.date:
        """The period's due date, before any extension (``due_on`` is the one in force): extensions
        move ``due_on`` only, so scoring measures lateness against this one."""
        return self.period.due_on

    @property
    def is_late_against_original(self) -> bool:
        """Submitted after the original due date (``LATE_AGAINST_ORIGINAL`` for querysets)."""
        return self.submitted_at is not None and timezone.localdate(self.submitted_at) > self.original_due_on

    @property
    def is_extended(self) -> bool:
        return self.due_on != self.period.due_on

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}

    @property
    def is_overdue(self) -> bool:
        """逾期未报 today: the ``with_overdue`` annotation when the row has it, else the same rule."""
        annotated = self.__dict__.get("overdue")
        if annotated is not None:
            return annotated
        return self.status in OPEN_REPORT_STATES and self.due_on < timezone.localdate()


class ReportSubmission(models.Model):
    """One submitted version of a report, frozen, with the supervisor's decision on it."""

    class Decision(models.TextChoices):
        PENDING = "", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="submissions")
    round = models.PositiveSmallIntegerField(_("round"))
    content = models.JSONField(_("content"), default=dict)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"))
    is_late = models.BooleanField(_("late"), default=False)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["report", "round"]
        constraints = [models.UniqueConstraint(fields=["report", "round"], name="report_submission_unique")]

    def __str__(self) -> str:
        return f"{self.report_id} #{self.round}"


class Contribution(models.Model):
    """A co-operating department's part of a progress report, due before the report itself."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To be written")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="contributions")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("department")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    content = models.TextField(_("contribution"), blank=True, max_length=5000)
    due_on = models.DateField(_("due on"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_late = models.BooleanField(_("late"), default=False)
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("reason for return"), blank=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["report", "department__position"]
        constraints = [models.UniqueConstraint(fields=["report", "department"], name="contribution_unique")]

    def __str__(self) -> str:
        return f"{self.department} · {self.report}"

    def get_absolute_url(self) -> str:
        return reverse("tasks:contribution_detail", args=[self.pk])


class MilestoneClaim(models.Model):
    """A liaison's claim that a milestone is complete, with evidence, and the supervisor's verdict."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting verification")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="claims")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    note = models.TextField(_("description"), blank=True, max_length=3000)
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    version = models.PositiveIntegerField(_("version"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("reason for return"), blank=True)

    class Meta:
        verbose_name = _("milestone claim")
        verbose_name_plural = _("milestone claims")
        ordering = ["-created_at"]
        constraints = [
            # At most one open claim per milestone.
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="milestone_claim_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("tasks:milestone_claim_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}
