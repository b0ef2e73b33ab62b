"""Tables of the province's view: the matrix of cascaded tasks × regions, and one region's tasks.

The cells are not columns of the rows' queryset: the view loads them for the rows shown (or, for
an export, for every row) with ``dashboards.province.cells`` and hands them to the table.
"""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboards.province import Cell, Tally, overall_tally, row_tally
from tasks.models import KeyTask, Plan
from tasks.tables import LIGHT_LABELS, light_badge
from workflows.models import Acceptance

# The first column stays in view while the matrix scrolls sideways (375 px screens). Sticky cells
# need separate borders: collapsed ones belong to the table and let the scrolled cells show through.
STICKY = "position-sticky start-0 bg-body z-1 border-end"
STICKY_ATTRS = {
    "th": {"class": STICKY, "style": "min-width:8rem;max-width:13rem"},
    "td": {"class": STICKY, "style": "min-width:8rem;max-width:13rem"},
    "tf": {"class": STICKY + " fw-semibold"},
}
ACCEPTANCE_CSS = {Acceptance.PENDING: "warning", Acceptance.ACCEPTED: "success"}


def period_label(cell: Cell) -> str:
    return str(cell.report.period.label) if cell.report else ""


def acceptance_badge(value: str):
    if not value:
        return ""
    return format_html(
        '<span class="badge text-bg-{}" data-acceptance="{}">{}</span>', ACCEPTANCE_CSS[value], value, Acceptance(value).label
    )


class CellRenderer:
    """The HTML of the matrix's cells. A page shows a thousand of them: what they share (the light
    badges, the acceptance badges, the period labels, the link pattern) is rendered once per page."""

    def __init__(self):
        self.lights = {light: light_badge(light) for light in LIGHT_LABELS}
        self.acceptances = {value: acceptance_badge(value) for value in ("", *ACCEPTANCE_CSS)}
        self.periods: dict[int, str] = {}
        self.no_report = escape(gettext("No approved report"))
        self.missing = format_html('<span class="text-body-secondary" title="{}">—</span>', _("Not cascaded to this region"))
        self.task_url = reverse("tasks:task_detail", args=[0]).replace("/0/", "/{}/")
        self.light_texts = {light: str(label) for light, label in LIGHT_LABELS.items()}
        self.acceptance_texts = {value: str(Acceptance(value).label) for value in ACCEPTANCE_CSS}
        self.period_texts: dict[int, str] = {}

    def period(self, cell: Cell) -> str:
        if cell.report is None:
            return self.no_report
        key = cell.report.period_id
        if key not in self.periods:
            self.periods[key] = escape(period_label(cell))
        return self.periods[key]

    def text(self, cell: Cell | None) -> str:
        """The cell in an export: light · progress · period · acceptance."""
        if cell is None:
            return ""
        parts = [self.light_texts[cell.task.light], f"{cell.task.progress}%"]
        if cell.report is not None:
            key = cell.report.period_id
            if key not in self.period_texts:
                self.period_texts[key] = period_label(cell)
            parts.append(self.period_texts[key])
        if cell.acceptance:
            parts.append(self.acceptance_texts[cell.acceptance])
        return " · ".join(parts)

    def __call__(self, cell: Cell | None):
        if cell is None:
            return self.missing
        task = cell.task
        return mark_safe(  # every part is a number or was escaped above
            f'<a class="d-block text-decoration-none text-body text-nowrap" href="{self.task_url.format(int(task.pk))}" '
            f'data-cell="{int(task.parent_id)}-{int(task.plan_id)}">{self.lights[task.light]} '
            f'<span class="fw-semibold">{int(task.progress)}%</span>'
            f'<span class="d-block small text-body-secondary">{self.period(cell)}</span>{self.acceptances[cell.acceptance]}</a>'
        )


