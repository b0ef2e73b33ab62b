"""The comparison of the regions an indicator was cascaded to (地区对比), for a year: each region's
figure (its own value, or its counties' roll-up), numerator and denominator, its own target and
attainment; the total rolled up and compared with the indicator's own target; a bar chart.

Built on ``indicators.rollup.rollup`` (the maths) and ``common.charts.bar_chart`` (the SVG).
A constant number of queries whatever the number of regions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.charts import Series, bar_chart
from indicators.attainment import LABELS
from indicators.models import Indicator
from indicators.rollup import RegionRollup, rollup
from indicators.tables import attainment_badge


def _plain(number) -> str:
    return "—" if number is None else f"{Decimal(number).normalize():f}"


@dataclass
class ComparisonRow:
    """One line of the comparison (a region, or the total)."""

    name: str
    code: str
    url: str
    value: str
    numerator: Decimal | None
    denominator: Decimal | None
    target: str
    state: str
    basis: str  # own value / rolled up from below / total
    differs: bool = False
    is_total: bool = False
    value_url: str = ""  # the region's own reported value (drill down to the report)


def comparison(indicator: Indicator, year: int) -> tuple[RegionRollup, list[ComparisonRow]]:
    result = rollup(indicator, year)
    fmt = indicator.format_number
    rows = []
    for row in result.rows:
        if row.own and row.rolled_up.value is not None:
            basis = _("Own value (the regions below roll up to %(value)s)") % {"value": fmt(row.rolled_up.value)}
        elif row.own:
            basis = _("Own value")
        elif row.figure.is_empty:
            basis = _("No value")
        else:
            basis = _("Rolled up from %(count)d regions below") % {"count": row.figure.regions}
        rows.append(
            ComparisonRow(
                name=row.region.name,
                code=row.region.code,
                url=row.indicator.get_absolute_url(),
                value=fmt(row.figure.value) if indicator.is_numeric else (row.figure.text or "—"),
                numerator=row.figure.numerator,
                denominator=row.figure.denominator,
                target=fmt(row.target) if row.target is not None else "—",
                state=row.state,
                basis=str(basis),
                differs=row.differs,
                value_url=row.record.get_absolute_url() if row.own and row.record is not None else "",
            )
        )
    total = result.total
    rows.append(
        ComparisonRow(
            name=str(_("Total (rolled up)")),
            code=indicator.plan.region.code,
            url=indicator.get_absolute_url(),
            value=fmt(total.value) if total.value is not None else "—",
            numerator=total.numerator,
            denominator=total.denominator,
            target=fmt(result.target) if result.target is not None else "—",
            state=result.total_state,
            basis=str(_("Does not aggregate")) if indicator.aggregation_rule == Indicator.Aggregation.NONE
            else str(_("Rolled up from %(count)d regions") % {"count": total.regions}),
            is_total=True,
        )
    )
    return result, rows


def comparison_chart(result: RegionRollup, *, unit: str = ""):
    """Bars: each region's figure and its own target; the total against the indicator's target."""
    indicator = result.indicator
    names = [row.region.name for row in result.rows] + [str(_("Total"))]
    values = [row.figure.value for row in result.rows] + [result.total.value]
    targets = [row.target for row in result.rows] + [result.target]
    return bar_chart(
        title=str(_("%(indicator)s by region, %(year)d") % {"indicator": indicator.name, "year": result.year}),
        categories=names,
        series=[Series(str(_("Value")), values), Series(str(_("Target")), targets, colour="#adb5bd")],
        unit=unit,
    )


class ComparisonTable(tables.Table):
    """The comparison as a table (its page and its export)."""

    name = tables.Column(verbose_name=_("Region"), orderable=False)
    code = tables.Column(verbose_name=_("Division code"), orderable=False)
    value = tables.Column(verbose_name=_("Value"), orderable=False)
    numerator = tables.Column(verbose_name=_("Numerator"), orderable=False)
    denominator = tables.Column(verbose_name=_("Denominator"), orderable=False)
    target = tables.Column(verbose_name=_("Target"), orderable=False)
    state = tables.Column(verbose_name=_("Attainment"), orderable=False)
    basis = tables.Column(verbose_name=_("Own value or rolled up"), orderable=False)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle mb-0", "id": "comparison-table"}
        row_attrs = {
            "data-region": lambda record: record.code,
            "class": lambda record: "table-light fw-semibold" if record.is_total else "",
        }
        empty_text = _("This indicator has not been assigned to any region.")

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        # The indicator's own words head these columns: safe text is what the table's header
        # marks as data (lang="zh", ``data_header``), like a region's name heading a column.
        if indicator.numerator_label:
            self.columns["numerator"].column.verbose_name = format_html("{}", indicator.numerator_label)
        if indicator.denominator_label:
            self.columns["denominator"].column.verbose_name = format_html("{}", indicator.denominator_label)
        if not indicator.has_fraction:
            self.exclude = ("numerator", "denominator")

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.url, value)

    def value_name(self, record, value):
        return value

    def render_value(self, record, value):
        if record.value_url:
            return format_html('<a href="{}">{}</a>', record.value_url, value)
        return value

    def value_value(self, value):
        return value

    def render_numerator(self, value):
        return _plain(value)

    def render_denominator(self, value):
        return _plain(value)

    def value_numerator(self, value):
        return value

    def value_denominator(self, value):
        return value

    def render_state(self, value):
        return attainment_badge(value)

    def value_state(self, value):
        return str(LABELS[value])

    def render_basis(self, record, value):
        if record.differs:
            return format_html('{} <span class="badge text-bg-warning">{}</span>', value, _("differs from its regions' roll-up"))
        return value
