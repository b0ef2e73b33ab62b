"""Pages of supervision notices (督办单): the list, the issue form, the notice with the action of
whoever may act, and the PDF. Thin: they read through the gatekeeper in ``supervision.notices``
and act through its services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEntry
from common.pagination import paginate
from common.views import add_errors, export_table, requested_export
from evidence.services import evidence_for
from evidence.views import content_disposition
from supervision import notices
from supervision.filters import NoticeFilter
from supervision.forms import FILE_TYPES, NoticeDecisionForm, NoticeIssueForm, NoticeResponseForm
from supervision.pdf import notice_pdf
from supervision.tables import LEVEL_CSS, STATUS_CSS, NoticeTable
from tasks import access
from workdays.calendar import add_working_days

PAGE_SIZE = 25


def notice_list(request: HttpRequest) -> HttpResponse:
    """督办单: the notices the user may see, filtered, paginated, exportable."""
    filterset = NoticeFilter(request.GET or None, queryset=notices.notice_rows(user=request.user))
    table = NoticeTable(filterset.qs)
    paginate(request, table, default=PAGE_SIZE)
    export_format = requested_export(request)
    if export_format:
        return export_table(table, export_format, "supervision-notices")
    return render(request, "supervision/notice_list.html", {"filter": filterset, "table": table})


def notice_new(request: HttpRequest) -> HttpResponse:
    """A supervisor issues a notice about one task: ``notices/new/?task=<id>``."""
    if not notices.can_issue(request.user):
        raise PermissionDenied
    try:
        task_pk = int(request.GET.get("task", ""))
    except ValueError:
        messages.error(request, _("Open the key task first, then issue the notice from its page."))
        return redirect("supervision:notice_list")
    task = access.get_key_task_for_user(request.user, task_pk)
    default_due_on = add_working_days(timezone.localdate(), task.plan.notice_response_working_days)
    form = NoticeIssueForm(request.POST or None, task=task, default_due_on=default_due_on)
    if request.method == "POST" and form.is_valid():
        try:
            notice = notices.notice_issue(task=task, user=request.user, **form.cleaned_data)
            messages.success(
                request, _("Supervision notice %(reference)s has been issued to %(department)s.")
                % {"reference": notice.reference, "department": notice.department.name},
            )
            return redirect(notice)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render(
        request,
        "supervision/notice_form.html",
        {"task": task, "plan": task.plan, "form": form, "default_due_on": default_due_on, "level_css": LEVEL_CSS},
        status=400 if request.method == "POST" else 200,
    )


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notices.get_notice_for_user(request.user, pk)
    return _render_notice(request, notice)


def _render_notice(request, notice, *, response_form=None, decision_form=None, status=200) -> HttpResponse:
    user = request.user
    can_respond = notices.can_respond(user, notice)
    return render(
        request,
        "supervision/notice_detail.html",
        {
            "notice": notice,
            "task": notice.task,
            "plan": notice.task.plan,
            "level_css": LEVEL_CSS[notice.level],
            "status_css": STATUS_CSS[notice.status],
            "overdue": notices.is_overdue(notice),
            "can_acknowledge": notices.can_acknowledge(user, notice),
            "can_respond": can_respond,
            "can_decide": notices.can_decide(user, notice),
            "response_form": response_form or (NoticeResponseForm(initial={"response": notice.response}) if can_respond else None),
            "decision_form": decision_form or NoticeDecisionForm(),
            "file_types": FILE_TYPES,
            "evidence": evidence_for(notice),
            "timeline": AuditEntry.objects.for_object(notice).select_related("actor"),
        },
        status=status,
    )


@require_POST
def notice_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notices.get_notice_for_user(request.user, pk)
    try:
        notices.notice_acknowledge(notice=notice, user=request.user)
        messages.success(request, _("You have acknowledged the notice. Respond with the measures taken."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(notice)


@require_POST
def notice_respond(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notices.get_notice_for_user(request.user, pk)
    form = NoticeResponseForm(request.POST)
    if form.is_valid():
        try:
            notices.notice_respond(
                notice=notice, user=request.user, response=form.cleaned_data["response"], uploads=request.FILES.getlist("files")
            )
            messages.success(request, _("Your response has been sent to the supervisor."))
            return redirect(notice)
        except ValidationError as exc:
            add_errors(form, exc, request)
    elif not notices.is_liaison_of(request.user, notice.department_id):
        raise PermissionDenied
    notice.refresh_from_db()
    return _render_notice(request, notice, response_form=form if notices.can_respond(request.user, notice) else None, status=400)


@require_POST
def notice_decide(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notices.get_notice_for_user(request.user, pk)
    form = NoticeDecisionForm(request.POST)
    decision = request.POST.get("decision")
    if decision not in {"accept", "return"}:
        form.add_error(None, _("Choose whether to accept or to return the response."))
    if form.is_valid():
        try:
            if decision == "accept":
                notices.notice_accept(notice=notice, user=request.user, comment=form.cleaned_data["reason"])
                messages.success(request, _("The response has been accepted and the notice closed."))
            else:
                notices.notice_return(notice=notice, user=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("The response has been returned to the department."))
            return redirect(notice)
        except ValidationError as exc:
            add_errors(form, exc, request)
    elif not notices.can_issue(request.user):
        raise PermissionDenied
    notice.refresh_from_db()
    return _render_notice(request, notice, decision_form=form, status=400)


@require_GET
def notice_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notices.get_notice_for_user(request.user, pk)
    response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{notice.reference}.pdf")
    return response
