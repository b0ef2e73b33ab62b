"""The province's performance assessment (考核) of the prefectures a plan was cascaded to.

A scheme (考核方案) belongs to a plan and a year; its items (考核指标) carry the points (weights summing
to 100) and the rule that turns a prefecture's raw value into points; bonus and deduction items
(加分/扣分项) are added per prefecture with a reason. ``RegionScore`` keeps, per prefecture and item,
the raw value the score was computed from: once the scheme is signed off nothing recomputes it, so a
later correction of the tracked data does not silently change a published ranking.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from tasks.models import Plan, Region

POINTS = {"max_digits": 7, "decimal_places": 2}


class AssessmentScheme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPUTED = "computed", _("Computed")
        SIGNED_OFF = "signed_off", _("Signed off")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assessment_schemes", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="assessment_scheme_plan_year")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessment:results", args=[self.pk])

    @property
    def is_signed_off(self) -> bool:
        return self.status == self.Status.SIGNED_OFF


class SchemeItem(models.Model):
    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("Indicator")
        TASK_COMPLETION = "task_completion", _("Key tasks completed or on track")
        TIMELINESS = "timeliness", _("Progress reports submitted on time")
        NOTICES_ON_TIME = "notices_on_time", _("Supervision notices answered on time")

    class Rule(models.TextChoices):
        TARGET = "target", _("Full marks when the target is met, linear below it")
        PROPORTIONAL = "proportional", _("Proportional to a reference value, capped")
        BANDED = "banded", _("Banded between the 10th and 90th percentiles of the prefectures")
        YES_NO = "yes_no", _("Yes / no: full marks when met, none otherwise")

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("indicator")
    )
    weight = models.DecimalField(
        _("points"), validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))], **POINTS
    )
    rule = models.CharField(_("scoring rule"), max_length=12, choices=Rule.choices, default=Rule.TARGET)
    reference = models.DecimalField(
        _("reference value"),
        null=True,
        blank=True,
        max_digits=16,
        decimal_places=4,
        help_text=_(
            "Proportional and yes/no rules: the value that earns full marks. Empty: the province's target "
            "of the year for indicators, 100 percent for shares."
        ),
    )
    floor_share = models.DecimalField(
        _("floor share"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.60"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("Banded rule: the share of the points a prefecture below the 10th percentile still gets (0–1)."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.INDICATOR and self.indicator is not None:
            return f"{self.indicator.code} {self.indicator.name}"
        return str(self.get_kind_display())


class BonusDeduction(models.Model):
    """加分/扣分: points (positive: bonus, negative: deduction) for one prefecture, with the reason."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="bonuses")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("prefecture"))
    points = models.DecimalField(_("points (+ bonus, − deduction)"), **POINTS)
    reason = models.TextField(_("reason"), max_length=1000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("bonus or deduction")
        verbose_name_plural = _("bonuses and deductions")
        ordering = ["region__code", "pk"]

    def __str__(self) -> str:
        return f"{self.region} {self.points:+}"


class RegionScore(models.Model):
    """One prefecture's score on one item, with the raw value and target it was computed from."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="scores")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("prefecture"))
    item = models.ForeignKey(SchemeItem, on_delete=models.CASCADE, related_name="scores")
    raw_value = models.DecimalField(_("value"), null=True, blank=True, max_digits=16, decimal_places=4)
    target = models.DecimalField(_("target"), null=True, blank=True, max_digits=16, decimal_places=4)
    score = models.DecimalField(_("computed score"), **POINTS)
    adjusted_score = models.DecimalField(_("adjusted score"), null=True, blank=True, **POINTS)

    class Meta:
        verbose_name = _("prefecture score")
        verbose_name_plural = _("prefecture scores")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "region", "item"], name="assessment_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.item_id}: {self.effective}"

    @property
    def effective(self) -> Decimal:
        return self.score if self.adjusted_score is None else self.adjusted_score


class ScoreAdjustment(models.Model):
    score = models.ForeignKey(RegionScore, on_delete=models.CASCADE, related_name="adjustments")
    old_score = models.DecimalField(_("previous score"), **POINTS)
    new_score = models.DecimalField(_("new score"), **POINTS)
    reason = models.TextField(_("reason"), max_length=1000)
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    adjusted_at = models.DateTimeField(_("adjusted"), auto_now_add=True)

    class Meta:
        verbose_name = _("score adjustment")
        verbose_name_plural = _("score adjustments")
        ordering = ["-adjusted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.old_score} → {self.new_score}"
