"""A plan's lifecycle on its page: put in force, close, reopen (``tasks.services``).

Supervisors and administrators overseeing the plan's region act; anyone else gets 404 (the plan is
out of their sight) or 403 (they see it but may not change it). Each action is one POST, confirmed
in the page (``data-confirm``) and recorded in the audit trail."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tasks import access, services
from tasks.forms import PlanReopenForm
from tasks.models import Plan


def _managed_plan(request: HttpRequest, pk: int) -> Plan:
    plan = access.get_plan_for_user(request.user, pk)
    if not access.can_manage_plan_status(request.user, plan):
        raise PermissionDenied
    return plan


def _set_status(request: HttpRequest, pk: int, status: str, done: str) -> HttpResponse:
    plan = _managed_plan(request, pk)
    try:
        services.plan_set_status(plan=plan, status=status, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"plan": plan.title})
    return redirect(plan)


@require_POST
def plan_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_status(request, pk, Plan.Status.ACTIVE, _("The plan %(plan)s is in force."))


@require_POST
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_status(request, pk, Plan.Status.CLOSED, _("The plan %(plan)s is closed."))


@require_POST
def plan_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    form = PlanReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the plan is reopened."))
        services.plan_reopen(plan=plan, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan %(plan)s is in force again.") % {"plan": plan.title})
    return redirect(plan)
