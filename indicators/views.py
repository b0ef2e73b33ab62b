"""Pages of the main indicators. Thin: they read through ``indicators.access`` and act through
``indicators.services``."""

from decimal import Decimal
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from audit.models import AuditEntry
from common.exports import xlsx_bytes
from common.pagination import paginate
from common.views import add_errors, requested_export
from evidence.services import evidence_for
from exports.views import export_list
from indicators import access, region_targets, selectors, services
from indicators.attainment import LABELS, attainment, indicator_statuses, indicator_trend, statuses_of
from indicators.comparison import ComparisonTable, comparison, comparison_chart
from indicators.filters import IndicatorFilter
from indicators.forms import (
    IndicatorDefinitionForm,
    IndicatorImportForm,
    JudgementForm,
    NewValueForm,
    RegionTargetsForm,
    TargetSheetForm,
    ValueForm,
    target_field_name,
)
from indicators.models import Indicator, IndicatorImport, IndicatorValue
from indicators.tables import IndicatorTable
from tasks.access import can_review, get_plan_for_user, require_plan_import, sees_all_tasks, visible_plans
from tasks.breakdown_table import TableError
from tasks.models import Plan
from workflows.forms import DecisionForm
from workflows.lifecycle import undecided_evidence
from workflows.views import WriterPage, decide_view, evidence_remove_view, evidence_upload_view

PAGE_SIZE = 25


def _plan_and_year(request: HttpRequest) -> tuple[Plan | None, int | None]:
    plan = None
    raw = request.GET.get("plan", "")
    if raw.isdigit():
        plan = get_plan_for_user(request.user, int(raw))
    else:
        plan = visible_plans(request.user).exclude(status=Plan.Status.DRAFT).first()
    if plan is None:
        return None, None
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and plan.start_year <= int(raw_year) <= plan.end_year else selectors.default_year(plan)
    return plan, year


def indicator_list(request: HttpRequest) -> HttpResponse:
    """主要指标: the plan's indicators with their latest approved value and attainment in a year."""
    plan, year = _plan_and_year(request)
    indicators = access.visible_indicators(request.user)
    indicators = selectors.indicator_rows(indicators.filter(plan=plan) if plan else indicators.none())
    data = request.GET.copy()
    if plan:
        data.setdefault("plan", str(plan.pk))
        data.setdefault("year", str(year))
    filterset = IndicatorFilter(
        data, queryset=indicators, plans=visible_plans(request.user), plan=plan, statuses=lambda qs: indicator_statuses(qs, year)
    )
    rows = filterset.qs
    table = IndicatorTable(rows)
    export_format = requested_export(request)
    if export_format:
        # The attainment of each chunk of exported indicators, as it is read.
        prepare = (lambda records: table.statuses.update(statuses_of(list(records), year))) if plan else None
        return export_list(request, table, export_format, f"indicators-{plan.pk if plan else 0}-{year or ''}", prepare=prepare)
    paginate(request, table, default=PAGE_SIZE)
    # The attainment of the page's indicators only (the list of a plan of hundreds shows 25).
    table.statuses = statuses_of([row.record for row in table.page.object_list], year) if plan else {}
    return render(request, "indicators/indicator_list.html", {"plan": plan, "year": year, "filter": filterset, "table": table})


def render_indicator_page(request: HttpRequest, indicator, *, form=None, status=200) -> HttpResponse:
    prefetch_related_objects([indicator], "annual_targets")  # plan, region and department came with it
    plan = indicator.plan
    can_report = access.can_report(request.user, indicator)
    if can_report and form is None:
        form = NewValueForm(indicator=indicator)
    values = list(
        access.visible_values(request.user).filter(indicator=indicator).select_related("region", "reported_by").order_by("-year", "-period_code")
    )
    for value in values:  # each row shows its value in the indicator's unit: not one query per row
        value.indicator = indicator
    annual = {t.year: t for t in indicator.annual_targets.all()}
    context = {
        "indicator": indicator,
        "plan": plan,
        "targets": [(year, annual.get(year)) for year in plan.years],
        "trend": indicator_trend(indicator, plan.years),
        "values": values,
        "form": form if can_report else None,
        "can_report": can_report,
        "is_cascaded": indicator.cascaded_indicators.exists(),
        "parent_visible": bool(indicator.parent_id)
        and access.visible_indicators(request.user).filter(pk=indicator.parent_id).exists(),
        "can_edit_definition": services.can_edit_definition(request.user, indicator),
        "can_set_region_targets": indicator.is_numeric and region_targets.can_set_region_targets(request.user, indicator),
    }
    return render(request, "indicators/indicator_detail.html", context, status=status)