def tally_html(tally: Tally | None):
    if tally is None or not tally.total:
        return "—"
    return format_html(
        '<span class="text-nowrap small" data-tally="{}/{}/{}"><span class="text-success" title="{}">●{}%</span> '
        '<span class="text-warning-emphasis" title="{}">●{}%</span> <span class="text-danger" title="{}">●{}%</span></span>'
        '<span class="d-block small text-nowrap">{}</span>',
        tally.share_green,
        tally.share_yellow,
        tally.share_red,
        LIGHT_LABELS["green"],
        tally.share_green,
        LIGHT_LABELS["yellow"],
        tally.share_yellow,
        LIGHT_LABELS["red"],
        tally.share_red,
        gettext("Average progress %(progress)s%%") % {"progress": tally.average_progress},
    )


def tally_text(tally: Tally | None) -> str:
    if tally is None or not tally.total:
        return ""
    return gettext("Green %(green)s%% · yellow %(yellow)s%% · red %(red)s%% · average progress %(progress)s%%") % {
        "green": tally.share_green,
        "yellow": tally.share_yellow,
        "red": tally.share_red,
        "progress": tally.average_progress,
    }


class RegionColumn(tables.Column):
    """One region's copies of the cascaded tasks; its footer is the region's summary."""

    def __init__(self, plan: Plan, *, higher: Plan):
        self.plan = plan
        # The region's name leads to its tasks by department (the drill-down); an export keeps the name.
        header = format_html('<a href="{}">{}</a>', reverse("dashboards:region", args=[higher.pk, plan.region_id]), plan.region.name)
        super().__init__(
            verbose_name=header,
            empty_values=(),
            orderable=False,
            attrs={"th": {"class": "text-nowrap", "data-region": plan.region_id}, "td": {"class": "small"}, "tf": {"class": "small"}},
        )

    def render(self, record, table):
        return table.cell_renderer(table.cells.get((record.pk, self.plan.pk)))

    def value(self, record, table):
        return table.cell_renderer.text(table.cells.get((record.pk, self.plan.pk)))

    def render_footer(self, table):
        return format_html(
            '<a class="text-decoration-none text-body" href="{}">{}</a>',
            reverse("dashboards:region", args=[table.plan.pk, self.plan.region_id]),
            tally_html(table.tallies.get(self.plan.pk)),
        )

    def footer_value(self, table) -> str:
        return tally_text(table.tallies.get(self.plan.pk))


class MatrixTable(tables.Table):
    """Rows: the plan's cascaded tasks; columns: the regions they went to; last column and footer: summaries."""

    # A matrix stays a matrix on a phone (it scrolls in its box), not a card per task.
    keep_columns_on_phone = True

    task = tables.Column(
        verbose_name=_("Key task"), accessor="title", order_by=("position", "pk"), attrs=STICKY_ATTRS,
        footer=lambda table: gettext("Regions' summary"),
    )
    summary = tables.Column(
        verbose_name=_("All regions"), empty_values=(), orderable=False, attrs={"td": {"class": "small"}, "tf": {"class": "small"}},
        footer=lambda table: tally_html(table.overall),
    )

    class Meta:
        sequence = ("task", "...", "summary")
        empty_text = _("No key task of this plan was cascaded to a region you oversee.")
        attrs = {
            "class": "table table-sm table-hover align-middle mb-0",
            "id": "cascade-matrix",
            "style": "border-collapse:separate;border-spacing:0",
        }

    def __init__(self, data, *, plan: Plan, plans: list[Plan], tallies: dict[int, Tally], **kwargs):
        self.plan = plan
        self.plans = plans
        self.tallies = tallies
        self.cells: dict[tuple[int, int], Cell] = {}
        self.cell_renderer = CellRenderer()
        extra = [(f"region_{p.pk}", RegionColumn(p, higher=plan)) for p in plans]
        super().__init__(data, extra_columns=extra, **kwargs)

    @property
    def overall(self) -> Tally:
        return overall_tally(self.tallies.values())

    def _row_tally(self, record: KeyTask) -> Tally:
        return row_tally(record, cells=self.cells, plans=self.plans)

    def render_task(self, record):
        return format_html(
            '<a href="{}" class="text-decoration-none">{} {}</a>', record.get_absolute_url(), record.code, record.title
        )

    def value_task(self, record):
        return f"{record.code} {record.title}"

    def render_summary(self, record):
        return tally_html(self._row_tally(record))

    def value_summary(self, record):
        return tally_text(self._row_tally(record))

    def as_values(self, exclude_columns=None):
        """The export: every row, then the regions' summary row."""
        exclude_columns = exclude_columns or ()
        yield from super().as_values(exclude_columns)
        footer = []
        for column in self.columns:
            if column.name in exclude_columns:
                continue
            if isinstance(column.column, RegionColumn):
                footer.append(column.column.footer_value(self))
            elif column.name == "summary":
                footer.append(tally_text(self.overall))
            else:
                footer.append(gettext("Regions' summary"))
        yield footer


