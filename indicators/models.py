"""主要指标: a plan's measurable goals, their annual targets and the values reported for them.

Values change state only through ``indicators.services`` (which also moves the viewflow process
in ``workflows/indicator_value`` and writes the audit trail). Attainment is computed, never
stored: see ``indicators.attainment``.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from tasks.models import Department, Plan, Region
from workflows.models import AcceptedByHigherLevel

DECIMAL = {"max_digits": 14, "decimal_places": 4}


class Indicator(models.Model):
    """主要指标: name, unit, baseline, target with its direction, nature and responsible department."""

    class UnitKind(models.TextChoices):
        PERCENT = "percent", _("Percent (%)")
        PER_MILLE = "per_mille", _("Per mille (‰)")
        PER_100K = "per_100k", _("Per 100,000")
        RATIO = "ratio", _("Ratio (1:N)")
        COUNT = "count", _("Count")
        NUMBER = "number", _("Number with a unit (岁, 元, 张/千人 …)")
        YES_NO = "yes_no", _("Yes / no")
        QUALITATIVE = "qualitative", _("Qualitative")

    class Comparison(models.TextChoices):
        """As the plan writes it; for a ratio 1:N it compares the ratio 1/N, not N (see ``value_comparison``)."""

        GTE = "gte", "≥"
        GT = "gt", ">"
        LTE = "lte", "≤"
        LT = "lt", "<"
        EQ = "eq", "="

    class Nature(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        BINDING = "binding", _("Binding")

    class Aggregation(models.TextChoices):
        """How values of regions roll up into the region above (``indicators.rollup``)."""

        FLOW = "flow", _("Count that adds up across regions and periods (e.g. new registrations)")
        STOCK = "stock", _("Count that adds up across regions, latest value of the period (e.g. patients under management)")
        FRACTION = "fraction", _("Computed from summed numerators and denominators (rates, per 100,000, 1:N)")
        NONE = "none", _("Does not aggregate (yes/no, qualitative)")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("plan"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cascaded_indicators",
        verbose_name=_("higher-level indicator"),
        help_text=_("The indicator of the higher-level plan this one carries out; its targets are this region's own."),
    )
    code = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("indicator"), max_length=200)
    definition = models.TextField(
        _("definition"), blank=True, help_text=_("How it is computed: the numerator and the denominator, in words.")
    )
    unit_kind = models.CharField(_("unit kind"), max_length=12, choices=UnitKind.choices)
    unit_label = models.CharField(_("unit"), max_length=30, blank=True, help_text=_("As printed, e.g. 名/10万人口."))
    baseline_value = models.DecimalField(_("baseline value"), null=True, blank=True, **DECIMAL)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_value = models.DecimalField(_("target value"), null=True, blank=True, **DECIMAL)
    target_text = models.CharField(_("target (in words)"), max_length=300, blank=True)
    relative_change = models.DecimalField(
        _("change on the baseline (%)"),
        null=True,
        blank=True,
        max_digits=8,
        decimal_places=2,
        help_text=_(
            "A target relative to the baseline, e.g. 50 for 在现有基础上提高50%, -10 for 降低10%, 0 for 逐步提高: "
            "the target value is the baseline × (1 + change ÷ 100)."
        ),
    )
    comparison = models.CharField(_("comparison"), max_length=3, choices=Comparison.choices, default=Comparison.GTE)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    nature = models.CharField(_("nature"), max_length=10, choices=Nature.choices, default=Nature.EXPECTED)
    aggregation = models.CharField(
        _("aggregation"),
        max_length=10,
        choices=Aggregation.choices,
        blank=True,
        help_text=_("Empty: follows from the unit (rates from sums of numerators and denominators, counts add up)."),
    )
    numerator_label = models.CharField(_("numerator"), max_length=100, blank=True, help_text=_("e.g. 规范管理患者数"))
    denominator_label = models.CharField(_("denominator"), max_length=100, blank=True, help_text=_("e.g. 在册患者数"))
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("responsible department"),
    )
    source_clause = models.TextField(_("plan clause"), blank=True)
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique_in_plan"),
            models.UniqueConstraint(fields=["plan", "parent"], name="indicator_cascaded_once_per_plan"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("indicators:indicator_detail", args=[self.pk])

    FRACTION_UNITS = frozenset({UnitKind.PERCENT, UnitKind.PER_MILLE, UnitKind.PER_100K, UnitKind.RATIO})
    # What a fraction is multiplied by: 92.5 %, 4.5 ‰, 3.1 per 100,000; a ratio 1:N is denominator ÷ numerator.
    SCALE = {UnitKind.PERCENT: 100, UnitKind.PER_MILLE: 1000, UnitKind.PER_100K: 100_000}

    @property
    def aggregation_rule(self) -> str:
        """The aggregation in force: the chosen one, or the one the unit implies."""
        if self.aggregation:
            return self.aggregation
        if self.unit_kind in self.FRACTION_UNITS:
            return self.Aggregation.FRACTION
        if self.unit_kind == self.UnitKind.COUNT:
            return self.Aggregation.FLOW
        return self.Aggregation.NONE

    @property
    def has_fraction(self) -> bool:
        """Its values carry a numerator and a denominator."""
        return self.aggregation_rule == self.Aggregation.FRACTION

    def fraction_value(self, numerator, denominator):
        """The value a numerator and denominator give (None when the denominator is 0)."""
        if numerator is None or denominator is None or not denominator:
            return None
        if self.unit_kind == self.UnitKind.RATIO:
            return denominator / numerator if numerator else None
        return numerator / denominator * self.SCALE.get(self.unit_kind, 1)

    # A ratio 1:N is stored as N, and the comparison written in the plan is about the ratio 1/N:
    # "≥1:4000" (at least one teacher per 4 000 students) holds when N ≤ 4000, so 1:3000 beats 1:4000.
    MIRRORED = {Comparison.GTE: Comparison.LTE, Comparison.GT: Comparison.LT, Comparison.LTE: Comparison.GTE, Comparison.LT: Comparison.GT}

    @property
    def value_comparison(self) -> str:
        """The comparison as applied to the stored number: the written one, mirrored for a ratio 1:N."""
        if self.unit_kind == self.UnitKind.RATIO:
            return self.MIRRORED.get(self.comparison, self.comparison)
        return self.comparison

    @property
    def lower_is_better(self) -> bool:
        """Whether a smaller stored value is better (≤ and < targets; ≥ and > targets of a ratio 1:N)."""
        return self.value_comparison in {self.Comparison.LTE, self.Comparison.LT}

    @property
    def is_strict(self) -> bool:
        """> or <: the target itself is not enough (＞50% is not met by 50%)."""
        return self.comparison in {self.Comparison.GT, self.Comparison.LT}

    @property
    def is_relative(self) -> bool:
        return self.relative_change is not None

    def relative_target(self, baseline=None):
        """baseline × (1 + change ÷ 100) for a target relative to the baseline (None otherwise)."""
        from decimal import Decimal

        baseline = self.baseline_value if baseline is None else baseline
        if self.relative_change is None or baseline is None:
            return None
        return (Decimal(baseline) * (1 + Decimal(self.relative_change) / 100)).quantize(Decimal("0.0001"))

    @property
    def is_numeric(self) -> bool:
        return self.unit_kind != self.UnitKind.QUALITATIVE

    @property
    def unit_display(self) -> str:
        if self.unit_label:
            return self.unit_label  # as the plan prints it
        per_100k = pgettext("unit", "/100,000")  # "/10万" in Chinese
        return {"percent": "%", "per_mille": "‰", "per_100k": per_100k, "ratio": "1:N"}.get(self.unit_kind, "")

    def format_number(self, number) -> str:
        """A value as printed in the plan: 80%, 4.5‰, 1:3000, 是/否."""
        if number is None:
            return "—"
        text = f"{number.normalize():f}" if hasattr(number, "normalize") else str(number)
        if self.unit_kind == self.UnitKind.YES_NO:
            return str(_("Yes")) if number == 1 else str(_("No"))
        if self.unit_kind == self.UnitKind.RATIO:
            return f"1:{text}"
        if self.unit_kind in {self.UnitKind.PERCENT, self.UnitKind.PER_MILLE}:
            return f"{text}{'%' if self.unit_kind == self.UnitKind.PERCENT else '‰'}"
        return f"{text}{(' ' + self.unit_label) if self.unit_label else ''}"

    @property
    def target_display(self) -> str:
        if not self.is_numeric or self.target_value is None:
            return self.target_text or "—"
        if self.is_relative and self.target_text:  # 在现有基础上提高50% (≥ 112.5%)
            return f"{self.target_text} ({self.get_comparison_display()} {self.format_number(self.target_value)})"
        return f"{self.get_comparison_display()} {self.format_number(self.target_value)}"

    @property
    def baseline_display(self) -> str:
        return self.format_number(self.baseline_value)


class AnnualIndicatorTarget(models.Model):
    """An indicator's target for one year of the plan."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="annual_targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target value"), null=True, blank=True, **DECIMAL)
    text = models.CharField(_("target (in words)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("annual indicator target")
        verbose_name_plural = _("annual indicator targets")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="annual_indicator_target_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.year}"


def value_due_on(year: int, period_code: str = "") -> datetime.date:
    """When a value is due: annual values by 31 March of the next year; a quarter's or half-year's
    30 days after it ends."""
    code = period_code or str(year)
    if "Q" in code or "H" in code:
        number = int(code[-1])
        last_month = number * 3 if "Q" in code else number * 6
        ends = datetime.date(year + (last_month == 12), last_month % 12 + 1, 1) - datetime.timedelta(days=1)
        return ends + datetime.timedelta(days=30)
    return datetime.date(year + 1, 3, 31)


class IndicatorValue(AcceptedByHigherLevel):
    """指标值: a value of an indicator for a year (or a period of it) and a region, with its source."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    class Judgement(models.TextChoices):
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    period_code = models.CharField(
        _("period"), max_length=8, help_text=_("2024 for the year, or 2024Q2, 2024H1 for part of it.")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    value = models.DecimalField(_("value"), null=True, blank=True, **DECIMAL)
    numerator = models.DecimalField(_("numerator"), null=True, blank=True, **DECIMAL)
    denominator = models.DecimalField(_("denominator"), null=True, blank=True, **DECIMAL)
    text = models.TextField(_("qualitative value"), blank=True, max_length=3000)
    source = models.CharField(pgettext_lazy("data", "source"), max_length=300, blank=True, help_text=_("Where the figure comes from."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    due_on = models.DateField(_("due on"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reported by")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=0, help_text=_("How many times it was submitted"))
    version = models.PositiveIntegerField(_("version"), default=0, help_text=_("Guards against overwriting"))
    supervisor_judgement = models.CharField(_("supervisor's judgement"), max_length=8, choices=Judgement.choices, blank=True)
    judgement_comment = models.TextField(_("judgement comment"), blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("judged by")
    )
    judged_at = models.DateTimeField(_("judged"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "-year", "-period_code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "period_code", "region"], name="indicator_value_unique"),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="indicator_value_not_negative"),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__gte=0), name="indicator_value_numerator_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0), name="indicator_value_denominator_positive"
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(denominator__isnull=True) | Q(numerator__lte=models.F("denominator")),
                name="indicator_value_numerator_within_denominator",
            ),
        ]
        indexes = [models.Index(fields=["status", "year"]), models.Index(fields=["indicator", "status", "year"])]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.period_code}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:value_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}

    @property
    def display(self) -> str:
        if self.indicator.is_numeric:
            return self.indicator.format_number(self.value)
        return self.text or "—"


class IndicatorImport(models.Model):
    """One upload of an indicator sheet: kept for the preview, the confirmation and the record."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Applied")

    file = models.FileField(_("file"), upload_to="imports/indicators/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sheet = models.CharField(
        _("worksheet"), max_length=100, blank=True, help_text=_("Empty: the worksheet that holds the indicator table.")
    )
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicator_imports", verbose_name=_("plan"))
    create_departments = models.BooleanField(_("create departments"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED)

    class Meta:
        verbose_name = _("indicator import")
        verbose_name_plural = _("indicator imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
