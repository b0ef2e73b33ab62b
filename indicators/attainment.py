"""Attainment (达标情况) of an indicator in a year: met / on track / at risk / not met / no data.

For ≥ (mirror for ≤):
- **met** when the value reaches the year's target: its annual target, or the final target in
  (and after) the target year, or — with no annual target — the final target reached early;
- **on track** when not met yet but on the straight line from the baseline (baseline year) to
  the target (target year): value ≥ that line's value for the year;
- **at risk** otherwise, before the target year; **not met** in or after the target year.
For = a value is met only when equal (within 0.0001); on track when at least as close to the
target as the line is. Yes/no values are 1 (yes) or 0 (no). Qualitative indicators follow the
supervisor's recorded judgement. A missing value is no data.

Strict comparisons (> and <, "＞50%", "高于", "超过"): the target itself is not met — 50 does not meet
"＞50%", 50.01 does; being on the line is still on track.

**Ratios 1:N** are stored as N, and the comparison as the plan writes it is about the ratio 1/N
(one teacher per N students), so it is mirrored on N (``Indicator.value_comparison``):
"≥1:4000" (at least one per 4 000) is met when N ≤ 4000 — 1:3000 meets it, 1:5000 does not;
"≤1:4000" (at most one per 4 000) is met when N ≥ 4000; "＞1:4000" when N < 4000.

**Relative targets** (在现有基础上提高50%, 逐步提高): the import stores the change on the baseline
(``Indicator.relative_change``, 50 or 0) and the target value baseline × (1 + change ÷ 100), so a
value is measured against that; "逐步提高" is the strict "> baseline".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, IndicatorValue

MET, ON_TRACK, AT_RISK, NOT_MET, NO_DATA = "met", "on_track", "at_risk", "not_met", "no_data"
STATES = (MET, ON_TRACK, AT_RISK, NOT_MET, NO_DATA)
LABELS = {
    MET: _("Met"),
    ON_TRACK: _("On track"),
    AT_RISK: _("At risk"),
    NOT_MET: _("Not met"),
    NO_DATA: _("No data"),
}
CSS = {MET: "success", ON_TRACK: "info", AT_RISK: "warning", NOT_MET: "danger", NO_DATA: "secondary"}
TOLERANCE = Decimal("0.0001")


def year_target(indicator: Indicator, year: int) -> Decimal | None:
    """The target a value of ``year`` is measured against (annual targets read from a prefetch)."""
    if year >= indicator.target_year:
        return indicator.target_value
    for annual in indicator.annual_targets.all():
        if annual.year == year and annual.value is not None:
            return annual.value
    return None


def trajectory(indicator: Indicator, year: int) -> Decimal | None:
    """The straight line from the baseline to the final target, at ``year``."""
    base, target = indicator.baseline_value, indicator.target_value
    if base is None or target is None or indicator.baseline_year is None:
        return None
    span = indicator.target_year - indicator.baseline_year
    if span <= 0:
        return target
    share = Decimal(min(max(year - indicator.baseline_year, 0), span)) / Decimal(span)
    return base + (target - base) * share


C = Indicator.Comparison
NOT_STRICT = {C.GT: C.GTE, C.LT: C.LTE}


def _reaches(value: Decimal, bar: Decimal, comparison: str) -> bool:
    """``value`` against ``bar`` for a comparison on the stored number (``Indicator.value_comparison``)."""
    if comparison == C.LTE:
        return value <= bar
    if comparison == C.LT:
        return value < bar
    if comparison == C.GT:
        return value > bar
    if comparison == C.EQ:
        return abs(value - bar) <= TOLERANCE
    return value >= bar


def reaches(indicator: Indicator, value, bar) -> bool | None:
    """Whether ``value`` meets ``bar`` as ``indicator`` compares (strictness and 1:N included); None if either is missing."""
    if value is None or bar is None:
        return None
    return _reaches(Decimal(value), Decimal(bar), indicator.value_comparison)


def attainment(indicator: Indicator, year: int, value, judgement: str = "") -> str:
    """``value``: a Decimal (or None), or an IndicatorValue (its value and supervisor's judgement)."""
    if isinstance(value, IndicatorValue):
        judgement = judgement or value.supervisor_judgement
        value = value.text if not indicator.is_numeric else value.value
    if not indicator.is_numeric:
        return {IndicatorValue.Judgement.MET: MET, IndicatorValue.Judgement.NOT_MET: NOT_MET}.get(judgement, NO_DATA)
    if value is None:
        return NO_DATA
    value = Decimal(value)
    comparison = indicator.value_comparison
    final = indicator.target_value
    if final is None and indicator.unit_kind == Indicator.UnitKind.YES_NO:
        final, comparison = Decimal(1), Indicator.Comparison.EQ
    if final is None:
        return NO_DATA
    bar = year_target(indicator, year)
    if bar is None:
        bar = final
    if _reaches(value, bar, comparison) or _reaches(value, final, comparison):
        return MET
    if year >= indicator.target_year:
        return NOT_MET
    line = trajectory(indicator, year)
    if line is not None:
        if comparison == Indicator.Comparison.EQ:
            if abs(value - final) <= abs(line - final):
                return ON_TRACK
        elif _reaches(value, line, NOT_STRICT.get(comparison, comparison)):
            return ON_TRACK
    return AT_RISK


@dataclass
class IndicatorStatus:
    indicator: Indicator
    year: int
    value: IndicatorValue | None
    target: Decimal | None
    attainment: str

    @property
    def label(self):
        return LABELS[self.attainment]

    @property
    def css(self) -> str:
        return CSS[self.attainment]


def latest_approved_values(indicators, years) -> dict[tuple[int, int], IndicatorValue]:
    """(indicator id, year) → its latest approved value for the plan's own region (one query)."""
    indicators = list(indicators)
    regions = {i.plan.region_id for i in indicators}
    rows = (
        IndicatorValue.objects.filter(
            indicator__in=[i.pk for i in indicators],
            year__in=list(years),
            region_id__in=regions,
            status=IndicatorValue.Status.APPROVED,
        )
        .select_related("indicator__plan")
        .order_by("indicator_id", "year", "period_code", "pk")
    )
    latest: dict[tuple[int, int], IndicatorValue] = {}
    for row in rows:
        if row.region_id == row.indicator.plan.region_id:
            latest[(row.indicator_id, row.year)] = row  # ordered: the last one wins
    return latest


def indicator_statuses(indicators: QuerySet[Indicator], year: int) -> dict[int, IndicatorStatus]:
    """id → status of each indicator in ``year``, in three queries whatever their number."""
    return statuses_of(list(indicators.select_related("plan", "department").prefetch_related("annual_targets")), year)


def statuses_of(rows: list[Indicator], year: int) -> dict[int, IndicatorStatus]:
    """id → status of each of these indicators (already read, e.g. one page of a list) in ``year``:
    two queries (their annual targets unless prefetched, their latest approved values)."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([r for r in rows if "annual_targets" not in getattr(r, "_prefetched_objects_cache", {})], "annual_targets")
    latest = latest_approved_values(rows, [year]) if rows else {}
    result = {}
    for indicator in rows:
        value = latest.get((indicator.pk, year))
        result[indicator.pk] = IndicatorStatus(
            indicator=indicator,
            year=year,
            value=value,
            target=year_target(indicator, year),
            attainment=attainment(indicator, year, value) if value else NO_DATA,
        )
    return result


def indicator_status_table(plan, year: int) -> list[IndicatorStatus]:
    """Each indicator of ``plan`` with its latest approved value in ``year`` and its attainment."""
    return list(indicator_statuses(plan.indicators.order_by("position", "pk"), year).values())


def indicator_trend(indicator: Indicator, years) -> list[IndicatorStatus]:
    """One status per year for one indicator (for its page and the dashboards' trend chart)."""
    years = list(years)
    latest = latest_approved_values([indicator], years)
    rows = []
    for year in years:
        value = latest.get((indicator.pk, year))
        rows.append(
            IndicatorStatus(
                indicator=indicator,
                year=year,
                value=value,
                target=year_target(indicator, year),
                attainment=attainment(indicator, year, value) if value else NO_DATA,
            )
        )
    return rows
