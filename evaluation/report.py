"""The final assessment report (终期评估报告) and the quarterly bulletin (督查通报), as PDFs.

Drawn entirely from the data the platform tracks — tasks, progress reports, indicators, funding,
notices, evidence — with a fixed number of queries whatever the size of the plan (no query per
row). Chinese is typeset with a TrueType CJK font embedded (subset) when one is installed, else
reportlab's built-in CID font STSong-Light (see supervision/pdf.py); either way the text can be
searched and copied. Plain functions: the command and (later) a Celery job call them alike.
"""

from __future__ import annotations

import datetime
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from common.pdf import (
    MultiPassDocument,
    build,
    cjk_font,
    fit,
    list_separator,
    page_number,
    para,
    parenthesized,
    report_styles,
    running_header,
)
from evaluation import report_province
from evaluation.models import EvaluatorAssignment
from funding.models import FundingLine, Source
from funding.selectors import ALLOCATED_KINDS, Kind, ledger_sum, percent_of
from funding.services import yuan
from indicators.attainment import LABELS, NO_DATA, STATES, attainment, latest_approved_values
from indicators.models import IndicatorValue
from supervision.models import SupervisionNotice
from tasks.models import (
    LATE_AGAINST_ORIGINAL,
    Department,
    KeyTask,
    Light,
    Plan,
    ProgressReport,
    ReportingPeriod,
    TaskDepartment,
    overdue_condition,
)

OPEN = [ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED]
LIGHT_COLORS = {
    Light.RED: colors.HexColor("#d9534f"),
    Light.YELLOW: colors.HexColor("#f0ad4e"),
    Light.GREEN: colors.HexColor("#5cb85c"),
}
TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")
PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:(?P<kind>[QH])(?P<number>\d))?$")

# The typography is shared with the notice (common.pdf); the old name stays for the benchmarks.
report_font = cjk_font


class PeriodError(ValueError):
    pass


@dataclass
class Period:
    code: str
    starts_on: datetime.date
    ends_on: datetime.date


def parse_period(code: str) -> Period:
    """2025Q4, 2025H1 or 2025 → its first and last day; PeriodError for anything else."""
    match = PERIOD_RE.match((code or "").strip().upper())
    number = int(match["number"]) if match and match["number"] else 0
    if (
        not match
        or (match["kind"] == "Q" and not 1 <= number <= 4)
        or (match["kind"] == "H" and not 1 <= number <= 2)
    ):
        raise PeriodError(_("“%(code)s” is not a period: use e.g. 2024Q2, 2024H1 or 2024.") % {"code": code})
    year = int(match["year"])
    months = {"Q": 3, "H": 6}.get(match["kind"] or "", 12)
    first = (number - 1) * months + 1 if number else 1
    last = first + months - 1
    ends = datetime.date(year + (last == 12), last % 12 + 1, 1) - datetime.timedelta(days=1)
    return Period(code=match.group(0), starts_on=datetime.date(year, first, 1), ends_on=ends)


# --- sections other apps add ----------------------------------------------------------------
#
# An app this module must not import (the assessment's ranking …) adds tables of its own through
# ``register_section`` in its AppConfig.ready(): a provider takes the plan and the period (None for
# the final report) and returns ReportSections, typeset after the built-in sections, numbered on.


@dataclass
class ReportSection:
    title: str
    header: list[str]
    rows: list[list]
    note: str = ""


SectionProvider = Callable[[Plan, "Period | None"], list[ReportSection]]
_SECTIONS: dict[str, list[SectionProvider]] = {"final": [], "bulletin": []}


def register_section(kind: str, provider: SectionProvider) -> None:
    """Add ``provider``'s sections to every ``kind`` ("final" or "bulletin") report (idempotent)."""
    if provider not in _SECTIONS[kind]:
        _SECTIONS[kind].append(provider)


def _extra_sections(kind: str, plan: Plan, period: Period | None, number: int, s) -> list:
    story: list = []
    for provider in _SECTIONS[kind]:
        for section in provider(plan, period):
            story.append(_p(f"{number}. {section.title}", s["h1"]))
            number += 1
            if section.note:
                story.append(_p(section.note, s["body"]))
            if section.rows:
                story.append(_table(section.header, section.rows, s))
            else:
                story.append(_p(_("No data."), s["missing"]))
    return story


# --- typesetting ---------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    return report_styles()


def _p(text, style) -> Paragraph:
    return para(text, style)


def _table(header, rows, styles, widths=None, spans: frozenset[int] = frozenset()) -> Table:
    """A table with a header row repeated on every page; the rows whose index is in ``spans`` are
    one cell across the whole width, in small type (a task's file names under its row)."""
    cell, number = styles["cell"], styles["number"]
    data = [[_p(h, styles["head"]) for h in header]]
    for n, row in enumerate(rows):
        if n in spans:
            data.append([_p(row[0], styles["small"])] + [""] * (len(header) - 1))
        else:
            # Figures right-aligned; the first column names the row, whatever it holds (2024, a code).
            data.append([_p("" if v is None else v, number if c and _is_figure(v) else cell) for c, v in enumerate(row)])
    table = _Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
            + [("SPAN", (0, n + 1), (-1, n + 1)) for n in spans]
        )
    )
    return table


FIGURE_RE = re.compile(r"^[-+]?[\d,]+(\.\d+)?%?( \(\d+%\))?$")


def _is_figure(value) -> bool:
    """A number, amount or percentage: right-aligned in its column, as statistical tables are."""
    return isinstance(value, int | float | Decimal) or (isinstance(value, str) and bool(FIGURE_RE.match(value)))


def _figure(drawing: Drawing, caption: str, s) -> list:
    """A chart with its caption under it (图1 …), never parted by a page break."""
    return [KeepTogether([Spacer(1, 3 * mm), drawing, _p(caption, s["caption"])])]


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:f}"
    return str(value)


def _indicator_number(indicator, value) -> str:
    """A value as the plan writes it where the bare number misleads: yes/no as 是/否, a ratio as 1:N
    (other units stand in the indicator's name column)."""
    if value is not None and indicator.unit_kind in {indicator.UnitKind.YES_NO, indicator.UnitKind.RATIO}:
        return indicator.format_number(value)
    return _number(value)


def _money(value) -> str:
    """Yuan as 万元 with thousands separators, as finance reports write them: 19,326.13."""
    if value is None:
        return "—"
    return yuan((Decimal(value) / TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP))  # rounded, not cut