@require_safe
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_indicator_page(request, access.get_indicator_for_user(request.user, pk))


@require_POST
def value_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a value of the indicator: save it as a draft, or submit it at once (``submit``)."""
    indicator = access.get_indicator_for_user(request.user, pk)
    if not access.can_report(request.user, indicator):
        raise PermissionDenied
    form = NewValueForm(request.POST, indicator=indicator)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.VALUE_FIELDS}
        try:
            record = services.value_save(
                user=request.user, indicator=indicator, year=form.cleaned_data["year"], period_code=form.cleaned_data["period_code"], data=data
            )
            if "submit" in request.POST:
                services.value_submit(record=record, user=request.user)
                messages.success(request, _("The value has been submitted for review."))
            else:
                messages.success(request, _("The draft has been saved."))
            return redirect(record)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render_indicator_page(request, indicator, form=form, status=400)


def render_value_page(request, record, *, form=None, decision_form=None, judgement_form=None, status=200, fresh=False):
    """The value page: the liaison's form, the evidence, the supervisor's decision and judgement.
    ``fresh``: the record was just read by the gatekeeper, with its relations (a GET)."""
    if not fresh:
        record.refresh_from_db()
    indicator = record.indicator
    can_edit = access.can_edit_value(request.user, record)
    if can_edit and form is None:
        form = ValueForm(initial={**_typed_initial(record), "version": record.version}, indicator=indicator)
    reviews = can_review(request.user)
    can_decide = reviews and record.status == IndicatorValue.Status.SUBMITTED
    state = attainment(indicator, record.year, record)
    context = {
        "record": record,
        "indicator": indicator,
        "plan": indicator.plan,
        "form": form if can_edit else None,
        "can_edit": can_edit,
        "can_decide": can_decide,
        "can_judge": reviews and not indicator.is_numeric and record.status in {IndicatorValue.Status.SUBMITTED, IndicatorValue.Status.APPROVED},
        "decision_form": decision_form or DecisionForm(),
        "judgement_form": judgement_form or JudgementForm(),
        "evidence": evidence_for(record),
        "pending_files": can_decide and bool(undecided_evidence(record)),
        "attainment": state,
        "attainment_label": LABELS[state],
        "timeline": AuditEntry.objects.for_object(record).select_related("actor"),
    }
    return render(request, "indicators/value_detail.html", context, status=status)


def _typed_initial(record: IndicatorValue) -> dict:
    return {
        "value": _plain(record.value),
        "numerator": _plain(record.numerator),
        "denominator": _plain(record.denominator),
        "text": record.text,
        "source": record.source,
    }


@require_safe
def value_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_value_page(request, access.get_value_for_user(request.user, pk), fresh=True)


def _typed_value(request: HttpRequest, record: IndicatorValue) -> tuple[ValueForm, dict | None, int | None]:
    """The liaison's form as posted, and its data when valid (an upload or removal saves it too)."""
    form = ValueForm(request.POST, indicator=record.indicator)
    if "version" not in request.POST or not form.is_valid():
        return form, None, None
    return form, {k: v for k, v in form.cleaned_data.items() if k in services.VALUE_FIELDS}, form.cleaned_data["version"]


@require_POST
def value_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft, or save and submit (button ``submit``)."""
    record = access.get_value_for_user(request.user, pk)
    form, data, version = _typed_value(request, record)
    if data is not None:
        try:
            if "submit" in request.POST:
                services.value_submit(record=record, user=request.user, version=version, data=data)
                messages.success(request, _("The value has been submitted for review."))
            else:
                services.value_save(user=request.user, record=record, data=data, version=version)
                messages.success(request, _("The draft has been saved."))
            return redirect(record)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render_value_page(request, record, form=form, status=400)


value_decide = decide_view(
    get_subject=access.get_value_for_user,
    render=lambda request, record, form, status: render_value_page(request, record, decision_form=form, status=status),
)


@require_POST
def value_judge(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor records whether a qualitative indicator's target is met."""
    record = access.get_value_for_user(request.user, pk)
    if not can_review(request.user):
        raise PermissionDenied
    form = JudgementForm(request.POST)
    if form.is_valid():
        try:
            services.value_judge(record=record, user=request.user, **form.cleaned_data)
            messages.success(request, _("The judgement has been recorded."))
            return redirect(record)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render_value_page(request, record, judgement_form=form, status=400)


def _value_typed(request: HttpRequest, record: IndicatorValue) -> tuple[ValueForm | None, dict | None]:
    if "version" not in request.POST:
        return None, {}
    form, data, version = _typed_value(request, record)
    return form, (None if data is None else {"data": data, "version": version})


