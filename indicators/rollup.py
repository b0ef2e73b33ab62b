"""Roll-up (汇总) of indicator values across regions: one implementation of the maths.

How values of regions combine, by the indicator's aggregation rule (``Indicator.aggregation_rule``):

- **flow** counts (new registrations) add up across regions (and across periods);
- **stock** counts (patients under management) add up across regions; across periods the latest;
- **fraction** (rates 管理率/治疗率, per 100,000, 1:N) are computed from the *summed numerators and
  denominators* — never the mean of the regions' rates: 92 % of 1 000 and 48 % of 100 make
  (920 + 48) / 1 100 = 88 %, not 70 %. A region whose value has no numerator and denominator
  makes the total unknown rather than wrong;
- **none** (yes/no, qualitative) does not aggregate.

A cascaded plan's indicator (``Indicator.parent``) carries a region's own targets; a region's figure
is its own reported value when it has one, else the roll-up of the regions below it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from indicators.attainment import NO_DATA, attainment, year_target
from indicators.models import Indicator, IndicatorValue
from tasks.models import Region


@dataclass(frozen=True)
class Figure:
    """A value with the parts it is made of (numerator and denominator for fractions)."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    regions: int = 0  # how many regions' reported values it is made of
    complete: bool = True  # False when a part lacked what the aggregation needs

    @property
    def is_empty(self) -> bool:
        return self.value is None and self.numerator is None


EMPTY = Figure(regions=0)


def figure_of(record: IndicatorValue) -> Figure:
    return Figure(value=record.value, numerator=record.numerator, denominator=record.denominator, regions=1)


def combine(indicator: Indicator, figures: Iterable[Figure]) -> Figure:
    """The figure of a region made of the figures of the regions below it."""
    present = [f for f in figures if not f.is_empty]
    if not present:
        return EMPTY
    rule = indicator.aggregation_rule
    regions = sum(f.regions for f in present)
    if rule in (Indicator.Aggregation.FLOW, Indicator.Aggregation.STOCK):
        values = [f.value for f in present if f.value is not None]
        return Figure(value=sum(values, Decimal(0)), regions=regions, complete=len(values) == len(present))
    if rule == Indicator.Aggregation.FRACTION:
        parts = [f for f in present if f.numerator is not None and f.denominator is not None]
        if len(parts) != len(present):
            return Figure(regions=regions, complete=False)
        numerator = sum((f.numerator for f in parts), Decimal(0))
        denominator = sum((f.denominator for f in parts), Decimal(0))
        return Figure(
            value=_round(indicator.fraction_value(numerator, denominator)),
            numerator=numerator,
            denominator=denominator,
            regions=regions,
        )
    return Figure(regions=regions, complete=False)


def across_periods(indicator: Indicator, figures: list[Figure]) -> Figure:
    """The figure of a longer period from its parts, in order (quarters → year)."""
    present = [f for f in figures if not f.is_empty]
    if not present:
        return EMPTY
    rule = indicator.aggregation_rule
    if rule == Indicator.Aggregation.FLOW:
        return combine(indicator, present)
    return present[-1]  # stocks and fractions: the latest figure stands for the period


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


@dataclass
class RegionRow:
    """One region under an indicator: its (cascaded) indicator, figure, target and attainment."""

    region: Region
    indicator: Indicator
    figure: Figure
    own: bool  # the region reported this value itself (else rolled up from below)
    target: Decimal | None
    state: str


@dataclass
class RegionRollup:
    indicator: Indicator
    year: int
    rows: list[RegionRow] = field(default_factory=list)
    total: Figure = EMPTY  # the regions' figures rolled up
    total_state: str = NO_DATA


def _descendants(indicator: Indicator) -> dict[int, list[Indicator]]:
    """Cascaded indicators below ``indicator``, by parent id: one query per level of the tree."""
    children: dict[int, list[Indicator]] = defaultdict(list)
    level = [indicator.pk]
    while level:
        found = list(
            Indicator.objects.filter(parent_id__in=level)
            .select_related("plan__region")
            .prefetch_related("annual_targets")
            .order_by("plan__region__code", "plan__region__name", "pk")
        )
        for child in found:
            children[child.parent_id].append(child)
        level = [child.pk for child in found]
    return children


def rollup(
    indicator: Indicator, year: int, *, statuses: Iterable[str] = (IndicatorValue.Status.APPROVED,)
) -> RegionRollup:
    """``indicator``'s figure for ``year`` in each region it was cascaded to (one row per region,
    with that region's own target), and their total compared with ``indicator``'s target.

    Annual values (period ``YYYY``) count; a region without one is rolled up from the regions its
    plan cascaded the indicator to. Queries: one per level of the cascade, plus one for values —
    never one per region.
    """
    children = _descendants(indicator)
    every = [child for group in children.values() for child in group]
    values: dict[tuple[int, int], IndicatorValue] = {}
    if every:
        for record in IndicatorValue.objects.filter(
            indicator_id__in=[child.pk for child in every], year=year, period_code=str(year), status__in=list(statuses)
        ):
            values[(record.indicator_id, record.region_id)] = record

    def figure_for(node: Indicator) -> tuple[Figure, bool]:
        own = values.get((node.pk, node.plan.region_id))
        if own is not None:
            return figure_of(own), True
        below = [figure_for(child)[0] for child in children.get(node.pk, [])]
        return combine(node, below), False

    result = RegionRollup(indicator=indicator, year=year)
    for child in children.get(indicator.pk, []):
        figure, own = figure_for(child)
        result.rows.append(
            RegionRow(
                region=child.plan.region,
                indicator=child,
                figure=figure,
                own=own,
                target=year_target(child, year),
                state=attainment(child, year, figure.value) if indicator.is_numeric else NO_DATA,
            )
        )
    result.total = combine(indicator, [row.figure for row in result.rows])
    if indicator.is_numeric and result.total.complete:
        result.total_state = attainment(indicator, year, result.total.value)
    return result
