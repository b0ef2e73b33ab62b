from decimal import Decimal

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from funding.models import FundingLine
from funding.templatetags.funding_tags import format_rate, format_wan, format_yuan, lagging_badge


class AmountColumn(tables.Column):
    """An amount in 元 with 万元 under it; exported as the plain number of yuan."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "attrs", {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}, "tf": {"class": "text-end text-nowrap fw-semibold"}}
        )
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_html(
            '{}<br><small class="text-body-secondary">{} {}</small>', format_yuan(value), format_wan(value), _("10k yuan")
        )

    def value(self, value):
        return "" if value is None else Decimal(value).quantize(Decimal("0.01"))

    def render_footer(self, bound_column, table):
        totals = getattr(table, "totals", None)
        return "" if totals is None else self.render(totals[bound_column.name])


class RateColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-end"}, "th": {"class": "text-end"}, "tf": {"class": "text-end fw-semibold"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_rate(value)

    def value(self, value):
        return "" if value is None else round(value, 1)

    def render_footer(self, bound_column, table):
        totals = getattr(table, "totals", None)
        return "" if totals is None else self.render(totals[bound_column.name])


class TotalLabelColumn(tables.Column):
    """The first column: its footer names the totals row."""

    def render_footer(self, bound_column, table):
        return _("Total") if getattr(table, "totals", None) is not None else ""


class FundingLineTable(tables.Table):
    code = TotalLabelColumn(verbose_name=_("No."), attrs={"th": {"class": "text-nowrap"}, "tf": {"class": "fw-semibold"}})
    purpose = tables.Column(verbose_name=_("Purpose"), linkify=True, attrs={"td": {"class": "w-25"}})
    fiscal_year = tables.Column(verbose_name=_("Fiscal year"))
    source = tables.Column(verbose_name=_("Source"))
    department = tables.Column(verbose_name=_("Department"), order_by=("department__position", "department__name"))
    allocated = AmountColumn(verbose_name=_("Allocated (yuan)"))
    disbursed = AmountColumn(verbose_name=_("Disbursed (yuan)"))
    spent = AmountColumn(verbose_name=_("Spent (yuan)"))
    disbursement_rate = RateColumn(verbose_name=_("Disbursement rate"))
    execution_rate = RateColumn(verbose_name=_("Execution rate"))
    is_lagging = tables.Column(verbose_name=_("Warning"), order_by=("-is_lagging",))

    class Meta:
        model = FundingLine
        fields = [
            "code", "purpose", "fiscal_year", "source", "department", "allocated", "disbursed", "spent",
            "disbursement_rate", "execution_rate", "is_lagging",
        ]
        order_by = ("fiscal_year", "code")
        empty_text = _("No funding lines match.")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "funding-line-table", "tfoot": {"id": "funding-totals"}}

    def __init__(self, *args, totals: dict | None = None, **kwargs):
        """``totals``: the filtered lines' totals (``selectors.lines_total``), shown in the footer."""
        self.totals = totals
        super().__init__(*args, **kwargs)

    def render_source(self, record):
        return record.get_source_display()

    def value_source(self, record):
        return record.get_source_display()

    def render_is_lagging(self, value):
        return lagging_badge(value) or "—"

    def value_is_lagging(self, value):
        return str(_("Lagging")) if value else ""
