from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from common import charts
from common.pagination import paginate
from common.views import requested_export
from dashboards import province, selectors
from dashboards.filters import MatrixFilter, RegionTaskFilter
from dashboards.tables import MatrixTable, RegionTaskTable
from exports.views import export_list
from tasks import access

MATRIX_ROWS = 50  # key tasks per page of the matrix


def plan_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, pk)
    data = selectors.plan_dashboard(user=request.user, plan=plan)
    departments = data["department_lights"]
    light_chart = charts.bar_chart(
        title=_("Key tasks by light and department"),
        categories=[str(d) for d in departments],
        series=[
            charts.Series(_("Red"), [d.red for d in departments], charts.LIGHT_COLOURS["red"]),
            charts.Series(_("Yellow"), [d.yellow for d in departments], charts.LIGHT_COLOURS["yellow"]),
            charts.Series(_("Green"), [d.green for d in departments], charts.LIGHT_COLOURS["green"]),
        ],
        stacked=True,
    )
    rows = data["completeness"]
    completeness_chart = charts.bar_chart(
        title=_("Reporting completeness by department"),
        categories=[str(d) for d in rows],
        series=[
            charts.Series(_("Submitted (%)"), [d.share_submitted for d in rows]),
            charts.Series(_("On time (%)"), [d.share_on_time for d in rows], charts.PALETTE[1]),
        ],
        unit="%",
    )
    return render(
        request,
        "dashboards/plan.html",
        {
            "plan": plan, **data, "light_chart": light_chart, "completeness_chart": completeness_chart,
            **province.dashboard_links(user=request.user, plan=plan),
        },
    )


def funding_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Execution by source, by department and by year (万元), each chart with its table."""
    from funding.selectors import execution_by, lagging_lines

    plan = access.get_plan_for_user(request.user, pk)
    groups = []
    for by, title in (("source", _("Execution by source")), ("department", _("Execution by department")), ("year", _("Execution by year"))):
        rows = execution_by(user=request.user, plan=plan, by=by)
        chart = charts.bar_chart(
            title=title,
            categories=[str(r["label"]) for r in rows],
            series=[
                charts.Series(_("Allocated"), [_wan(r["allocated"]) for r in rows], charts.PALETTE[0]),
                charts.Series(_("Disbursed"), [_wan(r["disbursed"]) for r in rows], charts.PALETTE[5]),
                charts.Series(_("Spent"), [_wan(r["spent"]) for r in rows], charts.PALETTE[1]),
            ],
            unit=_("10k yuan"),
        )
        groups.append({"by": by, "title": title, "rows": rows, "chart": chart})
    lagging = lagging_lines(plan=plan, on=timezone.localdate(), user=request.user)
    return render(request, "dashboards/funding.html", {"plan": plan, "groups": groups, "lagging": lagging})


def _wan(value):
    return None if value is None else float(value) / 10_000


def indicator_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Attainment of every indicator, and a trend chart per indicator against its annual targets."""
    plan = access.get_plan_for_user(request.user, pk)
    year = min(max(timezone.localdate().year, plan.start_year), plan.end_year)
    board = selectors.indicator_board(user=request.user, plan=plan, year=year)
    for row in board:
        indicator = row["indicator"]
        row["chart"] = charts.line_chart(
            title=indicator.name,
            labels=[str(s.year) for s in row["trend"]],
            series=[
                charts.Series(_("Value"), [s.value.value if s.value else None for s in row["trend"]], charts.PALETTE[0]),
                charts.Series(_("Target"), [s.target for s in row["trend"]], charts.PALETTE[2], dashed=True),
            ],
            unit=indicator.unit_label if len(indicator.unit_label) <= 2 else "",
            height=220,
        )
    return render(request, "dashboards/indicators.html", {"plan": plan, "year": year, "board": board})


def region_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    """The province's view: the plan's cascaded tasks × the regions they went to (staff only)."""
    province.require_staff(request.user)
    plan = access.get_plan_for_user(request.user, pk)
    plans = province.cascaded_plans(user=request.user, plan=plan)
    filterset = MatrixFilter(request.GET or None, queryset=province.matrix_rows(plan=plan, plans=plans), plan=plan, plans=plans)
    rows = filterset.qs
    table = MatrixTable(rows, plan=plan, plans=plans, tallies=province.column_tallies(rows=rows, plans=plans))
    export_format = requested_export(request)
    if export_format:  # every row, not one page
        table.cells = province.cells(parents=rows, plans=plans)
        return export_list(request, table, export_format, f"cascade-{plan.pk}")
    paginate(request, table, default=MATRIX_ROWS)
    table.cells = province.cells(parents=[row.record.pk for row in table.page.object_list], plans=plans)
    return render(request, "dashboards/region_matrix.html", {"plan": plan, "plans": plans, "filter": filterset, "table": table})


def region_tasks(request: HttpRequest, pk: int, region_pk: int) -> HttpResponse:
    """Drill-down from the matrix: one region's copies of the plan's cascaded tasks, by lead department."""
    province.require_staff(request.user)
    plan = access.get_plan_for_user(request.user, pk)
    child = province.get_cascaded_plan(user=request.user, plan=plan, region_pk=region_pk)
    rows = child.key_tasks.filter(parent__plan=plan).order_by("position", "pk")
    filterset = RegionTaskFilter(request.GET or None, queryset=rows, plan=child)
    table = RegionTaskTable(filterset.qs, plan=plan, region_id=child.region_id)
    paginate(request, table)
    found = province.cells(parents=[row.record.parent_id for row in table.page.object_list], plans=[child], with_leads=True)
    table.cells = {cell.task.pk: cell for cell in found.values()}
    department = filterset.form.cleaned_data.get("department") if filterset.is_bound and filterset.is_valid() else None
    return render(
        request,
        "dashboards/region_tasks.html",
        {"plan": plan, "child": child, "region": child.region, "department": department, "filter": filterset, "table": table},
    )
