"""下达 of indicators: the same page as for key tasks (``tasks.cascade_views``), for indicators."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from indicators.cascade import cascade_indicators
from indicators.models import Indicator
from tasks import access
from tasks.cascade_views import cascadable_plan, cascade_page_context
from tasks.forms import CascadeForm


def cascade_indicators_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = cascadable_plan(request, pk)
    indicators = Indicator.objects.filter(plan=plan).prefetch_related("cascaded_indicators__plan__region").order_by("position", "pk")
    form = CascadeForm(
        request.POST or None, items=indicators, regions=access.cascade_regions(request.user, plan), items_label=_("Indicators")
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = cascade_indicators(
                plan=plan, indicators=form.cleaned_data["items"], regions=form.cleaned_data["regions"], actor=request.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("%(indicators)d indicators were cascaded to %(regions)d regions (%(plans)d new plans of the regions below).")
                % {"indicators": len(form.cleaned_data["items"]), "regions": len(form.cleaned_data["regions"]), "plans": len(result.plans_created)},
            )
            return redirect("indicators:cascade", pk=plan.pk)
    rows = [[copy.plan.region for copy in indicator.cascaded_indicators.all()] for indicator in indicators]
    return render(
        request,
        "tasks/cascade_form.html",
        {
            **cascade_page_context(request, plan),
            "form": form,
            "title": _("Cascade indicators"),
            "rows": zip(form["items"], rows, strict=True),
        },
    )