def _money_headers() -> list[str]:
    """下达（万元）, 拨付（万元）, 支出（万元）."""
    return [f"{label}{parenthesized(_('10k yuan'))}" for label in (_("Allocated"), _("Disbursed"), _("Spent"))]


def _percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


TOC_LEVELS = {"h1": 0, "h2": 1}


class _Table(Table):
    """A table that is laid out but not drawn on a draft canvas (a pass that only finds the
    pages of the headings: see ``_Document``); the leftovers of its splits are such tables too."""

    def drawOn(self, canvas, x, y, _sW=0):
        if not getattr(canvas, "draft", False):
            super().drawOn(canvas, x, y, _sW)


class _Document(MultiPassDocument):
    """Collects h1/h2 headings for the table of contents."""

    _draft_passes = 0

    def afterFlowable(self, flowable):
        if isinstance(flowable, Paragraph) and flowable.style.name in TOC_LEVELS:
            self.notify("TOCEntry", (TOC_LEVELS[flowable.style.name], flowable.getPlainText(), self.page))

    def multiBuild(self, story, **options):
        """The headings are known before the first pass, their pages are not: the first pass sets
        the table of contents at its full length already (pages 0), so that the second pass's
        pages are final and it is the last one (three passes were needed otherwise)."""
        headings = [
            (TOC_LEVELS[flowable.style.name], flowable.getPlainText(), 0)
            for flowable in story
            if isinstance(flowable, Paragraph) and flowable.style.name in TOC_LEVELS
        ]
        seeded = False
        for flowable in story:
            if isinstance(flowable, TableOfContents) and not flowable._entries and headings:
                flowable.addEntries(headings)
                seeded = True
        # So the first pass is never the last: it only finds the pages, its tables are not drawn.
        self._draft_passes = 1 if seeded else 0
        return super().multiBuild(story, **options)

    def beforeDocument(self):
        self.canv.draft = self._draft_passes > 0
        self._draft_passes -= 1


def _author(plan: Plan) -> str:
    """Who the report is from: the region's supervising department (卫生健康委), else the region."""
    department = (
        Department.objects.filter(region_id=plan.region_id, is_supervising=True, is_active=True)
        .order_by("position", "pk")
        .first()
    )
    return department.name if department is not None else plan.region.name


