"""Pages of extension requests (延期申请): the liaison asks from the report page, supervisors
decide from the report page or from the list of pending requests. Thin: they read through the
gatekeeper (``tasks.access``) and act through ``supervision.extensions``."""

import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.pagination import paginate
from common.views import add_errors
from supervision import extensions
from supervision.models import ExtensionRequest
from tasks import access
from tasks.forms import ReportForm
from tasks.models import ProgressReport
from tasks.progress_views import render_report_page

PAGE_SIZE = 25


class ExtensionRequestForm(forms.Form):
    """The liaison's request. Not required here: the service says what is missing."""

    requested_due_on = forms.DateField(
        label=gettext_lazy("New due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Later than the current due date, by at most 90 days."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why the report needs more time"),
        required=False,
        max_length=extensions.MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class ExtensionDecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason / comment"),
        required=False,
        max_length=extensions.MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


def extension_context(user, report: ProgressReport, *, form=None, decision_form=None) -> dict:
    """What the report page shows of extensions: the request form (the assignee, while the
    report is being written and nothing is pending), the pending request with the decision form
    (supervisors), and the requests made so far. One query."""
    requests = list(
        report.extension_requests.select_related("requested_by", "decided_by").order_by("-requested_at", "-pk")
    )
    pending = next((r for r in requests if r.status == ExtensionRequest.Status.PENDING), None)
    can_request = pending is None and access.can_edit_report(user, report)
    can_decide = pending is not None and access.can_review(user)
    return {
        "extension_requests": requests,
        "decided_extensions": [r for r in requests if r.status != ExtensionRequest.Status.PENDING],
        "pending_extension": pending,
        "extension_form": (form or ExtensionRequestForm()) if can_request else None,
        "can_decide_extension": can_decide,
        "can_grant_extension": pending is not None and report.is_editable,
        # Built only for the supervisor who is shown it.
        "extension_decision_form": (decision_form or ExtensionDecisionForm()) if can_decide else decision_form,
    }


def _report_page(request: HttpRequest, report: ProgressReport, **extension) -> HttpResponse:
    """The report page again, with the extension form or decision form and its errors (400)."""
    report = access.get_report_for_user(request.user, report.pk)
    can_edit = access.can_edit_report(request.user, report)
    form = ReportForm(instance=report, initial={"version": report.version}) if can_edit else None
    can_decide = access.can_review(request.user) and report.status == ProgressReport.Status.SUBMITTED
    return render_report_page(
        request, report, form=form, can_edit=can_edit, can_decide=can_decide, status=400, panels=extension
    )


def _next_or(request: HttpRequest, default) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=set()):
        return HttpResponseRedirect(target)
    return redirect(default)


@require_POST
def extension_new(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, report_id)
    if not access.is_report_assignee(request.user, report):
        raise PermissionDenied
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            extensions.extension_request(report=report, user=request.user, **form.cleaned_data)
            messages.success(request, _("Your extension request has been sent to the supervisors."))
            return redirect(report)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return _report_page(request, report, form=form)


def _visible_extension(request: HttpRequest, pk: int) -> ExtensionRequest:
    """The request, if the user may see its report (404 otherwise)."""
    return get_object_or_404(
        ExtensionRequest.objects.filter(report__in=access.visible_reports(request.user)).select_related("report"), pk=pk
    )


@require_GET
def extension_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A request is decided on its report's page (the work lists link here)."""
    return redirect(_visible_extension(request, pk).report.get_absolute_url() + "#extension-card")


@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = _visible_extension(request, pk)
    if not access.can_review(request.user):
        raise PermissionDenied
    form = ExtensionDecisionForm(request.POST)
    decision = request.POST.get("decision")
    if decision not in {"approve", "reject"}:
        form.add_error(None, _("Choose whether to approve or to reject the request."))
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if decision == "approve":
                extensions.extension_approve(extension=extension, user=request.user, comment=reason)
                messages.success(
                    request,
                    _("The extension has been granted: the report is now due %(due)s.")
                    % {"due": date_format(extension.requested_due_on)},
                )
            else:
                extensions.extension_reject(extension=extension, user=request.user, reason=reason)
                messages.success(request, _("The extension request has been refused."))
            return _next_or(request, extension.report)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return _report_page(request, extension.report, decision_form=form)


class PendingExtensionTable(tables.Table):
    report = tables.Column(verbose_name=gettext_lazy("Key task"), order_by=("report__task__position",))
    department = tables.Column(verbose_name=gettext_lazy("Department"), accessor="report__department")
    period = tables.Column(verbose_name=gettext_lazy("Reporting period"), accessor="report__period", order_by=("report__period__starts_on",))
    report_status = tables.Column(verbose_name=gettext_lazy("Status"), accessor="report__status", orderable=False)
    current_due_on = tables.Column(verbose_name=gettext_lazy("Due"))
    requested_due_on = tables.Column(verbose_name=gettext_lazy("New due date"))
    reason = tables.Column(verbose_name=gettext_lazy("Reason"), orderable=False)
    requested_by = tables.Column(verbose_name=gettext_lazy("Requested by"), orderable=False)
    requested_at = tables.Column(verbose_name=gettext_lazy("Requested"))
    decide = tables.Column(verbose_name=gettext_lazy("Decision"), empty_values=(), orderable=False)

    class Meta:
        model = ExtensionRequest
        fields = ["report", "department", "period", "report_status", "current_due_on", "requested_due_on", "reason", "requested_by", "requested_at", "decide"]
        order_by = ("requested_at",)
        empty_text = gettext_lazy("No extension request awaits a decision.")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "extension-table"}

    def render_report(self, value):
        return format_html('<a href="{}">{} {}</a>', value.get_absolute_url(), value.task.code, value.task.title)

    def render_report_status(self, record):
        return record.report.get_status_display()

    def render_current_due_on(self, record, value):
        if record.report.is_extended:
            return format_html(
                '{}<br><small class="text-body-secondary">{} {}</small>',
                date_format(value),
                _("originally"),
                date_format(record.report.period.due_on),
            )
        return date_format(value)

    def render_requested_due_on(self, record, value):
        days = (value - record.current_due_on).days
        return format_html(
            '{}<br><small class="text-body-secondary">{}</small>',
            date_format(value),
            _("+%(days)d days") % {"days": days},
        )

    def render_decide(self, record):
        approve = format_html(
            '<button type="submit" name="decision" value="approve" class="btn btn-sm btn-success">{}</button>', _("Approve")
        )
        return format_html(
            '<form method="post" action="{}" class="d-flex flex-column gap-1 extension-decision" style="min-width:14rem">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="next" value="{}">'
            '<textarea name="reason" rows="1" class="form-control form-control-sm" placeholder="{}" aria-label="{}"></textarea>'
            '<div class="d-flex gap-1">{}'
            '<button type="submit" name="decision" value="reject" class="btn btn-sm btn-outline-danger">{}</button>'
            "</div></form>",
            reverse("supervision:extension_decide", args=[record.pk]),
            get_token(self.request),
            self.request.get_full_path(),
            _("reason (required to refuse)"),
            _("Reason / comment"),
            approve if record.report.is_editable else "",
            _("Refuse"),
        )


@require_GET
def extension_list(request: HttpRequest) -> HttpResponse:
    """待审延期申请: the pending requests, for supervisors."""
    if not access.can_review(request.user):
        raise PermissionDenied
    rows = extensions.pending_extensions().filter(report__in=access.visible_reports(request.user))
    table = PendingExtensionTable(rows)
    paginate(request, table, default=PAGE_SIZE)
    return render(request, "supervision/extension_list.html", {"table": table})
