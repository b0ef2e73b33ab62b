"""Pages of funding: the line list, a line with its ledger, the forms. Thin: they read through
``funding.access`` and ``funding.selectors`` and write through ``funding.services``."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.pagination import paginate
from common.views import add_errors, requested_export
from evidence.models import Evidence
from exports.views import export_list
from funding import access, selectors, services
from funding.filters import FundingLineFilter
from funding.forms import EntryForm, LineForm, ReverseForm
from funding.models import LedgerEntry
from funding.tables import FundingLineTable
from tasks.access import visible_plans

PAGE_SIZE = 25


def _chosen_plan(request: HttpRequest):
    plans = visible_plans(request.user)
    raw = request.GET.get("plan") or request.POST.get("plan")
    if raw:
        try:
            return plans.get(pk=int(raw)), plans
        except (ValueError, plans.model.DoesNotExist) as exc:
            raise Http404 from exc
    plan = plans.filter(status="active").first() or plans.first()
    return plan, plans


def line_list(request: HttpRequest) -> HttpResponse:
    """经费: the funding lines of one plan (``?plan=``; default the latest plan in force)."""
    plan, plans = _chosen_plan(request)
    if plan is None:
        return render(request, "funding/line_list.html", {"plan": None})
    filterset = FundingLineFilter(request.GET or None, queryset=selectors.plan_lines(user=request.user, plan=plan), plan=plan, plans=plans)
    lines = filterset.qs  # counted and totalled without their figures (cheaper to write and to run)
    export_format = requested_export(request)
    table = FundingLineTable(selectors.with_figures(lines, plan=plan), totals=None if export_format else selectors.lines_total(lines))
    if export_format:
        return export_list(request, table, export_format, f"funding-lines-{plan.pk}")
    paginate(request, table, default=PAGE_SIZE, count=lines.count())
    return render(
        request,
        "funding/line_list.html",
        {"plan": plan, "filter": filterset, "table": table, "can_create": access.keeps_books(request.user)},
    )


def _ledger_rows(line):
    entries = list(selectors.ledger(line=line))
    files = defaultdict(list)
    evidence = Evidence.objects.filter(
        content_type=ContentType.objects.get_for_model(LedgerEntry), object_id__in=[e.pk for e in entries], removed_at__isnull=True
    ).order_by("uploaded_at")
    for item in evidence:
        files[item.object_id].append(item)
    return [(entry, files.get(entry.pk, [])) for entry in entries]


def _render_line(request, line, *, entry_form=None, reverse_form=None, status=200):
    kinds = access.recordable_kinds(request.user, line)
    return render(
        request,
        "funding/line_detail.html",
        {
            "line": selectors.line_totals(line=line),
            "plan": line.plan,
            "tasks": line.tasks.order_by("position", "pk"),
            "rows": _ledger_rows(line),
            "kinds": kinds,
            "entry_form": entry_form or (EntryForm(kinds=kinds) if kinds else None),
            "reverse_form": reverse_form,
        },
        status=status,
    )


def line_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_line(request, access.get_line_for_user(request.user, pk))


@require_POST
def entry_new(request: HttpRequest, pk: int) -> HttpResponse:
    line = access.get_line_for_user(request.user, pk)
    kinds = access.recordable_kinds(request.user, line)
    if not kinds:
        raise PermissionDenied
    form = EntryForm(request.POST, kinds=kinds)
    if form.is_valid():
        try:
            services.entry_record(line=line, user=request.user, uploads=request.FILES.getlist("files"), **form.cleaned_data)
            messages.success(request, _("The entry has been recorded."))
            return redirect(line)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return _render_line(request, line, entry_form=form, status=400)


@require_POST
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    line = access.get_line_for_user(request.user, pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        entry = get_object_or_404(LedgerEntry, pk=form.cleaned_data["entry"], line=line)
        if not access.can_record(request.user, line, entry.kind):
            raise PermissionDenied
        try:
            services.entry_reverse(entry=entry, user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The entry has been reversed."))
            return redirect(line)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Give the reason for reversing the entry."))
    return _render_line(request, line, reverse_form=form, status=400)


def line_new(request: HttpRequest) -> HttpResponse:
    access.require_line_create(request.user)
    plan, _plans = _chosen_plan(request)
    if plan is None:
        raise Http404
    form = LineForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.line_create(plan=plan, user=request.user, **form.cleaned_data)
            messages.success(request, _("The funding line has been created."))
            return redirect(line)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render(request, "funding/line_form.html", {"plan": plan, "form": form}, status=400 if request.method == "POST" else 200)
