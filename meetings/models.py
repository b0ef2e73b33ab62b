"""联席会议: the inter-department joint meeting that reviews a plan, and its numbered decisions
(议定事项). A decision becomes tracked work in one step — a new key task or a supervision notice on
an existing task (``meetings.services``) — and its state is read from that work (``Decision.state``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Meeting(models.Model):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary meeting")
        LIAISON = "liaison", _("Liaison-officer meeting")
        SPECIAL = "special", _("Special session")

    region = models.ForeignKey("tasks.Region", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("region"))
    plan = models.ForeignKey(
        "tasks.Plan", on_delete=models.PROTECT, null=True, blank=True, related_name="meetings", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PLENARY)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"), db_index=True)
    convenor = models.CharField(_("convenor"), max_length=100, help_text=_("Who chaired the meeting, e.g. 副市长 张某某."))
    minutes = models.TextField(_("minutes"), blank=True, max_length=20000)
    departments = models.ManyToManyField(
        "tasks.Department", through="Attendance", related_name="meetings", verbose_name=_("member departments")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])


class Attendance(models.Model):
    """A member department of the meeting, present or absent."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    department = models.ForeignKey("tasks.Department", on_delete=models.PROTECT, related_name="meeting_attendances")
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["meeting", "department"], name="meeting_attendance_unique")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.department}"


class Decision(models.Model):
    """议定事项: one numbered decision of a meeting, with its responsible departments and deadline."""

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting action")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Completed")
        OVERDUE = "overdue", _("Overdue")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("agreed item"), max_length=3000)
    departments = models.ManyToManyField(
        "tasks.Department", through="DecisionDepartment", related_name="meeting_decisions", verbose_name=_("responsible departments")
    )
    deadline = models.DateField(_("deadline"))
    task = models.OneToOneField(
        "tasks.KeyTask", on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_decision", verbose_name=_("key task")
    )
    notice = models.OneToOneField(
        "supervision.SupervisionNotice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decision",
        verbose_name=_("supervision notice"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreed item")
        verbose_name_plural = _("agreed items")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_unique_in_meeting"),
            models.CheckConstraint(
                condition=models.Q(task__isnull=True) | models.Q(notice__isnull=True), name="decision_one_kind_of_work"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.meeting_id]) + f"#decision-{self.pk}"

    @property
    def has_work(self) -> bool:
        return self.task_id is not None or self.notice_id is not None

    @property
    def responsible(self) -> list:
        # Served from prefetch_related("decision_departments__department") when the caller did it.
        return [link.department for link in sorted(self.decision_departments.all(), key=lambda link: link.position)]

    def state_on(self, today: datetime.date) -> str:
        """Derived from the work the decision became (read with select_related("task", "notice")):
        done when the task is completed or the notice closed; overdue when its deadline (or the
        task's due date) passed first, or the task's light is red; open while no work exists."""
        from tasks.models import KeyTask, Light

        if self.task_id is not None:
            if self.task.status == KeyTask.Status.COMPLETED:
                return self.State.DONE
            if self.task.light == Light.RED or min(self.task.due_date, self.deadline) < today:
                return self.State.OVERDUE
            return self.State.IN_PROGRESS
        if self.notice_id is not None:
            if not self.notice.is_open:
                return self.State.DONE
            if min(self.notice.response_due_on, self.deadline) < today:
                return self.State.OVERDUE
            return self.State.IN_PROGRESS
        return self.State.OVERDUE if self.deadline < today else self.State.OPEN

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    @property
    def state_label(self) -> str:
        return self.State(self.state).label


class DecisionDepartment(models.Model):
    """A responsible department (责任单位) of a decision, in the order written (the first leads)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="decision_departments")
    department = models.ForeignKey("tasks.Department", on_delete=models.PROTECT, related_name="decision_links")
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("responsible department")
        verbose_name_plural = _("responsible departments")
        ordering = ["decision", "position"]
        constraints = [models.UniqueConstraint(fields=["decision", "department"], name="decision_department_unique")]

    def __str__(self) -> str:
        return str(self.department)
