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

from indicators.models import Indicator, IndicatorValue
from supervision.models import SupervisionNotice
from tasks.models import Plan, ProgressReport, Region

POINTS = {"max_digits": 7, "decimal_places": 2}


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


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
    # Versions: a re-run of a signed-off assessment is a new scheme (version + 1) pointing back to it.
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reruns", verbose_name=_("re-run of")
    )
    # Totals, grades and caps (configurable per scheme).
    total_points = models.DecimalField(_("total points"), default=Decimal(100), **POINTS)
    excellent_from = models.DecimalField(_("Excellent from"), default=Decimal(90), **POINTS)
    good_from = models.DecimalField(_("Good from"), default=Decimal(80), **POINTS)
    pass_from = models.DecimalField(_("Pass from"), default=Decimal(60), **POINTS)
    bonus_cap = models.DecimalField(_("bonus cap per prefecture"), null=True, blank=True, **POINTS)
    deduction_cap = models.DecimalField(_("deduction cap per prefecture"), null=True, blank=True, **POINTS)
    # What a discrepancy found on site does to the score.
    verified_replaces = models.BooleanField(_("the verified value replaces the reported one"), default=True)
    discrepancy_points = models.DecimalField(_("deduction per discrepancy"), default=Decimal(1), **POINTS)
    # Which prefectures are assessed this year (none chosen: all of them), drawn from a seed.
    assessed = models.ManyToManyField(Region, blank=True, related_name="+", verbose_name=_("prefectures assessed"))
    assessed_seed = models.BigIntegerField(_("seed of the prefectures drawn"), null=True, blank=True)
    # Everything the signed-off scores used, frozen at sign-off.
    snapshot = models.JSONField(_("frozen snapshot"), default=dict, blank=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "-version", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "version"], name="assessment_scheme_plan_year_version")
        ]

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
        OTHER = "other", _("Item judged by the assessors")

    class Rule(models.TextChoices):
        TARGET = "target", _("Full marks when the target is met, linear below it")
        PROPORTIONAL = "proportional", _("Proportional to a reference value, capped")
        THRESHOLD = "threshold", _("Threshold: full marks when the bar is reached, none otherwise")
        STEPPED = "stepped", _("Stepped thresholds")
        BANDED = "banded", _("Banded between the 10th and 90th percentiles of the prefectures")
        YES_NO = "yes_no", _("Yes / no: full marks when met, none otherwise")
        JUDGED = "judged", _("Yes / no judged by a supervisor, with evidence")
        BONUS = "bonus", _("Bonus item")
        DEDUCTION = "deduction", _("Deduction item")
        VETO = "veto", _("Veto (一票否决)")

    NOT_IN_TOTAL = (Rule.BONUS, Rule.DEDUCTION, Rule.VETO)

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("indicator")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    weight = models.DecimalField(
        _("points"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1000))],
        help_text=_("Bonus and deduction items: the cap of the item. Veto items: 0."),
        **POINTS,
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
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    source = models.CharField(_("data source"), max_length=200, blank=True)
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
        return self.title or str(self.get_kind_display())

    @property
    def in_total(self) -> bool:
        """Scored per prefecture and counted in the scheme's total (not a bonus, deduction or veto)."""
        return self.rule not in self.NOT_IN_TOTAL


