"""Pages of supervision notices (督办单): the list, the issue form, the notice with the action of
whoever may act (one URL and one view per action), and the PDF. Thin: they read through the
gatekeeper in ``supervision.notices`` and act through its services; the answer's evidence and the
decision are the shared review templates (``templates/review/``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from audit.models import AuditEntry
from common.pagination import paginate
from common.views import add_errors, requested_export
from evidence.services import evidence_for
from evidence.views import content_disposition
from exports.views import export_list
from supervision import notices
from supervision.filters import NoticeFilter
from supervision.forms import NoticeIssueForm, NoticeResponseForm
from supervision.pdf import notice_pdf
from supervision.review_kinds import NOTICE_ANSWER
from supervision.tables import LEVEL_CSS, STATUS_CSS, NoticeTable
from tasks import access
from workdays.calendar import add_working_days
from workflows.forms import DecisionForm
from workflows.lifecycle import undecided_evidence
from workflows.views import WriterPage, decide_view, evidence_remove_view, evidence_upload_view

PAGE_SIZE = 25


def notice_list(request: HttpRequest) -> HttpResponse:
    """督办单: the notices the user may see, filtered, paginated, exportable."""
    filterset = NoticeFilter(request.GET or None, queryset=notices.notice_rows(user=request.user), request=request)
    table = NoticeTable(filterset.qs)
    export_format = requested_export(request)
    if export_format:
        return export_list(request, table, export_format, "supervision-notices")
    paginate(request, table, default=PAGE_SIZE)
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


@require_safe
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_notice_page(request, notices.get_notice_for_user(request.user, pk), fresh=True)


def render_notice_page(request, notice, *, answer_form=None, decision_form=None, status=200, fresh=False) -> HttpResponse:
    """The notice: its facts, the answer (the liaison's form, or what was answered), the evidence
    with the shared controls, the supervisor's decision, the history. ``fresh``: the notice was just
    read by the gatekeeper, with its relations (a GET)."""
    if not fresh:
        notice.refresh_from_db()
    user = request.user
    can_respond = notices.can_respond(user, notice)
    can_decide = notices.can_decide(user, notice)
    if can_respond and answer_form is None:
        answer_form = NoticeResponseForm(initial={"response": notice.response, "version": notice.version})
    context = {
        "notice": notice,
        "task": notice.task,
        "plan": notice.task.plan,
        "level_css": LEVEL_CSS[notice.level],
        "status_css": STATUS_CSS[notice.status],
        "overdue": notices.is_overdue(notice),
        "can_acknowledge": notices.can_acknowledge(user, notice),
        "can_respond": can_respond,
        "can_decide": can_decide,
        "response_form": answer_form if can_respond else None,
        "decision_form": decision_form or DecisionForm(),
        "evidence": evidence_for(notice),
        "pending_files": can_decide and bool(undecided_evidence(notice)),
        "timeline": AuditEntry.objects.for_object(notice).select_related("actor"),
    }
    return render(request, "supervision/notice_detail.html", context, status=status)


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


def _typed_answer(request: HttpRequest, notice) -> tuple[NoticeResponseForm, str | None, int | None]:
    """The liaison's form as posted (rights first), and its answer when valid: an upload or a
    removal saves it too, so nothing typed is lost."""
    if not NOTICE_ANSWER.can_write(request.user, notice):
        raise PermissionDenied
    form = NoticeResponseForm(request.POST)
    if "response" not in request.POST or not form.is_valid():
        return form, None, None
    return form, form.cleaned_data["response"], form.cleaned_data["version"]


@require_POST
def notice_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the answer as a draft, or save and submit it (button ``submit``) with any file chosen."""
    notice = notices.get_notice_for_user(request.user, pk)
    form, response, version = _typed_answer(request, notice)
    if response is not None:
        try:
            if "submit" in request.POST:
                notices.notice_respond(
                    notice=notice, user=request.user, response=response, version=version, uploads=request.FILES.getlist("files")
                )
                messages.success(request, _("Your response has been sent to the supervisor."))
            else:
                notices.notice_save(notice=notice, user=request.user, response=response, version=version)
                messages.success(request, _("The draft has been saved."))
            return redirect(notice)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render_notice_page(request, notice, answer_form=form, status=400)


def _answer_typed(request: HttpRequest, notice) -> tuple[NoticeResponseForm, dict | None]:
    form, response, version = _typed_answer(request, notice)  # rights first
    if "response" not in request.POST:
        return form, {}
    return form, (None if response is None else {"response": response, "version": version})


NOTICE_PAGE = WriterPage(
    get_subject=notices.get_notice_for_user,
    typed=_answer_typed,
    attach=lambda notice, user, uploads, **typed: notices.notice_attach_evidence(notice=notice, user=user, uploads=uploads, **typed),
    remove=lambda notice, user, evidence, **typed: notices.notice_remove_evidence(notice=notice, user=user, evidence=evidence, **typed),
    render=lambda request, notice, form, status: render_notice_page(request, notice, answer_form=form, status=status),
)
notice_evidence_upload = evidence_upload_view(NOTICE_PAGE)
notice_evidence_remove = evidence_remove_view(NOTICE_PAGE)


notice_decide = decide_view(
    get_subject=notices.get_notice_for_user,
    render=lambda request, notice, form, status: render_notice_page(request, notice, decision_form=form, status=status),
)


@require_GET
def notice_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notices.get_notice_for_user(request.user, pk)
    response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{notice.reference}.pdf")
    return response
