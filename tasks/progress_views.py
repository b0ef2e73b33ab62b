"""Pages of progress reporting: work lists, reports, contributions, milestone claims. Thin:
they read through the gatekeeper and selectors and act through ``tasks.progress``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from common.pagination import paginate
from common.views import add_errors, export_table, requested_export
from evidence.models import Evidence
from evidence.services import evidence_for
from tasks import access, progress, selectors
from tasks.filters import ReportFilter
from tasks.forms import ContributionForm, DecisionForm, MilestoneClaimForm, ReassignForm, ReportForm
from tasks.models import Milestone, ProgressReport
from tasks.tables import ReportTable

PAGE_SIZE = 25


def report_list_page(request: HttpRequest, queryset, *, title: str, name: str, extra: dict | None = None) -> HttpResponse:
    filterset = ReportFilter(request.GET or None, queryset=queryset)
    table = ReportTable(filterset.qs)
    paginate(request, table, default=PAGE_SIZE)
    export_format = requested_export(request)
    if export_format:
        return export_table(table, export_format, name)
    return render(
        request, "tasks/progress/work_list.html", {"title": title, "filter": filterset, "table": table, "list_name": name, **(extra or {})}
    )


def archive(request: HttpRequest) -> HttpResponse:
    """已办结: approved reports the user may read."""
    return report_list_page(request, selectors.archive_reports(user=request.user), title=_("Archive"), name="archive")


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    can_edit = access.can_edit_report(request.user, report)
    can_decide = access.can_review(request.user) and report.status == ProgressReport.Status.SUBMITTED
    form = ReportForm(instance=report, initial={"version": report.version}) if can_edit else None
    return render_report_page(request, report, form=form, can_edit=can_edit, can_decide=can_decide)


# Other apps add panels to the report page (extension requests …): each provider is called with
# the user, the report and the keyword arguments given for it, and returns template context.
REPORT_PAGE_PANELS: list = []


def register_report_panel(provider) -> None:
    if provider not in REPORT_PAGE_PANELS:
        REPORT_PAGE_PANELS.append(provider)


def render_report_page(request, report, *, form, can_edit, can_decide, decision_form=None, status=200, panels=None):
    contributions = report.contributions.select_related("department", "submitted_by")
    reassign_form = None
    if report.is_editable and access.is_department_head(request.user, report.department_id):
        reassign_form = ReassignForm(department=report.department, initial={"assignee": report.assignee_id})
    return render(
        request,
        "tasks/progress/report_detail.html",
        {
            "report": report,
            "task": report.task,
            "form": form,
            "can_edit": can_edit,
            "can_decide": can_decide,
            "decision_form": decision_form or DecisionForm(),
            "reassign_form": reassign_form,
            "contributions": contributions,
            "evidence": evidence_for(report),
            "changes": progress.report_changes(report) if report.round > 1 else [],
            "submissions": report.submissions.select_related("submitted_by", "decided_by"),
            "timeline": AuditEntry.objects.for_object(report).select_related("actor"),
        }
        | {key: value for provider in REPORT_PAGE_PANELS for key, value in provider(request.user, report, **(panels or {})).items()},
        status=status,
    )


@require_POST
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft, or save and submit (button ``submit``)."""
    report = access.get_report_for_user(request.user, pk)
    form = ReportForm(request.POST, instance=ProgressReport.objects.get(pk=report.pk))
    if form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        try:
            if "submit" in request.POST:
                progress.report_submit(report=report, user=request.user, version=form.cleaned_data["version"], data=data)
                messages.success(request, _("The report has been submitted for review."))
            else:
                progress.report_save(report=report, user=request.user, data=data, version=form.cleaned_data["version"])
                messages.success(request, _("The draft has been saved."))
            return redirect(report)
        except ValidationError as exc:
            add_errors(form, exc, request)
    report.refresh_from_db()
    return render_report_page(request, report, form=form, can_edit=access.can_edit_report(request.user, report), can_decide=False, status=400)


@require_POST
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    decision = request.POST.get("decision")
    if decision not in {"approve", "return"}:
        form.add_error(None, _("Choose whether to approve or to return the report."))
    if form.is_valid():
        seen = form.cleaned_data["round"]
        try:
            if decision == "approve":
                progress.report_approve(report=report, user=request.user, comment=form.cleaned_data["reason"], round=seen)
                messages.success(request, _("The report has been approved."))
            else:
                progress.report_return(report=report, user=request.user, reason=form.cleaned_data["reason"], round=seen)
                messages.success(request, _("The report has been returned to the liaison."))
            return redirect(report)
        except ValidationError as exc:
            add_errors(form, exc, request)
    report.refresh_from_db()
    can_decide = access.can_review(request.user) and report.status == ProgressReport.Status.SUBMITTED
    return render_report_page(request, report, form=None, can_edit=False, can_decide=can_decide, decision_form=form, status=400)


