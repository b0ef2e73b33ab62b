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

Periods: a region's figure for a year is its annual value (period ``YYYY``); without one, its
quarters (else half-years) of that year combined by :func:`across_periods` — flows add up, stocks
and fractions take the latest period reported.
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
    text: str = ""  # a qualitative value's words (never aggregated)
    periods: tuple[str, ...] = ()  # the period codes a region's own figure is made of

    @property
    def is_empty(self) -> bool:
        return self.value is None and self.numerator is None and not self.text


EMPTY = Figure(regions=0)


def figure_of(record: IndicatorValue) -> Figure:
    return Figure(
        value=record.value,
        numerator=record.numerator,
        denominator=record.denominator,
        regions=1,
        text=record.text,
        periods=(record.period_code,),
    )


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
        total = combine(indicator, present)
        return Figure(
            value=total.value,
            complete=total.complete,
            regions=max(f.regions for f in present),
            periods=tuple(code for f in present for code in f.periods),
        )
    return present[-1]  # stocks and fractions: the latest figure stands for the period


def _period_order(code: str) -> tuple[int, str]:
    return (0 if "Q" in code else 1, code)


def year_records(year: int, records: Iterable[IndicatorValue]) -> list[IndicatorValue]:
    """The records that make one region's figure for ``year``: its annual value when it has one;
    else its quarters in order; else its half-years in order."""
    records = [r for r in records if r.year == year]
    annual = [r for r in records if r.period_code == str(year)]
    if annual:
        return annual[-1:]
    quarters = sorted((r for r in records if "Q" in r.period_code), key=lambda r: r.period_code)
    if quarters:
        return quarters
    return sorted((r for r in records if "H" in r.period_code), key=lambda r: r.period_code)


def year_figure(indicator: Indicator, year: int, records: Iterable[IndicatorValue]) -> Figure:
    """One region's own figure for ``year`` from its reported values (any periods)."""
    chosen = year_records(year, records)
    if not chosen:
        return EMPTY
    if len(chosen) == 1:
        return figure_of(chosen[0])
    return across_periods(indicator, [figure_of(r) for r in chosen])


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


@dataclass
class RegionRow:
    """One region under an indicator: its (cascaded) indicator, figure, target and attainment."""

    region: Region
    indicator: Indicator
    figure: Figure  # the figure in force: what it reported itself, else the roll-up from below
    own: bool  # the region reported this value itself (else rolled up from below)
    target: Decimal | None
    state: str
    reported: Figure = EMPTY  # the region's own reported figure (EMPTY when it reported none)
    rolled_up: Figure = EMPTY  # the figure of the regions below it (EMPTY when none reported)
    record: IndicatorValue | None = None  # the last own value the figure is made of (for links)

    @property
    def differs(self) -> bool:
        """Its own value and the roll-up of the regions below both exist and disagree."""
        return (
            self.reported.value is not None
            and self.rolled_up.value is not None
            and self.reported.value != self.rolled_up.value
        )


@dataclass
class RegionRollup:
    indicator: Indicator
    year: int
    rows: list[RegionRow] = field(default_factory=list)
    total: Figure = EMPTY  # the regions' figures rolled up
    total_state: str = NO_DATA
    target: Decimal | None = None  # ``indicator``'s own target for the year
    reported: Figure = EMPTY  # ``indicator``'s own reported figure (the region above reporting itself)


def _descendants(indicator: Indicator) -> dict[int, list[Indicator]]:
    """Cascaded indicators below ``indicator``, by parent id: one query per level of the tree
    (and one for the annual targets of that level)."""
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

    A region's own figure is its annual value, else its quarters (half-years) of the year
    (:func:`year_figure`); a region without one is rolled up from the regions its plan cascaded
    the indicator to. Queries: two per level of the cascade, plus one for values — never one per
    region.
    """
    children = _descendants(indicator)
    every = [child for group in children.values() for child in group]
    by_node: dict[tuple[int, int], list[IndicatorValue]] = defaultdict(list)
    for record in IndicatorValue.objects.filter(
        indicator_id__in=[indicator.pk, *(child.pk for child in every)], year=year, status__in=list(statuses)
    ).order_by("period_code", "pk"):
        by_node[(record.indicator_id, record.region_id)].append(record)

    def reported(node: Indicator) -> tuple[Figure, IndicatorValue | None]:
        chosen = year_records(year, by_node.get((node.pk, node.plan.region_id), []))
        return year_figure(node, year, chosen), (chosen[-1] if chosen else None)

    def figure_for(node: Indicator) -> Figure:
        own, _record = reported(node)
        if not own.is_empty:
            return own
        return combine(node, [figure_for(child) for child in children.get(node.pk, [])])

    result = RegionRollup(indicator=indicator, year=year, target=year_target(indicator, year))
    result.reported, _record = reported(indicator)
    for child in children.get(indicator.pk, []):
        own, record = reported(child)
        below = combine(child, [figure_for(grandchild) for grandchild in children.get(child.pk, [])])
        figure = below if own.is_empty else own
        if not indicator.is_numeric:
            state = attainment(child, year, record) if record is not None else NO_DATA
        else:
            state = attainment(child, year, figure.value)
        result.rows.append(
            RegionRow(
                region=child.plan.region,
                indicator=child,
                figure=figure,
                own=not own.is_empty,
                target=year_target(child, year),
                state=state,
                reported=own,
                rolled_up=below,
                record=record,
            )
        )
    result.total = combine(indicator, [row.figure for row in result.rows])
    if indicator.is_numeric and result.total.complete:
        result.total_state = attainment(indicator, year, result.total.value)
    return result
