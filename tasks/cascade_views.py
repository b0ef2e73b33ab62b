"""下达: a supervisor of the plan's region hands key tasks down to the regions below (``tasks.cascade``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tasks import access, cascade
from tasks.forms import CascadeForm
from tasks.models import KeyTask, Plan


def cascade_page_context(request: HttpRequest, plan: Plan) -> dict:
    """What both cascade pages (tasks, indicators) show around their form."""
    return {"plan": plan, "children": plan.cascaded_plans.select_related("region").order_by("region__code", "region__name")}


def cascadable_plan(request: HttpRequest, pk: int) -> Plan:
    plan = access.get_plan_for_user(request.user, pk)
    if not access.can_cascade(request.user, plan):
        raise PermissionDenied
    return plan


def cascade_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    plan = cascadable_plan(request, pk)
    tasks = KeyTask.objects.filter(plan=plan).prefetch_related("cascaded_tasks__plan__region").order_by("position", "pk")
    form = CascadeForm(
        request.POST or None, items=tasks, regions=access.cascade_regions(request.user, plan), items_label=_("Key tasks")
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = cascade.cascade_tasks(
                plan=plan, tasks=form.cleaned_data["items"], regions=form.cleaned_data["regions"], actor=request.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("%(tasks)d key tasks were cascaded to %(regions)d regions (%(plans)d new plans of the regions below).")
                % {"tasks": len(form.cleaned_data["items"]), "regions": len(form.cleaned_data["regions"]), "plans": len(result.plans_created)},
            )
            return redirect("tasks:cascade_tasks", pk=plan.pk)
    return render(
        request,
        "tasks/cascade_form.html",
        {
            **cascade_page_context(request, plan),
            "form": form,
            "title": _("Cascade key tasks"),
            "rows": zip(form["items"], [[copy.plan.region for copy in task.cascaded_tasks.all()] for task in tasks], strict=True),
        },
    )
