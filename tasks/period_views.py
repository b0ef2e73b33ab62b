"""Reporting periods of a plan: the list, and a supervisor's close and reopen (``tasks.periods``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tasks import access, periods, selectors
from tasks.forms import PeriodCloseForm, PeriodReopenForm
from tasks.models import ReportingPeriod


def period_list(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, plan_pk)
    return render(
        request,
        "tasks/period_list.html",
        {
            "plan": plan,
            "periods": selectors.plan_periods(plan=plan),
            "can_manage": access.can_review(request.user),
            "reopen_form": PeriodReopenForm(),
            "close_form": PeriodCloseForm(),
        },
    )


def _period_for_supervisor(request: HttpRequest, pk: int) -> ReportingPeriod:
    if not access.can_review(request.user):
        raise PermissionDenied
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)
    access.get_plan_for_user(request.user, period.plan_id)
    return period


@require_POST
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period_for_supervisor(request, pk)
    form = PeriodCloseForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    periods.period_close(period=period, user=request.user, comment=comment)
    messages.success(request, _("The reporting period %(period)s is closed.") % {"period": period})
    return redirect("tasks:period_list", plan_pk=period.plan_id)


@require_POST
def period_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period_for_supervisor(request, pk)
    form = PeriodReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the period is reopened."))
        periods.period_reopen(period=period, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The reporting period %(period)s is open again.") % {"period": period})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("tasks:period_list", plan_pk=period.plan_id)
