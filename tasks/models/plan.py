"""The plan and its organisation: regions, departments, plans, sections, key tasks, milestones.

Progress reports, supervision notices, indicators, funding and evaluations hang off these
models in their own apps; see README.md ("Map of the apps").
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DIVISION_CODE = RegexValidator(
    r"^(\d{6}|\d{9}|\d{12})$",
    _("A division code has 6 digits (GB/T 2260), or 9 or 12 for a township."),
)


class Region(models.Model):
    """行政区划: province → prefecture (市州) → county (县区) → township (乡镇, optional).

    ``path`` is the materialised path of ids (``/1/7/42/``): "this region and everything below it"
    is ``path__startswith=region.path``, a prefix match an index serves (varchar_pattern_ops on
    PostgreSQL). ``save`` keeps it, and rewrites a moved subtree's paths in the same transaction.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        PREFECTURE = "prefecture", _("Prefecture")
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")

    # The level each level hangs under: a county under a prefecture, never the other way round.
    PARENT_LEVEL = {
        Level.PROVINCE: None,
        Level.PREFECTURE: Level.PROVINCE,
        Level.COUNTY: Level.PREFECTURE,
        Level.TOWNSHIP: Level.COUNTY,
    }

    code = models.CharField(
        _("division code"),
        max_length=12,
        blank=True,
        validators=[DIVISION_CODE],
        help_text=_("Administrative division code (GB/T 2260), optional."),
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="region_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
            if path != self.path:
                old = self.path
                Region.objects.filter(pk=self.pk).update(path=path)
                if old:
                    Region.objects.filter(path__startswith=old).exclude(pk=self.pk).update(
                        path=Concat(Value(path), Substr("path", len(old) + 1), output_field=models.CharField())
                    )
                self.path = path

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def clean(self) -> None:
        expected_parent = self.PARENT_LEVEL.get(self.level)
        if self.parent is None and expected_parent is not None:
            raise ValidationError({"parent": _("A prefecture, county or township must belong to a higher region.")})
        if self.parent is not None and self.parent.level != expected_parent:
            raise ValidationError(
                {
                    "parent": _("A %(level)s cannot be placed under a %(parent_level)s.")
                    % {"level": self.get_level_display(), "parent_level": self.parent.get_level_display()}
                }
            )
        if self.pk and self.parent is not None and self.path and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("A region cannot be placed under itself or a region below it.")})

    def subtree(self) -> "models.QuerySet[Region]":
        """This region and every region below it."""
        return Region.objects.filter(path__startswith=self.path)

    def contains(self, other: "Region | None") -> bool:
        return other is not None and bool(self.path) and other.path.startswith(self.path)