VALUE_PAGE = WriterPage(
    get_subject=access.get_value_for_user,
    typed=_value_typed,
    attach=lambda record, user, uploads, **typed: services.value_attach_evidence(record=record, user=user, uploads=uploads, **typed),
    remove=lambda record, user, evidence, **typed: services.value_remove_evidence(record=record, user=user, evidence=evidence, **typed),
    render=lambda request, record, form, status: render_value_page(request, record, form=form, status=status),
)
value_evidence_upload = evidence_upload_view(VALUE_PAGE)
value_evidence_remove = evidence_remove_view(VALUE_PAGE)


def _plain(number) -> str:
    return "" if number is None else f"{number.normalize():f}"


def completeness(request: HttpRequest) -> HttpResponse:
    """Reporting completeness and timeliness per department (supervisors, evaluators, administrators)."""
    if not sees_all_tasks(request.user):
        raise PermissionDenied
    plan, year = _plan_and_year(request)
    if plan is None:
        raise Http404
    rows = selectors.department_completeness(plan, year)
    return render(
        request,
        "indicators/completeness.html",
        {"plan": plan, "year": year, "rows": rows, "plans": visible_plans(request.user), "years": list(plan.years)},
    )



# --- import of an indicator sheet (administrators) -------------------------------------------


def indicator_import_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: upload. Nothing is saved to the plan; the file is kept for the preview."""
    require_plan_import(request.user)
    initial = {"plan": request.GET["plan"]} if request.GET.get("plan", "").isdigit() else {}
    form = IndicatorImportForm(request.POST or None, request.FILES or None, initial=initial)
    form.fields["plan"].queryset = visible_plans(request.user).exclude(status=Plan.Status.CLOSED)  # region scope
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        record = IndicatorImport(
            original_name=upload.name[:255],
            plan=form.cleaned_data["plan"],
            create_departments=form.cleaned_data["create_departments"],
            sheet=form.cleaned_data["sheet"].strip(),
            uploaded_by=request.user,
        )
        suffix = Path(upload.name).suffix.lower()  # the reader tells .csv and .xls by the name too
        record.file.save(f"indicators{suffix}", ContentFile(upload.read()), save=False)
        record.save()
        return redirect("indicators:import_preview", pk=record.pk)
    return render(request, "indicators/indicator_import.html", {"form": form})


def _import_record(request: HttpRequest, pk: int) -> IndicatorImport:
    require_plan_import(request.user)
    return get_object_or_404(IndicatorImport.objects.select_related("plan"), pk=pk, uploaded_by=request.user)


def _run_import(record: IndicatorImport, user, *, dry_run: bool) -> services.IndicatorImportResult:
    with record.file.open("rb") as fh:
        data = fh.read()
    return services.indicators_import(
        data=data,
        plan=record.plan,
        create_departments=record.create_departments,
        dry_run=dry_run,
        actor=user,
        filename=record.original_name,
        sheet_name=record.sheet,
    )


def indicator_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: the indicators the import would create, or every problem found; confirm to save."""
    record = _import_record(request, pk)
    context = {"record": record, "plan": record.plan}
    if record.status == IndicatorImport.Status.PREVIEWED:
        try:
            context["result"] = _run_import(record, request.user, dry_run=True)
        except TableError as exc:
            context["problems"] = exc.problems
    return render(request, "indicators/indicator_import_preview.html", context)


@require_POST
def indicator_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    record = _import_record(request, pk)
    with transaction.atomic():
        record = IndicatorImport.objects.select_for_update().select_related("plan").get(pk=record.pk)
        if record.status != IndicatorImport.Status.PREVIEWED:
            messages.error(request, _("This upload has already been imported."))
            return redirect(f"{reverse('indicators:indicator_list')}?plan={record.plan_id}")
        try:
            result = _run_import(record, request.user, dry_run=False)
        except TableError:
            messages.error(request, _("The sheet has problems; nothing was imported."))
            return redirect("indicators:import_preview", pk=record.pk)
        record.status = IndicatorImport.Status.APPLIED
        record.save(update_fields=["status"])
    messages.success(
        request, _("Imported %(count)d indicators into “%(plan)s”.") % {"count": result.created_indicators, "plan": record.plan}
    )
    return redirect(f"{reverse('indicators:indicator_list')}?plan={record.plan_id}")


# --- the regions an indicator was cascaded to: comparison and per-region targets ---------------


def _year_of(request: HttpRequest, plan: Plan) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and plan.start_year <= int(raw) <= plan.end_year:
        return int(raw)
    return selectors.default_year(plan)