def _build(
    story,
    *,
    plan: Plan,
    subject: str,
    multi: bool,
    cover: bool,
    progress: Callable[[int, str], None] | None = None,
) -> bytes:
    """Typeset ``story``; typesetting reports 70–99 % to ``progress`` (per pass of the layout).
    With ``cover`` the first page is a cover: no running header, no page number."""
    title = plan.title

    def first(canvas, doc):
        if not cover:
            page_number(canvas, doc.page)

    def later(canvas, doc):
        running_header(canvas, title)
        page_number(canvas, doc.page)

    on_progress = None
    if progress is not None:
        stage, state = _("Typesetting"), {"size": 1, "shown": 0}

        def on_progress(kind, value):
            if kind == "SIZE_EST":
                state["size"] = max(1, value)
            elif kind == "PROGRESS":
                percent = 70 + min(29, 29 * value // state["size"])
                if percent > state["shown"]:  # monotonic over the layout passes
                    state["shown"] = percent
                    progress(percent, stage)

    return build(
        story,
        title=f"{title} {subject}",
        author=_author(plan),
        subject=subject,
        on_first_page=first,
        on_later_pages=later,
        document_class=_Document,
        multi=multi,
        progress=on_progress,
    )


# --- reads (a fixed number of queries) -----------------------------------------------------


def _tasks(plan: Plan) -> list[KeyTask]:
    links = (
        TaskDepartment.objects.filter(role=TaskDepartment.Role.LEAD)
        .select_related("department")
        .order_by("position", "pk")
    )
    return list(
        KeyTask.objects.filter(plan=plan)
        .select_related("section")
        .prefetch_related(Prefetch("task_departments", queryset=links, to_attr="leads"))
        .order_by("position", "pk")
    )


def _lead(task: KeyTask) -> str:
    if task.leads:
        department = task.leads[0].department
        return department.short_name or department.name
    return task.lead_text or _("(no lead department)")


def _indicator_rows(plan: Plan) -> list[list[str]]:
    indicators = list(
        plan.indicators.select_related("plan").prefetch_related("annual_targets").order_by("position", "pk")
    )
    years = list(plan.years)
    latest = latest_approved_values(indicators, years) if indicators else {}
    rows = []
    for indicator in indicators:
        found = next(
            ((y, latest[(indicator.pk, y)]) for y in reversed(years) if (indicator.pk, y) in latest), None
        )
        if found:
            year, value = found
            shown = _indicator_number(indicator, value.value) if indicator.is_numeric else value.text
            status = attainment(indicator, year, value)
            shown = f"{shown} ({year})"
        else:
            shown, status = "—", NO_DATA
        baseline = _indicator_number(indicator, indicator.baseline_value) if indicator.baseline_value is not None else "—"
        if indicator.baseline_year:
            baseline = f"{baseline} ({indicator.baseline_year})"
        target = indicator.target_text or _indicator_number(indicator, indicator.target_value)
        unit = indicator.unit_label
        rows.append(
            [
                f"{indicator.code} {indicator.name}" + (parenthesized(unit) if unit else ""),
                baseline,
                f"{target} ({indicator.target_year})",
                shown,
                str(LABELS[status]),
            ]
        )
    return rows


def _report_counts() -> dict:
    """The bulletin's counts of a group of progress reports: due, submitted, on time, approved."""
    return {
        "due": Count("pk"),
        "submitted": Count("pk", filter=Q(round__gt=0)),
        "on_time": Count("pk", filter=Q(round__gt=0, is_late=False)),
        "approved": Count("pk", filter=Q(status=ProgressReport.Status.APPROVED)),
    }


def _indicator_table(plan: Plan, s) -> list:
    """The plan's indicators with baseline, target, latest value and status (section 2 of the
    city's report and of the province's)."""
    rows = _indicator_rows(plan)
    if not rows:
        return [_p(_("No indicator data."), s["missing"])]
    header = [_("Indicator"), _("Baseline"), _("Target"), _("Latest value"), _("Status")]
    return [_table(header, rows, s, [62 * mm, 24 * mm, 30 * mm, 30 * mm, 24 * mm])]


def _funding(plans: list[Plan], field: str) -> list[dict]:
    return list(
        FundingLine.objects.filter(plan__in=plans)
        .values(field)
        .annotate(
            lines=Count("pk", distinct=True),
            allocated=ledger_sum(ALLOCATED_KINDS),
            disbursed=ledger_sum([Kind.DISBURSEMENT]),
            spent=ledger_sum([Kind.EXPENDITURE]),
        )
        .annotate(execution_rate=percent_of("spent"), disbursement_rate=percent_of("disbursed"))
        .order_by(field)
    )


def _lights_chart(rows: list[tuple[str, dict]], font: str) -> Drawing:
    drawing = Drawing(170 * mm, 80 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 18 * mm, 120 * mm, 55 * mm
    order = [Light.RED, Light.YELLOW, Light.GREEN]
    chart.data = [[counts.get(light, 0) for _name, counts in rows] for light in order]
    chart.categoryAxis.categoryNames = [fit(name, font, 7, 24 * mm) for name, _counts in rows]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.style = "stacked"
    chart.valueAxis.valueMin = 0
    # Counts of tasks: whole numbers on the axis (about five steps).
    highest = max((sum(counts.get(light, 0) for light in order) for _name, counts in rows), default=0)
    chart.valueAxis.valueStep = max(1, math.ceil(highest / 5))
    chart.valueAxis.labels.fontSize = 7
    for index, light in enumerate(order):
        chart.bars[index].fillColor = LIGHT_COLORS[light]
    legend = Legend()
    legend.x, legend.y = 140 * mm, 65 * mm
    legend.fontName = font
    legend.fontSize = 8
    legend.colorNamePairs = [(LIGHT_COLORS[light], str(light.label)) for light in order]
    drawing.add(chart)
    drawing.add(legend)
    return drawing


# --- the final report ----------------------------------------------------------------------


def _silent(percent: int, stage: str) -> None:
    pass


def _final_cover(plan: Plan, on: datetime.date, s) -> list:
    """The cover and the table of contents of a final report."""
    toc = TableOfContents()
    toc.levelStyles = [
        ParagraphStyle("toc1", parent=s["toc"]),
        ParagraphStyle("toc2", parent=s["toc"], fontSize=10.5, leftIndent=12 * mm),
    ]
    return [
        Spacer(1, 60 * mm),
        _p(plan.title, s["cover"]),
        Spacer(1, 8 * mm),
        _p(_("Final assessment report"), s["cover"]),
        Spacer(1, 20 * mm),
        _p(f"{plan.region.name}  ·  {plan.start_year}–{plan.end_year}", s["subtitle"]),
        _p(date_format(on), s["subtitle"]),
        PageBreak(),
        _p(_("Contents"), s["cover"]),
        Spacer(1, 6 * mm),
        toc,
        PageBreak(),
    ]


def render_final_report(
    plan: Plan,
    *,
    on: datetime.date | None = None,
    progress: Callable[[int, str], None] = _silent,
    with_task_detail: bool = False,
) -> bytes:
    """The final assessment report of ``plan`` as an A4 PDF (bytes). ``progress(percent, stage)``
    is told how far it has got (the UI's progress bar).

    A plan handed down to prefectures (a province's) is reported per prefecture and per section;
    ``with_task_detail`` adds an appendix with every task and the names of its evidence files
    (without it, evidence is counted and the files are left to the system's pages)."""
    on = on or timezone.localdate()
    progress(5, _("Reading key tasks"))
    plan = Plan.objects.select_related("region").get(pk=plan.pk)
    children = report_province.child_plans(plan)
    if children:
        return _province_final_report(plan, children, on=on, progress=progress, with_task_detail=with_task_detail)
    s = _styles()
    font = report_font()
    tasks = _tasks(plan)
    story: list = _final_cover(plan, on, s)

    # 1 Summary
    story.append(_p(_("1. Summary"), s["h1"]))
    if tasks:
        by_status = defaultdict(int)
        by_light = defaultdict(int)
        for task in tasks:
            by_status[task.status] += 1
            by_light[task.light] += 1
        story.append(
            _p(
                _(
                    "The plan has %(total)d key tasks: %(completed)d completed, %(in_progress)d in progress, %(not_started)d not started."
                )
                % {
                    "total": len(tasks),
                    "completed": by_status[KeyTask.Status.COMPLETED],
                    "in_progress": by_status[KeyTask.Status.IN_PROGRESS],
                    "not_started": by_status[KeyTask.Status.NOT_STARTED],
                },
                s["body"],
            )
        )
        story.append(Spacer(1, 3 * mm))
        header = (
            [_("Total")]
            + [str(label) for label in KeyTask.Status.labels]
            + [str(label) for label in Light.labels]
        )
        row = (
            [len(tasks)] + [by_status[v] for v in KeyTask.Status.values] + [by_light[v] for v in Light.values]
        )
        story.append(_table(header, [row], s))
    else:
        story.append(_p(_("No key task data."), s["missing"]))

    # 2 Indicators
    progress(15, _("Indicator attainment"))
    story.append(_p(_("2. Indicator attainment"), s["h1"]))
    story.extend(_indicator_table(plan, s))

    # 3 Task completion
    progress(30, _("Task completion"))
    story.append(_p(_("3. Task completion"), s["h1"]))
    story.append(_p(_("3.1 By section"), s["h2"]))
    if tasks:
        sections: dict = {}
        for task in tasks:
            key = task.section.title if task.section else _("(no section)")
            sections.setdefault(key, []).append(task)
        story.append(
            _table(
                [_("Section"), _("Key tasks"), _("Completed"), _("Average progress")],
                _completion_rows(sections),
                s,
                [80 * mm, 25 * mm, 30 * mm, 35 * mm],
            )
        )
    else:
        story.append(_p(_("No key task data."), s["missing"]))
    story.append(_p(_("3.2 By department"), s["h2"]))
    if tasks:
        departments: dict = {}
        for task in tasks:
            departments.setdefault(_lead(task), []).append(task)
        rows = _completion_rows(departments)
        lights = [
            [sum(t.light == light for t in group) for light in Light.values] for group in departments.values()
        ]
        rows = [row + light for row, light in zip(rows, lights, strict=True)]
        story.append(
            _table(
                [_("Lead department"), _("Key tasks"), _("Completed"), _("Average progress")]
                + [str(label) for label in Light.labels],
                rows,
                s,
            )
        )
        chart_rows = [
            (name, {light: sum(t.light == light for t in group) for light in Light.values})
            for name, group in departments.items()
        ]
        story += _figure(_lights_chart(chart_rows, font), _("Figure 1. Task lights by lead department"), s)
    else:
        story.append(_p(_("No key task data."), s["missing"]))

    # 4 Funding
    progress(40, _("Funding execution"))
    story.append(_p(_("4. Funding execution"), s["h1"]))
    labels = dict(Source.choices)
    money_header = [
        _("Lines"),
        *_money_headers(),
        _("Execution rate"),
    ]
    for title, field, label in [
        (_("4.1 By source"), "source", lambda k: str(labels.get(k, k))),
        (_("4.2 By fiscal year"), "fiscal_year", str),
    ]:
        story.append(_p(title, s["h2"]))
        funding = _funding([plan], field)
        if funding:
            rows = [
                [
                    label(r[field]),
                    r["lines"],
                    _money(r["allocated"]),
                    _money(r["disbursed"]),
                    _money(r["spent"]),
                    _percent(r["execution_rate"]),
                ]
                for r in funding
            ]
            story.append(
                _table([_("Source") if field == "source" else _("Fiscal year")] + money_header, rows, s)
            )
        else:
            story.append(_p(_("No funding data."), s["missing"]))

    # 5 Supervision
    progress(50, _("Supervision"))
    story += _supervision_section(plan, s, on)

    # 6 Evaluation
    progress(55, _("Evaluation scores"))
    story += _evaluation_section(plan, s, font)

    story += _extra_sections("final", plan, None, 7, s)

    # Appendix: evidence (the file names only on request: they are what makes a long report long)
    progress(60, _("Evidence"))
    story.append(PageBreak())
    story.append(_p(_("Appendix. Evidence behind each task"), s["h1"]))
    scope = KeyTask.objects.filter(plan=plan)
    if tasks and with_task_detail:
        evidence = report_province.evidence_names(scope)
        rows = [[task.code, task.title, list_separator().join(evidence.get(task.pk, [])) or _("none")] for task in tasks]
        story.append(
            _table([_("No."), _("Key task"), _("Evidence files")], rows, s, [14 * mm, 80 * mm, 76 * mm])
        )
    elif tasks:
        evidence = report_province.evidence_per_task(scope)
        story.append(_p(_evidence_where(reverse("tasks:task_list", args=[plan.pk])), s["body"]))
        rows = [
            [task.code, task.title, evidence.get(task.pk, 0), reverse("tasks:task_detail", args=[task.pk])]
            for task in tasks
        ]
        story.append(
            _table(
                [_("No."), _("Key task"), _("Evidence files"), _("In the system")],
                rows,
                s,
                [14 * mm, 96 * mm, 24 * mm, 36 * mm],
            )
        )
    else:
        story.append(_p(_("No key task data."), s["missing"]))
    if tasks and not evidence:
        story.append(_p(_("No evidence files have been uploaded."), s["missing"]))

    progress(70, _("Typesetting"))
    return _build(story, plan=plan, subject=_("Final assessment report"), multi=True, cover=True, progress=progress)


def _evidence_where(path: str) -> str:
    return _(
        "The evidence files themselves are not listed in this report: they are in the system, on each key task's page (the tasks are listed at %(path)s). A version listing every file name is generated with the option “with task detail”."
    ) % {"path": path}


def _completion_rows(groups: dict) -> list[list]:
    rows = []
    for name, group in groups.items():
        done = sum(t.status == KeyTask.Status.COMPLETED for t in group)
        average = sum(t.progress for t in group) / len(group)
        rows.append([name, len(group), done, f"{average:.0f}%"])
    return rows


def _supervision_section(plan: Plan, s, on: datetime.date) -> list:
    story = [_p(_("5. Supervision"), s["h1"])]
    notices = list(
        SupervisionNotice.objects.filter(task__plan=plan).values_list(
            "level", "status", "issued_at", "responded_at"
        )
    )
    # Against the ORIGINAL due dates (the periods'): an extension does not excuse lateness here.
    reports = ProgressReport.objects.filter(task__plan=plan)
    tally = reports.aggregate(
        overdue=Count("pk", filter=Q(status__in=OPEN, period__due_on__lt=on)),
        late=Count("pk", filter=LATE_AGAINST_ORIGINAL),
        extended=Count("pk", filter=~Q(due_on=F("period__due_on"))),
    )
    overdue, late = tally["overdue"], tally["late"]
    if notices:
        counts = defaultdict(int)
        for level, status, _issued, _responded in notices:
            counts[(level, status)] += 1
        rows = [
            [str(level_label)]
            + [counts[(level, status)] for status in SupervisionNotice.Status.values]
            + [sum(counts[(level, st)] for st in SupervisionNotice.Status.values)]
            for level, level_label in SupervisionNotice.Level.choices
        ]
        header = [_("Level")] + [str(label) for label in SupervisionNotice.Status.labels] + [_("Total")]
        story.append(_table(header, rows, s))
        days = [
            (responded - issued).total_seconds() / 86400 for _l, _s, issued, responded in notices if responded
        ]
        average = _("%(days).1f days") % {"days": sum(days) / len(days)} if days else "—"
        story.append(Spacer(1, 3 * mm))
        story.append(
            _p(
                _("Notices: %(count)d; average response time: %(average)s.")
                % {"count": len(notices), "average": average},
                s["body"],
            )
        )
    else:
        story.append(_p(_("No supervision notices have been issued."), s["missing"]))
    story.append(
        _p(
            _("Progress reports overdue and not submitted: %(overdue)d; submitted late: %(late)d.")
            % {"overdue": overdue, "late": late},
            s["body"],
        )
    )
    story.append(
        _p(
            _("Lateness is measured against the original due dates; %(extended)d report(s) had their due date extended.")
            % {"extended": tally["extended"]},
            s["body"],
        )
    )
    extended = list(
        reports.exclude(due_on=F("period__due_on")).select_related("task", "period", "department").order_by("period__starts_on", "task__position")[:200]
    )
    if extended:
        rows = [
            [
                r.task.code,
                r.task.title,
                r.period.code,
                _("due %(original)s (extended to %(due)s)") % {"original": r.original_due_on.isoformat(), "due": r.due_on.isoformat()},
                _("Late") if r.is_late_against_original else "",
            ]
            for r in extended
        ]
        story.append(
            _table(
                [_("No."), _("Key task"), _("Period"), _("Due on"), _("Late")],
                rows,
                s,
                [14 * mm, 66 * mm, 20 * mm, 54 * mm, 16 * mm],
            )
        )
    return story


def _evaluation_section(plan: Plan, s, font: str) -> list:
    """6 Evaluation scores and ranking, and the evaluators' conclusions, for every signed-off
    evaluation of the plan (mid-term first)."""
    from evaluation.models import Evaluation
    from evaluation.services import department_scorecards

    story = [_p(_("6. Evaluation scores and ranking"), s["h1"])]
    evaluations = list(
        Evaluation.objects.filter(plan=plan, status=Evaluation.Status.SIGNED_OFF)
        .select_related("rubric", "signed_off_by", "lead")
        .prefetch_related(
            "rubric__criteria",
            Prefetch(
                "assignments",
                queryset=EvaluatorAssignment.objects.select_related("evaluator", "department").order_by(
                    "department__position", "department__pk", "pk"
                ),
            ),
        )
        .order_by("kind", "signed_off_at")
    )
    evaluations.sort(key=lambda e: (e.kind != Evaluation.Kind.MID_TERM, e.signed_off_at))
    if not evaluations:
        story.append(_p(_("No evaluation has been signed off yet."), s["missing"]))
        return story
    for number, evaluation in enumerate(evaluations, start=1):
        criteria = list(evaluation.rubric.criteria.all())
        rows = department_scorecards(evaluation)
        story.append(_p(f"6.{number} {evaluation.title}", s["h2"]))
        story.append(
            _p(
                _(
                    "Signed off by %(user)s on %(date)s. Weighted totals are out of 100; * marks a criterion on which the evaluators disagreed by more than %(threshold)s points."
                )
                % {
                    "user": evaluation.signed_off_by,
                    "date": date_format(timezone.localtime(evaluation.signed_off_at).date()),
                    "threshold": _number(evaluation.spread_threshold),
                },
                s["body"],
            )
        )
        story.append(Spacer(1, 2 * mm))
        header = [_("Rank"), _("Department"), _("Weighted total")] + [
            f"{c.name} ({_number(c.weight)}%)" for c in criteria
        ]
        table = [
            [row.rank, row.department.name, _number(row.weighted_total)]
            + [
                ("—" if mean is None else _number(mean)) + ("*" if flag else "")
                for mean, flag in zip(row.means, row.disagreements, strict=True)
            ]
            for row in rows
        ]
        story.append(_table(header, table, s))
        if rows:
            caption = _("Figure %(number)d. Weighted totals by department, %(evaluation)s") % {
                "number": number + 1,  # 图1 is the task lights'
                "evaluation": evaluation.title,
            }
            story += _figure(_scores_chart(rows, font), caption, s)
        story.append(_p(_("Evaluators' conclusions"), s["h2"]))
        if evaluation.conclusion:
            story.append(_p(_("Overall: %(text)s") % {"text": evaluation.conclusion}, s["body"]))
        conclusions = [
            [a.department.name, str(a.evaluator), a.conclusion]
            for a in evaluation.assignments.all()
            if a.conclusion
        ]
        if conclusions:
            story.append(
                _table(
                    [_("Department"), _("Evaluator"), _("Conclusion")],
                    conclusions,
                    s,
                    [36 * mm, 26 * mm, 108 * mm],
                )
            )
        elif not evaluation.conclusion:
            story.append(_p(_("The evaluators wrote no conclusions."), s["missing"]))
    return story


def _scores_chart(rows, font: str) -> Drawing:
    height = max(30, 7 * len(rows) + 14)
    drawing = Drawing(170 * mm, height * mm)
    chart = HorizontalBarChart()
    chart.x, chart.y = 40 * mm, 6 * mm
    chart.width, chart.height = 120 * mm, (height - 10) * mm
    ordered = list(reversed(rows))  # the best at the top
    chart.data = [[float(row.weighted_total) for row in ordered]]
    chart.categoryAxis.categoryNames = [fit(row.department.short_name or row.department.name, font, 7, 38 * mm) for row in ordered]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#0d6efd")
    drawing.add(chart)
    return drawing


# --- the bulletin --------------------------------------------------------------------------


def _bulletin_cover(plan: Plan, period: Period, s) -> list:
    return [
        _p(_("Supervision bulletin"), s["cover"]),
        _p(f"{plan.title}  ·  {period.code}", s["subtitle"]),
        _p(f"{date_format(period.starts_on)} – {date_format(period.ends_on)}", s["subtitle"]),
        Spacer(1, 6 * mm),
    ]


def render_bulletin(
    plan: Plan,
    period_code: str,
    *,
    on: datetime.date | None = None,
    progress: Callable[[int, str], None] = _silent,
    with_task_detail: bool = False,
) -> bytes:
    """The supervision bulletin (督查通报) of ``plan`` for a quarter (2025Q4), half-year or year.

    A plan handed down to prefectures is reported per prefecture; ``with_task_detail`` then adds
    the lists of overdue reports and of notices (a city's bulletin always has them)."""
    period = parse_period(period_code)
    progress(10, _("Progress reports"))
    on = on or timezone.localdate()
    plan = Plan.objects.select_related("region").get(pk=plan.pk)
    s = _styles()
    story: list = _bulletin_cover(plan, period, s)
    children = report_province.child_plans(plan)
    if children:
        return _province_bulletin(plan, children, period, story, s, on=on, progress=progress, with_task_detail=with_task_detail)
    reports = ProgressReport.objects.filter(
        task__plan=plan, period__starts_on__gte=period.starts_on, period__ends_on__lte=period.ends_on
    )

    story.append(_p(_("1. Progress reports by department"), s["h1"]))
    rows = list(
        reports.values("department__name")
        .annotate(**_report_counts())
        .order_by("department__position", "department__name")
    )
    if rows:
        table = [[r["department__name"], r["due"], r["submitted"], r["on_time"], r["approved"]] for r in rows]
        story.append(
            _table([_("Department"), _("Reports due"), _("Submitted"), _("On time"), _("Approved")], table, s)
        )
    else:
        story.append(_p(_("No progress reports in this period."), s["missing"]))

    story.append(_p(_("2. Task lights by lead department"), s["h1"]))
    lights = list(
        Department.objects.filter(
            task_links__role=TaskDepartment.Role.LEAD, task_links__position=0, task_links__task__plan=plan
        )
        .annotate(
            **{light: Count("task_links", filter=Q(task_links__task__light=light)) for light in Light.values}
        )
        .order_by("position", "pk")
    )
    if lights:
        table = [[d.name] + [getattr(d, light) for light in Light.values] for d in lights]
        story.append(_table([_("Department")] + [str(label) for label in Light.labels], table, s))
    else:
        story.append(_p(_("No key task data."), s["missing"]))

    story.append(_p(_("3. Overdue reports"), s["h1"]))
    overdue = list(
        reports.overdue(on)
        .select_related("task", "department")
        .order_by("due_on", "task__position")[:200]
    )
    if overdue:
        table = [
            [r.task.code, r.task.title, r.department.name, date_format(r.due_on), (on - r.due_on).days]
            for r in overdue
        ]
        story.append(
            _table(
                [_("No."), _("Key task"), _("Department"), _("Due on"), _("Days overdue")],
                table,
                s,
                [14 * mm, 70 * mm, 40 * mm, 26 * mm, 20 * mm],
            )
        )
    else:
        story.append(_p(_("No overdue reports."), s["missing"]))

    story.append(_p(_("4. Supervision notices issued"), s["h1"]))
    notices = list(
        SupervisionNotice.objects.filter(
            task__plan=plan, issued_at__date__gte=period.starts_on, issued_at__date__lte=period.ends_on
        )
        .select_related("task", "department")
        .order_by("issued_at", "pk")
    )
    if notices:
        table = [
            [n.reference, n.task.title, n.department.name, n.get_level_display(), n.get_status_display()]
            for n in notices
        ]
        story.append(
            _table(
                [_("Reference"), _("Key task"), _("Department"), _("Level"), _("Status")],
                table,
                s,
                [34 * mm, 60 * mm, 36 * mm, 18 * mm, 22 * mm],
            )
        )
    else:
        story.append(_p(_("No notices were issued in this period."), s["missing"]))

    progress(50, _("Indicator values"))
    story.append(_p(_("5. Indicator values approved"), s["h1"]))
    values = list(
        IndicatorValue.objects.filter(
            indicator__plan=plan,
            status=IndicatorValue.Status.APPROVED,
            decided_at__date__gte=period.starts_on,
            decided_at__date__lte=period.ends_on,
        )
        .select_related("indicator")
        .order_by("indicator__position", "period_code")
    )
    if values:
        table = [
            [
                f"{v.indicator.code} {v.indicator.name}",
                ReportingPeriod.label_of_code(v.period_code),
                _indicator_number(v.indicator, v.value) if v.indicator.is_numeric else v.text,
            ]
            for v in values
        ]
        story.append(
            _table([_("Indicator"), _("Period"), _("Value")], table, s, [100 * mm, 30 * mm, 40 * mm])
        )
    else:
        story.append(_p(_("No indicator values were approved in this period."), s["missing"]))

    story += _extra_sections("bulletin", plan, period, 6, s)

    progress(70, _("Typesetting"))
    return _build(story, plan=plan, subject=_("Supervision bulletin") + " " + period.code, multi=False, cover=False, progress=progress)


# --- a province's reports: per prefecture and per section ---------------------------------


def _levels_table(counts: dict, s) -> Table:
    """Supervision notices by level (rows) and status (columns), from (level, status) → count."""
    statuses = SupervisionNotice.Status.values
    rows = [
        [str(label)] + [counts.get((level, status), 0) for status in statuses]
        + [sum(counts.get((level, status), 0) for status in statuses)]
        for level, label in SupervisionNotice.Level.choices
    ]
    header = [_("Level")] + [str(label) for label in SupervisionNotice.Status.labels] + [_("Total")]
    return _table(header, rows, s)


def _tally_rows(tallies: list[report_province.Tally]) -> list[list]:
    """Tasks, completed (share), average progress and each light (share) of each prefecture or section."""
    return [
        [
            t.name,
            t.tasks,
            f"{t.completed} ({t.share(t.completed)})",
            _percent(t.average_progress),
        ]
        + [f"{t.lights.get(light, 0)} ({t.share(t.lights.get(light, 0))})" for light in Light.values]
        for t in tallies
    ]


def _tally_header(first: str) -> list[str]:
    return [first, _("Key tasks"), _("Completed"), _("Average progress")] + [str(label) for label in Light.labels]


def _province_final_report(
    plan: Plan,
    children: list[Plan],
    *,
    on: datetime.date,
    progress: Callable[[int, str], None],
    with_task_detail: bool,
) -> bytes:
    """The final report of a plan handed down to ``children`` (its prefectures' plans): tables per
    prefecture and per section, evidence counted; every task only in the optional appendix."""
    s = _styles()
    font = report_font()
    story: list = _final_cover(plan, on, s)
    done = report_province.completion(plan, children)
    total = done.total

    # 1 Summary
    story.append(_p(_("1. Summary"), s["h1"]))
    if total.tasks:
        story.append(
            _p(
                _(
                    "The plan was handed down to %(prefectures)d prefectures, which carry it out in plans of their own; together with the tasks kept at the provincial level they hold %(total)d key tasks: %(completed)d completed, %(in_progress)d in progress, %(not_started)d not started."
                )
                % {
                    "prefectures": len(children),
                    "total": total.tasks,
                    "completed": total.completed,
                    "in_progress": total.in_progress,
                    "not_started": total.not_started,
                },
                s["body"],
            )
        )
        story.append(Spacer(1, 3 * mm))
        header = (
            [_("Total")] + [str(label) for label in KeyTask.Status.labels] + [str(label) for label in Light.labels]
        )
        statuses = {
            KeyTask.Status.NOT_STARTED: total.not_started,
            KeyTask.Status.IN_PROGRESS: total.in_progress,
            KeyTask.Status.COMPLETED: total.completed,
        }
        row = (
            [total.tasks]
            + [statuses.get(v, 0) for v in KeyTask.Status.values]
            + [total.lights.get(v, 0) for v in Light.values]
        )
        story.append(_table(header, [row], s))
    else:
        story.append(_p(_("No key task data."), s["missing"]))

    # 2 Indicators: the province's own, then how each prefecture stands on its own targets
    progress(15, _("Indicator attainment"))
    story.append(_p(_("2. Indicator attainment"), s["h1"]))
    story.append(_p(_("2.1 The province's indicators"), s["h2"]))
    story.extend(_indicator_table(plan, s))
    story.append(_p(_("2.2 Attainment by prefecture"), s["h2"]))
    attained = report_province.indicator_attainment(plan, children)
    if attained:
        story.append(
            _p(_("Each prefecture's indicators, on their latest approved value against the prefecture's own targets."), s["body"])
        )
        rows = [[name] + [counts[state] for state in STATES] + [sum(counts.values())] for name, counts in attained]
        story.append(_table([_("Prefecture")] + [str(LABELS[state]) for state in STATES] + [_("Total")], rows, s))
    else:
        story.append(_p(_("No indicator data."), s["missing"]))

    # 3 Task completion
    progress(30, _("Task completion"))
    story.append(_p(_("3. Task completion"), s["h1"]))
    story.append(_p(_("3.1 By prefecture"), s["h2"]))
    if done.by_plan:
        story.append(_table(_tally_header(_("Prefecture")), _tally_rows(done.by_plan + [total]), s))
        chart = _lights_chart([(t.name, t.lights) for t in done.by_plan], font)
        story += _figure(chart, _("Figure 1. Task lights by prefecture"), s)
    else:
        story.append(_p(_("No key task data."), s["missing"]))
    story.append(_p(_("3.2 By section"), s["h2"]))
    if done.by_section:
        story.append(_table(_tally_header(_("Section")), _tally_rows(done.by_section), s))
    else:
        story.append(_p(_("No key task data."), s["missing"]))

    # 4 Funding
    progress(40, _("Funding execution"))
    story.append(_p(_("4. Funding execution"), s["h1"]))
    labels = dict(Source.choices)
    names = {p.pk: report_province.plan_label(p, plan) for p in [plan, *children]}
    money_header = [_("Lines"), *_money_headers(), _("Execution rate")]
    for title, field, label, first in [
        (_("4.1 By source"), "source", lambda k: str(labels.get(k, k)), _("Source")),
        (_("4.2 By fiscal year"), "fiscal_year", str, _("Fiscal year")),
        (_("4.3 By prefecture"), "plan_id", lambda k: names.get(k, k), _("Prefecture")),
    ]:
        story.append(_p(title, s["h2"]))
        funding = _funding([plan, *children], field)
        if funding:
            rows = [
                [label(r[field]), r["lines"], _money(r["allocated"]), _money(r["disbursed"]), _money(r["spent"]), _percent(r["execution_rate"])]
                for r in funding
            ]
            story.append(_table([first] + money_header, rows, s))
        else:
            story.append(_p(_("No funding data."), s["missing"]))

    # 5 Supervision
    progress(50, _("Supervision"))
    story.append(_p(_("5. Supervision"), s["h1"]))
    rows, levels, sums = report_province.supervision(plan, children, on)
    if sums.notices:
        story.append(_levels_table(levels, s))
        average = _("%(days).1f days") % {"days": sums.response_days} if sums.response_days is not None else "—"
        story.append(Spacer(1, 3 * mm))
        story.append(
            _p(_("Notices: %(count)d; average response time: %(average)s.") % {"count": sums.notices, "average": average}, s["body"])
        )
    else:
        story.append(_p(_("No supervision notices have been issued."), s["missing"]))
    story.append(
        _p(
            _("Progress reports overdue and not submitted: %(overdue)d; submitted late: %(late)d.")
            % {"overdue": sums.overdue, "late": sums.late},
            s["body"],
        )
    )
    story.append(
        _p(
            _("Lateness is measured against the original due dates; %(extended)d report(s) had their due date extended.")
            % {"extended": sums.extended},
            s["body"],
        )
    )
    if rows:
        story.append(Spacer(1, 2 * mm))
        table = [
            [r.name, r.reports, r.approved, r.overdue, r.late, r.extended, r.notices, r.notices_red, r.notices_awaiting, r.notices_overdue]
            for r in rows + [sums]
        ]
        story.append(
            _table(
                [
                    _("Prefecture"), _("Reports"), _("Approved"), _("Overdue"), _("Submitted late"), _("Extended"),
                    _("Notices"), _("Red notices"), _("Awaiting response"), _("Response overdue"),
                ],
                table,
                s,
            )
        )

    # 6 Evaluation
    progress(55, _("Evaluation scores"))
    story += _evaluation_section(plan, s, font)

    # 7 Evidence, counted: the files are in the system
    progress(60, _("Evidence"))
    story.append(_p(_("7. Evidence"), s["h1"]))
    if total.tasks:
        story.append(
            _p(
                _("%(files)d evidence files back %(with)d of the %(tasks)d key tasks.")
                % {"files": total.files, "with": total.with_evidence, "tasks": total.tasks},
                s["body"],
            )
        )
        story.append(
            _p(
                _(
                    "The files themselves are not listed in this report: they are in the system, on each key task's page; each prefecture's key tasks are listed at the path given in the table. A version listing every task and file name is generated with the option “with task detail”."
                ),
                s["body"],
            )
        )
        story.append(_p(_("7.1 By prefecture"), s["h2"]))
        rows = [[t.name, t.tasks, t.with_evidence, t.files, t.path] for t in done.by_plan]
        rows.append([total.name, total.tasks, total.with_evidence, total.files, ""])
        story.append(
            _table(
                [_("Prefecture"), _("Key tasks"), _("Tasks with evidence"), _("Evidence files"), _("In the system")],
                rows,
                s,
                [44 * mm, 20 * mm, 32 * mm, 32 * mm, 42 * mm],
            )
        )
        story.append(_p(_("7.2 By section"), s["h2"]))
        rows = [[t.name, t.tasks, t.with_evidence, t.files] for t in done.by_section]
        story.append(_table([_("Section"), _("Key tasks"), _("Tasks with evidence"), _("Evidence files")], rows, s))
    else:
        story.append(_p(_("No key task data."), s["missing"]))

    story += _extra_sections("final", plan, None, 8, s)

    if with_task_detail:
        progress(62, _("Task detail"))
        story.append(PageBreak())
        story.append(_p(_("Appendix. Key tasks and their evidence files, by prefecture"), s["h1"]))
        for name, path, lines in report_province.task_detail(plan, children):
            story.append(_p(f"{name}（{path}）", s["h2"]))
            # A row per task, its file names under it across the whole width (a 68 mm column
            # of names made the appendix three times as long).
            rows, spans = [], set()
            for line in lines:
                rows.append(
                    [
                        line.task.code,
                        line.task.title,
                        line.lead,
                        line.task.get_light_display(),
                        f"{line.task.progress}%",
                        len(line.files),
                    ]
                )
                if line.files:
                    spans.add(len(rows))
                    rows.append([list_separator().join(line.files)])
            story.append(
                _table(
                    [_("No."), _("Key task"), _("Lead department"), _("Light"), _("Progress"), _("Evidence files")],
                    rows,
                    s,
                    [12 * mm, 70 * mm, 34 * mm, 16 * mm, 18 * mm, 20 * mm],
                    spans=frozenset(spans),
                )
            )

    progress(70, _("Typesetting"))
    return _build(story, plan=plan, subject=_("Final assessment report"), multi=True, cover=True, progress=progress)


def _province_bulletin(
    plan: Plan,
    children: list[Plan],
    period: Period,
    story: list,
    s,
    *,
    on: datetime.date,
    progress: Callable[[int, str], None],
    with_task_detail: bool,
) -> bytes:
    """The bulletin of a plan handed down to ``children``: one row per prefecture in every table;
    the overdue reports and the notices listed one by one only ``with_task_detail``."""
    names = {p.pk: report_province.plan_label(p, plan) for p in [plan, *children]}
    order = {pk: n for n, pk in enumerate(names)}
    tasks = report_province.scope_tasks(plan, children).values("pk")
    reports = ProgressReport.objects.filter(
        task__in=tasks, period__starts_on__gte=period.starts_on, period__ends_on__lte=period.ends_on
    )

    story.append(_p(_("1. Progress reports by prefecture"), s["h1"]))
    rows = sorted(
        reports.values("task__plan_id")
        .annotate(**_report_counts(), overdue=Count("pk", filter=overdue_condition(on)))
        .order_by(),
        key=lambda r: order[r["task__plan_id"]],
    )
    if rows:
        keys = ["due", "submitted", "on_time", "approved", "overdue"]
        table = [[names[r["task__plan_id"]]] + [r[k] for k in keys] for r in rows]
        table.append([_("Total")] + [sum(r[k] for r in rows) for k in keys])
        story.append(
            _table(
                [_("Prefecture"), _("Reports due"), _("Submitted"), _("On time"), _("Approved"), _("Overdue")], table, s
            )
        )
    else:
        story.append(_p(_("No progress reports in this period."), s["missing"]))

    story.append(_p(_("2. Task lights by prefecture"), s["h1"]))
    done = report_province.completion(plan, children, evidence=False)
    if done.by_plan:
        story.append(_table(_tally_header(_("Prefecture")), _tally_rows(done.by_plan + [done.total]), s))
    else:
        story.append(_p(_("No key task data."), s["missing"]))

    story.append(_p(_("3. Overdue reports"), s["h1"]))
    overdue = sum(r["overdue"] for r in rows)
    if overdue:
        story.append(
            _p(
                _("%(count)d report(s) of this period are overdue on %(date)s; by prefecture in table 1.")
                % {"count": overdue, "date": date_format(on)},
                s["body"],
            )
        )
        if with_task_detail:
            listed = reports.overdue(on).select_related("task", "department").order_by("task__plan__region__code", "due_on", "task__position")
            table = [
                [names[r.task.plan_id], r.task.code, r.task.title, r.department.name, date_format(r.due_on), (on - r.due_on).days]
                for r in listed
            ]
            story.append(
                _table(
                    [_("Prefecture"), _("No."), _("Key task"), _("Department"), _("Due on"), _("Days overdue")],
                    table,
                    s,
                    [24 * mm, 12 * mm, 56 * mm, 36 * mm, 24 * mm, 18 * mm],
                )
            )
    else:
        story.append(_p(_("No overdue reports."), s["missing"]))

    story.append(_p(_("4. Supervision notices issued"), s["h1"]))
    notices = SupervisionNotice.objects.filter(
        task__in=tasks, issued_at__date__gte=period.starts_on, issued_at__date__lte=period.ends_on
    )
    levels = SupervisionNotice.Level.values
    counts = sorted(
        notices.values("task__plan_id")
        .annotate(
            **{level: Count("pk", filter=Q(level=level)) for level in levels},
            total=Count("pk"),
            closed=Count("pk", filter=Q(status=SupervisionNotice.Status.CLOSED)),
        )
        .order_by(),
        key=lambda r: order[r["task__plan_id"]],
    )
    if counts:
        keys = [*levels, "total", "closed"]
        table = [[names[r["task__plan_id"]]] + [r[k] for k in keys] for r in counts]
        table.append([_("Total")] + [sum(r[k] for r in counts) for k in keys])
        header = [_("Prefecture")] + [str(label) for label in SupervisionNotice.Level.labels] + [_("Total"), _("Closed")]
        story.append(_table(header, table, s))
        if with_task_detail:
            listed = notices.select_related("task", "department").order_by("issued_at", "pk")
            table = [
                [n.reference, names[n.task.plan_id], n.task.title, n.department.name, n.get_level_display(), n.get_status_display()]
                for n in listed
            ]
            story.append(Spacer(1, 3 * mm))
            story.append(
                _table(
                    [_("Reference"), _("Prefecture"), _("Key task"), _("Department"), _("Level"), _("Status")],
                    table,
                    s,
                    [30 * mm, 22 * mm, 48 * mm, 34 * mm, 16 * mm, 20 * mm],
                )
            )
    else:
        story.append(_p(_("No notices were issued in this period."), s["missing"]))

    progress(50, _("Indicator values"))
    story.append(_p(_("5. Indicator values approved"), s["h1"]))
    approved = IndicatorValue.objects.filter(
        status=IndicatorValue.Status.APPROVED,
        decided_at__date__gte=period.starts_on,
        decided_at__date__lte=period.ends_on,
    )
    values = list(approved.filter(indicator__plan=plan).select_related("indicator").order_by("indicator__position", "period_code"))
    if values:
        table = [
            [
                f"{v.indicator.code} {v.indicator.name}",
                ReportingPeriod.label_of_code(v.period_code),
                _indicator_number(v.indicator, v.value) if v.indicator.is_numeric else v.text,
            ]
            for v in values
        ]
        story.append(_table([_("Indicator"), _("Period"), _("Value")], table, s, [100 * mm, 30 * mm, 40 * mm]))
    by_prefecture = sorted(
        approved.filter(indicator__plan__in=children).values("indicator__plan_id").annotate(n=Count("pk")).order_by(),
        key=lambda r: order[r["indicator__plan_id"]],
    )
    if by_prefecture:
        story.append(Spacer(1, 3 * mm))
        table = [[names[r["indicator__plan_id"]], r["n"]] for r in by_prefecture]
        story.append(_table([_("Prefecture"), _("Indicator values approved")], table, s, [80 * mm, 50 * mm]))
    if not values and not by_prefecture:
        story.append(_p(_("No indicator values were approved in this period."), s["missing"]))

    story += _extra_sections("bulletin", plan, period, 6, s)

    progress(70, _("Typesetting"))
    return _build(story, plan=plan, subject=_("Supervision bulletin") + " " + period.code, multi=False, cover=False, progress=progress)