class RegionStaff(models.Model):
    """A supervisor's, evaluator's or administrator's region: the health commission they serve.

    Staff see that region and everything below it, nothing beside or above. Liaisons are scoped
    by their departments (``Membership``) instead.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="region_staff", verbose_name=_("user")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="staff", verbose_name=_("region"))

    class Meta:
        verbose_name = _("region staff")
        verbose_name_plural = _("region staff")

    def __str__(self) -> str:
        return f"{self.user} · {self.region}"


class Department(models.Model):
    """部门/单位: a government department or unit of a region."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("region"))
    code = models.SlugField(
        _("code"), max_length=32, help_text=_("Short Latin code, used in account names, e.g. wsjkw.")
    )
    name = models.CharField(_("full name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    is_supervising = models.BooleanField(
        _("supervising department"),
        default=False,
        help_text=_("The health commission that supervises the plan (卫生健康委)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__code", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="department_code_unique_in_region"),
            models.UniqueConstraint(fields=["region", "name"], name="department_name_unique_in_region"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @staticmethod
    def choice_label():
        """``str(department)`` as a database expression: the option text of a department filter
        read as rows (``common.filters.RowChoiceFilter``)."""
        return Coalesce(NullIf("short_name", Value("")), "name")


class DepartmentAlias(models.Model):
    """Another name a task table may use for a department (卫健委, 卫生健康部门 …)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=100)

    class Meta:
        verbose_name = _("department alias")
        verbose_name_plural = _("department aliases")
        constraints = [models.UniqueConstraint(fields=["department", "alias"], name="department_alias_unique")]

    def __str__(self) -> str:
        return self.alias

    def clean(self) -> None:
        """Aliases are unique in the region: one must not also mean another department."""
        from tasks.services import DepartmentDirectory  # the matching rules live with the importer

        if self.department_id is None or not self.alias:
            return
        others = [d for d in DepartmentDirectory(self.department.region).matches(self.alias) if d.pk != self.department_id]
        if others:
            raise ValidationError(
                {"alias": _("The alias “%(alias)s” already means “%(other)s” in this region.") % {"alias": self.alias, "other": others[0].name}}
            )


class Membership(models.Model):
    """A user's place in a department: liaison (联络员) or department head (负责人)."""

    class Role(models.TextChoices):
        LIAISON = "liaison", _("Liaison")
        HEAD = "head", _("Department head")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("department")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LIAISON)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.department} · {self.get_role_display()}"


def default_reminder_days() -> list[int]:
    return [7, 1]


class Plan(models.Model):
    """规划: a five-year plan adopted by a region."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("In force")
        CLOSED = "closed", _("Closed")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="plans", verbose_name=_("region"))
    title = models.CharField(_("title"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cascaded_plans",
        verbose_name=_("higher-level plan"),
        help_text=_("The plan of the region above whose tasks and indicators this plan carries out (下达)."),
    )
    cascade_acceptance = models.BooleanField(
        _("accept cascaded reports"),
        default=False,
        help_text=_(
            "Reports and indicator values on tasks and indicators cascaded from this plan, once approved by the "
            "lower region's supervisor, go on to this plan's supervisors to be accepted or sent back."
        ),
    )
    start_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    report_due_days = models.PositiveSmallIntegerField(
        _("report due days"),
        default=10,
        validators=[MaxValueValidator(90)],
        help_text=_("Days after a reporting period ends by which its progress report is due."),
    )
    due_in_working_days = models.BooleanField(
        _("count report due days in working days"),
        default=False,
        help_text=_("Skip weekends, public holidays and count make-up working days (调休)."),
    )
    contribution_lead_days = models.PositiveSmallIntegerField(
        _("contribution lead days"),
        default=5,
        validators=[MaxValueValidator(60)],
        help_text=_("Co-operating departments' contributions are due this many days before the report."),
    )
    reporting_starts_on = models.DateField(
        _("reporting starts on"),
        null=True,
        blank=True,
        help_text=_("Reporting periods are opened from this date on (empty: the start of the plan)."),
    )
    reminder_days = models.JSONField(
        _("reminder days"),
        default=default_reminder_days,
        help_text=_("Remind this many days before each due date, e.g. [7, 1]."),
    )
    due_soon_working_days = models.PositiveSmallIntegerField(
        _("yellow light: due within (working days)"), default=5, validators=[MaxValueValidator(60)]
    )
    progress_lag_margin = models.PositiveSmallIntegerField(
        _("yellow light: progress lag margin (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
        help_text=_("Yellow when reported progress trails the elapsed share of the task's time by more than this."),
    )
    notice_response_working_days = models.PositiveSmallIntegerField(
        _("notice response time (working days)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    period_lock_days = models.PositiveSmallIntegerField(
        _("close reporting periods after (days)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "A reporting period closes this many days after its latest due date (extensions included); "
            "0: only when all its reports are approved or a supervisor closes it."
        ),
    )
    auto_notice_after_days = models.PositiveSmallIntegerField(
        _("raise a notice for reports overdue by (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: never raise supervision notices automatically."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_year", "title"]
        permissions = [
            ("import_plan", _("Can import task breakdown tables")),
            ("export_plan", _("Can export task breakdown tables")),
            ("view_all_tasks", _("Can view the tasks of every department")),
            ("cascade_plan", _("Can cascade key tasks and indicators to the regions below")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="plan_years_ordered"),
            models.UniqueConstraint(fields=["region", "title"], name="plan_title_unique_in_region"),
            models.UniqueConstraint(fields=["region", "parent"], name="plan_cascaded_once_per_region"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tasks:plan_detail", args=[self.pk])

    @property
    def start_date(self) -> datetime.date:
        return datetime.date(self.start_year, 1, 1)

    @property
    def end_date(self) -> datetime.date:
        return datetime.date(self.end_year, 12, 31)

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The last year must not be before the first year.")})


class PlanSection(models.Model):
    """章/节: a chapter (一、) or section ((一)) of the plan; tasks hang under sections."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("plan"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    code = models.CharField(_("number"), max_length=20, help_text=_("As printed in the plan, e.g. 四、 or （二）"))
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "parent", "code", "title"],
                name="plan_section_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}{self.title}"

    @property
    def label(self) -> str:
        return str(self)