@require_safe
def region_comparison(request: HttpRequest, pk: int) -> HttpResponse:
    """地区对比: each region's value, numerator and denominator, own target and attainment; the total
    rolled up against the indicator's target; a bar chart. ``?_export=xlsx`` downloads the table."""
    indicator = access.get_indicator_for_user(request.user, pk)
    prefetch_related_objects([indicator], "annual_targets")  # plan, region and department came with it
    year = _year_of(request, indicator.plan)
    result, rows = comparison(indicator, year)
    table = ComparisonTable(rows, indicator=indicator)
    export_format = requested_export(request)
    if export_format:
        return export_list(request, table, export_format, f"indicator-{indicator.pk}-regions-{year}")
    context = {
        "indicator": indicator,
        "plan": indicator.plan,
        "year": year,
        "years": list(indicator.plan.years),
        "result": result,
        "table": table,
        "chart": comparison_chart(result, unit=indicator.unit_display if indicator.unit_kind != Indicator.UnitKind.RATIO else "")
        if result.rows and indicator.is_numeric
        else None,
    }
    return render(request, "indicators/region_comparison.html", context)


def _targets_indicator(request: HttpRequest, pk: int) -> Indicator:
    indicator = access.get_indicator_for_user(request.user, pk)
    if not region_targets.can_set_region_targets(request.user, indicator):
        raise PermissionDenied
    if not indicator.is_numeric:
        raise Http404
    return indicator


def _render_targets(request, indicator, grid, form, *, sheet_form=None, problems=None, preview=False, status=200):
    context = {
        "indicator": indicator,
        "plan": indicator.plan,
        "grid": grid,
        "form": form,
        "sheet_form": sheet_form or TargetSheetForm(),
        "problems": problems or [],
        "preview": preview,
    }
    return render(request, "indicators/region_targets.html", context, status=status)


def region_targets_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Each region's target per year in one grid (default: the indicator's own target)."""
    indicator = _targets_indicator(request, pk)
    grid = region_targets.target_grid(indicator)
    form = RegionTargetsForm(request.POST or None, grid=grid)
    if request.method == "POST" and form.is_valid():
        try:
            count = region_targets.region_targets_set(indicator=indicator, values=form.values(), actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("%(count)d targets changed.") % {"count": count})
            return redirect("indicators:region_targets", pk=indicator.pk)
        return _render_targets(request, indicator, grid, form, status=400)
    return _render_targets(request, indicator, grid, form)


def _cell(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, (int, float, Decimal)):
        return f"{Decimal(str(raw)).normalize():f}"
    return str(raw).strip()


@require_POST
def region_targets_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid read from a sheet (地区 · 代码 · years): shown for checking; nothing is saved until
    the grid is confirmed."""
    indicator = _targets_indicator(request, pk)
    grid = region_targets.target_grid(indicator)
    sheet_form = TargetSheetForm(request.POST, request.FILES)
    if not sheet_form.is_valid():
        return _render_targets(request, indicator, grid, RegionTargetsForm(grid=grid), sheet_form=sheet_form, status=400)
    try:
        sheet = region_targets.read_target_sheet(sheet_form.cleaned_data["file"].read(), grid)
    except TableError as exc:
        return _render_targets(request, indicator, grid, RegionTargetsForm(grid=grid), sheet_form=sheet_form, problems=exc.problems, status=400)
    initial = {target_field_name(ind_pk, year): _cell(raw) for (ind_pk, year), raw in sheet.values.items()}
    form = RegionTargetsForm(initial=initial, grid=grid)
    return _render_targets(
        request, indicator, grid, form, sheet_form=sheet_form, problems=sheet.problems, preview=True, status=400 if sheet.problems else 200
    )


@require_safe
def region_targets_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid as a sheet to fill in (the current targets)."""
    indicator = _targets_indicator(request, pk)
    grid = region_targets.target_grid(indicator)
    response = HttpResponse(
        xlsx_bytes(region_targets.grid_rows(grid), title=str(_("Targets by region"))),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="indicator-{indicator.pk}-region-targets.xlsx"'
    return response


def indicator_definition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The indicator's definition, aggregation and the labels of its numerator and denominator."""
    indicator = access.get_indicator_for_user(request.user, pk)
    if not services.can_edit_definition(request.user, indicator):
        raise PermissionDenied
    form = IndicatorDefinitionForm(request.POST or None, instance=Indicator.objects.get(pk=indicator.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_definition_update(
                indicator=indicator, actor=request.user, data={f: form.cleaned_data[f] for f in services.DEFINITION_FIELDS}
            )
        except ValidationError as exc:
            add_errors(form, exc, request)
        else:
            messages.success(request, _("The indicator's definition has been saved."))
            return redirect(indicator)
    status = 400 if request.method == "POST" else 200
    return render(request, "indicators/indicator_definition.html", {"indicator": indicator, "plan": indicator.plan, "form": form}, status=status)
