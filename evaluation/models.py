"""Mid-term and final evaluations: a weighted rubric, self-assessments and evaluator scores.

Every state change goes through ``evaluation.services``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.jobs import FileJob
from tasks.models import Department, Plan


class ScoringRubric(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rubrics", verbose_name=_("plan"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("scoring rubric")
        verbose_name_plural = _("scoring rubrics")

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    rubric = models.ForeignKey(
        ScoringRubric, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("rubric")
    )
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(
        _("weight (%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    scale_max = models.PositiveIntegerField(
        _("maximum score"), default=100, validators=[MinValueValidator(1)]
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Evaluation(models.Model):
    class Kind(models.TextChoices):
        MID_TERM = "mid_term", _("Mid-term evaluation")
        FINAL = "final", _("Final evaluation")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SCORING = "scoring", _("Scoring")
        SIGNED_OFF = "signed_off", _("Signed off")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("plan")
    )
    rubric = models.ForeignKey(
        ScoringRubric, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("rubric")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MID_TERM)
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_evaluations",
        verbose_name=_("evaluation lead"),
    )
    spread_threshold = models.DecimalField(
        _("spread threshold"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(15),
        help_text=_("Evaluators disagree when their scores for a criterion differ by more than this."),
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    conclusion = models.TextField(
        _("overall conclusion"),
        blank=True,
        help_text=_("The evaluation lead's conclusion, written at sign-off."),
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        permissions = [("sign_off", _("Can sign off any evaluation"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluation:evaluation_detail", args=[self.pk])

    def lock_results(self) -> None:
        """Called by the evaluation's flow once the lead has signed off."""
        from evaluation.services import evaluation_apply_lock

        evaluation_apply_lock(evaluation=self)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SIGNED_OFF


class EvaluatorAssignment(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("evaluation")
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evaluator_assignments",
        verbose_name=_("evaluator"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    submitted_at = models.DateTimeField(_("scores submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluator assignment")
        verbose_name_plural = _("evaluator assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "evaluator", "department"], name="evaluator_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} · {self.department}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:scoring", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class SelfAssessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="self_assessments", verbose_name=_("evaluation")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    narrative = models.TextField(_("narrative"), blank=True)
    round = models.PositiveIntegerField(_("submission round"), default=0)
    version = models.PositiveIntegerField(_("version"), default=0, help_text=_("Guards against overwriting"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("reason for return"), blank=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "department"], name="self_assessment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.department}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:self_assessment", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class SelfScore(models.Model):
    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("self-assessment")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("self-assessment score")
        verbose_name_plural = _("self-assessment scores")
        constraints = [
            models.UniqueConstraint(fields=["self_assessment", "criterion"], name="self_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class EvaluatorScore(models.Model):
    assignment = models.ForeignKey(
        EvaluatorAssignment,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("evaluator assignment"),
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("evaluator score")
        verbose_name_plural = _("evaluator scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="evaluator_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class GeneratedReport(FileJob):
    """A rendered final report or bulletin: every generation is kept as a new version. Its status,
    progress and file follow the shared job shape (``common.jobs``)."""

    class Kind(models.TextChoices):
        FINAL = "final", _("Final assessment report")
        BULLETIN = "bulletin", _("Supervision bulletin")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="generated_reports", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_code = models.CharField(_("period"), max_length=8, blank=True)
    with_task_detail = models.BooleanField(
        _("with task detail"),
        default=False,
        help_text=_("Every key task and the names of its evidence files in an appendix (a long report for a province)."),
    )
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="reports/%Y/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "period_code", "version"], name="generated_report_version_unique"
            ),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        if self.period_code:
            label = f"{label} {self.period_code}"
        if self.with_task_detail:
            label = _("%(report)s with task detail") % {"report": label}
        return f"{label} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:report_detail", args=[self.pk])

    @property
    def download_name(self) -> str:
        parts = [self.plan.title, str(self.get_kind_display())]
        if self.period_code:
            parts.append(self.period_code)
        parts.append(f"v{self.version}")
        return "-".join(parts) + ".pdf"

    @property
    def storage_name(self) -> str:
        return f"plan{self.plan_id}-{self.kind}{'-' + self.period_code if self.period_code else ''}-v{self.version}.pdf"