@require_POST
def report_evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, _("Choose one or more files to upload."))
        return redirect(report)
    try:
        attached = progress.report_attach_evidence(report=report, user=request.user, uploads=files)
        messages.success(request, _("%(count)d file(s) attached.") % {"count": len(attached)})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(report)


@require_POST
def report_evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, removed_at__isnull=True)
    try:
        progress.report_remove_evidence(report=report, user=request.user, evidence=evidence)
        messages.success(request, _("The file has been removed from the draft."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(report)


@require_POST
def report_evidence_review(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, removed_at__isnull=True)
    try:
        progress.report_review_evidence(
            report=report,
            user=request.user,
            evidence=evidence,
            accepted=request.POST.get("decision") == "accept",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(report)


@require_POST
def report_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    form = ReassignForm(request.POST, department=report.department)
    if form.is_valid():
        try:
            progress.report_reassign(report=report, user=request.user, assignee=form.cleaned_data["assignee"])
            messages.success(request, _("The report has been handed to %(user)s.") % {"user": form.cleaned_data["assignee"]})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose a liaison of the same department."))
    return redirect(report)


def contribution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = access.get_contribution_for_user(request.user, pk)
    can_edit = access.can_edit_contribution(request.user, contribution)
    form = ContributionForm(request.POST or None, initial={"content": contribution.content}) if can_edit else None
    if request.method == "POST":
        if contribution.department_id not in access.user_department_ids(request.user):
            raise PermissionDenied
        form = form or ContributionForm(request.POST)  # submitted meanwhile: the service says so
        if form.is_valid():
            try:
                if "submit" in request.POST:
                    progress.contribution_submit(contribution=contribution, user=request.user, content=form.cleaned_data["content"])
                    messages.success(request, _("Your contribution has been submitted to the lead department."))
                else:
                    progress.contribution_save(contribution=contribution, user=request.user, content=form.cleaned_data["content"])
                    messages.success(request, _("The draft has been saved."))
                return redirect(contribution)
            except ValidationError as exc:
                add_errors(form, exc, request)
    return render(
        request,
        "tasks/progress/contribution_detail.html",
        {"contribution": contribution, "report": contribution.report, "form": form, "can_edit": can_edit},
        status=400 if request.method == "POST" else 200,
    )


def milestone_claim_new(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("task"), pk=pk)
    access.get_key_task_for_user(request.user, milestone.task_id)
    if access.claiming_department(request.user, milestone) is None:
        raise PermissionDenied
    form = MilestoneClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = progress.milestone_claim_submit(
                milestone=milestone, user=request.user, uploads=request.FILES.getlist("files"), **form.cleaned_data
            )
            messages.success(request, _("The milestone has been claimed complete and awaits verification."))
            return redirect(claim)
        except ValidationError as exc:
            add_errors(form, exc, request)
    return render(
        request, "tasks/progress/milestone_claim_form.html", {"milestone": milestone, "task": milestone.task, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def milestone_claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim_for_user(request.user, pk)
    can_revise = claim.is_editable and claim.created_by_id == request.user.pk
    revise_form = MilestoneClaimForm(initial={"completed_on": claim.completed_on, "note": claim.note}) if can_revise else None
    decision_form = DecisionForm()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("decision") in {"approve", "return"}:
                decision_form = DecisionForm(request.POST)
                if decision_form.is_valid():
                    reason = decision_form.cleaned_data["reason"]
                    if request.POST["decision"] == "approve":
                        progress.milestone_claim_approve(claim=claim, user=request.user, comment=reason)
                        messages.success(request, _("The milestone has been approved."))
                    else:
                        progress.milestone_claim_return(claim=claim, user=request.user, reason=reason)
                        messages.success(request, _("The claim has been returned."))
                    return redirect(claim)
            else:
                revise_form = MilestoneClaimForm(request.POST)
                if revise_form.is_valid():
                    progress.milestone_claim_resubmit(
                        claim=claim, user=request.user, uploads=request.FILES.getlist("files"), **revise_form.cleaned_data
                    )
                    messages.success(request, _("The milestone has been claimed again."))
                    return redirect(claim)
        except ValidationError as exc:
            add_errors(decision_form if request.POST.get("decision") else revise_form, exc, request)
        status = 400
    return render(
        request,
        "tasks/progress/milestone_claim_detail.html",
        {
            "claim": claim,
            "milestone": claim.milestone,
            "task": claim.milestone.task,
            "evidence": evidence_for(claim),
            "can_decide": access.can_review(request.user) and claim.status == claim.Status.SUBMITTED,
            "decision_form": decision_form,
            "revise_form": revise_form,
            "timeline": AuditEntry.objects.for_object(claim.milestone).select_related("actor"),
        },
        status=status,
    )