class BonusDeduction(models.Model):
    """加分/扣分: points (positive: bonus, negative: deduction) for one prefecture, with the reason."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="bonuses")
    item = models.ForeignKey(
        SchemeItem, on_delete=models.CASCADE, null=True, blank=True, related_name="bonuses", verbose_name=_("item")
    )
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
    reported_value = models.DecimalField(
        _("reported value"), null=True, blank=True, max_digits=16, decimal_places=4,
        help_text=_("Set when a value verified on site replaced the reported one."),
    )
    params = models.JSONField(_("parameters used"), default=dict, blank=True)

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


class Veto(models.Model):
    """一票否决: a serious incident recorded against a prefecture; its grade is capped whatever its points."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="vetoes")
    item = models.ForeignKey(SchemeItem, on_delete=models.CASCADE, related_name="vetoes", verbose_name=_("item"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("prefecture"))
    incident = models.TextField(_("incident"), max_length=1000)
    notice = models.ForeignKey(
        SupervisionNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("supervision notice on the incident"),
    )
    link = models.URLField(_("link to the incident record"), blank=True)
    cap = models.CharField(_("best grade allowed"), max_length=10, choices=Grade.choices, default=Grade.GOOD)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("veto")
        verbose_name_plural = _("vetoes")
        ordering = ["region__code", "pk"]

    def __str__(self) -> str:
        return f"{self.region} · {self.incident[:40]}"


class Judgement(models.Model):
    """A supervisor's yes/no on a judged item for one prefecture, with the evidence attached."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="judgements")
    item = models.ForeignKey(SchemeItem, on_delete=models.CASCADE, related_name="judgements")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("prefecture"))
    met = models.BooleanField(_("met"))
    note = models.TextField(_("note"), max_length=1000, blank=True)
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    judged_at = models.DateTimeField(_("judged"), auto_now=True)

    class Meta:
        verbose_name = _("judgement")
        verbose_name_plural = _("judgements")
        constraints = [models.UniqueConstraint(fields=["item", "region"], name="assessment_judgement_unique")]

    def __str__(self) -> str:
        return f"{self.region} · {self.item_id}: {self.met}"


class SelfScore(models.Model):
    """A prefecture's own score on an item (自评), entered before the province scores."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="self_scores")
    item = models.ForeignKey(SchemeItem, on_delete=models.CASCADE, related_name="self_scores")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("prefecture"))
    points = models.DecimalField(_("self-assessed score"), **POINTS)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered"), auto_now=True)

    class Meta:
        verbose_name = _("self-assessed score")
        verbose_name_plural = _("self-assessed scores")
        constraints = [models.UniqueConstraint(fields=["item", "region"], name="assessment_self_score_unique")]

    def __str__(self) -> str:
        return f"{self.region} · {self.item_id}: {self.points}"


class Sample(models.Model):
    """抽查: the reports and evidence files drawn for on-site checking in one prefecture, from a
    recorded seed (drawing again with the same seed gives the same sample)."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="samples")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("prefecture"))
    seed = models.BigIntegerField(_("seed"))
    reports_each = models.PositiveSmallIntegerField(_("approved reports per indicator or task"))
    files_each = models.PositiveSmallIntegerField(_("evidence files per indicator or task"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("drawn"), auto_now_add=True)

    class Meta:
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        constraints = [models.UniqueConstraint(fields=["scheme", "region"], name="assessment_sample_unique")]

    def __str__(self) -> str:
        return f"{self.region} · {self.seed}"


class SampledItem(models.Model):
    class Source(models.TextChoices):
        VALUE = "value", _("Indicator value")
        REPORT = "report", _("Progress report")
        EVIDENCE = "evidence", _("Evidence file")

    class Status(models.TextChoices):
        PENDING = "pending", _("To check")
        CONFIRMED = "confirmed", _("Confirmed")
        DISCREPANCY = "discrepancy", _("Discrepancy")

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="items")
    source = models.CharField(_("kind"), max_length=10, choices=Source.choices)
    item = models.ForeignKey(SchemeItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    indicator_value = models.ForeignKey(IndicatorValue, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    report = models.ForeignKey(ProgressReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    evidence = models.ForeignKey("evidence.Evidence", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    label = models.CharField(_("what was drawn"), max_length=300)
    reported_value = models.DecimalField(_("reported value"), null=True, blank=True, max_digits=16, decimal_places=4)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    corrected_value = models.DecimalField(_("verified value"), null=True, blank=True, max_digits=16, decimal_places=4)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    response = models.TextField(_("prefecture's response"), max_length=2000, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)

    class Meta:
        verbose_name = _("sampled item")
        verbose_name_plural = _("sampled items")
        ordering = ["sample", "source", "pk"]

    def __str__(self) -> str:
        return self.label