class RegionTaskTable(tables.Table):
    """One region's copies of the cascaded tasks, with their lead department and latest approved report."""

    code = tables.Column(verbose_name=_("No."), order_by=("position", "pk"), attrs={"th": {"class": "text-nowrap"}})
    title = tables.Column(verbose_name=_("Key task"), attrs={"td": {"style": "min-width:10rem"}})
    lead = tables.Column(
        verbose_name=_("Lead department"), empty_values=(), orderable=False, attrs={"td": {"class": "text-nowrap"}}
    )
    light = tables.Column(verbose_name=_("Light"), attrs={"th": {"class": "text-nowrap"}})
    progress = tables.Column(verbose_name=_("Progress"), attrs={"th": {"class": "text-nowrap"}})
    report = tables.Column(
        verbose_name=_("Latest approved report"), empty_values=(), orderable=False, attrs={"td": {"class": "text-nowrap"}}
    )
    acceptance = tables.Column(verbose_name=_("Acceptance"), empty_values=(), orderable=False)

    class Meta:
        empty_text = _("No cascaded task matches.")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "region-task-table"}

    def __init__(self, data, *, plan: Plan, region_id: int, **kwargs):
        self.plan, self.plan_region_id = plan, region_id
        self.cells: dict[int, Cell] = {}
        super().__init__(data, **kwargs)

    def render_title(self, record):
        return format_html('<a href="{}">{}</a>', reverse("tasks:task_detail", args=[record.pk]), record.title)

    def render_lead(self, record):
        cell = self.cells.get(record.pk)
        if cell is None or cell.lead is None:
            return "—"
        # The name narrows this page to the department (province › region › department); the icon
        # opens the department's whole task list in the region's plan.
        here = reverse("dashboards:region", args=[self.plan.pk, self.plan_region_id]) + f"?department={cell.lead.pk}"
        everything = reverse("tasks:task_list", args=[record.plan_id]) + f"?department={cell.lead.pk}"
        return format_html(
            '<a href="{}" data-department="{}">{}</a> <a href="{}" class="text-nowrap" title="{}" aria-label="{}">'
            '<i class="bi bi-list-task"></i></a>',
            here, cell.lead.pk, cell.lead, everything, _("All tasks of the department"), _("All tasks of the department"),
        )

    def value_lead(self, record):
        cell = self.cells.get(record.pk)
        return str(cell.lead) if cell and cell.lead else ""

    def render_light(self, record):
        return light_badge(record.light)

    def value_light(self, record):
        return str(LIGHT_LABELS[record.light])

    def render_progress(self, value):
        return f"{value}%"

    def render_report(self, record):
        cell = self.cells.get(record.pk)
        if cell is None or cell.report is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("tasks:report_detail", args=[cell.report.pk]), period_label(cell))

    def value_report(self, record):
        cell = self.cells.get(record.pk)
        return period_label(cell) if cell else ""

    def render_acceptance(self, record):
        cell = self.cells.get(record.pk)
        return acceptance_badge(cell.acceptance) if cell else ""

    def value_acceptance(self, record):
        cell = self.cells.get(record.pk)
        return str(Acceptance(cell.acceptance).label) if cell and cell.acceptance else ""