class Light(models.TextChoices):
    """红黄绿灯: green on track, yellow at risk, red overdue."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class KeyTask(models.Model):
    """重点任务: one line of the task breakdown table."""

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Half-yearly")
        YEARLY = "yearly", _("Yearly")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="key_tasks", verbose_name=_("plan"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cascaded_tasks",
        verbose_name=_("higher-level task"),
        help_text=_("The task of the higher-level plan this task carries out."),
    )
    section = models.ForeignKey(
        PlanSection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_tasks",
        verbose_name=_("section"),
    )
    code = models.CharField(_("number"), max_length=20, help_text=_("序号 in the task breakdown table"))
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("key task"), max_length=300)
    content = models.TextField(_("content"), blank=True)
    source_clause = models.TextField(_("plan clause"), blank=True, help_text=_("The plan text this task comes from."))
    lead_text = models.CharField(
        _("lead (generic)"),
        max_length=200,
        blank=True,
        help_text=_("Where the table names no single department, e.g. 各区县人民政府."),
    )
    cooperating_text = models.CharField(
        _("co-operating (generic)"), max_length=200, blank=True, help_text=_("e.g. 各相关部门")
    )
    departments = models.ManyToManyField(
        Department, through="TaskDepartment", related_name="key_tasks", verbose_name=_("departments")
    )
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"), db_index=True)
    deadline_text = models.CharField(
        _("deadline as written"), max_length=100, blank=True, help_text=_("完成时限, e.g. 2025年底前, 长期坚持")
    )
    is_ongoing = models.BooleanField(_("ongoing"), default=False, help_text=_("长期坚持 / 每年: no single end"))
    deadline_undated = models.BooleanField(
        _("needs a date"),
        default=False,
        db_index=True,
        help_text=_("The deadline was given in words no date can be read from (e.g. 试点验收前): a supervisor still has to date it."),
    )
    cadence = models.CharField(
        _("reporting cadence"), max_length=12, choices=Cadence.choices, default=Cadence.QUARTERLY
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    light = models.CharField(
        _("light"), max_length=6, choices=Light.choices, default=Light.GREEN, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="key_task_code_unique_in_plan"),
            models.UniqueConstraint(fields=["plan", "parent"], name="key_task_cascaded_once_per_plan"),
            models.CheckConstraint(condition=Q(due_date__gte=models.F("start_date")), name="key_task_dates_ordered"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="key_task_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("tasks:task_detail", args=[self.pk])

    def _department_links(self, role: str) -> list["TaskDepartment"]:
        # Served from prefetch_related("task_departments__department") when the caller did it.
        return sorted(
            (link for link in self.task_departments.all() if link.role == role), key=lambda link: link.position
        )

    @property
    def lead_departments(self) -> list[Department]:
        return [link.department for link in self._department_links(TaskDepartment.Role.LEAD)]

    @property
    def cooperating_departments(self) -> list[Department]:
        return [link.department for link in self._department_links(TaskDepartment.Role.COOPERATING)]

    @property
    def primary_lead(self) -> Department | None:
        """排在首位的为主要牵头单位: the first lead department is the one answerable."""
        leads = self.lead_departments
        return leads[0] if leads else None

    @property
    def lead_display(self) -> str:
        return "、".join([str(d) for d in self.lead_departments] + ([self.lead_text] if self.lead_text else []))

    @property
    def cooperating_display(self) -> str:
        names = [str(d) for d in self.cooperating_departments]
        return "、".join(names + ([self.cooperating_text] if self.cooperating_text else []))


class TaskDepartment(models.Model):
    """A department's part in a key task: lead (牵头) or co-operating (配合), in the table's order."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        COOPERATING = "cooperating", _("Co-operating")

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="task_departments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="task_links")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("task department")
        verbose_name_plural = _("task departments")
        ordering = ["task", "role", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="task_department_unique"),
        ]
        indexes = [models.Index(fields=["department", "role"])]

    def __str__(self) -> str:
        return f"{self.department} ({self.get_role_display()})"


class AnnualTarget(models.Model):
    """A key task's target for one year of the plan (the yearly columns of the table)."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="annual_targets")
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.TextField(_("target"))

    class Meta:
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        ordering = ["task", "year"]
        constraints = [models.UniqueConstraint(fields=["task", "year"], name="annual_target_unique")]

    def __str__(self) -> str:
        return f"{self.year}: {self.target}"


class Milestone(models.Model):
    """节点: a checkpoint of a key task whose completion a supervisor approves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLAIMED = "claimed", _("Claimed complete")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("key task"))
    title = models.CharField(_("title"), max_length=300)
    due_date = models.DateField(_("due date"), db_index=True)
    evidence_required = models.CharField(_("evidence required"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["task", "due_date", "position"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        """Past its due date with the department's part still to do: not claimed complete, or
        claimed and sent back. A claim awaiting review is the supervisor's turn, not late."""
        return self.status in (self.Status.PENDING, self.Status.RETURNED) and self.due_date < (on or timezone.localdate())


class PlanImport(models.Model):
    """One upload of a task breakdown table: kept for the preview, the confirmation and the record."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    options = models.JSONField(_("options"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports", verbose_name=_("plan")
    )

    class Meta:
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
